use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That each user of a SaaS directory (Microsoft Entra ID, Google
    /// Workspace) whose account can sign in has a second factor: an MFA method
    /// registered (Entra ID's authentication methods report) or 2-Step
    /// Verification enrolled (Workspace). A disabled or suspended account is
    /// not judged. An administrator without one is critical, not high.
    ///
    /// A tenant-wide requirement (IAM006) is not the same thing: a user who
    /// never registered a method is asked to at the next sign-in, and until
    /// then the password alone opens the account, or the requirement has
    /// exclusions this user falls into.
    ///
    /// ## Why it matters
    /// In SaaS the provider runs everything up to the application; who can get
    /// in stays the customer's. Most SaaS breaches begin with a password that
    /// worked on its own, and an administrator's password opens the tenant.
    ///
    /// ## How to address
    /// Have the user register a method (a security key, a passkey or an
    /// authenticator app), enforce MFA for everyone, and give administrators
    /// phishing-resistant methods. Disable accounts nobody uses.
    ///
    /// ## References
    /// - Microsoft, Authentication methods activity (user registration details): <https://learn.microsoft.com/entra/identity/authentication/howto-authentication-methods-activity>
    /// - Google Workspace, Deploy 2-Step Verification: <https://support.google.com/a/answer/9176657>
    /// - CIS Microsoft 365 Foundations Benchmark 5.2.3; CIS Google Workspace Foundations Benchmark 4.1.1
    pub struct DirectoryUserWithoutMfa {
        code: "IAM015",
        title: "Directory user without MFA",
        duty: Duty::IdentityAccess,
        severity: Severity::High,
        facets: &["identity"],
        remediation: "Have the user register a second factor (security key, passkey, authenticator app) and enforce MFA for everyone.",
    }
}

impl Rule for DirectoryUserWithoutMfa {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let identity = resource.facets.identity.as_ref();
        if identity.and_then(|i| i.console_access) == Some(false) {
            return Outcome::not_applicable(
                "the account is disabled or suspended: it cannot sign in",
            );
        }
        let admin = identity.and_then(|i| i.admin);
        match identity.and_then(|i| i.mfa_enabled) {
            None => Outcome::not_observed("identity.mfa_enabled"),
            Some(true) => Outcome::addressed(
                "The user has a second factor registered",
                vec![evidence(resource, "identity.mfa_enabled", true.into())],
            ),
            Some(false) => {
                let mut ev = vec![evidence(resource, "identity.mfa_enabled", false.into())];
                if admin == Some(true) {
                    ev.push(evidence(resource, "identity.admin", true.into()));
                    Outcome::Unaddressed {
                        message: "An administrator has no second factor registered: the password alone opens the tenant".to_owned(),
                        evidence: ev,
                        severity: Some(Severity::Critical),
                    }
                } else {
                    Outcome::unaddressed("The user has no second factor registered", ev)
                }
            }
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "admin-without-mfa",
                Unaddressed,
                "microsoft.entra.user",
                json!({"identity": {"mfa_enabled": false, "admin": true, "console_access": true}}),
            ),
            fx(
                "user-without-2sv",
                Unaddressed,
                "google.workspace.user",
                json!({"identity": {"mfa_enabled": false, "admin": false}}),
            ),
            fx(
                "user-with-mfa",
                Addressed,
                "microsoft.entra.user",
                json!({"identity": {"mfa_enabled": true}}),
            ),
            fx(
                "registration-not-read",
                Unknown,
                "microsoft.entra.user",
                json!({"identity": {"admin": true}}),
            ),
            fx(
                "suspended",
                NotApplicable,
                "google.workspace.user",
                json!({"identity": {"mfa_enabled": false, "console_access": false}}),
            ),
        ]
    }
}
