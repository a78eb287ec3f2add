//! JUnit XML: one test suite per duty, one test case per (resource, duty) the
//! customer owns or shares. Unaddressed is a failure; unknown is skipped (the
//! check could not run, which is not a pass); addressed passes. Provider-owned
//! and not-applicable pairs are left out.

use crate::escape::xml_text;
use onus_model::{AuditReport, Duty, Owner, Status};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

/// The report as JUnit XML.
pub fn render(report: &AuditReport) -> String {
    let mut junit = Report::new("onus");
    for duty in Duty::ALL {
        let mut suite = TestSuite::new(duty.as_str());
        // What the run looked at, so CI can tell "no failures" from "not examined".
        let t = &report.coverage.totals;
        for (name, value) in [
            ("onus.coverage.resources", t.resources),
            ("onus.coverage.evaluated", t.evaluated),
            ("onus.coverage.enumerated_only", t.enumerated_only),
            ("onus.coverage.unclassified", t.unclassified),
        ] {
            suite.add_property((name.to_owned(), value.to_string()));
        }
        for r in &report.resources {
            let Some(entry) = r.duties.get(duty) else {
                continue;
            };
            if entry.status == Status::NotApplicable || entry.owner == Some(Owner::Provider) {
                continue;
            }
            let label = xml_text(r.name.as_deref().unwrap_or(&r.id));
            let id = xml_text(&r.id);
            let reason = xml_text(&entry.reason);
            let status = match entry.status {
                Status::Addressed => TestCaseStatus::success(),
                Status::Unaddressed => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(reason.as_ref());
                    s.set_type(entry.rules.join(","));
                    s.set_description(format!("{reason} ({id})"));
                    s
                }
                Status::Unknown | Status::NotApplicable => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(format!("unknown: {reason}"));
                    s
                }
            };
            let mut case = TestCase::new(format!("{label} [{id}]"), status);
            case.set_classname(format!("{}.{}", xml_text(&r.kind), duty.as_str()));
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit.to_string().unwrap_or_default()
}
