use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a stored credential rotates automatically: a Secrets Manager secret
    /// with rotation configured (`RotationEnabled`).
    ///
    /// ## Why it matters
    /// A database password or API key that never changes stays valid for whoever
    /// copied it, from a laptop, a log or a former colleague. Secrets Manager
    /// stores and encrypts the secret (PaaS); rotating the credential is an
    /// identity duty that stays the customer's.
    ///
    /// ## How to address
    /// Configure rotation with a rotation function (managed rotation for RDS,
    /// Redshift and DocumentDB credentials) and a schedule, or replace the secret
    /// with short-lived credentials (IAM database authentication, roles).
    ///
    /// ## References
    /// - AWS, Rotate AWS Secrets Manager secrets: <https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html>
    pub struct SecretRotationOff {
        code: "IAM008",
        title: "Stored secret is never rotated",
        duty: Duty::IdentityAccess,
        severity: Severity::Medium,
        facets: &["identity"],
        remediation: "Configure automatic rotation for the secret, or replace it with short-lived credentials.",
    }
}

impl Rule for SecretRotationOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.credential_rotation_enabled",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.credential_rotation_enabled),
            true,
            "The secret rotates automatically",
            "The secret is never rotated automatically",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"identity.credential_rotation_enabled": "/ARN"});
        vec![
            fx_with(
                "static",
                Unaddressed,
                "aws.secretsmanager.secret",
                json!({"identity": {"credential_rotation_enabled": false}}),
                src.clone(),
            ),
            fx_with(
                "rotating",
                Addressed,
                "aws.secretsmanager.secret",
                json!({"identity": {"credential_rotation_enabled": true}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "aws.secretsmanager.secret",
                json!({}),
                json!({}),
            ),
        ]
    }
}
