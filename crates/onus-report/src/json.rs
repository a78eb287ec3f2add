//! The JSON report (`onus.report/v1`).

use onus_model::AuditReport;

/// The report as pretty-printed JSON, with a trailing newline.
pub fn render(report: &AuditReport) -> String {
    // Plain data with string keys: serialisation cannot fail.
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}
