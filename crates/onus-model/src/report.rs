//! The audit report (`onus.report/v1`): the duty ledger, findings and gaps of one run.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::inventory::Gap;
use crate::ledger::{Finding, LedgerEntry};
use crate::vocabulary::{Duty, ServiceModel, Severity, Status};

/// The schema identifier every report carries in its `schema` field.
pub const REPORT_SCHEMA: &str = "onus.report/v1";

/// Counts of (resource, duty) pairs per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusCounts {
    /// Evidence shows the duty is not met.
    pub unaddressed: usize,
    /// Not observed.
    pub unknown: usize,
    /// Evidence shows the duty is met.
    pub addressed: usize,
    /// The provider's, or nothing to check.
    pub not_applicable: usize,
}

impl StatusCounts {
    /// Count one more pair with `status`.
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Unaddressed => self.unaddressed += 1,
            Status::Unknown => self.unknown += 1,
            Status::Addressed => self.addressed += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    /// Add `other`'s counts to these.
    pub fn merge(&mut self, other: &StatusCounts) {
        self.unaddressed += other.unaddressed;
        self.unknown += other.unknown;
        self.addressed += other.addressed;
        self.not_applicable += other.not_applicable;
    }

    /// The count for one status.
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Unaddressed => self.unaddressed,
            Status::Unknown => self.unknown,
            Status::Addressed => self.addressed,
            Status::NotApplicable => self.not_applicable,
        }
    }
}

/// Which catalog classified the resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CatalogInfo {
    /// `built-in` or the override file's path.
    pub source: String,
    /// SHA-256 of the catalog text, so runs with different catalogs are told apart.
    pub sha256: String,
}

/// Metadata of one audit run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RunInfo {
    /// The onus version that produced the report.
    pub onus_version: String,
    /// When the report was produced.
    pub generated_at: DateTime<Utc>,
    /// The time age-based rules measured against: the inventory's `collected_at`, else `generated_at`.
    pub reference_time: DateTime<Utc>,
    /// The inventory read (a path), when the audit read one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<String>,
    /// When the inventory was collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<DateTime<Utc>>,
    /// The catalog used.
    pub catalog: CatalogInfo,
    /// How many rules were evaluated.
    pub rules: usize,
}

/// Totals of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Resources audited.
    pub resources: usize,
    /// Resources whose kind the catalog does not know.
    pub unclassified: usize,
    /// Resources per service model (`unclassified` included).
    pub service_models: BTreeMap<String, usize>,
    /// (resource, duty) pairs per status, over every duty.
    pub statuses: StatusCounts,
    /// (resource, duty) pairs per status, per duty.
    pub duties: BTreeMap<Duty, StatusCounts>,
    /// (resource, duty) pairs the customer owns or shares.
    pub customer_duties: usize,
    /// Addressed customer duties divided by customer duties (0 to 1; 1 when there are none).
    pub coverage: f64,
    /// Unaddressed findings per severity.
    pub unaddressed_by_severity: BTreeMap<Severity, usize>,
    /// Collection gaps recorded in the inventory.
    pub gaps: usize,
    /// Whether everything in scope could be collected (no gaps).
    pub complete: bool,
}

crate::resource::resource_struct! {
    /// One resource with its service model and duty ledger.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct ReportResource {
    /// The service model; `null` when the kind is unclassified.
    pub service_model: Option<ServiceModel>,
    /// The duty ledger: every duty with its owner, status and reason.
    pub duties: BTreeMap<Duty, LedgerEntry>,
    }
}

/// The JSON report of one audit run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuditReport {
    /// Always `onus.report/v1`.
    #[schemars(extend("const" = "onus.report/v1"))]
    pub schema: String,
    /// Run metadata.
    pub run: RunInfo,
    /// Totals.
    pub summary: Summary,
    /// Every resource with its ledger.
    pub resources: Vec<ReportResource>,
    /// Every rule conclusion other than not-applicable, gaps first.
    pub findings: Vec<Finding>,
    /// Collection gaps, copied from the inventory.
    pub gaps: Vec<Gap>,
    /// What was enumerated and how deeply each kind was evaluated; the
    /// enumeration sources and how they fared.
    #[serde(default)]
    pub coverage: crate::coverage::Coverage,
    /// The comparison with a baseline, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineComparison>,
    /// Waivers whose date has passed: they no longer waive, and are reported here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_waivers: Vec<crate::ledger::Waiver>,
    /// The rules that produced the findings, as they were when the run was
    /// made: outputs render titles and help from here, so an old run reads
    /// with the texts it was produced with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleInfo>,
    /// The compliance view, one entry per framework asked for with
    /// `--framework`: each control with its owner per service model and the
    /// status of the customer's part, from the ledger.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compliance: Vec<crate::compliance::FrameworkResult>,
}

/// One rule as a report carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInfo {
    /// Stable code, e.g. `NET001`.
    pub code: String,
    /// One-line title.
    pub title: String,
    /// The duty it checks.
    pub duty: Duty,
    /// Severity of an unaddressed finding.
    pub severity: Severity,
    /// One-line remediation.
    pub remediation: String,
    /// Its documentation, Markdown (what it checks, why it matters, how to
    /// address it, references).
    pub help: String,
}

/// How this run compares with a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineComparison {
    /// The baseline file.
    pub source: String,
    /// Unaddressed findings not in the baseline.
    pub new: usize,
    /// Unaddressed findings also in the baseline.
    pub existing: usize,
    /// Gaps in the baseline that are gone now.
    pub resolved: Vec<crate::ledger::FindingRef>,
}

/// The JSON Schema of the report format, generated from the Rust types.
pub fn report_json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(AuditReport)).unwrap_or_default()
}

/// One stored run in a trend: coverage and gaps per duty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrendPoint {
    /// Run identifier.
    pub run: String,
    /// When it ran.
    pub created_at: DateTime<Utc>,
    /// Customer duty coverage (0 to 1).
    pub coverage: f64,
    /// Unaddressed (resource, duty) pairs per duty.
    pub gaps: BTreeMap<Duty, usize>,
}
