use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a SaaS tenant blocks legacy authentication: in Microsoft Entra ID,
    /// security defaults on, or an enabled (not report-only) Conditional Access
    /// policy for all users that blocks the `exchangeActiveSync` and `other`
    /// client app types.
    ///
    /// ## Why it matters
    /// Legacy protocols (IMAP, POP, SMTP AUTH, older Office clients) cannot
    /// ask for a second factor, so a tenant that requires MFA everywhere else
    /// still lets a password alone in through them; password spraying targets
    /// exactly these endpoints.
    ///
    /// ## How to address
    /// Turn on security defaults, or create a Conditional Access policy for all
    /// users and all cloud apps, client apps "Exchange ActiveSync clients" and
    /// "Other clients", grant: block access; move the report-only policy to on.
    ///
    /// ## References
    /// - Microsoft, Block legacy authentication with Conditional Access: <https://learn.microsoft.com/entra/identity/conditional-access/policy-block-legacy-authentication>
    /// - CIS Microsoft 365 Foundations Benchmark 5.2.2.3
    pub struct LegacyAuthAllowed {
        code: "IAM017",
        title: "Legacy authentication not blocked",
        duty: Duty::IdentityAccess,
        severity: Severity::High,
        facets: &["identity"],
        remediation: "Block legacy authentication with security defaults or an enabled Conditional Access policy.",
    }
}

impl Rule for LegacyAuthAllowed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.legacy_auth_blocked",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.legacy_auth_blocked),
            true,
            "Legacy authentication is blocked",
            "Legacy authentication is not blocked: a password alone signs in over IMAP, POP, SMTP or Exchange ActiveSync",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "no-blocking-policy",
                Unaddressed,
                "microsoft.m365.tenant",
                json!({"identity": {"legacy_auth_blocked": false}}),
            ),
            fx(
                "security-defaults",
                Addressed,
                "microsoft.m365.tenant",
                json!({"identity": {"legacy_auth_blocked": true}}),
            ),
            fx(
                "policies-not-read",
                Unknown,
                "microsoft.m365.tenant",
                json!({}),
            ),
        ]
    }
}
