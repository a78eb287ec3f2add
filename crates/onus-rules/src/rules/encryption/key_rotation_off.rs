use onus_model::{Duty, KeySource, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence, flag};

declare_rule! {
    /// ## What it checks
    /// That a customer-managed KMS key rotates its key material automatically
    /// (`GetKeyRotationStatus`). AWS managed keys rotate every year on their own,
    /// so the rule does not apply to them.
    ///
    /// ## Why it matters
    /// Key management is part of encryption at rest: a key that never rotates
    /// keeps every byte it ever protected exposed to one compromise of its
    /// material, and most standards (PCI DSS, CIS) require rotation. KMS runs the
    /// hardware and the service (PaaS); turning rotation on for a
    /// customer-managed key is the customer's decision.
    ///
    /// ## How to address
    /// `aws kms enable-key-rotation --key-id KEY` (optionally with a rotation
    /// period); asymmetric and imported keys rotate by creating a new key and
    /// moving the alias.
    ///
    /// ## References
    /// - AWS, Rotating AWS KMS keys: <https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html>
    /// - CIS AWS Foundations Benchmark 3.6
    pub struct KeyRotationOff {
        code: "ENC005",
        title: "Customer-managed key does not rotate",
        duty: Duty::EncryptionAtRest,
        severity: Severity::Medium,
        facets: &["encryption_at_rest"],
        remediation: "Enable automatic rotation of the key (aws kms enable-key-rotation), or rotate by alias for keys that cannot rotate.",
    }
}

impl Rule for KeyRotationOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let enc = resource.facets.encryption_at_rest.as_ref();
        if enc.and_then(|e| e.key_source) == Some(KeySource::ProviderManaged) {
            return Outcome::not_applicable(
                "an AWS managed key: AWS rotates its material every year",
            );
        }
        let outcome = flag(
            resource,
            "encryption_at_rest.key_rotation_enabled",
            enc.and_then(|e| e.key_rotation_enabled),
            true,
            "Automatic key rotation is on",
            "Automatic rotation of this customer-managed key is off",
        );
        match outcome {
            Outcome::Unaddressed {
                message,
                mut evidence,
                severity,
            } => {
                if let Some(source) = enc.and_then(|e| e.key_source) {
                    evidence.push(self::evidence(
                        resource,
                        "encryption_at_rest.key_source",
                        serde_json::to_value(source).unwrap_or_default(),
                    ));
                }
                Outcome::Unaddressed {
                    message,
                    evidence,
                    severity,
                }
            }
            other => other,
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"encryption_at_rest.key_rotation_enabled": "/KeyRotationEnabled", "encryption_at_rest.key_source": "/KeyMetadata/KeyManager"});
        vec![
            fx_with(
                "never-rotates",
                Unaddressed,
                "aws.kms.key",
                json!({"encryption_at_rest": {"key_source": "customer-managed", "key_rotation_enabled": false}}),
                src.clone(),
            ),
            fx_with(
                "rotates",
                Addressed,
                "aws.kms.key",
                json!({"encryption_at_rest": {"key_source": "customer-managed", "key_rotation_enabled": true}}),
                src.clone(),
            ),
            fx_with(
                "status-not-read",
                Unknown,
                "aws.kms.key",
                json!({"encryption_at_rest": {"key_source": "customer-managed"}}),
                src.clone(),
            ),
            fx_with(
                "aws-managed",
                NotApplicable,
                "aws.kms.key",
                json!({"encryption_at_rest": {"key_source": "provider-managed"}}),
                src,
            ),
        ]
    }
}
