//! EC2: regions, instances (with SSM patch state), EBS volumes and snapshots,
//! the account's AMIs, EBS encryption by default, security groups.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::{HttpTokensState, PermissionGroup, SnapshotAttributeName};
use onus_model::{Gap, IngressRule, Protocol, RuleAccess};
use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource, source, tag_map};

const INSTANCE: &str = "aws.ec2.instance";
const VOLUME: &str = "aws.ec2.volume";
const SNAPSHOT: &str = "aws.ec2.snapshot";
const SG: &str = "aws.ec2.security-group";
const IMAGE: &str = "aws.ec2.image";
const EBS_DEFAULT: &str = "aws.ec2.ebs-encryption-default";

/// An EC2 client for `region`, with the read-only guard and the retry budget.
pub(crate) fn client(account: &Account, region: &str) -> aws_sdk_ec2::Client {
    let config = account.in_region(region);
    aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    )
}

/// The regions enabled for the account; on failure the configured region alone, and a gap.
pub(crate) async fn enabled_regions(account: &Account) -> (Vec<String>, Option<Gap>) {
    let home = account
        .config
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".to_owned());
    account.pace(Some(&home), "ec2").await;
    match client(account, &home).describe_regions().send().await {
        Ok(out) => {
            let mut regions: Vec<String> = out
                .regions()
                .iter()
                .filter_map(|r| r.region_name().map(str::to_owned))
                .collect();
            regions.sort();
            (regions, None)
        }
        Err(e) => (
            vec![home.clone()],
            Some(gap(
                &account.scope(Some(&home)),
                "ec2",
                "DescribeRegions",
                &e,
                &[],
                &[],
                vec![],
            )),
        ),
    }
}

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let ec2 = client(&account, &region);
    let mut out = Collected::default();
    let (instances, ebs_default, volumes, snapshots, images, groups) = tokio::join!(
        instances(&account, &region, &ec2),
        ebs_default(&account, &region, &ec2),
        volumes(&account, &region, &ec2),
        snapshots(&account, &region, &ec2),
        images(&account, &region, &ec2),
        security_groups(&account, &region, &ec2),
    );
    for part in [instances, ebs_default, volumes, snapshots, images, groups] {
        out.extend(part);
    }
    out
}

async fn instances(account: &Account, region: &str, ec2: &aws_sdk_ec2::Client) -> Collected {
    let scope = account.scope(Some(region));
    let mut out = Collected::default();
    account.pace(Some(region), "ec2").await;
    let (pages, err) = pages(ec2.describe_instances().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "ec2",
            "DescribeInstances",
            &e,
            &[INSTANCE],
            &[],
            vec![],
        ));
    }
    let mut ids = Vec::new();
    for page in &pages {
        for reservation in page.reservations() {
            for i in reservation.instances() {
                let Some(id) = i.instance_id() else { continue };
                let state = i
                    .state()
                    .and_then(|s| s.name())
                    .map(|n| n.as_str().to_owned());
                if state.as_deref() == Some("terminated") {
                    continue;
                }
                let arn = format!("arn:aws:ec2:{region}:{}:instance/{id}", account.id);
                let tags = tag_map(i.tags().iter().map(|t| (t.key(), t.value())));
                let name = tags.get("Name").cloned();
                let mut r = resource(
                    &arn,
                    &account.id,
                    Some(region),
                    INSTANCE,
                    Some(name.as_deref().unwrap_or(id)),
                );
                r.tags = tags;
                let tokens = i
                    .metadata_options()
                    .and_then(|m| m.http_tokens())
                    .map(|t| t.as_str().to_owned());
                let groups: Vec<String> = i
                    .security_groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_owned))
                    .collect();
                r.raw = json!({
                    "InstanceId": id,
                    "State": {"Name": state},
                    "MetadataOptions": {"HttpTokens": tokens, "HttpEndpoint": i.metadata_options().and_then(|m| m.http_endpoint()).map(|e| e.as_str())},
                    "PublicIpAddress": i.public_ip_address(),
                    "SecurityGroups": i.security_groups().iter().map(|g| json!({"GroupId": g.group_id(), "GroupName": g.group_name()})).collect::<Vec<_>>(),
                    "IamInstanceProfile": i.iam_instance_profile().map(|p| json!({"Arn": p.arn(), "Id": p.id()})),
                    "BlockDeviceMappings": i.block_device_mappings().iter().map(|b| json!({"DeviceName": b.device_name(), "Ebs": b.ebs().map(|e| json!({"VolumeId": e.volume_id()}))})).collect::<Vec<_>>(),
                    "PlatformDetails": i.platform_details(),
                });
                if let Some(t) = i.metadata_options().and_then(|m| m.http_tokens()) {
                    r.facets
                        .identity
                        .get_or_insert_with(Default::default)
                        .imds_v2_required = Some(*t == HttpTokensState::Required);
                    source(
                        &mut r,
                        "identity.imds_v2_required",
                        "/MetadataOptions/HttpTokens",
                    );
                }
                if let Some(e) = i.metadata_options().and_then(|m| m.http_endpoint()) {
                    r.facets
                        .identity
                        .get_or_insert_with(Default::default)
                        .imds_enabled = Some(e.as_str() != "disabled");
                    source(
                        &mut r,
                        "identity.imds_enabled",
                        "/MetadataOptions/HttpEndpoint",
                    );
                }
                let net = r.facets.network.get_or_insert_with(Default::default);
                net.public_ip = Some(i.public_ip_address().is_some());
                net.security_groups = Some(groups);
                source(&mut r, "network.public_ip", "/PublicIpAddress");
                source(&mut r, "network.security_groups", "/SecurityGroups");
                ids.push(id.to_owned());
                out.resources.push(r);
            }
        }
    }
    if !ids.is_empty() {
        let patch = crate::ssm::patching(account, region, &ids).await;
        out.gaps.extend(patch.gaps);
        for r in &mut out.resources {
            let id = r.id.rsplit('/').next().unwrap_or_default().to_owned();
            if let Some((facet, raw)) = patch.by_instance.get(&id) {
                r.facets.patching = Some(facet.clone());
                if let Some(obj) = r.raw.as_object_mut() {
                    obj.insert("Ssm".to_owned(), raw.clone());
                }
                source(r, "patching.managed", "/Ssm/InstanceInformation");
                if facet.last_assessed.is_some() {
                    source(
                        r,
                        "patching.missing_critical",
                        "/Ssm/PatchState/CriticalNonCompliantCount",
                    );
                    source(
                        r,
                        "patching.missing_security",
                        "/Ssm/PatchState/SecurityNonCompliantCount",
                    );
                    source(
                        r,
                        "patching.last_assessed",
                        "/Ssm/PatchState/OperationEndTime",
                    );
                }
            }
        }
    }
    out
}

async fn ebs_default(account: &Account, region: &str, ec2: &aws_sdk_ec2::Client) -> Collected {
    let mut out = Collected::default();
    let id = format!(
        "arn:aws:ec2:{region}:{}:ebs-encryption-by-default",
        account.id
    );
    let mut r = resource(
        &id,
        &account.id,
        Some(region),
        EBS_DEFAULT,
        Some(&format!("EBS encryption by default ({region})")),
    );
    account.pace(Some(region), "ec2").await;
    match ec2.get_ebs_encryption_by_default().send().await {
        Ok(o) => {
            r.raw = json!({"EbsEncryptionByDefault": o.ebs_encryption_by_default()});
            if let Some(on) = o.ebs_encryption_by_default() {
                r.facets.encryption_at_rest = Some(onus_model::EncryptionAtRest {
                    by_default: Some(on),
                    ..Default::default()
                });
                source(
                    &mut r,
                    "encryption_at_rest.by_default",
                    "/EbsEncryptionByDefault",
                );
            }
        }
        Err(e) => out.gaps.push(gap(
            &account.scope(Some(region)),
            "ec2",
            "GetEbsEncryptionByDefault",
            &e,
            &[EBS_DEFAULT],
            &[],
            vec![id.clone()],
        )),
    }
    // The setting exists in every enabled region whether or not it could be read.
    out.resources.push(r);
    out
}

async fn volumes(account: &Account, region: &str, ec2: &aws_sdk_ec2::Client) -> Collected {
    let mut out = Collected::default();
    account.pace(Some(region), "ec2").await;
    let (pages, err) = pages(ec2.describe_volumes().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &account.scope(Some(region)),
            "ec2",
            "DescribeVolumes",
            &e,
            &[VOLUME],
            &[],
            vec![],
        ));
    }
    for v in pages.iter().flat_map(|p| p.volumes()) {
        let Some(id) = v.volume_id() else { continue };
        let arn = format!("arn:aws:ec2:{region}:{}:volume/{id}", account.id);
        let tags = tag_map(v.tags().iter().map(|t| (t.key(), t.value())));
        let mut r = resource(
            &arn,
            &account.id,
            Some(region),
            VOLUME,
            Some(tags.get("Name").map_or(id, String::as_str)),
        );
        r.tags = tags;
        let attached: Vec<&str> = v
            .attachments()
            .iter()
            .filter_map(|a| a.instance_id())
            .collect();
        r.raw = json!({
            "VolumeId": id, "Encrypted": v.encrypted(), "KmsKeyId": v.kms_key_id(), "Size": v.size(),
            "Attachments": attached.iter().map(|i| json!({"InstanceId": i})).collect::<Vec<_>>(),
        });
        if let Some(enc) = v.encrypted() {
            r.facets.encryption_at_rest = Some(onus_model::EncryptionAtRest {
                enabled: Some(enc),
                key_id: v.kms_key_id().map(str::to_owned),
                ..Default::default()
            });
            source(&mut r, "encryption_at_rest.enabled", "/Encrypted");
            source(&mut r, "encryption_at_rest.key_id", "/KmsKeyId");
        }
        out.resources.push(r);
    }
    out
}

async fn snapshots(account: &Account, region: &str, ec2: &aws_sdk_ec2::Client) -> Collected {
    let scope = account.scope(Some(region));
    let mut out = Collected::default();
    account.pace(Some(region), "ec2").await;
    let (pages, err) = pages(
        ec2.describe_snapshots()
            .owner_ids("self")
            .into_paginator()
            .send(),
    )
    .await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "ec2",
            "DescribeSnapshots",
            &e,
            &[SNAPSHOT],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_ec2::types::Snapshot> = pages
        .iter()
        .flat_map(|p| p.snapshots())
        .map(ToOwned::to_owned)
        .collect();
    let read = |s: aws_sdk_ec2::types::Snapshot| {
        let (ec2, account, scope) = (ec2.clone(), account.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let s = &s;
            let Some(id) = s.snapshot_id() else {
                return out;
            };
            let arn = format!("arn:aws:ec2:{region}:{}:snapshot/{id}", account.id);
            let tags = tag_map(s.tags().iter().map(|t| (t.key(), t.value())));
            let mut r = resource(
                &arn,
                &account.id,
                Some(region),
                SNAPSHOT,
                Some(tags.get("Name").map_or(id, String::as_str)),
            );
            r.tags = tags;
            let mut raw = json!({"SnapshotId": id, "Encrypted": s.encrypted(), "KmsKeyId": s.kms_key_id(), "VolumeId": s.volume_id()});
            if let Some(enc) = s.encrypted() {
                r.facets.encryption_at_rest = Some(onus_model::EncryptionAtRest {
                    enabled: Some(enc),
                    ..Default::default()
                });
                source(&mut r, "encryption_at_rest.enabled", "/Encrypted");
            }
            account.pace(Some(region), "ec2").await;
            match ec2
                .describe_snapshot_attribute()
                .snapshot_id(id)
                .attribute(SnapshotAttributeName::CreateVolumePermission)
                .send()
                .await
            {
                Ok(a) => {
                    let perms = a.create_volume_permissions();
                    let public = perms
                        .iter()
                        .any(|p| p.group() == Some(&PermissionGroup::All));
                    raw["CreateVolumePermissions"] = json!(perms
                            .iter()
                            .map(|p| json!({"Group": p.group().map(|g| g.as_str()), "UserId": p.user_id()}))
                            .collect::<Vec<_>>());
                    r.facets.public_access = Some(onus_model::PublicAccess {
                        shared_publicly: Some(public),
                        ..Default::default()
                    });
                    source(
                        &mut r,
                        "public_access.shared_publicly",
                        "/CreateVolumePermissions",
                    );
                }
                Err(e) => out.gaps.push(gap(
                    &scope,
                    "ec2",
                    "DescribeSnapshotAttribute",
                    &e,
                    &[SNAPSHOT],
                    &["public_access"],
                    vec![arn.clone()],
                )),
            }
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}

/// The account's own AMIs (`DescribeImages` with owner `self`): `raw` keeps
/// the API's `Public` (launch permission for group `all`) and the block device
/// mappings with their encryption; the catalog maps both.
async fn images(account: &Account, region: &str, ec2: &aws_sdk_ec2::Client) -> Collected {
    let scope = account.scope(Some(region));
    let mut out = Collected::default();
    account.pace(Some(region), "ec2").await;
    let (listed, err) = pages(ec2.describe_images().owners("self").into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "ec2",
            "DescribeImages",
            &e,
            &[IMAGE],
            &[],
            vec![],
        ));
    }
    for image in listed.iter().flat_map(|p| p.images()) {
        let Some(id) = image.image_id() else {
            continue;
        };
        let arn = format!("arn:aws:ec2:{region}:{}:image/{id}", account.id);
        let tags = tag_map(image.tags().iter().map(|t| (t.key(), t.value())));
        let name = tags
            .get("Name")
            .map(String::as_str)
            .or(image.name())
            .unwrap_or(id)
            .to_owned();
        let mut r = resource(&arn, &account.id, Some(region), IMAGE, Some(&name));
        r.tags = tags;
        r.raw = json!({
            "ImageId": id,
            "Name": image.name(),
            "State": image.state().map(|s| s.as_str()),
            "Public": image.public(),
            "CreationDate": image.creation_date(),
            "BlockDeviceMappings": image.block_device_mappings().iter().map(|m| json!({
                "DeviceName": m.device_name(),
                "Ebs": m.ebs().map(|e| json!({
                    "Encrypted": e.encrypted(),
                    "KmsKeyId": e.kms_key_id(),
                    "SnapshotId": e.snapshot_id(),
                })),
            })).collect::<Vec<_>>(),
        });
        out.resources.push(r);
    }
    out
}

async fn security_groups(account: &Account, region: &str, ec2: &aws_sdk_ec2::Client) -> Collected {
    let scope = account.scope(Some(region));
    let mut out = Collected::default();
    account.pace(Some(region), "ec2").await;
    let (pages_sg, err) = pages(ec2.describe_security_groups().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "ec2",
            "DescribeSecurityGroups",
            &e,
            &[SG],
            &[],
            vec![],
        ));
    }
    // Attachment: a group is attached when a network interface uses it.
    account.pace(Some(region), "ec2").await;
    let (pages_eni, err) = pages(ec2.describe_network_interfaces().into_paginator().send()).await;
    // Group ID -> the network interfaces that use it, as DescribeNetworkInterfaces listed them.
    let attached: Option<BTreeMap<String, Vec<Value>>> = match err {
        Some(e) => {
            out.gaps.push(gap(
                &scope,
                "ec2",
                "DescribeNetworkInterfaces",
                &e,
                &[SG],
                &[],
                vec![],
            ));
            None
        }
        None => {
            let mut uses: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for eni in pages_eni.iter().flat_map(|p| p.network_interfaces()) {
                let groups: BTreeSet<&str> =
                    eni.groups().iter().filter_map(|g| g.group_id()).collect();
                for g in groups {
                    uses.entry(g.to_owned()).or_default().push(json!({
                        "NetworkInterfaceId": eni.network_interface_id(),
                        "Groups": eni.groups().iter().map(|g| json!({"GroupId": g.group_id(), "GroupName": g.group_name()})).collect::<Vec<_>>(),
                    }));
                }
            }
            Some(uses)
        }
    };
    for g in pages_sg.iter().flat_map(|p| p.security_groups()) {
        let Some(id) = g.group_id() else { continue };
        let arn = format!("arn:aws:ec2:{region}:{}:security-group/{id}", account.id);
        let mut r = resource(
            &arn,
            &account.id,
            Some(region),
            SG,
            Some(g.group_name().unwrap_or(id)),
        );
        r.tags = tag_map(g.tags().iter().map(|t| (t.key(), t.value())));
        let mut rules = Vec::new();
        // Each rule's source, as the pointer to the entry of IpPermissions it came from.
        let mut pointers = Vec::new();
        for (pi, p) in g.ip_permissions().iter().enumerate() {
            let proto = Protocol::read(p.ip_protocol().unwrap_or("-1"));
            let (from, to) = match proto {
                Protocol::Tcp | Protocol::Udp => (
                    p.from_port().and_then(|v| u16::try_from(v).ok()),
                    p.to_port().and_then(|v| u16::try_from(v).ok()),
                ),
                _ => (None, None),
            };
            let mut sources: Vec<(String, String)> = Vec::new();
            let at = |list: &str, k: usize, field: &str| {
                format!("/IpPermissions/{pi}/{list}/{k}/{field}")
            };
            for (k, x) in p.ip_ranges().iter().enumerate() {
                if let Some(c) = x.cidr_ip() {
                    sources.push((c.to_owned(), at("IpRanges", k, "CidrIp")));
                }
            }
            for (k, x) in p.ipv6_ranges().iter().enumerate() {
                if let Some(c) = x.cidr_ipv6() {
                    sources.push((c.to_owned(), at("Ipv6Ranges", k, "CidrIpv6")));
                }
            }
            for (k, x) in p.prefix_list_ids().iter().enumerate() {
                if let Some(c) = x.prefix_list_id() {
                    sources.push((c.to_owned(), at("PrefixListIds", k, "PrefixListId")));
                }
            }
            for (k, x) in p.user_id_group_pairs().iter().enumerate() {
                if let Some(c) = x.group_id() {
                    sources.push((c.to_owned(), at("UserIdGroupPairs", k, "GroupId")));
                }
            }
            for (s, pointer) in sources {
                rules.push(IngressRule {
                    name: Some(format!("IpPermissions/{pi}")),
                    priority: None,
                    access: RuleAccess::Allow,
                    protocol: proto,
                    from_port: from,
                    to_port: to,
                    source: s,
                });
                pointers.push(pointer);
            }
        }
        let raw_perms = |perms: &[aws_sdk_ec2::types::IpPermission]| -> Vec<Value> {
            perms.iter()
            .map(|p| {
                json!({
                    "IpProtocol": p.ip_protocol(), "FromPort": p.from_port(), "ToPort": p.to_port(),
                    "IpRanges": p.ip_ranges().iter().map(|r| json!({"CidrIp": r.cidr_ip(), "Description": r.description()})).collect::<Vec<_>>(),
                    "Ipv6Ranges": p.ipv6_ranges().iter().map(|r| json!({"CidrIpv6": r.cidr_ipv6(), "Description": r.description()})).collect::<Vec<_>>(),
                    "PrefixListIds": p.prefix_list_ids().iter().map(|r| json!({"PrefixListId": r.prefix_list_id(), "Description": r.description()})).collect::<Vec<_>>(),
                    "UserIdGroupPairs": p.user_id_group_pairs().iter().map(|r| json!({"GroupId": r.group_id(), "UserId": r.user_id(), "Description": r.description()})).collect::<Vec<_>>(),
                })
            })
            .collect()
        };
        let uses = attached
            .as_ref()
            .map(|m| m.get(id).cloned().unwrap_or_default());
        let attached_now = uses.as_ref().map(|u| !u.is_empty());
        r.raw = json!({
            "GroupId": id,
            "GroupName": g.group_name(),
            "VpcId": g.vpc_id(),
            "IpPermissions": raw_perms(g.ip_permissions()),
            "IpPermissionsEgress": raw_perms(g.ip_permissions_egress()),
        });
        if let Some(uses) = uses {
            // The network interfaces DescribeNetworkInterfaces listed with this group.
            r.raw["NetworkInterfaces"] = Value::Array(uses);
        }
        r.facets.network = Some(onus_model::Network {
            ingress: Some(rules),
            attached: attached_now,
            ..Default::default()
        });
        source(&mut r, "network.ingress", "/IpPermissions");
        for (i, pointer) in pointers.iter().enumerate() {
            source(&mut r, &format!("network.ingress[{i}]"), pointer);
        }
        if attached_now.is_some() {
            source(&mut r, "network.attached", "/NetworkInterfaces");
        }
        out.resources.push(r);
    }
    out
}
