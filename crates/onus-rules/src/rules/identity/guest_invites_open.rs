use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a SaaS tenant limits who may invite guests (external users): in
    /// Microsoft Entra ID the authorization policy's `allowInvitesFrom` is
    /// `none`, `adminsAndGuestInviters` or `adminsGuestInvitersAndAllMembers`,
    /// not `everyone` (which lets guests invite more guests).
    ///
    /// ## Why it matters
    /// Who can get into a SaaS tenant is the customer's duty in every model.
    /// A guest is an identity the tenant does not manage: its password, its
    /// MFA and its departure are someone else's. When anyone may invite, the
    /// tenant's membership is decided by whoever was invited last.
    ///
    /// ## How to address
    /// In the Entra admin center, External Identities > External
    /// collaboration settings: limit guest invitations to administrators and
    /// users in the Guest Inviter role (`allowInvitesFrom =
    /// adminsAndGuestInviters`), and review guests regularly.
    ///
    /// ## References
    /// - Microsoft, Configure external collaboration settings: <https://learn.microsoft.com/entra/external-id/external-collaboration-settings-configure>
    /// - CIS Microsoft 365 Foundations Benchmark 5.1.6.2
    pub struct GuestInvitesOpen {
        code: "IAM016",
        title: "Anyone may invite guests into the tenant",
        duty: Duty::IdentityAccess,
        severity: Severity::Medium,
        facets: &["identity"],
        remediation: "Limit guest invitations to administrators and named guest inviters.",
    }
}

impl Rule for GuestInvitesOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.guest_invites_restricted",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.guest_invites_restricted),
            true,
            "Only administrators and named inviters may invite guests",
            "Anyone in the tenant, guests included, may invite guests",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "everyone-invites",
                Unaddressed,
                "microsoft.m365.tenant",
                json!({"identity": {"guest_invites_restricted": false}}),
            ),
            fx(
                "admins-invite",
                Addressed,
                "microsoft.m365.tenant",
                json!({"identity": {"guest_invites_restricted": true}}),
            ),
            fx(
                "policy-not-read",
                Unknown,
                "microsoft.m365.tenant",
                json!({}),
            ),
        ]
    }
}
