use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That data-plane access is authorised with Azure role assignments: a Key
    /// Vault with `enableRbacAuthorization` (rather than vault access policies),
    /// an AKS cluster with Azure RBAC for Kubernetes authorisation
    /// (`aadProfile.enableAzureRBAC`).
    ///
    /// ## Why it matters
    /// Vault access policies and in-cluster role bindings live inside the
    /// resource: they escape Privileged Identity Management, conditional access
    /// reviews and the subscription's access reviews, and anyone with
    /// `Contributor` on a vault can grant themselves its secrets through an
    /// access policy. Choosing the authorisation model is the customer's duty.
    ///
    /// ## How to address
    /// Key Vault: assign the built-in Key Vault roles, then switch the vault's
    /// permission model to Azure role-based access control. AKS: enable Entra ID
    /// integration with Azure RBAC (`az aks update --enable-azure-rbac`).
    ///
    /// ## References
    /// - Microsoft, Migrate Key Vault to Azure RBAC: <https://learn.microsoft.com/azure/key-vault/general/rbac-migration>
    /// - Microsoft, Azure RBAC for Kubernetes authorization: <https://learn.microsoft.com/azure/aks/manage-azure-rbac>
    pub struct RbacAuthorizationOff {
        code: "IAM010",
        title: "Access lists inside the resource instead of Azure RBAC",
        duty: Duty::IdentityAccess,
        severity: Severity::Low,
        facets: &["identity"],
        remediation: "Grant access with Azure role assignments and switch the vault or cluster to Azure RBAC authorisation.",
    }
}

impl Rule for RbacAuthorizationOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.rbac_authorization",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.rbac_authorization),
            true,
            "Access is authorised with Azure role assignments",
            "Access is authorised by lists inside the resource, not Azure RBAC",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"identity.rbac_authorization": "/properties/enableRbacAuthorization"});
        vec![
            fx_with(
                "access-policies",
                Unaddressed,
                "azure.keyvault.vault",
                json!({"identity": {"rbac_authorization": false}}),
                src.clone(),
            ),
            fx_with(
                "rbac",
                Addressed,
                "azure.keyvault.vault",
                json!({"identity": {"rbac_authorization": true}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "azure.containerservice.managed-cluster",
                json!({}),
                json!({}),
            ),
        ]
    }
}
