//! Baselines and waivers: what a pull-request check needs on top of the ledger.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use onus_model::{AuditReport, BaselineComparison, FindingRef, Status, Waiver};

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

/// Mark every unaddressed finding `new` or `existing` against `baseline`, and list
/// the baseline's gaps that are resolved.
pub fn apply_baseline(report: &mut AuditReport, baseline: &[FindingRef], source: &str) {
    let before: BTreeSet<&FindingRef> = baseline.iter().collect();
    let now: BTreeSet<FindingRef> = gap_refs(report).into_iter().collect();
    let (mut new, mut existing) = (0, 0);
    for f in report
        .findings
        .iter_mut()
        .filter(|f| f.status == Status::Unaddressed)
    {
        let key = FindingRef {
            rule: f.rule.clone(),
            duty: f.duty,
            resource: f.resource.clone(),
        };
        if before.contains(&key) {
            existing += 1;
            f.baseline = Some("existing".to_owned());
        } else {
            new += 1;
            f.baseline = Some("new".to_owned());
        }
    }
    let resolved = before
        .into_iter()
        .filter(|r| !now.contains(*r))
        .cloned()
        .collect();
    report.baseline = Some(BaselineComparison {
        source: source.to_owned(),
        new,
        existing,
        resolved,
    });
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
    let mut expired: Vec<Waiver> = Vec::new();
    for w in waivers {
        let mut w = w.clone();
        w.expired = today > w.expires;
        if w.expired {
            expired.push(w.clone());
        }
        for f in report
            .findings
            .iter_mut()
            .filter(|f| f.status == Status::Unaddressed)
        {
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
    report.expired_waivers = expired;
}

/// Whether a finding is waived by a waiver still in force.
pub fn is_waived(f: &onus_model::Finding) -> bool {
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
