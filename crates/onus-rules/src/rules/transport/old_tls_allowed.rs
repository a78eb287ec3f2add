use onus_model::{Duty, Resource, Severity, TlsVersion};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That an endpoint's minimum TLS version is 1.2 or later: Azure storage
    /// `minimumTlsVersion`, App Service `minTlsVersion`, Azure SQL
    /// `minimalTlsVersion`, and the security policies of a load balancer's TLS
    /// listeners (`ELBSecurityPolicy-2016-08` accepts TLS 1.0;
    /// `ELBSecurityPolicy-TLS13-1-2-2021-06` does not), an OpenSearch domain's
    /// `TLSSecurityPolicy`, a CloudFront distribution's viewer certificate (the
    /// default `*.cloudfront.net` certificate accepts TLS 1.0), and a REST API's
    /// security policy for its stages; Cosmos DB `minimalTlsVersion`, Azure Cache
    /// for Redis `minimumTlsVersion`, Event Hubs and Service Bus
    /// `minimumTlsVersion`, and an application gateway's SSL policy (the
    /// predefined `AppGwSslPolicy20150501` accepts TLS 1.0).
    ///
    /// ## Why it matters
    /// TLS 1.0 and 1.1 are deprecated (RFC 8996) and open to known downgrade and
    /// cipher attacks; compliance regimes such as PCI DSS forbid them. The
    /// provider supports modern TLS; the minimum it accepts is the customer's
    /// setting under PaaS.
    ///
    /// ## How to address
    /// Set the minimum TLS version to 1.2 (or 1.3 where clients allow) after
    /// confirming no client still needs an older one.
    ///
    /// ## References
    /// - IETF, RFC 8996, Deprecating TLS 1.0 and TLS 1.1: <https://www.rfc-editor.org/rfc/rfc8996>
    /// - Microsoft, Enforce a minimum TLS version for storage requests: <https://learn.microsoft.com/azure/storage/common/transport-layer-security-configure-minimum-version>
    pub struct OldTlsAllowed {
        code: "TLS002",
        title: "TLS older than 1.2 accepted",
        duty: Duty::EncryptionInTransit,
        severity: Severity::Medium,
        facets: &["transport"],
        remediation: "Set the minimum TLS version to 1.2 or later.",
    }
}

impl Rule for OldTlsAllowed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        match resource
            .facets
            .transport
            .as_ref()
            .and_then(|t| t.min_tls_version)
        {
            None => Outcome::not_observed("transport.min_tls_version"),
            Some(v) if v >= TlsVersion::V1_2 => Outcome::addressed(
                format!("The minimum TLS version is {}", v.as_str()),
                vec![evidence(
                    resource,
                    "transport.min_tls_version",
                    v.as_str().into(),
                )],
            ),
            Some(v) => Outcome::unaddressed(
                format!("TLS {} is accepted", v.as_str()),
                vec![evidence(
                    resource,
                    "transport.min_tls_version",
                    v.as_str().into(),
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
                "tls10",
                Unaddressed,
                "azure.storage.storage-account",
                json!({"transport": {"min_tls_version": "1.0"}}),
            ),
            fx(
                "tls12",
                Addressed,
                "azure.web.site",
                json!({"transport": {"min_tls_version": "1.2"}}),
            ),
            fx(
                "site-config-denied",
                Unknown,
                "azure.web.site",
                json!({"transport": {"tls_enforced": true}}),
            ),
        ]
    }
}
