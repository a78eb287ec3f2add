//! Baselines and waivers: what a pull-request check needs on top of the ledger.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use onus_model::{AuditReport, BaselineComparison, Finding, FindingRef, Status, Waiver};

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

/// Whether `pattern` (with `*` matching any run of characters) matches `text`.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Attach waivers to the unaddressed findings they cover. A waiver past its date
/// still marks the finding (as expired, so it no longer waives) and is listed in
/// `expired_waivers`.
pub fn apply_waivers(report: &mut AuditReport, waivers: &[Waiver], today: NaiveDate) {
    let waivers = Waivers::new(waivers, today);
    for f in &mut report.findings {
        waivers.apply(f);
    }
    report.expired_waivers = waivers.expired();
}

/// Waivers dated against today, applied one finding at a time.
#[derive(Debug)]
pub struct Waivers {
    waivers: Vec<Waiver>,
}

impl Waivers {
    /// `waivers` as of `today` (a waiver past its date is marked expired).
    pub fn new(waivers: &[Waiver], today: NaiveDate) -> Waivers {
        Waivers {
            waivers: waivers
                .iter()
                .map(|w| Waiver {
                    expired: today > w.expires,
                    ..w.clone()
                })
                .collect(),
        }
    }

    /// Attach to `f` (when unaddressed) the last waiver in force that covers it,
    /// else the last expired one.
    pub fn apply(&self, f: &mut Finding) {
        if f.status != Status::Unaddressed {
            return;
        }
        for w in &self.waivers {
            let rule_ok = w
                .rule
                .as_deref()
                .is_none_or(|r| r == "*" || r.eq_ignore_ascii_case(&f.rule));
            let duty_ok = w.duty.as_deref().is_none_or(|d| d == f.duty.as_str());
            if rule_ok
                && duty_ok
                && glob(&w.resource, &f.resource)
                && f.waiver.as_ref().is_none_or(|x| x.expired)
            {
                f.waiver = Some(w.clone());
            }
        }
    }

    /// The waivers past their date (the report lists them).
    pub fn expired(&self) -> Vec<Waiver> {
        self.waivers.iter().filter(|w| w.expired).cloned().collect()
    }
}

/// Whether a finding is waived by a waiver still in force.
pub fn is_waived(f: &Finding) -> bool {
    f.waiver.as_ref().is_some_and(|w| !w.expired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("arn:aws:s3:::acme-*", "arn:aws:s3:::acme-logs"));
        assert!(glob(
            "*legacy*",
            "arn:aws:ec2:eu-west-1:1:volume/legacy-data"
        ));
        assert!(!glob("arn:aws:s3:::acme-*", "arn:aws:s3:::other"));
        assert!(glob("exact", "exact") && !glob("exact", "exactly"));
        assert!(glob("*", "anything"));
    }
}
