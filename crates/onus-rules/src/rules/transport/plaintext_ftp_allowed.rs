use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That an App Service site does not accept plain FTP for deployments
    /// (`ftpsState` is `FtpsOnly` or `Disabled`, not `AllAllowed`).
    ///
    /// ## Why it matters
    /// Plain FTP sends the deployment credentials and the application's code in
    /// clear text. The platform offers FTPS; allowing FTP is the customer's
    /// configuration under PaaS.
    ///
    /// ## How to address
    /// Set `ftpsState` to `Disabled` (deploy with zip deploy or CI instead) or to
    /// `FtpsOnly`.
    ///
    /// ## References
    /// - Microsoft, Deploy your app to Azure App Service using FTP/S: <https://learn.microsoft.com/azure/app-service/deploy-ftp#enforce-ftps>
    /// - CIS Microsoft Azure Foundations Benchmark 9.10
    pub struct PlaintextFtpAllowed {
        code: "TLS003",
        title: "Plain FTP deployments allowed",
        duty: Duty::EncryptionInTransit,
        severity: Severity::Medium,
        facets: &["transport"],
        remediation: "Set ftpsState to Disabled or FtpsOnly.",
    }
}

impl Rule for PlaintextFtpAllowed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "transport.plaintext_ftp",
            resource
                .facets
                .transport
                .as_ref()
                .and_then(|t| t.plaintext_ftp),
            false,
            "Plain FTP is refused",
            "Plain FTP is accepted for deployments",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "all-allowed",
                Unaddressed,
                "azure.web.site",
                json!({"transport": {"plaintext_ftp": true}}),
                json!({"transport.plaintext_ftp": "/siteConfig/ftpsState"}),
            ),
            fx(
                "ftps-only",
                Addressed,
                "azure.web.site",
                json!({"transport": {"plaintext_ftp": false}}),
            ),
            fx("config-denied", Unknown, "azure.web.site", json!({})),
        ]
    }
}
