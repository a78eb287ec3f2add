use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a PaaS service holding data or secrets does not accept connections
    /// from every network: public network access disabled, or a network rule set
    /// whose default action is `Deny` (Key Vault `networkAcls`, container
    /// registry `networkRuleSet`), or IP and virtual-network filters (Cosmos DB
    /// `ipRules`, `isVirtualNetworkFilterEnabled`). Covers Key Vault, Cosmos DB,
    /// Azure Cache for Redis, container registries, Event Hubs and Service Bus
    /// namespaces.
    ///
    /// ## Why it matters
    /// With public access open, the only thing between the internet and the data
    /// is a key or a token; one leaked credential is enough. The provider runs the
    /// endpoint; which networks may reach it is the customer's decision.
    ///
    /// ## How to address
    /// Disable public network access and connect through private endpoints, or
    /// set the default action to `Deny` and admit only the application's
    /// networks and addresses.
    ///
    /// ## References
    /// - Microsoft, Configure Azure Key Vault networking settings: <https://learn.microsoft.com/azure/key-vault/general/how-to-azure-key-vault-network-security>
    /// - Microsoft, Configure an IP firewall for Azure Cosmos DB: <https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall>
    /// - Microsoft, Azure Private Link: <https://learn.microsoft.com/azure/private-link/private-link-overview>
    pub struct ServiceOpenToAllNetworks {
        code: "PUB006",
        title: "Service reachable from every network",
        duty: Duty::PublicAccess,
        severity: Severity::Medium,
        facets: &["public_access"],
        remediation: "Disable public network access and use private endpoints, or deny by default and admit only known networks.",
    }
}

impl Rule for ServiceOpenToAllNetworks {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "public_access.internet_reachable",
            resource
                .facets
                .public_access
                .as_ref()
                .and_then(|p| p.internet_reachable),
            false,
            "Public network access is disabled or limited to chosen networks",
            "The service accepts connections from every network",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"public_access.internet_reachable": "/properties/publicNetworkAccess"});
        vec![
            fx_with(
                "open-vault",
                Unaddressed,
                "azure.keyvault.vault",
                json!({"public_access": {"internet_reachable": true}}),
                src.clone(),
            ),
            fx_with(
                "private-cache",
                Addressed,
                "azure.cache.redis",
                json!({"public_access": {"internet_reachable": false}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "azure.eventhub.namespace",
                json!({}),
                json!({}),
            ),
        ]
    }
}
