//! Waivers: findings accepted until a date, by rule and resource pattern.

use chrono::NaiveDate;
use onus_model::{AuditReport, Finding, Status, Waiver};

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
