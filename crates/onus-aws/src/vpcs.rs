//! VPCs and their flow logs: `DescribeVpcs` per region, and one
//! `DescribeFlowLogs` for the region whose flow logs are kept in each VPC's
//! `raw.FlowLogs` (those whose `ResourceId` is the VPC; API field names). When
//! the flow logs cannot be read, `FlowLogs` is absent and the catalog's
//! mapping leaves `logging.flow_logs` unobserved. Subnets: `DescribeSubnets`
//! per region (`MapPublicIpOnLaunch` is mapped by the catalog).

use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource, tag_map};

const VPC: &str = "aws.ec2.vpc";
const SUBNET: &str = "aws.ec2.subnet";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let ec2 = crate::ec2::client(&account, &region);
    let mut out = subnets(&account, &region, &ec2).await;
    out.extend(vpcs(&account, &region, &ec2).await);
    out
}

/// Subnets, with the API's fields.
async fn subnets(account: &Account, region: &str, ec2: &aws_sdk_ec2::Client) -> Collected {
    let scope = account.scope(Some(region));
    let mut out = Collected::default();
    account.pace(Some(region), "ec2").await;
    let (listed, err) = pages(ec2.describe_subnets().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "ec2",
            "DescribeSubnets",
            &e,
            &[SUBNET],
            &[],
            vec![],
        ));
    }
    for s in listed.iter().flat_map(|p| p.subnets()) {
        let Some(id) = s.subnet_id() else {
            continue;
        };
        let arn = s.subnet_arn().map_or_else(
            || format!("arn:aws:ec2:{region}:{}:subnet/{id}", account.id),
            ToOwned::to_owned,
        );
        let tags = tag_map(s.tags().iter().map(|t| (t.key(), t.value())));
        let name = tags.get("Name").map_or(id, String::as_str).to_owned();
        let mut r = resource(&arn, &account.id, Some(region), SUBNET, Some(&name));
        r.tags = tags;
        r.raw = json!({
            "SubnetId": id,
            "SubnetArn": s.subnet_arn(),
            "VpcId": s.vpc_id(),
            "CidrBlock": s.cidr_block(),
            "AvailabilityZone": s.availability_zone(),
            "DefaultForAz": s.default_for_az(),
            "MapPublicIpOnLaunch": s.map_public_ip_on_launch(),
            "AssignIpv6AddressOnCreation": s.assign_ipv6_address_on_creation(),
            "State": s.state().map(|v| v.as_str()),
        });
        out.resources.push(r);
    }
    out
}

/// VPCs and their flow logs.
async fn vpcs(account: &Account, region: &str, ec2: &aws_sdk_ec2::Client) -> Collected {
    let scope = account.scope(Some(region));
    let mut out = Collected::default();
    account.pace(Some(region), "ec2").await;
    let (listed, err) = pages(ec2.describe_vpcs().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps
            .push(gap(&scope, "ec2", "DescribeVpcs", &e, &[VPC], &[], vec![]));
    }
    let vpcs: Vec<&aws_sdk_ec2::types::Vpc> = listed.iter().flat_map(|p| p.vpcs()).collect();
    if vpcs.is_empty() {
        return out;
    }
    account.pace(Some(region), "ec2").await;
    let (logs, err) = pages(ec2.describe_flow_logs().into_paginator().send()).await;
    let flow_logs: Option<Vec<Value>> = match err {
        None => Some(
            logs.iter()
                .flat_map(|p| p.flow_logs())
                .map(|f| {
                    json!({
                        "FlowLogId": f.flow_log_id(),
                        "ResourceId": f.resource_id(),
                        "FlowLogStatus": f.flow_log_status(),
                        "TrafficType": f.traffic_type().map(|t| t.as_str()),
                        "LogDestinationType": f.log_destination_type().map(|t| t.as_str()),
                        "LogDestination": f.log_destination(),
                    })
                })
                .collect(),
        ),
        Some(e) => {
            let ids = vpcs
                .iter()
                .filter_map(|v| v.vpc_id())
                .map(|id| format!("arn:aws:ec2:{region}:{}:vpc/{id}", account.id))
                .collect();
            out.gaps.push(gap(
                &scope,
                "ec2",
                "DescribeFlowLogs",
                &e,
                &[VPC],
                &["logging"],
                ids,
            ));
            None
        }
    };
    for v in vpcs {
        let Some(id) = v.vpc_id() else {
            continue;
        };
        let arn = format!("arn:aws:ec2:{region}:{}:vpc/{id}", account.id);
        let tags = tag_map(v.tags().iter().map(|t| (t.key(), t.value())));
        let name = tags.get("Name").map_or(id, String::as_str).to_owned();
        let mut r = resource(&arn, &account.id, Some(region), VPC, Some(&name));
        r.tags = tags;
        r.raw = json!({
            "VpcId": id,
            "CidrBlock": v.cidr_block(),
            "IsDefault": v.is_default(),
            "State": v.state().map(|s| s.as_str()),
        });
        if let Some(all) = &flow_logs {
            r.raw["FlowLogs"] = Value::Array(
                all.iter()
                    .filter(|f| f["ResourceId"].as_str() == Some(id))
                    .cloned()
                    .collect(),
            );
        }
        out.resources.push(r);
    }
    out
}
