use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a customer-managed IAM policy does not grant every action on every
    /// resource: no `Allow` statement with `"*"` in both `Action` and
    /// `Resource` (CIS AWS 1.16). An `Allow` with `NotAction` or `NotResource`,
    /// which can grant nearly everything, makes the status unknown. A policy
    /// attached to nothing today is still unaddressed: attaching it is one
    /// call away.
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
            "The policy grants no action on every resource",
            "The policy allows every action on every resource",
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
                "document-not-read",
                Unknown,
                "aws.iam.policy",
                json!({}),
                json!({}),
            ),
        ]
    }
}
