use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That the AWS account's root user has MFA (`AccountMFAEnabled` in the IAM
    /// account summary).
    ///
    /// ## Why it matters
    /// The root user can do everything, including closing the account and
    /// removing every other control; a phished or reused password is enough
    /// without MFA. Identity is the customer's duty under every service model.
    ///
    /// ## How to address
    /// Sign in as root and assign a hardware or passkey MFA device; store the
    /// credentials offline and use root only for the tasks that need it.
    ///
    /// ## References
    /// - AWS, Root user best practices: <https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html>
    /// - CIS AWS Foundations Benchmark 1.5, 1.6
    pub struct RootWithoutMfa {
        code: "IAM002",
        title: "Root user without MFA",
        duty: Duty::IdentityAccess,
        severity: Severity::Critical,
        facets: &["identity"],
        remediation: "Assign an MFA device (hardware key or passkey) to the root user.",
    }
}

impl Rule for RootWithoutMfa {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.root_mfa_enabled",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.root_mfa_enabled),
            true,
            "The root user has MFA",
            "The root user has no MFA device",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "no-mfa",
                Unaddressed,
                "aws.iam.account",
                json!({"identity": {"root_mfa_enabled": false}}),
                json!({"identity.root_mfa_enabled": "/SummaryMap/AccountMFAEnabled"}),
            ),
            fx(
                "mfa",
                Addressed,
                "aws.iam.account",
                json!({"identity": {"root_mfa_enabled": true}}),
            ),
            fx("summary-denied", Unknown, "aws.iam.account", json!({})),
        ]
    }
}
