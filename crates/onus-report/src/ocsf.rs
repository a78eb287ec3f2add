//! OCSF: one Compliance Finding (class 2003) per unaddressed finding, as a JSON array.

use onus_model::{AuditReport, Severity, Status};
use serde_json::{Value, json};

use crate::finding_key;

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.3.0";

fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// The report's gaps as OCSF Compliance Finding events.
pub fn render(report: &AuditReport) -> String {
    let time = report.run.generated_at.timestamp_millis();
    let resources = crate::sarif::by_id(report);
    // One event in memory at a time, written as `to_string_pretty` of the
    // whole array would lay it out.
    let mut out: Vec<u8> = b"[".to_vec();
    let mut count = 0;
    let events = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Unaddressed)
        .map(|f| -> Value {
            let (sev_id, sev) = severity(f.severity);
            let r = resources.get(f.resource.as_str()).copied();
            let title = onus_rules::find(&f.rule).map_or(f.rule.as_str(), |r| r.meta().title);
            json!({
                "activity_id": 1,
                "activity_name": "Create",
                "category_uid": 2,
                "category_name": "Findings",
                "class_uid": 2003,
                "class_name": "Compliance Finding",
                "type_uid": 200301,
                "type_name": "Compliance Finding: Create",
                "severity_id": sev_id,
                "severity": sev,
                "status_id": 1,
                "status": "New",
                "time": time,
                "message": f.message,
                "metadata": {
                    "version": OCSF_VERSION,
                    "product": {"name": "onus", "vendor_name": "onus", "version": report.run.onus_version},
                },
                "finding_info": {
                    "uid": finding_key(&f.resource, &f.rule, f.duty.as_str()),
                    "title": title,
                    "desc": f.message,
                    "types": [f.duty.as_str()],
                },
                "compliance": {
                    "control": f.rule,
                    "standards": ["onus shared responsibility duties"],
                    "requirements": [f.duty.as_str()],
                    "status_id": 3,
                },
                "remediation": {"desc": f.remediation},
                "resources": [{
                    "uid": f.resource,
                    "type": f.kind,
                    "region": r.and_then(|r| r.region.clone()),
                    "name": r.and_then(|r| r.name.clone()),
                }],
                "unmapped": {"owner": f.owner, "evidence": f.evidence, "baseline": f.baseline},
            })
        });
    for event in events {
        out.extend_from_slice(if count == 0 { b"\n  " } else { b",\n  " });
        crate::json::element_at(&event, 1, &mut out);
        count += 1;
    }
    out.extend_from_slice(if count == 0 { b"]\n" } else { b"\n]\n" });
    // Serialised JSON is UTF-8.
    String::from_utf8(out).unwrap_or_default()
}
