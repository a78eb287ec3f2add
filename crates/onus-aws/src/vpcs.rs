//! VPCs and their flow logs: `DescribeVpcs` per region, and one
//! `DescribeFlowLogs` for the region whose flow logs are kept in each VPC's
//! `raw.FlowLogs` (those whose `ResourceId` is the VPC; API field names). When
//! the flow logs cannot be read, `FlowLogs` is absent and the catalog's
//! mapping leaves `logging.flow_logs` unobserved.

use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource, tag_map};

const VPC: &str = "aws.ec2.vpc";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let ec2 = crate::ec2::client(&account, &region);
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "ec2").await;
    let (listed, err) = pages(ec2.describe_vpcs().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps
            .push(gap(&scope, "ec2", "DescribeVpcs", &e, &[VPC], &[], vec![]));
    }
    let vpcs: Vec<&aws_sdk_ec2::types::Vpc> = listed.iter().flat_map(|p| p.vpcs()).collect();
    if vpcs.is_empty() {
        return out;
    }
    account.pace(Some(&region), "ec2").await;
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
        let mut r = resource(&arn, &account.id, Some(&region), VPC, Some(&name));
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
