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

/// Compare two runs' reports.
pub fn diff(old_id: &str, old: &AuditReport, new_id: &str, new: &AuditReport) -> RunDiff {
    let gaps = |r: &AuditReport| -> BTreeSet<FindingRef> {
        onus_rules::policy::gap_refs(r).into_iter().collect()
    };
    let (g_old, g_new) = (gaps(old), gaps(new));
    let ledger = |r: &AuditReport| -> BTreeMap<(String, Duty), Status> {
        r.resources
            .iter()
            .flat_map(|x| {
                x.duties
                    .iter()
                    .map(move |(d, e)| ((x.id.clone(), *d), e.status))
            })
            .collect()
    };
    let (l_old, l_new) = (ledger(old), ledger(new));
    let kinds = |r: &AuditReport| -> BTreeSet<String> {
        r.resources.iter().map(|x| x.kind.clone()).collect()
    };
    let (k_old, k_new) = (kinds(old), kinds(new));
    let ids = |r: &AuditReport| -> BTreeSet<String> {
        r.resources.iter().map(|x| x.id.clone()).collect()
    };
    let (i_old, i_new) = (ids(old), ids(new));
    RunDiff {
        schema: "onus.diff/v1".to_owned(),
        old: old_id.to_owned(),
        new: new_id.to_owned(),
        new_gaps: g_new.difference(&g_old).cloned().collect(),
        resolved_gaps: g_old.difference(&g_new).cloned().collect(),
        changed: l_new
            .iter()
            .filter_map(|((res, d), to)| {
                let from = l_old.get(&(res.clone(), *d))?;
                (from != to).then(|| DutyChange {
                    resource: res.clone(),
                    duty: *d,
                    from: *from,
                    to: *to,
                })
            })
            .collect(),
        appeared: i_new.difference(&i_old).cloned().collect(),
        disappeared: i_old.difference(&i_new).cloned().collect(),
        kinds_appeared: k_new.difference(&k_old).cloned().collect(),
        kinds_disappeared: k_old.difference(&k_new).cloned().collect(),
    }
}
