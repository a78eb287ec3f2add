//! GuardDuty: whether a detector watches the account in each audited region.
//! Read once per account over every region in scope, and recorded on the
//! account resource (`raw.GuardDuty`, with the API's field names), which the
//! IAM and CloudTrail reads also describe: the records of one resource merge.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource, source};

mod supporting;

/// The service detecting threats to an AWS account.
const SERVICE: &str = "GuardDuty";

pub(crate) async fn collect(account: Account, regions: Vec<String>) -> Collected {
    let mut out = Collected::default();
    let mut per_region = serde_json::Map::new();
    for region in regions {
        let (raw, gaps) = read_region(&account, &region).await;
        out.gaps.extend(gaps);
        per_region.insert(region, raw);
    }
    let mut raw = json!({ "GuardDuty": Value::Object(per_region) });
    let (support, gaps) = supporting::read(&account, &regions_of(&raw)).await;
    out.gaps.extend(gaps);
    if let (Some(obj), Value::Object(more)) = (raw.as_object_mut(), support) {
        obj.extend(more);
    }
    let id = format!("arn:aws:iam::{}:root", account.id);
    let mut r = resource(&id, &account.id, None, crate::iam::ACCOUNT, None);
    r.facets.threat_detection = Some(onus_model::ThreatDetection {
        service: Some(SERVICE.to_owned()),
        coverage: coverage(&raw),
        supporting: supporting::named(&raw),
    });
    source(&mut r, "threat_detection.coverage", "/GuardDuty");
    r.raw = raw;
    out.resources.push(r);
    out
}

fn regions_of(raw: &Value) -> Vec<String> {
    raw["GuardDuty"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// One region's detectors as the API described them: `DetectorIds`
/// (`ListDetectors`) and `Detectors` (`GetDetector` of each, by id), or
/// `Error` where a read failed.
async fn read_region(account: &Account, region: &str) -> (Value, Vec<onus_model::Gap>) {
    let config = account.in_region(region);
    let gd = aws_sdk_guardduty::Client::from_conf(
        aws_sdk_guardduty::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(region));
    let kinds = [crate::iam::ACCOUNT];
    let facets = ["threat_detection"];
    let mut gaps = Vec::new();
    account.pace(Some(region), "guardduty").await;
    let (list, err) = pages(gd.list_detectors().into_paginator().send()).await;
    if let Some(e) = err {
        gaps.push(gap(
            &scope,
            "guardduty",
            "ListDetectors",
            &e,
            &kinds,
            &facets,
            vec![],
        ));
        return (json!({"Error": "ListDetectors failed"}), gaps);
    }
    let ids: Vec<String> = list
        .iter()
        .flat_map(|p| p.detector_ids())
        .map(ToOwned::to_owned)
        .collect();
    let mut detectors = serde_json::Map::new();
    let mut failed = false;
    for id in &ids {
        account.pace(Some(region), "guardduty").await;
        match gd.get_detector().detector_id(id).send().await {
            Ok(d) => {
                let features: Vec<Value> = d
                    .features()
                    .iter()
                    .map(|f| {
                        json!({
                            "Name": f.name().map(|n| n.as_str()),
                            "Status": f.status().map(|s| s.as_str()),
                        })
                    })
                    .collect();
                detectors.insert(
                    id.clone(),
                    json!({
                        "Status": d.status().map(|s| s.as_str()),
                        "FindingPublishingFrequency": d.finding_publishing_frequency().map(|f| f.as_str()),
                        "Features": features,
                    }),
                );
            }
            Err(e) => {
                failed = true;
                gaps.push(gap(
                    &scope,
                    "guardduty",
                    "GetDetector",
                    &e,
                    &kinds,
                    &facets,
                    vec![],
                ));
            }
        }
    }
    let mut raw = json!({"DetectorIds": ids, "Detectors": detectors});
    if failed {
        raw["Error"] = json!("GetDetector failed");
    }
    (raw, gaps)
}

/// Per region: on when a detector there is `ENABLED`; off when every
/// detector was read and none is (or there is none); not known when a read
/// failed and none read is on.
pub(crate) fn coverage(raw: &Value) -> BTreeMap<String, Option<bool>> {
    let Some(regions) = raw.get("GuardDuty").and_then(Value::as_object) else {
        return BTreeMap::new();
    };
    regions
        .iter()
        .map(|(region, r)| {
            let on = r
                .get("Detectors")
                .and_then(Value::as_object)
                .is_some_and(|ds| ds.values().any(|d| d["Status"] == "ENABLED"));
            let state = if on {
                Some(true)
            } else if r.get("Error").is_some() {
                None
            } else {
                Some(false)
            };
            (region.clone(), state)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_per_region_and_a_failed_read_is_not_known() {
        let raw = json!({"GuardDuty": {
            "us-east-1": {"DetectorIds": ["d1"], "Detectors": {"d1": {"Status": "ENABLED", "Features": []}}},
            "eu-west-1": {"DetectorIds": [], "Detectors": {}},
            "eu-central-1": {"DetectorIds": ["d2"], "Detectors": {"d2": {"Status": "DISABLED"}}},
            "ap-south-1": {"Error": "ListDetectors failed"},
            "sa-east-1": {"DetectorIds": ["d3", "d4"], "Detectors": {"d4": {"Status": "ENABLED"}}, "Error": "GetDetector failed"},
            "ca-central-1": {"DetectorIds": ["d5"], "Detectors": {}, "Error": "GetDetector failed"},
        }});
        let c = coverage(&raw);
        assert_eq!(c["us-east-1"], Some(true));
        assert_eq!(c["eu-west-1"], Some(false));
        assert_eq!(c["eu-central-1"], Some(false));
        assert_eq!(c["ap-south-1"], None);
        assert_eq!(c["sa-east-1"], Some(true));
        assert_eq!(c["ca-central-1"], None);
        assert!(coverage(&json!({})).is_empty());
    }
}
