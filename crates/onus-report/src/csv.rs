//! CSV: one row per (resource, duty), for spreadsheets. Every cell passes
//! through [`crate::escape::csv_cell`]: no data-derived cell starts a formula.

use onus_model::AuditReport;

use crate::escape::csv_cell;

/// The ledger as CSV with a header row.
pub fn render(report: &AuditReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "provider",
        "account",
        "region",
        "kind",
        "service_model",
        "resource_id",
        "name",
        "duty",
        "owner",
        "status",
        "rules",
        "reason",
    ]);
    for r in &report.resources {
        for (duty, e) in &r.duties {
            let rules = e.rules.join(" ");
            let _ = w.write_record(
                [
                    r.provider.as_str(),
                    &r.account,
                    r.region.as_deref().unwrap_or(""),
                    &r.kind,
                    r.service_model.map_or("unclassified", |m| m.as_str()),
                    &r.id,
                    r.name.as_deref().unwrap_or(""),
                    duty.as_str(),
                    e.owner.map_or("", |o| o.as_str()),
                    e.status.as_str(),
                    &rules,
                    &e.reason,
                ]
                .map(csv_cell)
                .iter()
                .map(|c| c.as_ref()),
            );
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
