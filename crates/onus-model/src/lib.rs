//! The onus data model.
//!
//! Everything the pipeline passes between stages lives here: [`Resource`]s with
//! their normalised [`Facets`], the [`Inventory`] a collector produces (with its
//! [`Gap`]s), the vocabulary of the shared responsibility model ([`ServiceModel`],
//! [`Layer`], [`Duty`], [`Owner`], [`Status`]), and what an audit produces
//! ([`Finding`], [`LedgerEntry`], [`AuditReport`]).
//!
//! This crate does no I/O and no async work: it parses and validates text it is
//! given, so that every other crate can rely on the same types and the same
//! error messages.

pub mod address;
mod compliance;
mod coverage;
mod facets;
mod inventory;
pub mod json;
mod ledger;
mod names;
mod report;
mod resource;
pub mod stream;
mod vocabulary;

pub use compliance::{
    ControlGap, ControlResult, ControlSummary, FrameworkResult, Ownership, control_on_resource,
};
pub use coverage::{
    Coverage, CoverageTotals, EnumerationSource, KindCoverage, NotEvaluated, SourceStatus,
};
pub use facets::{
    AccessKey, Backup, Certificate, EncryptionAtRest, Facets, Identity, IngressRule, IpRange,
    KeySource, Logging, Network, Patching, Protocol, PublicAccess, RuleAccess, Runtime,
    ThreatDetection, TlsVersion, Transport, Usage,
};
pub use inventory::{
    CollectorInfo, Gap, GapCause, INVENTORY_SCHEMA, Inventory, InventoryError,
    inventory_json_schema,
};
pub use ledger::{
    Classification, DutyAssignment, Evidence, Finding, FindingRef, LedgerEntry, Waiver,
};
pub use names::{API_TEXT_LIMIT, api_text, excerpt, kebab};
pub use report::{
    AuditReport, BaselineComparison, CatalogInfo, REPORT_SCHEMA, ReportResource, RuleInfo, RunInfo,
    StatusCounts, Summary, TrendPoint, report_json_schema,
};
pub use resource::{Provider, Resource, in_shard, is_valid_kind};
pub use vocabulary::{
    ControlStatus, Duty, Layer, Owner, ParseError, ServiceModel, Severity, Status,
};

/// The 1-based line and column (in characters) of byte `offset` in `text`, for
/// error messages that name a place in a file.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod shipped_schemas {
    //! The JSON Schemas shipped in `schema/` must match the types. Regenerate with
    //! `ONUS_UPDATE_SCHEMAS=1 cargo test -p onus-model shipped_schemas`.

    use std::path::PathBuf;

    fn check(file: &str, generated: serde_json::Value) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../schema")
            .join(file);
        let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        if std::env::var_os("ONUS_UPDATE_SCHEMAS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let shipped =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            shipped == text,
            "{} is out of step with the Rust types; run ONUS_UPDATE_SCHEMAS=1 cargo test -p onus-model shipped_schemas",
            path.display()
        );
    }

    #[test]
    fn inventory_schema_is_in_step() {
        check("inventory.v1.schema.json", crate::inventory_json_schema());
    }

    #[test]
    fn report_schema_is_in_step() {
        check("report.v1.schema.json", crate::report_json_schema());
    }
}
