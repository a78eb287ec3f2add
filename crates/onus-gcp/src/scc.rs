//! Security Command Center: whether its threat detection services watch a
//! project. Read with the Security Center Management API
//! (`projects.locations.securityCenterServices.list` at `locations/global`),
//! whose `effectiveEnablementState` already folds in what the organisation or
//! a folder enabled for the project. Recorded on the project resource:
//! `raw.securityCenterServices` as the API returned them (or
//! `raw.securityCenterServicesError`) and `raw.presentAssetTypes` the asset
//! types they were matched against.

use std::collections::{BTreeMap, BTreeSet};

use onus_model::ThreatDetection;
use serde_json::Value;

/// The asset type of a project.
pub const PROJECT_TYPE: &str = "cloudresourcemanager.googleapis.com/Project";

/// The asset type of a GKE cluster.
pub const CLUSTER_TYPE: &str = "container.googleapis.com/Cluster";

/// The service detecting threats to a Google Cloud project.
const SERVICE: &str = "Security Command Center";

/// The threat detection services, each with the asset type that needs it
/// (`None`: every project needs it).
const DETECTORS: &[(&str, &str, Option<&str>)] = &[
    ("event-threat-detection", "Event Threat Detection", None),
    (
        "vm-threat-detection",
        "VM Threat Detection",
        Some("compute.googleapis.com/Instance"),
    ),
    (
        "container-threat-detection",
        "Container Threat Detection",
        Some(CLUSTER_TYPE),
    ),
];

/// Services that find misconfigurations and vulnerabilities, not threats:
/// named as supporting evidence when on, never a substitute.
const SUPPORTING: &[(&str, &str)] = &[
    ("security-health-analytics", "Security Health Analytics"),
    ("web-security-scanner", "Web Security Scanner"),
];

/// The service id of a `SecurityCenterService` name
/// (`projects/P/locations/global/securityCenterServices/{id}`).
fn service_id(s: &Value) -> Option<&str> {
    s["name"].as_str()?.rsplit('/').next()
}

/// Each service's effective state: on when `ENABLED`, off when `DISABLED` or
/// `INGEST_ONLY` (findings ingested, the service itself not running); not
/// known otherwise.
fn state(s: &Value) -> Option<bool> {
    match s["effectiveEnablementState"].as_str()? {
        "ENABLED" => Some(true),
        "DISABLED" | "INGEST_ONLY" => Some(false),
        _ => None,
    }
}

/// The project's threat detection as the services read say: every detector
/// a present asset type needs, on, off, or not known (the read failed, or
/// the answer does not name the service or names a state not listed here).
/// A detector for a type whose listing failed (`unlistedAssetTypes`) counts
/// when it is on and is not known otherwise: the project may or may not
/// need it, so off is no finding and no pass.
pub fn threat_detection(raw: &Value) -> ThreatDetection {
    let types = |key: &str| -> BTreeSet<&str> {
        raw[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    };
    let (present, unlisted) = (types("presentAssetTypes"), types("unlistedAssetTypes"));
    // A service named twice with different states is not known: the last
    // answer must not win over an earlier `DISABLED`.
    let mut services: BTreeMap<&str, Option<bool>> = BTreeMap::new();
    for s in raw["securityCenterServices"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(id) = service_id(s) {
            let now = state(s);
            services
                .entry(id)
                .and_modify(|was| *was = if *was == now { now } else { None })
                .or_insert(now);
        }
    }
    let coverage = DETECTORS
        .iter()
        .filter_map(|(id, title, needs)| {
            let state = services.get(id).copied().flatten();
            let state = match needs {
                None => state,
                Some(t) if present.contains(t) => state,
                Some(t) if unlisted.contains(t) => state.filter(|on| *on),
                Some(_) => return None,
            };
            Some(((*title).to_owned(), state))
        })
        .collect();
    let supporting = SUPPORTING
        .iter()
        .filter(|(id, _)| services.get(id) == Some(&Some(true)))
        .map(|(_, title)| (*title).to_owned())
        .collect();
    ThreatDetection {
        service: Some(SERVICE.to_owned()),
        coverage,
        supporting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn svc(id: &str, state: &str) -> Value {
        json!({"name": format!("projects/p/locations/global/securityCenterServices/{id}"),
            "intendedEnablementState": "INHERITED", "effectiveEnablementState": state})
    }

    #[test]
    fn the_detectors_present_types_need_with_their_effective_state() {
        let raw = json!({
        "presentAssetTypes": ["compute.googleapis.com/Instance", "storage.googleapis.com/Bucket"],
        "securityCenterServices": [
            svc("event-threat-detection", "ENABLED"),
            svc("vm-threat-detection", "INGEST_ONLY"),
            svc("container-threat-detection", "DISABLED"),
            svc("security-health-analytics", "ENABLED"),
            svc("web-security-scanner", "DISABLED"),
        ]});
        let td = threat_detection(&raw);
        // No cluster: Container Threat Detection is not required.
        assert_eq!(td.coverage.len(), 2, "{:?}", td.coverage);
        assert_eq!(td.coverage["Event Threat Detection"], Some(true));
        assert_eq!(td.coverage["VM Threat Detection"], Some(false));
        assert_eq!(td.supporting, vec!["Security Health Analytics"]);
        assert_eq!(td.service.as_deref(), Some("Security Command Center"));
    }

    #[test]
    fn a_type_whose_listing_failed_may_need_its_detector() {
        let raw = |state: &str| {
            json!({"presentAssetTypes": [], "unlistedAssetTypes": [CLUSTER_TYPE],
                "securityCenterServices": [svc("event-threat-detection", "ENABLED"),
                    svc("container-threat-detection", state)]})
        };
        // On: watched whether or not there are clusters.
        assert_eq!(
            threat_detection(&raw("ENABLED")).coverage["Container Threat Detection"],
            Some(true)
        );
        // Off: a finding only if there are clusters, which is not known.
        assert_eq!(
            threat_detection(&raw("DISABLED")).coverage["Container Threat Detection"],
            None
        );
    }

    #[test]
    fn what_was_not_read_or_not_named_is_not_known_never_off_or_on() {
        // The read failed: every needed detector unknown.
        let failed = json!({"presentAssetTypes": ["container.googleapis.com/Cluster"],
            "securityCenterServicesError": "HTTP 403"});
        let td = threat_detection(&failed);
        assert_eq!(td.coverage["Event Threat Detection"], None);
        assert_eq!(td.coverage["Container Threat Detection"], None);
        // A service the answer leaves out, and a state not listed.
        let raw = json!({"presentAssetTypes": [], "securityCenterServices": [
            svc("vm-threat-detection", "ENABLED"),
            {"name": "projects/p/locations/global/securityCenterServices/event-threat-detection",
             "effectiveEnablementState": "ENABLEMENT_STATE_UNSPECIFIED"}]});
        assert_eq!(
            threat_detection(&raw).coverage,
            [("Event Threat Detection".to_owned(), None)].into()
        );
        // A service named twice, on and off: not known, whichever came last.
        let twice = json!({"presentAssetTypes": [], "securityCenterServices": [
            svc("event-threat-detection", "DISABLED"), svc("event-threat-detection", "ENABLED")]});
        assert_eq!(
            threat_detection(&twice).coverage["Event Threat Detection"],
            None
        );
        // Hostile shapes: no panic, nothing on.
        for raw in [
            json!(null),
            json!({"securityCenterServices": [1, {"name": 2}, "x"]}),
        ] {
            assert_eq!(
                threat_detection(&raw).coverage,
                [("Event Threat Detection".to_owned(), None)].into()
            );
        }
    }
}
