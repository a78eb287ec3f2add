use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a SaaS tenant (Google Workspace, Microsoft 365, Dropbox) requires
    /// multi-factor authentication of every user: 2-Step Verification enforced,
    /// Entra ID security defaults or a Conditional Access policy requiring MFA,
    /// Dropbox two-step verification required.
    ///
    /// ## Why it matters
    /// In SaaS the provider runs everything up to the application; accounts and
    /// identities remain the customer's in every provider's model. Most SaaS
    /// breaches begin with a password that worked on its own.
    ///
    /// ## How to address
    /// Enforce MFA for all users in the tenant's admin console, with phishing-
    /// resistant methods (security keys, passkeys) for administrators.
    ///
    /// ## References
    /// - Google Workspace, Deploy 2-Step Verification: <https://support.google.com/a/answer/9176657>
    /// - Microsoft, Security defaults in Microsoft Entra ID: <https://learn.microsoft.com/entra/fundamentals/security-defaults>
    /// - Dropbox, Require two-step verification: <https://help.dropbox.com/security/require-two-step-verification>
    pub struct TenantMfaNotRequired {
        code: "IAM006",
        title: "SaaS tenant does not require MFA",
        duty: Duty::IdentityAccess,
        severity: Severity::High,
        facets: &["identity"],
        remediation: "Enforce MFA for every user in the tenant's admin console.",
    }
}

impl Rule for TenantMfaNotRequired {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.mfa_required",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.mfa_required),
            true,
            "The tenant requires MFA of every user",
            "The tenant lets users sign in without MFA",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "dropbox-optional",
                Unaddressed,
                "dropbox.business.team",
                json!({"identity": {"mfa_required": false}}),
            ),
            fx(
                "m365-enforced",
                Addressed,
                "microsoft.m365.tenant",
                json!({"identity": {"mfa_required": true}}),
            ),
            fx(
                "workspace-not-read",
                Unknown,
                "google.workspace.tenant",
                json!({}),
            ),
        ]
    }
}
