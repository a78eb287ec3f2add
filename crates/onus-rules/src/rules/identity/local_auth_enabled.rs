use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a service accepts only the directory's identities, not credentials of
    /// its own: Cosmos DB `disableLocalAuth` (account keys), Event Hubs and
    /// Service Bus `disableLocalAuth` (shared access signatures), a container
    /// registry's admin user off (`adminUserEnabled` false), an AKS cluster's
    /// local accounts off (`disableLocalAccounts`).
    ///
    /// ## Why it matters
    /// Keys, SAS tokens and admin passwords are long-lived shared secrets: they
    /// bypass conditional access and MFA, name no person in the logs, and stay
    /// valid wherever they were copied. The provider issues them; switching them
    /// off in favour of Entra ID is the customer's identity duty.
    ///
    /// ## How to address
    /// Grant the applications managed identities and role assignments, then set
    /// `disableLocalAuth` (Cosmos DB, Event Hubs, Service Bus), disable the
    /// registry's admin user, or create the AKS cluster with
    /// `--disable-local-accounts`.
    ///
    /// ## References
    /// - Microsoft, Disable local authentication in Azure Cosmos DB: <https://learn.microsoft.com/azure/cosmos-db/how-to-setup-rbac#disable-local-auth>
    /// - Microsoft, Disable local authentication for Event Hubs: <https://learn.microsoft.com/azure/event-hubs/authenticate-shared-access-signature#disabling-localsas-key-authentication>
    /// - Microsoft, Container registry admin account: <https://learn.microsoft.com/azure/container-registry/container-registry-authentication#admin-account>
    /// - Microsoft, Manage local accounts with AKS: <https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad>
    pub struct LocalAuthEnabled {
        code: "IAM009",
        title: "Local keys or accounts accepted besides the directory",
        duty: Duty::IdentityAccess,
        severity: Severity::Medium,
        facets: &["identity"],
        remediation: "Move clients to managed identities and role assignments, then disable local authentication (keys, SAS, admin user, local accounts).",
    }
}

impl Rule for LocalAuthEnabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.local_auth_enabled",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.local_auth_enabled),
            false,
            "Only directory identities are accepted; local keys and accounts are off",
            "Local keys or accounts are accepted besides directory identities",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"identity.local_auth_enabled": "/properties/disableLocalAuth"});
        vec![
            fx_with(
                "keys-on",
                Unaddressed,
                "azure.documentdb.database-account",
                json!({"identity": {"local_auth_enabled": true}}),
                src.clone(),
            ),
            fx_with(
                "entra-only",
                Addressed,
                "azure.eventhub.namespace",
                json!({"identity": {"local_auth_enabled": false}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "azure.containerregistry.registry",
                json!({}),
                json!({}),
            ),
        ]
    }
}
