//! Baselines: the unaddressed findings a pull-request check already knows,
//! marked so only new ones fail it.

use std::collections::BTreeSet;

use onus_model::{AuditReport, BaselineComparison, Finding, FindingRef, Status};

/// The identity of every unaddressed finding of a report.
pub fn gap_refs(report: &AuditReport) -> Vec<FindingRef> {
    let mut refs: Vec<FindingRef> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Unaddressed)
        .map(|f| FindingRef {
            rule: f.rule.clone(),
            duty: f.duty,
            resource: f.resource.clone(),
        })
        .collect();
    refs.sort();
    refs.dedup();
    refs
}

/// Mark every unaddressed finding `new` or `existing` against a baseline (the
/// gap references of an earlier run) and record the comparison, with the gaps
/// the baseline had that this run no longer has (`resolved`).
pub fn apply_baseline(report: &mut AuditReport, baseline: &[FindingRef], source: &str) {
    let mut marker = BaselineMarker::new(baseline, source);
    for f in &mut report.findings {
        marker.mark(f);
    }
    report.baseline = Some(marker.finish());
}

/// A baseline comparison made one finding at a time (a streamed audit marks
/// each finding as it is written). Memory is the baseline, not the run.
#[derive(Debug)]
pub struct BaselineMarker<'b> {
    source: String,
    before: BTreeSet<&'b FindingRef>,
    seen: BTreeSet<&'b FindingRef>,
    new: usize,
    existing: usize,
}

impl<'b> BaselineMarker<'b> {
    /// Compare against `baseline`, read from `source`.
    pub fn new(baseline: &'b [FindingRef], source: &str) -> BaselineMarker<'b> {
        BaselineMarker {
            source: source.to_owned(),
            before: baseline.iter().collect(),
            seen: BTreeSet::new(),
            new: 0,
            existing: 0,
        }
    }

    /// Mark `f` (when unaddressed) `new` or `existing`.
    pub fn mark(&mut self, f: &mut Finding) {
        if f.status != Status::Unaddressed {
            return;
        }
        let key = FindingRef {
            rule: f.rule.clone(),
            duty: f.duty,
            resource: f.resource.clone(),
        };
        if let Some(known) = self.before.get(&key) {
            self.existing += 1;
            self.seen.insert(known);
            f.baseline = Some("existing".to_owned());
        } else {
            self.new += 1;
            f.baseline = Some("new".to_owned());
        }
    }

    /// Add what `other` (a marker of the same baseline over other findings)
    /// saw to this one.
    pub fn merge(&mut self, other: BaselineMarker<'b>) {
        self.seen.extend(other.seen);
        self.new += other.new;
        self.existing += other.existing;
    }

    /// The comparison: counts, and the baseline's gaps not seen in this run.
    pub fn finish(self) -> BaselineComparison {
        let seen = self.seen;
        BaselineComparison {
            source: self.source,
            new: self.new,
            existing: self.existing,
            resolved: self
                .before
                .into_iter()
                .filter(|r| !seen.contains(*r))
                .cloned()
                .collect(),
        }
    }
}
