use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That block and object storage is encrypted at rest: EBS volumes and
    /// snapshots, Azure managed disks, S3 buckets (default encryption), Azure
    /// storage accounts, EFS file systems, and the records and messages Kinesis
    /// streams (KMS), SQS queues (SSE-SQS or SSE-KMS) and SNS topics (SSE-KMS) hold. A provider default the customer
    /// can switch off leaves the duty with the customer: a queue with SSE turned
    /// off is unaddressed. Also OpenSearch domains and ElastiCache replication
    /// groups (encryption at rest is chosen at creation and cannot be added later),
    /// and Compute Engine persistent disks (always encrypted; the key is the
    /// customer's choice).
    ///
    /// ## Why it matters
    /// Unencrypted volumes and snapshots leak their contents through every copy,
    /// share and decommissioned device. Under IaaS the data layer is the
    /// customer's alone; S3, managed disks and storage accounts now encrypt by
    /// default, which makes the duty shared there, and this rule confirms that the
    /// default is in force.
    ///
    /// ## How to address
    /// EBS: create an encrypted copy of the snapshot and restore from it, and turn
    /// on encryption by default (see ENC002). S3: set default bucket encryption
    /// (SSE-S3 or SSE-KMS). Azure: use server-side encryption (on by default), and
    /// encryption at host or customer-managed keys where required.
    ///
    /// ## References
    /// - AWS, Amazon EBS encryption: <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html>
    /// - AWS, Setting default server-side encryption for S3 buckets: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html>
    /// - Microsoft, Server-side encryption of Azure Disk Storage: <https://learn.microsoft.com/azure/virtual-machines/disk-encryption>
    pub struct StorageUnencrypted {
        code: "ENC001",
        title: "Storage or message store not encrypted at rest",
        duty: Duty::EncryptionAtRest,
        severity: Severity::High,
        facets: &["encryption_at_rest"],
        remediation: "Encrypt the storage: re-create volumes from encrypted snapshot copies, set default bucket encryption, keep server-side encryption on.",
    }
}

impl Rule for StorageUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let enc = resource.facets.encryption_at_rest.as_ref();
        match enc.and_then(|e| e.enabled) {
            None => Outcome::not_observed("encryption_at_rest.enabled"),
            Some(true) => {
                let mut ev = vec![evidence(
                    resource,
                    "encryption_at_rest.enabled",
                    true.into(),
                )];
                if let Some(source) = enc.and_then(|e| e.key_source) {
                    ev.push(evidence(
                        resource,
                        "encryption_at_rest.key_source",
                        serde_json::to_value(source).unwrap_or_default(),
                    ));
                }
                // A bucket's setting is its default for new objects: objects
                // written before it was set may be unencrypted. Claim what was seen.
                let message = if resource.kind == "aws.s3.bucket" {
                    "Default encryption is on: objects written from now on are encrypted at rest (objects written before it was set are not checked)"
                } else {
                    "Stored data is encrypted at rest"
                };
                Outcome::addressed(message, ev)
            }
            Some(false) => Outcome::unaddressed(
                "Stored data is not encrypted at rest",
                vec![evidence(
                    resource,
                    "encryption_at_rest.enabled",
                    false.into(),
                )],
            ),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "ebs-unencrypted",
                Unaddressed,
                "aws.ec2.volume",
                json!({"encryption_at_rest": {"enabled": false}}),
                json!({"encryption_at_rest.enabled": "/Encrypted"}),
            ),
            fx(
                "disk-platform-key",
                Addressed,
                "azure.compute.disk",
                json!({"encryption_at_rest": {"enabled": true, "key_source": "provider-managed"}}),
            ),
            fx(
                "snapshot-not-observed",
                Unknown,
                "aws.ec2.snapshot",
                json!({"encryption_at_rest": {"key_id": "alias/x"}}),
            ),
        ]
    }
}
