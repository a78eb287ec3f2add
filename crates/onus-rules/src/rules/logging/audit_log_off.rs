use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That an audit log is recording: for an AWS account, that at least one
    /// CloudTrail trail covers every region and is logging (summarised on the
    /// account, so an account with no trail at all is caught); for each trail,
    /// that it is logging and multi-region; for a SaaS tenant, that its audit log
    /// is on.
    ///
    /// ## Why it matters
    /// Without an audit trail no incident can be investigated and no change
    /// attributed. The provider records; keeping a complete trail is the
    /// customer's monitoring duty under every service model (shared under SaaS).
    /// A single-region trail misses activity in the regions an attacker chooses.
    ///
    /// ## How to address
    /// Create a multi-region trail (an organisation trail where AWS Organizations
    /// is used) delivering to a protected bucket, and keep it logging. In SaaS
    /// admin consoles, turn on audit logging.
    ///
    /// ## References
    /// - AWS, Creating a trail for all Regions: <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail.html>
    /// - Microsoft, Turn auditing on or off (Microsoft Purview): <https://learn.microsoft.com/purview/audit-log-enable-disable>
    /// - CIS AWS Foundations Benchmark 3.1
    pub struct AuditLogOff {
        code: "LOG001",
        title: "No multi-region audit log recording",
        duty: Duty::Logging,
        severity: Severity::High,
        facets: &["logging"],
        remediation: "Create a multi-region (or organisation) CloudTrail trail and keep it logging; turn on the tenant's audit log.",
    }
}

impl Rule for AuditLogOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let logging = resource.facets.logging.as_ref();
        let needs_regions = resource.kind.starts_with("aws.");
        let enabled = match logging.and_then(|l| l.audit_enabled) {
            None => return Outcome::not_observed("logging.audit_enabled"),
            Some(false) => {
                return Outcome::unaddressed(
                    "No audit log is recording",
                    vec![evidence(resource, "logging.audit_enabled", false.into())],
                );
            }
            Some(true) => evidence(resource, "logging.audit_enabled", true.into()),
        };
        if !needs_regions {
            return Outcome::addressed("The audit log is on", vec![enabled]);
        }
        match logging.and_then(|l| l.multi_region) {
            None => Outcome::not_observed("logging.multi_region"),
            Some(true) => Outcome::addressed(
                "A multi-region audit trail is logging",
                vec![
                    enabled,
                    evidence(resource, "logging.multi_region", true.into()),
                ],
            ),
            Some(false) => Outcome::unaddressed(
                "The audit trail records one region only; activity elsewhere goes unrecorded",
                vec![
                    enabled,
                    evidence(resource, "logging.multi_region", false.into()),
                ],
            ),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "account-without-trail",
                Unaddressed,
                "aws.iam.account",
                json!({"logging": {"audit_enabled": false}}),
            ),
            fx(
                "single-region-trail",
                Unaddressed,
                "aws.cloudtrail.trail",
                json!({"logging": {"audit_enabled": true, "multi_region": false}}),
            ),
            fx(
                "multi-region-trail",
                Addressed,
                "aws.cloudtrail.trail",
                json!({"logging": {"audit_enabled": true, "multi_region": true}}),
            ),
            fx(
                "m365-audit-on",
                Addressed,
                "microsoft.m365.tenant",
                json!({"logging": {"audit_enabled": true}}),
            ),
            fx(
                "trail-status-denied",
                Unknown,
                "aws.cloudtrail.trail",
                json!({"logging": {"multi_region": true}}),
            ),
        ]
    }
}
