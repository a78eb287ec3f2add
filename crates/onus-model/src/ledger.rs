//! What classification and evaluation produce: duty assignments, findings, the ledger.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::vocabulary::{Duty, Layer, Owner, ServiceModel, Severity, Status};

/// Who owns one duty for one resource kind, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DutyAssignment {
    /// Who carries the duty.
    pub owner: Owner,
    /// The layer the duty belongs to.
    pub layer: Layer,
    /// Why the kind departs from its service model's default, when it does;
    /// for a customer duty that no API shows, how to check it by hand (added
    /// to an unknown status's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When set, the duty has no object on this kind (an IAM user stores no data), with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
}

/// The catalog's verdict on one resource kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Classification {
    /// The kind classified.
    pub kind: String,
    /// A human title ("EC2 instance").
    pub title: String,
    /// The service model; `None` for a kind the catalog does not know (unclassified).
    pub service_model: Option<ServiceModel>,
    /// Every duty of the matrix with its owner.
    pub duties: BTreeMap<Duty, DutyAssignment>,
    /// The codes of the rules that judge this kind (the catalog's `rules`);
    /// a duty no listed rule checks is `unknown`, "no onus rule checks it".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// One observation backing a claim, checkable by a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// The facet field read (`network.ingress[2]`, `encryption_at_rest.enabled`).
    pub facet: String,
    /// Where the collector read it: a JSON Pointer into the resource's `raw`, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The observed value.
    pub observed: serde_json::Value,
}

/// What one rule concluded about one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The rule's code (`NET001`).
    pub rule: String,
    /// The duty the rule checks.
    pub duty: Duty,
    /// The resource's identifier.
    pub resource: String,
    /// The resource's kind.
    pub kind: String,
    /// Who owns the duty for this resource.
    pub owner: Owner,
    /// `addressed`, `unaddressed` or `unknown`.
    pub status: Status,
    /// The rule's severity, lowered where evidence warrants (an unattached rule set).
    pub severity: Severity,
    /// What was concluded, in one sentence.
    pub message: String,
    /// What was observed. Never empty for `unaddressed`.
    pub evidence: Vec<Evidence>,
    /// How to close the gap.
    pub remediation: String,
    /// Against a baseline: `new` (not in the baseline) or `existing`. Absent without a baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// The waiver that covers this finding, if any (a waived gap is reported, never hidden).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Waiver>,
}

/// An accepted gap: who accepted it, why, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Waiver {
    /// Resource pattern (`*` matches any run of characters).
    pub resource: String,
    /// The rule code it waives (or `*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The duty it waives (or every duty of the rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty: Option<String>,
    /// Why the gap is accepted.
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// The last day the waiver holds (YYYY-MM-DD).
    pub expires: chrono::NaiveDate,
    /// Set in reports: the waiver's date has passed, so it no longer waives.
    #[serde(default)]
    pub expired: bool,
}

/// A finding named by its stable identity (resource, rule, duty).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct FindingRef {
    /// The rule code.
    pub rule: String,
    /// The duty.
    pub duty: Duty,
    /// The resource identifier.
    pub resource: String,
}

/// The rolled-up state of one (resource, duty) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LedgerEntry {
    /// Who owns the duty; absent for an unclassified resource.
    pub owner: Option<Owner>,
    /// The rolled-up status.
    pub status: Status,
    /// Why: the provider owns it, the rules' conclusions, or what was not observed.
    pub reason: String,
    /// The rules that spoke to this duty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}
