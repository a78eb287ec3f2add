use onus_model::{Duty, KeySource, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// When the audit requires customer-managed keys (`--require-customer-managed-keys`),
    /// that encrypted storage and databases use a key the customer manages (AWS
    /// KMS customer managed key, Azure Key Vault key through a disk encryption set
    /// or customer-managed key setting) rather than a provider-managed one.
    /// Without that requirement the rule is not evaluated: it judges nothing,
    /// and the report's coverage says so.
    ///
    /// ## Why it matters
    /// Key ownership decides who can revoke access to the data and who sees each
    /// use of the key in audit logs. Many regulated workloads require it; the
    /// choice of key is the customer's even where encryption itself is the
    /// provider's default.
    ///
    /// ## How to address
    /// Re-encrypt with a customer managed KMS key (EBS, RDS: copy and restore; S3:
    /// set SSE-KMS default encryption), or point Azure disks and storage accounts
    /// at a Key Vault key.
    ///
    /// ## References
    /// - AWS KMS, Customer keys and AWS keys: <https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt>
    /// - Microsoft, Customer-managed keys for Azure Storage encryption: <https://learn.microsoft.com/azure/storage/common/customer-managed-keys-overview>
    pub struct CustomerManagedKeyMissing {
        code: "ENC004",
        title: "Data not encrypted with a customer-managed key where required",
        duty: Duty::EncryptionAtRest,
        severity: Severity::Medium,
        facets: &["encryption_at_rest"],
        remediation: "Re-encrypt with a customer-managed key in AWS KMS or Azure Key Vault.",
    }
}

impl Rule for CustomerManagedKeyMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn not_evaluated(&self, ctx: &Context) -> Option<&'static str> {
        (!ctx.require_customer_managed_keys).then_some(
            "customer-managed keys are not required; --require-customer-managed-keys turns it on",
        )
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let enc = resource.facets.encryption_at_rest.as_ref();
        if enc.and_then(|e| e.enabled) == Some(false) {
            return Outcome::not_applicable(
                "the data is not encrypted at all; ENC001/ENC003 report that",
            );
        }
        match enc.and_then(|e| e.key_source) {
            None => Outcome::not_observed("encryption_at_rest.key_source"),
            Some(source @ (KeySource::CustomerManaged | KeySource::CustomerProvided)) => {
                let mut ev = vec![evidence(
                    resource,
                    "encryption_at_rest.key_source",
                    serde_json::to_value(source).unwrap_or_default(),
                )];
                if let Some(key) = enc.and_then(|e| e.key_id.as_ref()) {
                    ev.push(evidence(
                        resource,
                        "encryption_at_rest.key_id",
                        key.clone().into(),
                    ));
                }
                Outcome::addressed("Encrypted with a customer-managed key", ev)
            }
            Some(KeySource::ProviderManaged) => Outcome::unaddressed(
                "Encrypted with a provider-managed key, but this audit requires customer-managed keys",
                vec![evidence(
                    resource,
                    "encryption_at_rest.key_source",
                    "provider-managed".into(),
                )],
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
                "platform-key",
                Unaddressed,
                "azure.compute.disk",
                json!({"encryption_at_rest": {"enabled": true, "key_source": "provider-managed"}}),
            ),
            fx(
                "kms-cmk",
                Addressed,
                "aws.ec2.volume",
                json!({"encryption_at_rest": {"enabled": true, "key_source": "customer-managed", "key_id": "arn:aws:kms:eu-west-1:111122223333:key/1"}}),
            ),
            fx(
                "key-not-observed",
                Unknown,
                "aws.s3.bucket",
                json!({"encryption_at_rest": {"enabled": true}}),
            ),
            fx(
                "unencrypted",
                NotApplicable,
                "aws.ec2.volume",
                json!({"encryption_at_rest": {"enabled": false}}),
            ),
        ]
    }
}
