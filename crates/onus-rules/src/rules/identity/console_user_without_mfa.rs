use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That every IAM user who can sign in to the console with a password has an
    /// MFA device. Users without a console password are not concerned.
    ///
    /// ## Why it matters
    /// Passwords are phished, guessed and reused; MFA is what stops a stolen one
    /// from becoming a console session. Identity is the customer's duty under
    /// every service model.
    ///
    /// ## How to address
    /// Assign an MFA device to the user, and enforce it with an IAM policy that
    /// denies everything but MFA setup without `aws:MultiFactorAuthPresent`.
    /// Better still, move people to IAM Identity Center and remove IAM users.
    ///
    /// ## References
    /// - AWS, Using MFA in AWS: <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html>
    /// - CIS AWS Foundations Benchmark 1.10
    pub struct ConsoleUserWithoutMfa {
        code: "IAM003",
        title: "Console user without MFA",
        duty: Duty::IdentityAccess,
        severity: Severity::High,
        facets: &["identity"],
        remediation: "Assign an MFA device to the user and enforce MFA by policy, or move people to IAM Identity Center.",
    }
}

impl Rule for ConsoleUserWithoutMfa {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let identity = resource.facets.identity.as_ref();
        match identity.and_then(|i| i.console_access) {
            None => return Outcome::not_observed("identity.console_access"),
            Some(false) => return Outcome::not_applicable("the user has no console password"),
            Some(true) => {}
        }
        let console = evidence(resource, "identity.console_access", true.into());
        match identity.and_then(|i| i.mfa_enabled) {
            None => Outcome::not_observed("identity.mfa_enabled"),
            Some(true) => Outcome::addressed(
                "The console user has MFA",
                vec![
                    console,
                    evidence(resource, "identity.mfa_enabled", true.into()),
                ],
            ),
            Some(false) => Outcome::unaddressed(
                "The user can sign in to the console with a password alone",
                vec![
                    console,
                    evidence(resource, "identity.mfa_enabled", false.into()),
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
                "console-no-mfa",
                Unaddressed,
                "aws.iam.user",
                json!({"identity": {"console_access": true, "mfa_enabled": false}}),
            ),
            fx(
                "console-mfa",
                Addressed,
                "aws.iam.user",
                json!({"identity": {"console_access": true, "mfa_enabled": true}}),
            ),
            fx(
                "mfa-devices-denied",
                Unknown,
                "aws.iam.user",
                json!({"identity": {"console_access": true}}),
            ),
            fx(
                "programmatic-only",
                NotApplicable,
                "aws.iam.user",
                json!({"identity": {"console_access": false, "mfa_enabled": false}}),
            ),
        ]
    }
}
