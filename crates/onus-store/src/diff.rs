//! What changed between two runs.

use std::collections::{BTreeMap, BTreeSet};

use onus_model::{AuditReport, Duty, FindingRef, Status};
use serde::{Deserialize, Serialize};

/// A (resource, duty) whose status changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyChange {
    /// Resource identifier.
    pub resource: String,
    /// Duty.
    pub duty: Duty,
    /// Status in the older run.
    pub from: Status,
    /// Status in the newer run.
    pub to: Status,
}

/// The difference between two runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDiff {
    /// `onus.diff/v1`.
    pub schema: String,
    /// The older run.
    pub old: String,
    /// The newer run.
    pub new: String,
    /// Gaps (unaddressed findings) in the newer run only.
    pub new_gaps: Vec<FindingRef>,
    /// Gaps in the older run only.
    pub resolved_gaps: Vec<FindingRef>,
    /// Ledger entries whose status changed.
    pub changed: Vec<DutyChange>,
    /// Resources only in the newer run.
    pub appeared: Vec<String>,
    /// Resources only in the older run.
    pub disappeared: Vec<String>,
    /// Kinds only in the newer run (a service deployed, or newly enumerated).
    #[serde(default)]
    pub kinds_appeared: Vec<String>,
    /// Kinds only in the older run.
    #[serde(default)]
    pub kinds_disappeared: Vec<String>,
}

/// What a diff reads of a stored run: each resource's id, kind and duty
/// statuses, and each finding's identity and status (reasons, evidence and
/// messages are skipped while parsing, so two large runs fit in memory).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RunView {
    resources: Vec<ResourceView>,
    findings: Vec<FindingView>,
}

#[derive(Debug, Clone, Deserialize)]
struct ResourceView {
    id: String,
    kind: String,
    duties: BTreeMap<Duty, EntryView>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
struct EntryView {
    status: Status,
}

#[derive(Debug, Clone, Deserialize)]
struct FindingView {
    rule: String,
    duty: Duty,
    resource: String,
    status: Status,
}

impl From<&AuditReport> for RunView {
    fn from(r: &AuditReport) -> RunView {
        RunView {
            resources: r
                .resources
                .iter()
                .map(|x| ResourceView {
                    id: x.id.clone(),
                    kind: x.kind.clone(),
                    duties: x
                        .duties
                        .iter()
                        .map(|(d, e)| (*d, EntryView { status: e.status }))
                        .collect(),
                })
                .collect(),
            findings: r
                .findings
                .iter()
                .map(|f| FindingView {
                    rule: f.rule.clone(),
                    duty: f.duty,
                    resource: f.resource.clone(),
                    status: f.status,
                })
                .collect(),
        }
    }
}

/// What changed from run `old` to run `new`: gaps that appeared and were
/// resolved, duty statuses that changed, resources and kinds that appeared
/// and disappeared.
pub fn diff(old_id: &str, old: &RunView, new_id: &str, new: &RunView) -> RunDiff {
    // Keys borrow from the runs: a large run is not copied again.
    let gap_ref = |&(rule, duty, resource): &(&str, Duty, &str)| FindingRef {
        rule: rule.to_owned(),
        duty,
        resource: resource.to_owned(),
    };
    let (g_old, g_new) = (gaps(old), gaps(new));
    let l_old: std::collections::HashMap<&str, &BTreeMap<Duty, EntryView>> = old
        .resources
        .iter()
        .map(|x| (x.id.as_str(), &x.duties))
        .collect();
    let mut changed: Vec<DutyChange> = Vec::new();
    for x in &new.resources {
        let Some(before) = l_old.get(x.id.as_str()) else {
            continue;
        };
        for (d, to) in &x.duties {
            if let Some(from) = before.get(d)
                && from.status != to.status
            {
                changed.push(DutyChange {
                    resource: x.id.clone(),
                    duty: *d,
                    from: from.status,
                    to: to.status,
                });
            }
        }
    }
    changed.sort_by(|a, b| (&a.resource, a.duty).cmp(&(&b.resource, b.duty)));
    let (k_old, k_new) = (kinds(old), kinds(new));
    let (i_old, i_new) = (ids(old), ids(new));
    let owned = |s: &&str| (*s).to_owned();
    RunDiff {
        schema: "onus.diff/v1".to_owned(),
        old: old_id.to_owned(),
        new: new_id.to_owned(),
        new_gaps: g_new.difference(&g_old).map(gap_ref).collect(),
        resolved_gaps: g_old.difference(&g_new).map(gap_ref).collect(),
        changed,
        appeared: i_new.difference(&i_old).map(owned).collect(),
        disappeared: i_old.difference(&i_new).map(owned).collect(),
        kinds_appeared: k_new.difference(&k_old).map(owned).collect(),
        kinds_disappeared: k_old.difference(&k_new).map(owned).collect(),
    }
}

/// The unaddressed findings of a run, borrowed.
fn gaps(r: &RunView) -> BTreeSet<(&str, Duty, &str)> {
    r.findings
        .iter()
        .filter(|f| f.status == Status::Unaddressed)
        .map(|f| (f.rule.as_str(), f.duty, f.resource.as_str()))
        .collect()
}

/// The kinds of a run's resources, borrowed.
fn kinds(r: &RunView) -> BTreeSet<&str> {
    r.resources.iter().map(|x| x.kind.as_str()).collect()
}

/// The ids of a run's resources, borrowed.
fn ids(r: &RunView) -> BTreeSet<&str> {
    r.resources.iter().map(|x| x.id.as_str()).collect()
}
