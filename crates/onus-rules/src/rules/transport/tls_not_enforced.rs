use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That an endpoint refuses plain-text requests: an S3 bucket policy denies
    /// requests without `aws:SecureTransport`; an Azure storage account has
    /// `supportsHttpsTrafficOnly`; an App Service site has `httpsOnly`; an Elastic
    /// Beanstalk environment's load balancer has an HTTPS listener; an
    /// application load balancer has no HTTP listener that forwards instead of
    /// redirecting to HTTPS; an OpenSearch domain enforces HTTPS and encrypts
    /// node-to-node traffic; an ElastiCache replication group has transit
    /// encryption on and not in `preferred` mode; no CloudFront cache behaviour
    /// has the viewer protocol policy `allow-all`; an Azure Cache for Redis has its
    /// non-TLS port (6379) closed; a PostgreSQL or MySQL flexible server has the
    /// server parameter `require_secure_transport` on; a Cloud SQL instance's
    /// `sslMode` is `ENCRYPTED_ONLY` or `TRUSTED_CLIENT_CERTIFICATE_REQUIRED`; every
    /// handler of an App Engine version has `securityLevel: SECURE_ALWAYS`.
    ///
    /// ## Why it matters
    /// Without enforcement, any client (or any attacker who can downgrade one)
    /// sends data and credentials in clear text. The provider offers TLS; refusing
    /// everything else is a setting the customer owns under PaaS.
    ///
    /// ## How to address
    /// S3: add a bucket policy statement denying `s3:*` when
    /// `aws:SecureTransport` is false. Azure: set HTTPS-only on the storage
    /// account or site. Beanstalk: add an HTTPS listener and redirect HTTP to it.
    ///
    /// ## References
    /// - AWS, Enforce encryption of data in transit for S3: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit>
    /// - Microsoft, Require secure transfer in Azure Storage: <https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer>
    /// - Microsoft, Enforce HTTPS in App Service: <https://learn.microsoft.com/azure/app-service/configure-ssl-bindings#enforce-https>
    pub struct TlsNotEnforced {
        code: "TLS001",
        title: "Plain-text requests accepted",
        duty: Duty::EncryptionInTransit,
        severity: Severity::Medium,
        facets: &["transport"],
        remediation: "Refuse plain-text requests: aws:SecureTransport deny statement, HTTPS-only setting, HTTPS listener.",
    }
}

impl Rule for TlsNotEnforced {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "transport.tls_enforced",
            resource
                .facets
                .transport
                .as_ref()
                .and_then(|t| t.tls_enforced),
            true,
            "Only TLS requests are accepted",
            "Plain-text (HTTP) requests are accepted",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "bucket-no-secure-transport",
                Unaddressed,
                "aws.s3.bucket",
                json!({"transport": {"tls_enforced": false}}),
            ),
            fx_with(
                "site-https-only",
                Addressed,
                "azure.web.site",
                json!({"transport": {"tls_enforced": true}}),
                json!({"transport.tls_enforced": "/properties/httpsOnly"}),
            ),
            fx(
                "policy-unreadable",
                Unknown,
                "aws.s3.bucket",
                json!({"transport": {}}),
            ),
        ]
    }
}
