//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! Cloud resources are not files, so each result points at a stable, relative
//! pseudo-path `onus/<provider>/<account>/<region|global>/<kind>/<resource>`
//! (line 1), and carries the resource's real identifier as a logical location.
//! `partialFingerprints` hash (resource, rule, duty), so the same gap keeps its
//! identity from run to run and GitHub tracks it as one alert.

use std::collections::BTreeMap;

use onus_model::{AuditReport, Finding, Severity, Status};
use serde_sarif::sarif::{
    ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use crate::finding_key;
use crate::json;

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

/// GitHub's `security-severity` (0–10) for a severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn segment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Resources by id, built once per report (a lookup per finding stays O(1)).
pub(crate) type ById<'a> = std::collections::HashMap<&'a str, &'a onus_model::ReportResource>;

pub(crate) fn by_id(report: &AuditReport) -> ById<'_> {
    report
        .resources
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect()
}

/// The pseudo-path a resource's results point at.
fn uri_of(resource: Option<&onus_model::ReportResource>, resource_id: &str) -> String {
    match resource {
        Some(r) => format!(
            "onus/{}/{}/{}/{}/{}",
            r.provider,
            segment(&r.account),
            segment(r.region.as_deref().unwrap_or("global")),
            r.kind,
            segment(resource_id.rsplit(['/', ':']).next().unwrap_or(resource_id))
        ),
        None => format!("onus/unknown/{}", segment(resource_id)),
    }
}

fn props(pairs: &[(&str, serde_json::Value)]) -> PropertyBag {
    let additional: BTreeMap<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    PropertyBag::builder()
        .additional_properties(additional)
        .build()
}

fn result(resources: &ById, f: &Finding, index: i64) -> SarifResult {
    let uri = uri_of(resources.get(f.resource.as_str()).copied(), &f.resource);
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri).build())
                .region(Region::builder().start_line(1).build())
                .build(),
        )
        .logical_locations(vec![
            LogicalLocation::builder()
                .fully_qualified_name(f.resource.clone())
                .kind("resource")
                .build(),
        ])
        .build();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(
        "onusFinding/v1".to_owned(),
        finding_key(&f.resource, &f.rule, f.duty.as_str()),
    );
    let mut extra = vec![
        ("duty", serde_json::json!(f.duty)),
        ("owner", serde_json::json!(f.owner)),
        ("severity", serde_json::json!(f.severity)),
        ("resource", serde_json::json!(f.resource)),
        ("kind", serde_json::json!(f.kind)),
    ];
    if let Some(b) = &f.baseline {
        extra.push(("baseline", serde_json::json!(b)));
    }
    if let Some(w) = &f.waiver {
        extra.push(("waiver", serde_json::to_value(w).unwrap_or_default()));
    }
    let mut result = SarifResult::builder()
        .rule_id(f.rule.clone())
        .rule_index(index)
        .level(if f.waiver.as_ref().is_some_and(|w| !w.expired) {
            ResultLevel::Note
        } else {
            level(f.severity)
        })
        .message(
            Message::builder()
                .text(format!(
                    "{} ({}). Fix: {}",
                    f.message, f.resource, f.remediation
                ))
                .build(),
        )
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(props(&extra))
        .build();
    result.baseline_state = f
        .baseline
        .as_ref()
        .map(|b| serde_json::json!(if b == "new" { "new" } else { "unchanged" }));
    result
}

/// The report as SARIF 2.1.0: the rules that produced findings in
/// `tool.driver.rules` (with the texts the report carries), a result per
/// unaddressed finding.
pub fn render(report: &AuditReport) -> String {
    let controls = crate::compliance::ControlIndex::new(report);
    let rules: Vec<ReportingDescriptor> = report
        .rules
        .iter()
        .map(|m| {
            let doc = m.help.clone();
            ReportingDescriptor::builder()
                .id(m.code.clone())
                .name(
                    m.title
                        .split_whitespace()
                        .map(|w| {
                            let mut c = w.chars();
                            c.next()
                                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                                .unwrap_or_default()
                        })
                        .collect::<String>()
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .collect::<String>(),
                )
                .short_description(
                    MultiformatMessageString::builder()
                        .text(m.title.clone())
                        .build(),
                )
                .full_description(
                    MultiformatMessageString::builder()
                        .text(m.remediation.clone())
                        .build(),
                )
                .help(
                    MultiformatMessageString::builder()
                        .text(doc.clone())
                        .markdown(doc)
                        .build(),
                )
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(serde_json::json!(level(m.severity).to_string()))
                        .build(),
                )
                .properties(props(&[
                    ("tags", {
                        // The compliance controls the rule evidences, as tags
                        // (`ccm-4.0/CEK-03`), when the report carries them.
                        let mut tags = vec![
                            "security".to_owned(),
                            "shared-responsibility".to_owned(),
                            m.duty.as_str().to_owned(),
                        ];
                        tags.extend(
                            controls
                                .controls(&m.code, m.duty)
                                .into_iter()
                                .map(|(f, c)| format!("{f}/{c}")),
                        );
                        serde_json::json!(tags)
                    }),
                    (
                        "security-severity",
                        serde_json::json!(security_severity(m.severity)),
                    ),
                    ("duty", serde_json::json!(m.duty)),
                ]))
                .build()
        })
        .collect();
    let index = |code: &str| {
        report
            .rules
            .iter()
            .position(|r| r.code == code)
            .map_or(-1, |i| i as i64)
    };
    let resources = by_id(report);
    let results = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Unaddressed)
        .map(|f| result(&resources, f, index(&f.rule)));
    let driver = ToolComponent::builder()
        .name("onus")
        .semantic_version(report.run.onus_version.clone())
        .rules(rules)
        .build();
    // What was looked at, and how deeply: a SARIF run property, so a code-scanning
    // consumer can tell an empty result list from an unexamined estate.
    let coverage = &report.coverage;
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(Vec::<SarifResult>::new())
        .properties(props(&[
            (
                "onusCoverage",
                serde_json::to_value(&coverage.totals).unwrap_or_default(),
            ),
            (
                "onusEnumeratedOnlyKinds",
                serde_json::json!(
                    coverage
                        .kinds
                        .iter()
                        .filter(|(_, k)| k.enumerated_only > 0)
                        .map(|(kind, _)| kind.as_str())
                        .collect::<Vec<_>>()
                ),
            ),
            (
                "onusUnclassifiedKinds",
                serde_json::json!(
                    coverage
                        .kinds
                        .iter()
                        .filter(|(_, k)| k.unclassified)
                        .map(|(kind, _)| kind.as_str())
                        .collect::<Vec<_>>()
                ),
            ),
        ]))
        .build();
    let sarif = Sarif::builder()
        .version(serde_json::json!("2.1.0"))
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .runs(vec![run])
        .build();
    let skeleton = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    // The results are written one at a time into the run's empty list, laid
    // out as `to_string_pretty` of the whole log would lay them out.
    let (before, after) = json::around_array(&skeleton, "results", 4).unwrap_or((&skeleton, ""));
    let mut out = before.as_bytes().to_vec();
    let mut count = 0;
    for r in results {
        // Writing into memory cannot fail.
        let _ = json::separator_at(&mut out, count, 4);
        json::element_at(&r, 4, &mut out);
        count += 1;
    }
    if !after.is_empty() {
        let _ = json::close_at(&mut out, count, 4);
    }
    out.extend_from_slice(after.as_bytes());
    out.push(b'\n');
    // Serialised JSON is UTF-8.
    String::from_utf8(out).unwrap_or_default()
}
