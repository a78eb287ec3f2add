//! OCSF: one Compliance Finding (class 2003) per unaddressed finding, as a JSON array.

use onus_model::{AuditReport, Severity, Status};
use serde::Serialize;

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

/// One Compliance Finding event; fields in the order of the OCSF examples.
#[derive(Serialize)]
struct Event<'a> {
    activity_id: u8,
    activity_name: &'static str,
    category_uid: u8,
    category_name: &'static str,
    class_uid: u16,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    time: i64,
    message: &'a str,
    metadata: Metadata<'a>,
    finding_info: FindingInfo<'a>,
    compliance: Compliance<'a>,
    remediation: Desc<'a>,
    resources: [EventResource<'a>; 1],
    unmapped: Unmapped<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    product: Product<'a>,
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'static str,
    vendor_name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: String,
    title: &'a str,
    desc: &'a str,
    types: [&'a str; 1],
}

#[derive(Serialize)]
struct Compliance<'a> {
    control: &'a str,
    standards: Vec<&'a str>,
    requirements: Vec<String>,
    status: &'static str,
    status_id: u8,
}

#[derive(Serialize)]
struct Desc<'a> {
    desc: &'a str,
}

#[derive(Serialize)]
struct EventResource<'a> {
    uid: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    region: Option<&'a str>,
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    owner: onus_model::Owner,
    evidence: &'a [onus_model::Evidence],
    baseline: Option<&'a str>,
}

/// The report's gaps as OCSF Compliance Finding events.
pub fn render(report: &AuditReport) -> String {
    let time = report.run.generated_at.timestamp_millis();
    let resources = crate::sarif::by_id(report);
    let controls = crate::compliance::ControlIndex::new(report);
    // One event at a time, laid out as `to_string_pretty` of the whole array.
    let mut out: Vec<u8> = b"[".to_vec();
    let mut count = 0;
    for f in report
        .findings
        .iter()
        .filter(|f| f.status == Status::Unaddressed)
    {
        let (severity_id, severity) = severity(f.severity);
        let r = resources.get(f.resource.as_str()).copied();
        let title = report
            .rules
            .iter()
            .find(|r| r.code == f.rule)
            .map_or(f.rule.as_str(), |r| r.title.as_str());
        let event = Event {
            activity_id: 1,
            activity_name: "Create",
            category_uid: 2,
            category_name: "Findings",
            class_uid: 2003,
            class_name: "Compliance Finding",
            type_uid: 200_301,
            type_name: "Compliance Finding: Create",
            severity_id,
            severity,
            status_id: 1,
            status: "New",
            time,
            message: &f.message,
            metadata: Metadata {
                version: OCSF_VERSION,
                product: Product {
                    name: "onus",
                    vendor_name: "onus",
                    version: &report.run.onus_version,
                },
            },
            finding_info: FindingInfo {
                uid: finding_key(&f.resource, &f.rule, f.duty.as_str()),
                title,
                desc: &f.message,
                types: [f.duty.as_str()],
            },
            compliance: {
                // The duty, then every framework control the finding evidences.
                let mut standards = vec!["onus shared responsibility duties"];
                let mut requirements = vec![f.duty.as_str().to_owned()];
                for (framework, control) in controls.controls(&f.rule, f.duty) {
                    if !standards.contains(&framework) {
                        standards.push(framework);
                    }
                    requirements.push(format!("{framework} {control}"));
                }
                Compliance {
                    control: &f.rule,
                    standards,
                    requirements,
                    status: "Fail",
                    status_id: 3,
                }
            },
            remediation: Desc {
                desc: &f.remediation,
            },
            resources: [EventResource {
                uid: &f.resource,
                kind: &f.kind,
                region: r.and_then(|r| r.region.as_deref()),
                name: r.and_then(|r| r.name.as_deref()),
            }],
            unmapped: Unmapped {
                owner: f.owner,
                evidence: &f.evidence,
                baseline: f.baseline.as_deref(),
            },
        };
        // Writing into memory cannot fail.
        let _ = crate::json::separator_at(&mut out, count, 1);
        crate::json::element_at(&event, 1, &mut out);
        count += 1;
    }
    let _ = crate::json::close_at(&mut out, count, 1);
    out.push(b'\n');
    // Serialised JSON is UTF-8.
    String::from_utf8(out).unwrap_or_default()
}
