use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

/// Minimum password length (CIS AWS Foundations Benchmark 1.8).
const MIN_LENGTH: u32 = 14;
/// Previous passwords that may not be reused (CIS AWS Foundations Benchmark 1.9).
const MIN_REUSE_PREVENTION: u32 = 24;

declare_rule! {
    /// ## What it checks
    /// That the AWS account's IAM password policy requires passwords of at least
    /// 14 characters and forbids reusing the last 24. An account without a
    /// password policy gets AWS's default (8 characters, reuse allowed), which
    /// fails.
    ///
    /// ## Why it matters
    /// IAM users with console passwords are only as safe as the passwords the
    /// account allows. Identity is the customer's duty under every service model.
    ///
    /// ## How to address
    /// `aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24`
    /// (add the character-class requirements your policy needs), or remove IAM
    /// users in favour of IAM Identity Center.
    ///
    /// ## References
    /// - AWS, Set an account password policy for IAM users: <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html>
    /// - CIS AWS Foundations Benchmark 1.8, 1.9
    pub struct WeakPasswordPolicy {
        code: "IAM007",
        title: "Weak account password policy",
        duty: Duty::IdentityAccess,
        severity: Severity::Low,
        facets: &["identity"],
        remediation: "Require passwords of 14 characters or more and forbid reusing the last 24.",
    }
}

impl Rule for WeakPasswordPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let identity = resource.facets.identity.as_ref();
        let (Some(length), Some(reuse)) = (
            identity.and_then(|i| i.password_min_length),
            identity.and_then(|i| i.password_reuse_prevention),
        ) else {
            return Outcome::not_observed(
                "identity.password_min_length and identity.password_reuse_prevention",
            );
        };
        let ev = vec![
            evidence(resource, "identity.password_min_length", length.into()),
            evidence(resource, "identity.password_reuse_prevention", reuse.into()),
        ];
        let mut weak = Vec::new();
        if length < MIN_LENGTH {
            weak.push(format!(
                "passwords may be {length} characters (fewer than {MIN_LENGTH})"
            ));
        }
        if reuse < MIN_REUSE_PREVENTION {
            weak.push(format!("only the last {reuse} passwords are barred from reuse (fewer than {MIN_REUSE_PREVENTION})"));
        }
        if weak.is_empty() {
            Outcome::addressed(
                format!(
                    "Passwords need {length}+ characters and the last {reuse} cannot be reused"
                ),
                ev,
            )
        } else {
            Outcome::unaddressed(
                format!("The password policy is weak: {}", weak.join("; ")),
                ev,
            )
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "aws-default",
                Unaddressed,
                "aws.iam.account",
                json!({"identity": {"password_min_length": 8, "password_reuse_prevention": 0}}),
            ),
            fx(
                "long-no-reuse-rule",
                Unaddressed,
                "aws.iam.account",
                json!({"identity": {"password_min_length": 16, "password_reuse_prevention": 5}}),
            ),
            fx(
                "cis",
                Addressed,
                "aws.iam.account",
                json!({"identity": {"password_min_length": 14, "password_reuse_prevention": 24}}),
            ),
            fx(
                "policy-denied",
                Unknown,
                "aws.iam.account",
                json!({"identity": {"root_mfa_enabled": true}}),
            ),
        ]
    }
}
