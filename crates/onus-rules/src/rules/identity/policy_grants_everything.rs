use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a customer-managed IAM policy, or the permissions of an IAM role
    /// (every managed policy attached and every inline policy), does not grant
    /// every action on every resource: no `Allow` statement with `"*"` (or
    /// `"*:*"`) in both `Action` and `Resource` (CIS AWS 1.16). An `Allow`
    /// with `NotAction` or `NotResource`, which can grant nearly everything,
    /// makes the status unknown; so does a role's policy that could not be
    /// read, and a role granted everything under a permissions boundary, which
    /// onus does not evaluate. A policy attached to nothing today is still
    /// unaddressed: attaching it is one call away.
    ///
    /// ## Why it matters
    /// Full administrative access lets whoever holds it turn off the audit
    /// trail, read every secret and grant itself anything else. Least privilege
    /// is the customer's identity duty under every service model.
    ///
    /// ## How to address
    /// Replace `*` with the actions and resources the holder needs (IAM Access
    /// Analyzer can generate a policy from CloudTrail activity), and keep full
    /// administration to a few break-glass roles.
    ///
    /// ## References
    /// - AWS, Security best practices in IAM (least privilege): <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html>
    /// - CIS AWS Foundations Benchmark 1.16
    pub struct PolicyGrantsEverything {
        code: "IAM013",
        title: "Policy grants full administrative access",
        duty: Duty::IdentityAccess,
        severity: Severity::High,
        facets: &["identity"],
        remediation: "Replace `*` actions and resources with what the holder needs; keep full administration to break-glass roles.",
    }
}

impl Rule for PolicyGrantsEverything {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.administrator_access",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.administrator_access),
            false,
            "No policy read grants every action on every resource",
            "A policy allows every action on every resource",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"identity.administrator_access": "/PolicyVersion/Document"});
        vec![
            fx_with(
                "star-on-star",
                Unaddressed,
                "aws.iam.policy",
                json!({"identity": {"administrator_access": true}}),
                src.clone(),
            ),
            fx_with(
                "scoped",
                Addressed,
                "aws.iam.policy",
                json!({"identity": {"administrator_access": false}}),
                src,
            ),
            fx_with(
                "role-with-admin-attached",
                Unaddressed,
                "aws.iam.role",
                json!({"identity": {"administrator_access": true}}),
                json!({"identity.administrator_access": "/AttachedPolicies/0/PolicyVersion/Document"}),
            ),
            fx_with(
                "role-scoped",
                Addressed,
                "aws.iam.role",
                json!({"identity": {"administrator_access": false, "trust_allows_anyone": false}}),
                json!({"identity.administrator_access": "/AttachedPolicies"}),
            ),
            fx_with(
                "role-inline-policy-denied",
                Unknown,
                "aws.iam.role",
                json!({"identity": {"trust_allows_anyone": false}}),
                json!({}),
            ),
            fx_with(
                "document-not-read",
                Unknown,
                "aws.iam.policy",
                json!({}),
                json!({}),
            ),
        ]
    }
}
