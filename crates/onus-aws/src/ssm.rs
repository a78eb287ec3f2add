//! Systems Manager: which instances are managed nodes, and their patch state.

use std::collections::{BTreeSet, HashMap};

use onus_model::{Gap, Patching};
use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, pages};

const INSTANCE: &str = "aws.ec2.instance";

/// Patch facets per instance ID, and the gaps met on the way.
#[derive(Debug, Default)]
pub(crate) struct PatchInfo {
    pub by_instance: HashMap<String, (Patching, Value)>,
    pub gaps: Vec<Gap>,
}

pub(crate) fn to_chrono(t: &aws_smithy_types::DateTime) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

fn client(account: &Account, region: &str) -> aws_sdk_ssm::Client {
    let config = account.in_region(region);
    aws_sdk_ssm::Client::from_conf(
        aws_sdk_ssm::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .build(),
    )
}

/// Read the SSM state of `instance_ids` in `region`. A failed call leaves the
/// affected instances without a patching facet (so the duty is unknown) and
/// records a gap naming them.
pub(crate) async fn patching(
    account: &Account,
    region: &str,
    instance_ids: &[String],
) -> PatchInfo {
    patching_with(&client(account, region), account, region, instance_ids).await
}

pub(crate) async fn patching_with(
    ssm: &aws_sdk_ssm::Client,
    account: &Account,
    region: &str,
    instance_ids: &[String],
) -> PatchInfo {
    let scope = account.scope(Some(region));
    let arn = |id: &str| format!("arn:aws:ec2:{region}:{}:instance/{id}", account.id);
    let mut info = PatchInfo::default();
    account.pace(Some(region), "ssm").await;
    let (pages_info, err) =
        pages(ssm.describe_instance_information().into_paginator().send()).await;
    if let Some(e) = err {
        let all = instance_ids.iter().map(|i| arn(i)).collect();
        info.gaps.push(gap(
            &scope,
            "ssm",
            "DescribeInstanceInformation",
            &e,
            &[INSTANCE],
            &["patching"],
            all,
        ));
        return info;
    }
    let mut managed: HashMap<String, Value> = HashMap::new();
    for i in pages_info
        .iter()
        .flat_map(|p| p.instance_information_list())
    {
        if let Some(id) = i.instance_id() {
            managed.insert(
                id.to_owned(),
                json!({"InstanceId": id, "PingStatus": i.ping_status().map(|p| p.as_str()), "PlatformName": i.platform_name(), "AgentVersion": i.agent_version()}),
            );
        }
    }
    let wanted: BTreeSet<&String> = instance_ids.iter().collect();
    let managed_ids: Vec<String> = wanted
        .iter()
        .filter(|id| managed.contains_key(id.as_str()))
        .map(|id| (*id).clone())
        .collect();
    for id in &wanted {
        let is_managed = managed.contains_key(id.as_str());
        let patching = Patching {
            managed: Some(is_managed),
            ..Default::default()
        };
        let raw = json!({"InstanceInformation": managed.get(id.as_str()).cloned().unwrap_or(Value::Null)});
        info.by_instance.insert((*id).clone(), (patching, raw));
    }
    for chunk in managed_ids.chunks(50) {
        account.pace(Some(region), "ssm").await;
        let mut request = ssm.describe_instance_patch_states();
        for id in chunk {
            request = request.instance_ids(id);
        }
        let (pages_state, err) = pages(request.into_paginator().send()).await;
        if let Some(e) = err {
            let affected = chunk.iter().map(|i| arn(i)).collect();
            info.gaps.push(gap(
                &scope,
                "ssm",
                "DescribeInstancePatchStates",
                &e,
                &[INSTANCE],
                &["patching"],
                affected,
            ));
            continue;
        }
        for s in pages_state.iter().flat_map(|p| p.instance_patch_states()) {
            let Some((facet, raw)) = info.by_instance.get_mut(s.instance_id()) else {
                continue;
            };
            let count = |v: Option<i32>| v.and_then(|n| u32::try_from(n).ok());
            facet.mode = Some(s.baseline_id().to_owned());
            facet.missing_critical = count(s.critical_non_compliant_count());
            facet.missing_security = count(s.security_non_compliant_count());
            facet.failed = u32::try_from(s.failed_count()).ok();
            facet.pending_reboot = count(s.installed_pending_reboot_count());
            facet.last_assessed = to_chrono(s.operation_end_time());
            raw["PatchState"] = json!({
                "BaselineId": s.baseline_id(),
                "CriticalNonCompliantCount": s.critical_non_compliant_count(),
                "SecurityNonCompliantCount": s.security_non_compliant_count(),
                "MissingCount": s.missing_count(),
                "FailedCount": s.failed_count(),
                "InstalledPendingRebootCount": s.installed_pending_reboot_count(),
                "OperationEndTime": facet.last_assessed,
            });
        }
    }
    info
}
