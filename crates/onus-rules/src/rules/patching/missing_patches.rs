use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That a patch-managed machine's last patch assessment found no missing
    /// critical or security patches and no failed installations. An assessment
    /// older than 30 days (a setting) does not count as evidence either way, and
    /// a machine outside patch management is left to PAT001.
    ///
    /// ## Why it matters
    /// Enrolment alone does not patch anything; missing security updates are the
    /// most common way into a server. Guest OS patching is the customer's duty
    /// under IaaS.
    ///
    /// ## How to address
    /// Run the patch baseline now (`AWS-RunPatchBaseline` with `Install`, or an
    /// Azure Update Manager one-time update), reboot where patches wait for it,
    /// and schedule installs in a maintenance window.
    ///
    /// ## References
    /// - AWS, DescribeInstancePatchStates: <https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatchStates.html>
    /// - Microsoft, Azure Update Manager assessment: <https://learn.microsoft.com/azure/update-manager/assessment-options>
    pub struct MissingPatches {
        code: "PAT002",
        title: "Missing critical or security patches",
        duty: Duty::GuestOsPatching,
        severity: Severity::High,
        facets: &["patching"],
        remediation: "Install the missing patches now and schedule installs in a maintenance window.",
    }
}

impl Rule for MissingPatches {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, ctx: &Context) -> Outcome {
        let Some(p) = resource.facets.patching.as_ref() else {
            return Outcome::not_observed("patching");
        };
        if p.managed == Some(false) {
            return Outcome::not_applicable(
                "the machine is not patch-managed; PAT001 reports that",
            );
        }
        let Some(assessed) = p.last_assessed else {
            return Outcome::not_observed("patching.last_assessed");
        };
        let age = (ctx.reference_time - assessed).num_days();
        if age > ctx.max_patch_assessment_age_days {
            return Outcome::Unknown {
                reason: format!(
                    "the last patch assessment is {age} days old (older than {} days counts as not observed)",
                    ctx.max_patch_assessment_age_days
                ),
            };
        }
        let (Some(critical), Some(security)) = (p.missing_critical, p.missing_security) else {
            return Outcome::not_observed(
                "patching.missing_critical and patching.missing_security",
            );
        };
        let failed = p.failed.unwrap_or(0);
        let mut ev = vec![
            evidence(
                resource,
                "patching.last_assessed",
                serde_json::to_value(assessed).unwrap_or_default(),
            ),
            evidence(resource, "patching.missing_critical", critical.into()),
            evidence(resource, "patching.missing_security", security.into()),
        ];
        if let Some(f) = p.failed {
            ev.push(evidence(resource, "patching.failed", f.into()));
        }
        if critical == 0 && security == 0 && failed == 0 {
            return Outcome::addressed(
                format!(
                    "No critical or security patches missing at the assessment {age} day(s) ago"
                ),
                ev,
            );
        }
        Outcome::unaddressed(
            format!(
                "{critical} critical and {security} security patch(es) missing, {failed} failed, at the assessment {age} day(s) ago"
            ),
            ev,
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "missing-critical",
                Unaddressed,
                "aws.ec2.instance",
                json!({"patching": {"managed": true,
                "missing_critical": 3, "missing_security": 5, "failed": 0, "last_assessed": "2026-11-18T02:00:00Z"}}),
            ),
            fx(
                "failed-installs",
                Unaddressed,
                "azure.compute.virtual-machine",
                json!({"patching": {"managed": true,
                "missing_critical": 0, "missing_security": 0, "failed": 2, "last_assessed": "2026-11-19T02:00:00Z"}}),
            ),
            fx(
                "compliant",
                Addressed,
                "aws.ec2.instance",
                json!({"patching": {"managed": true,
                "missing_critical": 0, "missing_security": 0, "last_assessed": "2026-11-19T02:00:00Z"}}),
            ),
            fx(
                "stale-assessment",
                Unknown,
                "aws.ec2.instance",
                json!({"patching": {"managed": true,
                "missing_critical": 0, "missing_security": 0, "last_assessed": "2026-08-01T02:00:00Z"}}),
            ),
            fx(
                "patch-states-denied",
                Unknown,
                "aws.ec2.instance",
                json!({"patching": {"managed": true}}),
            ),
            fx(
                "unmanaged",
                NotApplicable,
                "aws.ec2.instance",
                json!({"patching": {"managed": false}}),
            ),
        ]
    }
}
