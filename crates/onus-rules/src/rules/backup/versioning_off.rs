use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That object versioning is on: S3 bucket versioning `Enabled`, Azure blob
    /// versioning.
    ///
    /// ## Why it matters
    /// Versioning is what lets an overwritten or deleted object be recovered, and
    /// what stands between ransomware that rewrites objects and permanent loss.
    /// The data layer is the customer's under PaaS.
    ///
    /// ## How to address
    /// Enable versioning (with a lifecycle rule expiring old versions to bound the
    /// cost); consider Object Lock or immutability policies for backups.
    ///
    /// ## References
    /// - AWS, Using versioning in S3 buckets: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html>
    /// - Microsoft, Blob versioning: <https://learn.microsoft.com/azure/storage/blobs/versioning-overview>
    pub struct VersioningOff {
        code: "BAK003",
        title: "Object versioning off",
        duty: Duty::Backup,
        severity: Severity::Low,
        facets: &["backup"],
        remediation: "Enable versioning with a lifecycle rule for old versions.",
    }
}

impl Rule for VersioningOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "backup.versioning",
            resource.facets.backup.as_ref().and_then(|b| b.versioning),
            true,
            "Object versioning is on",
            "Object versioning is off; overwritten and deleted objects cannot be recovered",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"backup.versioning": "/Versioning/Status"});
        vec![
            fx_with(
                "suspended",
                Unaddressed,
                "aws.s3.bucket",
                json!({"backup": {"versioning": false}}),
                src.clone(),
            ),
            fx_with(
                "enabled",
                Addressed,
                "aws.s3.bucket",
                json!({"backup": {"versioning": true}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "azure.storage.storage-account",
                json!({}),
                json!({}),
            ),
        ]
    }
}
