use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That public access is blocked as a guard rail, whatever ACLs and policies
    /// say today: S3 Block Public Access fully on for the bucket or the account
    /// (all four settings); Azure storage `allowBlobPublicAccess` false.
    ///
    /// ## Why it matters
    /// The guard rail is what stops the next ACL or policy change from publishing
    /// the data. Who may read the data is the customer's duty under every service
    /// model.
    ///
    /// ## How to address
    /// Turn on all four S3 Block Public Access settings at the account level (and
    /// the bucket level); set `allowBlobPublicAccess` to false on storage
    /// accounts. Serve public content through CloudFront or Front Door instead.
    ///
    /// ## References
    /// - AWS, Blocking public access to S3 storage: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>
    /// - Microsoft, Prevent anonymous read access to blob data: <https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent>
    /// - CIS AWS Foundations Benchmark 2.1.4; CIS Microsoft Azure Foundations Benchmark 3.7
    pub struct PublicAccessNotBlocked {
        code: "PUB001",
        title: "Public access not blocked",
        duty: Duty::PublicAccess,
        severity: Severity::Medium,
        facets: &["public_access"],
        remediation: "Turn on S3 Block Public Access (account and bucket); set allowBlobPublicAccess to false.",
    }
}

impl Rule for PublicAccessNotBlocked {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "public_access.blocked",
            resource
                .facets
                .public_access
                .as_ref()
                .and_then(|p| p.blocked),
            true,
            "Public access is blocked",
            "Nothing blocks public access: one ACL or policy change would publish the data",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "blob-public-allowed",
                Unaddressed,
                "azure.storage.storage-account",
                json!({"public_access": {"blocked": false}}),
                json!({"public_access.blocked": "/properties/allowBlobPublicAccess"}),
            ),
            fx(
                "bpa-on",
                Addressed,
                "aws.s3.bucket",
                json!({"public_access": {"blocked": true}}),
            ),
            fx(
                "bpa-denied",
                Unknown,
                "aws.s3.bucket",
                json!({"public_access": {"acl_grants_public": false}}),
            ),
        ]
    }
}
