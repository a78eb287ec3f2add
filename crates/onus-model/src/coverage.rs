//! Coverage: what was enumerated, what was evaluated in depth, and which
//! enumeration sources were used. A report that does not say what it did not
//! look at is a silent gap.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::resource::Provider;
use crate::vocabulary::ServiceModel;

/// How an enumeration source fared in one scope.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SourceStatus {
    /// Read: its resources are in the inventory.
    Used,
    /// Not set up in this scope (no AWS Config recorder, no Resource Explorer index).
    Absent,
    /// The credentials may not read it: a gap.
    Denied,
    /// It failed otherwise (error, timeout): a gap.
    Failed,
}

impl SourceStatus {
    /// The stable spelling used in outputs.
    pub const fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Used => "used",
            SourceStatus::Absent => "absent",
            SourceStatus::Denied => "denied",
            SourceStatus::Failed => "failed",
        }
    }
}

/// One enumeration source in one scope (account and region, or subscription).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumerationSource {
    /// The provider.
    pub provider: Provider,
    /// Account, subscription or project.
    pub account: String,
    /// Region, when the source is regional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The source (`resourcegroupstaggingapi`, `config`, `config-aggregator:NAME`, `resource-graph`).
    pub source: String,
    /// How it fared.
    pub status: SourceStatus,
    /// Resources it returned.
    #[serde(default)]
    pub resources: usize,
    /// Why it was absent or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Coverage of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KindCoverage {
    /// Resources of the kind.
    pub resources: usize,
    /// Its service model; `null` when unclassified.
    pub service_model: Option<ServiceModel>,
    /// Resources whose settings were read and checked by the rules.
    pub evaluated: usize,
    /// Resources seen only by enumeration: classified, their customer duties unknown.
    pub enumerated_only: usize,
    /// The catalog does not know the kind.
    pub unclassified: bool,
}

/// Totals of the coverage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CoverageTotals {
    /// Resources.
    pub resources: usize,
    /// Resources evaluated in depth.
    pub evaluated: usize,
    /// Resources seen only by enumeration.
    pub enumerated_only: usize,
    /// Kinds with at least one resource seen only by enumeration.
    pub enumerated_only_kinds: usize,
    /// Resources of kinds the catalog does not know.
    pub unclassified: usize,
    /// Distinct kinds.
    pub kinds: usize,
}

/// What the run looked at, and how deeply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Coverage {
    /// Totals.
    pub totals: CoverageTotals,
    /// Per kind.
    pub kinds: BTreeMap<String, KindCoverage>,
    /// Every enumeration source and how it fared.
    #[serde(default)]
    pub sources: Vec<EnumerationSource>,
    /// Rules this run's settings switched off, with what would switch them on:
    /// they judged nothing, and the ledger holds no finding of theirs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_evaluated: Vec<NotEvaluated>,
}

/// A rule the run's settings switched off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NotEvaluated {
    /// The rule's code.
    pub rule: String,
    /// Why, and what would switch it on.
    pub reason: String,
}

impl Coverage {
    /// One line for a person: `1,873 resources · 1,412 evaluated in depth · 461
    /// enumerated only (38 kinds) · 0 unclassified`.
    pub fn line(&self) -> String {
        let t = &self.totals;
        format!(
            "{} resources · {} evaluated in depth · {} enumerated only ({} kind{}) · {} unclassified",
            t.resources,
            t.evaluated,
            t.enumerated_only,
            t.enumerated_only_kinds,
            if t.enumerated_only_kinds == 1 {
                ""
            } else {
                "s"
            },
            t.unclassified
        )
    }

    /// One line on the rules the run's settings switched off, when there were
    /// any: `not evaluated: ENC004 (customer-managed keys not required; ...)`.
    pub fn not_evaluated_line(&self) -> Option<String> {
        if self.not_evaluated.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .not_evaluated
            .iter()
            .map(|n| format!("{} ({})", n.rule, n.reason))
            .collect();
        Some(format!("not evaluated: {}", parts.join(", ")))
    }

    /// One line on what whole-estate enumeration could not see, when AWS
    /// scopes (account and region) had neither AWS Config (a recorder, or an
    /// organisation aggregator) nor a Resource Explorer aggregator index in use:
    /// the tagging API lists only resources that carry or once carried a tag,
    /// so untagged resources of the kinds onus does not read in depth were not
    /// seen there. The kinds onus reads in depth are listed by their own
    /// services and are not affected.
    pub fn unseen_line(&self) -> Option<String> {
        use std::collections::BTreeSet;
        let aws: Vec<&EnumerationSource> = self
            .sources
            .iter()
            .filter(|s| s.provider == Provider::Aws)
            .collect();
        let used = |s: &&EnumerationSource| s.status == SourceStatus::Used;
        if aws
            .iter()
            .any(|s| used(s) && s.source.starts_with("config-aggregator"))
        {
            return None;
        }
        let explored: BTreeSet<&str> = aws
            .iter()
            .filter(|s| used(s) && s.source == "resource-explorer-2")
            .map(|s| s.account.as_str())
            .collect();
        let scopes: BTreeSet<(&str, &str)> = aws
            .iter()
            .filter_map(|s| Some((s.account.as_str(), s.region.as_deref()?)))
            .collect();
        let unseen = scopes
            .iter()
            .filter(|(account, region)| {
                !explored.contains(account)
                    && !aws.iter().any(|s| {
                        used(s)
                            && s.source == "config"
                            && s.account == *account
                            && s.region.as_deref() == Some(*region)
                    })
            })
            .count();
        (unseen > 0).then(|| {
            format!(
                "not enumerable here: in {unseen} AWS scope{} neither AWS Config nor Resource Explorer listed the account, so untagged resources of kinds onus does not read in depth were not seen there; enable AWS Config or Resource Explorer",
                if unseen == 1 { "" } else { "s" }
            )
        })
    }

    /// One line on the enumeration sources, when there were any: `sources:
    /// resourcegroupstaggingapi used 4, config absent 2`.
    pub fn sources_line(&self) -> Option<String> {
        if self.sources.is_empty() {
            return None;
        }
        let mut counts: BTreeMap<(&str, SourceStatus), usize> = BTreeMap::new();
        for s in &self.sources {
            *counts.entry((s.source.as_str(), s.status)).or_default() += 1;
        }
        let parts: Vec<String> = counts
            .iter()
            .map(|((source, status), n)| {
                format!(
                    "{source} {} in {n} scope{}",
                    status.as_str(),
                    if *n == 1 { "" } else { "s" }
                )
            })
            .collect();
        Some(format!("enumeration sources: {}", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(source: &str, region: Option<&str>, status: SourceStatus) -> EnumerationSource {
        EnumerationSource {
            provider: Provider::Aws,
            account: "111122223333".into(),
            region: region.map(str::to_owned),
            source: source.into(),
            status,
            resources: 0,
            detail: None,
        }
    }

    fn coverage(sources: Vec<EnumerationSource>) -> Coverage {
        Coverage {
            sources,
            ..Coverage::default()
        }
    }

    #[test]
    fn scopes_without_config_or_resource_explorer_are_said_to_be_unseen() {
        let tagging_only = coverage(vec![
            src(
                "resourcegroupstaggingapi",
                Some("us-east-1"),
                SourceStatus::Used,
            ),
            src("config", Some("us-east-1"), SourceStatus::Absent),
            src(
                "resourcegroupstaggingapi",
                Some("eu-west-1"),
                SourceStatus::Used,
            ),
            src("config", Some("eu-west-1"), SourceStatus::Used),
            src("resource-explorer-2", None, SourceStatus::Absent),
        ]);
        let line = tagging_only.unseen_line().unwrap();
        assert!(line.contains("in 1 AWS scope neither"), "{line}");
        // An aggregator index covers every region of its account.
        let explored = coverage(vec![
            src("config", Some("us-east-1"), SourceStatus::Absent),
            src("resource-explorer-2", None, SourceStatus::Used),
        ]);
        assert_eq!(explored.unseen_line(), None);
        assert_eq!(coverage(vec![]).unseen_line(), None);
    }
}
