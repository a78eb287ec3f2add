use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

/// Days without use after which a role is a gap (CIS AWS 1.12 uses 45 days
/// for credentials; AWS's own unused-access analysis defaults to 90).
const MAX_UNUSED_DAYS: i64 = 90;

declare_rule! {
    /// ## What it checks
    /// That an IAM role has been used in the last 90 days, by `RoleLastUsed`
    /// as IAM reports it (`GetRole`), measured at the time the inventory was
    /// collected. A role with no recorded use is a gap once it is older than
    /// 90 days; a younger one is not. Service-linked roles, which AWS creates
    /// and the customer cannot delete while the service uses them, are not
    /// applicable. Where `GetRole` could not be read the status is unknown.
    ///
    /// ## Why it matters
    /// A role nobody uses still lets whoever its trust policy admits act with
    /// its permissions; forgotten roles keep stale trust relationships (a
    /// former vendor's account, a deleted pipeline) alive. Removing unused
    /// access is the customer's identity duty under every service model.
    ///
    /// ## How to address
    /// Confirm with the owner that nothing assumes the role (CloudTrail's
    /// `AssumeRole` events), then delete it, or at least remove its trust
    /// relationships and policies. IAM Access Analyzer's unused-access findings
    /// list such roles across an organisation.
    ///
    /// ## References
    /// - AWS, Refine permissions using last accessed information: <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html>
    /// - CIS AWS Foundations Benchmark 1.12 (credentials unused for 45 days)
    pub struct RoleUnused {
        code: "IAM014",
        title: "Role not used in the last 90 days",
        duty: Duty::IdentityAccess,
        severity: Severity::Low,
        facets: &["identity"],
        remediation: "Confirm nothing assumes the role (CloudTrail AssumeRole events), then delete it or remove its trust and policies.",
    }
}

impl Rule for RoleUnused {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, ctx: &Context) -> Outcome {
        let Some(usage) = resource
            .facets
            .identity
            .as_ref()
            .and_then(|i| i.usage.as_ref())
        else {
            return Outcome::not_observed("identity.usage");
        };
        if usage.service_linked {
            return Outcome::not_applicable(
                "a service-linked role is created and managed by the AWS service that uses it",
            );
        }
        let ev = evidence(
            resource,
            "identity.usage",
            serde_json::json!({ "created": usage.created, "last_used": usage.last_used }),
        );
        let max = MAX_UNUSED_DAYS;
        match usage.last_used {
            Some(used) => {
                let days = (ctx.reference_time - used).num_days();
                if days > max {
                    Outcome::unaddressed(
                        format!("The role was last used {days} days ago (more than {max})"),
                        vec![ev],
                    )
                } else {
                    Outcome::addressed(
                        format!("The role was used {days} days ago (within {max})"),
                        vec![ev],
                    )
                }
            }
            None => {
                let age = (ctx.reference_time - usage.created).num_days();
                if age > max {
                    Outcome::unaddressed(
                        format!("IAM records no use of the role, created {age} days ago"),
                        vec![ev],
                    )
                } else {
                    Outcome::addressed(
                        format!(
                            "The role was created {age} days ago and has not been used yet (within {max})"
                        ),
                        vec![ev],
                    )
                }
            }
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "used-last-week",
                Addressed,
                "aws.iam.role",
                json!({"identity": {"usage": {"created": "2024-03-01T00:00:00Z", "last_used": "2026-11-13T09:30:00Z"}}}),
            ),
            fx(
                "last-used-in-spring",
                Unaddressed,
                "aws.iam.role",
                json!({"identity": {"usage": {"created": "2024-03-01T00:00:00Z", "last_used": "2026-04-02T09:30:00Z"}}}),
            ),
            fx(
                "never-used-old",
                Unaddressed,
                "aws.iam.role",
                json!({"identity": {"usage": {"created": "2025-06-01T00:00:00Z"}}}),
            ),
            fx(
                "never-used-new",
                Addressed,
                "aws.iam.role",
                json!({"identity": {"usage": {"created": "2026-11-10T00:00:00Z"}}}),
            ),
            fx(
                "get-role-denied",
                Unknown,
                "aws.iam.role",
                json!({"identity": {"trust_allows_anyone": false}}),
            ),
            fx(
                "service-linked",
                NotApplicable,
                "aws.iam.role",
                json!({"identity": {"usage": {"created": "2020-01-01T00:00:00Z", "service_linked": true}}}),
            ),
        ]
    }
}
