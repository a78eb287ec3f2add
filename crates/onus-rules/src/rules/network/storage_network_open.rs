use onus_model::{Duty, Resource, RuleAccess, Severity};

use crate::net::{private_access_only, ranges_outcome};
use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That a storage account's network rules deny by default
    /// (`networkAcls.defaultAction` is `Deny`), so only the virtual networks and
    /// addresses listed can reach it, and that the addresses listed
    /// (`networkAcls.ipRules`) are not themselves open to the internet as the
    /// address model defines it (`onus explain firewall`): a default `Deny` with
    /// an `ipRules` entry of `0.0.0.0/1` admits half of IPv4. When public network access is disabled the
    /// duty is met by that stronger control and reported addressed with it as
    /// evidence.
    ///
    /// ## Why it matters
    /// With the default action `Allow`, every address on the internet can reach
    /// the account's endpoints and only the credentials stand between an attacker
    /// and the data. The storage service's firewall is the network control of a
    /// PaaS store: the provider runs it, the customer configures it (shared).
    ///
    /// ## How to address
    /// Set the default action to `Deny` and list the virtual networks and address
    /// ranges that need access, or use private endpoints and disable public
    /// network access.
    ///
    /// ## References
    /// - Microsoft, Configure Azure Storage firewalls and virtual networks: <https://learn.microsoft.com/azure/storage/common/storage-network-security>
    /// - CIS Microsoft Azure Foundations Benchmark 3.8
    pub struct StorageNetworkOpen {
        code: "NET005",
        title: "Storage account network access allowed by default",
        duty: Duty::Firewall,
        severity: Severity::Medium,
        facets: &["network", "public_access"],
        remediation: "Set the network rules' default action to Deny and list the networks that need access, or use private endpoints.",
    }
}

impl Rule for StorageNetworkOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        if let Some(private) =
            private_access_only(resource, "the network rules admit no internet traffic")
        {
            return private;
        }
        let network = resource.facets.network.as_ref();
        match network.and_then(|n| n.default_action) {
            None => Outcome::not_observed("network.default_action"),
            Some(RuleAccess::Deny) => match network.and_then(|n| n.firewall_ranges.as_ref()) {
                // Deny by default means little when the listed addresses are the internet.
                None => Outcome::not_observed("network.firewall_ranges"),
                Some(ranges) => match ranges_outcome(
                    resource,
                    ranges,
                    "The network rules deny by default, but the address list",
                ) {
                    Outcome::Addressed { mut evidence, .. } => {
                        evidence.insert(
                            0,
                            self::evidence(resource, "network.default_action", "deny".into()),
                        );
                        Outcome::addressed(
                            format!(
                                "Network rules deny by default; {} address rule(s), none admitting the internet",
                                ranges.len()
                            ),
                            evidence,
                        )
                    }
                    other => other,
                },
            },
            Some(RuleAccess::Allow) => Outcome::unaddressed(
                "Network rules allow every address by default",
                vec![evidence(resource, "network.default_action", "allow".into())],
            ),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"network.default_action": "/properties/networkAcls/defaultAction",
            "network.firewall_ranges": "/properties/networkAcls/ipRules"});
        vec![
            fx_with(
                "default-allow",
                Unaddressed,
                "azure.storage.storage-account",
                json!({"network": {"default_action": "allow"}}),
                src.clone(),
            ),
            fx_with(
                "default-deny",
                Addressed,
                "azure.storage.storage-account",
                json!({"network": {"default_action": "deny", "firewall_ranges": [
                    {"start": "203.0.113.0", "end": "203.0.113.255"}
                ]}}),
                src.clone(),
            ),
            fx_with(
                "default-deny-broad-ip-rule",
                Unaddressed,
                "azure.storage.storage-account",
                json!({"network": {"default_action": "deny", "firewall_ranges": [
                    {"start": "0.0.0.0", "end": "127.255.255.255"}
                ]}}),
                src.clone(),
            ),
            fx_with(
                "default-deny-ip-rules-not-observed",
                Unknown,
                "azure.storage.storage-account",
                json!({"network": {"default_action": "deny"}}),
                src.clone(),
            ),
            fx_with(
                "not-observed",
                Unknown,
                "azure.storage.storage-account",
                json!({"network": {}}),
                src.clone(),
            ),
            fx_with(
                "public-access-off",
                Addressed,
                "azure.storage.storage-account",
                json!({"public_access": {"internet_reachable": false}, "network": {"default_action": "allow"}}),
                src,
            ),
        ]
    }
}
