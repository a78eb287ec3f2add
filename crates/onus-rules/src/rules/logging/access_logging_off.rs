use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That access to stored data is logged: S3 server access logging, Azure
    /// storage diagnostic logs for reads, writes and deletes, Redshift audit
    /// logging (connections and queries), CloudFront standard logging, API
    /// Gateway stage access logging, Cloud Storage usage logs (`logging.logBucket`).
    ///
    /// ## Why it matters
    /// Management-plane audit logs do not show who read which object. After a
    /// leak, data-access logs are how the exposure is measured. Monitoring is
    /// shared under PaaS: the provider can log, the customer has to turn it on.
    ///
    /// ## How to address
    /// Turn on S3 server access logging (or CloudTrail data events) to a separate
    /// bucket; send Azure storage resource logs to a Log Analytics workspace.
    ///
    /// ## References
    /// - AWS, Logging requests with server access logging: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html>
    /// - Microsoft, Monitor Azure Blob Storage: <https://learn.microsoft.com/azure/storage/blobs/monitor-blob-storage>
    pub struct AccessLoggingOff {
        code: "LOG002",
        title: "Data access logging off",
        duty: Duty::Logging,
        severity: Severity::Low,
        facets: &["logging"],
        remediation: "Turn on S3 server access logging or CloudTrail data events; send storage resource logs to Log Analytics.",
    }
}

impl Rule for AccessLoggingOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "logging.access_logging",
            resource
                .facets
                .logging
                .as_ref()
                .and_then(|l| l.access_logging),
            true,
            "Data access is logged",
            "Reads and writes of the data are not logged",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "no-server-access-logs",
                Unaddressed,
                "aws.s3.bucket",
                json!({"logging": {"access_logging": false}}),
            ),
            fx(
                "diagnostics-on",
                Addressed,
                "azure.storage.storage-account",
                json!({"logging": {"access_logging": true}}),
            ),
            fx("logging-denied", Unknown, "aws.s3.bucket", json!({})),
        ]
    }
}
