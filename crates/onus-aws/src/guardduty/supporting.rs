//! Supporting evidence beside GuardDuty: Security Hub (posture findings),
//! Amazon Inspector (vulnerability scanning) and Amazon Macie (sensitive data
//! discovery), each read per audited region and recorded on the account's
//! `raw` under `SecurityHub`, `Inspector` and `Macie` with the API's field
//! names. They are named in the threat-detection message, never counted as
//! detection: a failed read is a gap on `threat_detection.supporting` only.

use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::{Value, json};

use crate::Account;
use crate::gap::gap;

const KINDS: [&str; 1] = [crate::iam::ACCOUNT];
const FACETS: [&str; 1] = ["threat_detection.supporting"];

/// Reads the three services in each region; returns
/// `{"SecurityHub": {region: ...}, "Inspector": {...}, "Macie": {...}}`.
pub(super) async fn read(account: &Account, regions: &[String]) -> (Value, Vec<onus_model::Gap>) {
    let mut gaps = Vec::new();
    let (mut hub, mut inspector, mut macie) = (
        serde_json::Map::new(),
        serde_json::Map::new(),
        serde_json::Map::new(),
    );
    for region in regions {
        let config = account.in_region(region);
        let scope = account.scope(Some(region));

        account.pace(Some(region), "securityhub").await;
        let sh = aws_sdk_securityhub::Client::from_conf(
            aws_sdk_securityhub::config::Builder::from(&config)
                .interceptor(account.guard.clone())
                .interceptor(account.retries.clone())
                .build(),
        );
        let v = match sh.describe_hub().send().await {
            Ok(h) => json!({
                "HubArn": h.hub_arn(),
                "SubscribedAt": h.subscribed_at(),
                "AutoEnableControls": h.auto_enable_controls(),
            }),
            // The documented answer of an account not subscribed in the region.
            Err(e) if e.code() == Some("InvalidAccessException") => {
                json!({"ErrorCode": "InvalidAccessException"})
            }
            Err(e) => {
                gaps.push(gap(
                    &scope,
                    "securityhub",
                    "DescribeHub",
                    &e,
                    &KINDS,
                    &FACETS,
                    vec![],
                ));
                json!({"Error": "DescribeHub failed"})
            }
        };
        hub.insert(region.clone(), v);

        account.pace(Some(region), "inspector2").await;
        let ins = aws_sdk_inspector2::Client::from_conf(
            aws_sdk_inspector2::config::Builder::from(&config)
                .interceptor(account.guard.clone())
                .interceptor(account.retries.clone())
                .build(),
        );
        let v = match ins
            .batch_get_account_status()
            .account_ids(account.id.clone())
            .send()
            .await
        {
            Ok(out) => {
                let accounts: Vec<Value> = out
                    .accounts()
                    .iter()
                    .map(|a| {
                        json!({
                            "accountId": a.account_id(),
                            "state": a.state().map(|s| json!({"status": s.status().as_str()})),
                        })
                    })
                    .collect();
                json!({ "accounts": accounts })
            }
            Err(e) => {
                gaps.push(gap(
                    &scope,
                    "inspector2",
                    "BatchGetAccountStatus",
                    &e,
                    &KINDS,
                    &FACETS,
                    vec![],
                ));
                json!({"Error": "BatchGetAccountStatus failed"})
            }
        };
        inspector.insert(region.clone(), v);

        account.pace(Some(region), "macie2").await;
        let mc = aws_sdk_macie2::Client::from_conf(
            aws_sdk_macie2::config::Builder::from(&config)
                .interceptor(account.guard.clone())
                .interceptor(account.retries.clone())
                .build(),
        );
        let v = match mc.get_macie_session().send().await {
            Ok(s) => json!({"status": s.status().map(|x| x.as_str())}),
            // Macie answers a region where it was never enabled with "not
            // found" (or "access denied ... not enabled" on some endpoints).
            Err(e)
                if e.code() == Some("ResourceNotFoundException")
                    || (e.code() == Some("AccessDeniedException")
                        && e.message().is_some_and(|m| m.contains("not enabled"))) =>
            {
                json!({"ErrorCode": e.code()})
            }
            Err(e) => {
                gaps.push(gap(
                    &scope,
                    "macie2",
                    "GetMacieSession",
                    &e,
                    &KINDS,
                    &FACETS,
                    vec![],
                ));
                json!({"Error": "GetMacieSession failed"})
            }
        };
        macie.insert(region.clone(), v);
    }
    (
        json!({"SecurityHub": hub, "Inspector": inspector, "Macie": macie}),
        gaps,
    )
}

/// The supporting services seen on, with the regions: `Security Hub
/// (us-east-1)`, `Inspector (eu-west-1, us-east-1)`, `Macie (us-east-1)`.
pub(super) fn named(raw: &Value) -> Vec<String> {
    let on = |service: &str, test: &dyn Fn(&Value) -> bool| -> Vec<String> {
        raw.get(service)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| test(v))
                    .map(|(r, _)| r.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let hub = on("SecurityHub", &|v| v["HubArn"].is_string());
    let inspector = on("Inspector", &|v| {
        v["accounts"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["state"]["status"] == "ENABLED"))
    });
    let macie = on("Macie", &|v| v["status"] == "ENABLED");
    [
        ("Security Hub", hub),
        ("Inspector", inspector),
        ("Macie", macie),
    ]
    .into_iter()
    .filter(|(_, regions)| !regions.is_empty())
    .map(|(name, regions)| format!("{name} ({})", regions.join(", ")))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_services_on_with_their_regions() {
        let raw = json!({
            "SecurityHub": {
                "us-east-1": {"HubArn": "arn:aws:securityhub:us-east-1:1:hub/default"},
                "eu-west-1": {"ErrorCode": "InvalidAccessException"},
            },
            "Inspector": {
                "us-east-1": {"accounts": [{"accountId": "1", "state": {"status": "DISABLED"}}]},
                "eu-west-1": {"accounts": [{"accountId": "1", "state": {"status": "ENABLED"}}]},
            },
            "Macie": {
                "us-east-1": {"status": "PAUSED"},
                "eu-west-1": {"Error": "GetMacieSession failed"},
            },
        });
        assert_eq!(
            named(&raw),
            vec![
                "Security Hub (us-east-1)".to_owned(),
                "Inspector (eu-west-1)".to_owned()
            ]
        );
        assert!(named(&json!({})).is_empty());
    }
}
