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
            .interceptor(account.retries.clone())
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

#[cfg(test)]
mod tests {
    //! SSM through the SDK's replay client with recorded responses: moto answers
    //! HTTP 500 for these operations, so their success paths are tested here.

    use std::sync::Arc;

    use aws_config::{BehaviorVersion, Region, SdkConfig};
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::retry::RetryConfig;
    use onus_model::{Duty, Status};

    use super::*;
    use crate::guard::OperationLog;
    use crate::limit::RateLimiter;

    const INSTANCES: [&str; 3] = [
        "i-0a1b2c3d4e5f60001",
        "i-0a1b2c3d4e5f60002",
        "i-0a1b2c3d4e5f60003",
    ];

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/fixtures/ssm/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn event(status: u16, body: String) -> ReplayEvent {
        ReplayEvent::new(
            http::Request::builder()
                .uri("https://ssm.eu-west-1.amazonaws.com/")
                .body(SdkBody::empty())
                .unwrap(),
            http::Response::builder()
                .status(status)
                .header("content-type", "application/x-amz-json-1.1")
                .body(SdkBody::from(body))
                .unwrap(),
        )
    }

    fn account(events: Vec<ReplayEvent>) -> (Account, StaticReplayClient, OperationLog) {
        let http = StaticReplayClient::new(events);
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDEXAMPLE",
                "not-a-secret",
                None,
                None,
                "test",
            )))
            .http_client(http.clone())
            .retry_config(RetryConfig::disabled())
            .build();
        let log = OperationLog::default();
        let account = Account {
            id: "111122223333".into(),
            config,
            guard: crate::guard::ReadOnlyGuard::new(log.clone()),
            retries: crate::budget::RetryBudget::default(),
            limiter: Arc::new(RateLimiter::new(0)),
            custom_endpoint: false,
        };
        (account, http, log)
    }

    fn ids() -> Vec<String> {
        INSTANCES.iter().map(|s| (*s).to_owned()).collect()
    }

    /// The guest-os-patching ledger entry of an instance carrying `patching`.
    fn ledger_status(patching: Option<Patching>, gaps: &[Gap]) -> (Status, String) {
        let mut r = crate::resource(
            "arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f60001",
            "111122223333",
            Some("eu-west-1"),
            "aws.ec2.instance",
            None,
        );
        r.facets.patching = patching;
        let catalog = onus_catalog::Catalog::builtin().unwrap();
        let class = catalog.classify(&r.kind).unwrap();
        let ctx = onus_rules::Context::new("2026-11-20T12:00:00Z".parse().unwrap());
        let (ledger, _) = onus_rules::ledger_for(&r, &class, &ctx, gaps);
        let e = &ledger[&Duty::GuestOsPatching];
        (e.status, e.reason.clone())
    }

    #[tokio::test]
    async fn managed_and_patch_states_become_facets() {
        let (account, http, log) = account(vec![
            event(200, fixture("describe-instance-information.json")),
            event(200, fixture("describe-instance-patch-states.json")),
        ]);
        let info = patching(&account, "eu-west-1", &ids()).await;
        assert!(info.gaps.is_empty(), "{:?}", info.gaps);
        let compliant = &info.by_instance["i-0a1b2c3d4e5f60001"].0;
        assert_eq!(
            (
                compliant.managed,
                compliant.missing_critical,
                compliant.missing_security
            ),
            (Some(true), Some(0), Some(0))
        );
        assert_eq!(
            compliant.last_assessed.map(|t| t.to_rfc3339()),
            Some("2025-11-20T00:10:00+00:00".to_owned())
        );
        let missing = &info.by_instance["i-0a1b2c3d4e5f60002"].0;
        assert_eq!(
            (
                missing.missing_critical,
                missing.missing_security,
                missing.failed,
                missing.pending_reboot
            ),
            (Some(3), Some(6), Some(1), Some(2))
        );
        let unmanaged = &info.by_instance["i-0a1b2c3d4e5f60003"].0;
        assert_eq!(unmanaged.managed, Some(false));
        assert_eq!(
            log.calls().keys().cloned().collect::<Vec<_>>(),
            [
                "SSM:DescribeInstanceInformation",
                "SSM:DescribeInstancePatchStates"
            ]
        );
        assert_eq!(http.actual_requests().count(), 2);

        // Through the rules: an unmanaged instance is a gap; an assessment a year old is not evidence.
        assert_eq!(
            ledger_status(Some(unmanaged.clone()), &[]).0,
            Status::Unaddressed
        );
        let (status, reason) = ledger_status(Some(compliant.clone()), &[]);
        assert_eq!(status, Status::Unknown, "{reason}");
        assert!(reason.contains("days old"), "{reason}");
    }

    #[tokio::test]
    async fn server_error_is_a_gap_and_patching_stays_unknown() {
        let (account, _http, _log) = account(vec![event(500, fixture("internal-error.json"))]);
        let info = patching(&account, "eu-west-1", &ids()).await;
        assert!(info.by_instance.is_empty(), "no facet from a failed call");
        assert_eq!(info.gaps.len(), 1);
        let g = &info.gaps[0];
        assert_eq!(
            (g.service.as_str(), g.operation.as_str(), g.cause),
            (
                "ssm",
                "DescribeInstanceInformation",
                onus_model::GapCause::ApiError
            )
        );
        assert_eq!(g.resources.len(), 3);
        let (status, reason) = ledger_status(None, &info.gaps);
        assert_eq!(
            status,
            Status::Unknown,
            "a 500 is never addressed or unaddressed"
        );
        assert!(
            reason.contains(
                "ssm:DescribeInstanceInformation in 111122223333/eu-west-1 failed (api-error"
            ),
            "{reason}"
        );
    }

    #[tokio::test]
    async fn access_denied_is_a_gap_and_patching_stays_unknown() {
        let (account, _http, _log) = account(vec![event(400, fixture("access-denied.json"))]);
        let info = patching(&account, "eu-west-1", &ids()).await;
        assert!(info.by_instance.is_empty());
        assert_eq!(info.gaps[0].cause, onus_model::GapCause::AccessDenied);
        assert!(
            info.gaps[0]
                .error
                .starts_with("AccessDeniedException: User:"),
            "{}",
            info.gaps[0].error
        );
        let (status, _) = ledger_status(None, &info.gaps);
        assert_eq!(status, Status::Unknown);
    }

    #[tokio::test]
    async fn patch_states_denied_keeps_enrolment_but_not_compliance() {
        let (account, _http, _log) = account(vec![
            event(200, fixture("describe-instance-information.json")),
            event(400, fixture("access-denied.json")),
        ]);
        let info = patching(&account, "eu-west-1", &ids()).await;
        assert_eq!(info.gaps.len(), 1);
        assert_eq!(info.gaps[0].operation, "DescribeInstancePatchStates");
        let managed = &info.by_instance["i-0a1b2c3d4e5f60001"].0;
        assert_eq!(
            (managed.managed, managed.missing_critical),
            (Some(true), None)
        );
        // Enrolled (PAT001 addressed) but compliance unobserved (PAT002 unknown): unknown overall.
        assert_eq!(
            ledger_status(Some(managed.clone()), &info.gaps).0,
            Status::Unknown
        );
    }
}
