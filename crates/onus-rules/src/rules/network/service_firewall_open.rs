use onus_model::{Duty, Resource, Severity};

use crate::net::{private_access_only, ranges_outcome};
use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it checks
    /// That a database service firewall (Azure SQL logical server firewall rules)
    /// does not admit the internet as the address model defines it (`onus explain
    /// firewall`): a rule from `0.0.0.0` to `255.255.255.255`, any range holding
    /// as many public addresses as a /8, or ranges that together do. A `0.0.0.0`–`0.0.0.0` rule ("Allow Azure
    /// services and resources to access this server") admits every Azure
    /// customer's services, not only yours, and is reported at medium severity.
    /// A range onus cannot read makes the answer unknown. When
    /// public network access is disabled the firewall rules have no effect: the
    /// duty is met by the stronger control, and reported addressed with that
    /// evidence (the duty stays the customer's; `not_applicable` is only for
    /// kinds without a service firewall). The same for the firewall rules of
    /// PostgreSQL and MySQL flexible servers, and a Cloud SQL instance's authorised
    /// networks (a public IP with `0.0.0.0/0` authorised).
    ///
    /// ## Why it matters
    /// The service firewall is the network control of a PaaS database. The
    /// provider runs the firewall; which addresses it admits is the customer's
    /// configuration (network controls are shared under PaaS).
    ///
    /// ## How to address
    /// Delete the rule; admit the application's outbound addresses only, or
    /// disable public network access and use a private endpoint.
    ///
    /// ## References
    /// - Microsoft, Azure SQL Database and Azure Synapse IP firewall rules: <https://learn.microsoft.com/azure/azure-sql/database/firewall-configure>
    /// - CIS Microsoft Azure Foundations Benchmark 4.1.2
    pub struct ServiceFirewallOpen {
        code: "NET004",
        title: "Database service firewall admits all addresses",
        duty: Duty::Firewall,
        severity: Severity::High,
        facets: &["network", "public_access"],
        remediation: "Delete the firewall rule; admit only the application's addresses, or disable public network access and use a private endpoint.",
    }
}

impl Rule for ServiceFirewallOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        if let Some(private) = private_access_only(resource, "no firewall rule admits the internet")
        {
            return private;
        }
        let Some(ranges) = resource
            .facets
            .network
            .as_ref()
            .and_then(|n| n.firewall_ranges.as_ref())
        else {
            return Outcome::not_observed("network.firewall_ranges");
        };
        ranges_outcome(resource, ranges, "The firewall")
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "all-addresses",
                Unaddressed,
                "azure.sql.server",
                json!({"network": {"firewall_ranges": [
                    {"name": "AllowAll", "start": "0.0.0.0", "end": "255.255.255.255"}
                ]}}),
            ),
            fx(
                "allow-azure-services",
                Unaddressed,
                "azure.sql.server",
                json!({"network": {"firewall_ranges": [
                    {"name": "AllowAllWindowsAzureIps", "start": "0.0.0.0", "end": "0.0.0.0"}
                ]}}),
            ),
            // Only Azure reads 0.0.0.0–0.0.0.0 as "every Azure service".
            fx(
                "zero-address-on-cloud-sql",
                Addressed,
                "gcp.sql.instance",
                json!({"network": {"firewall_ranges": [
                    {"name": "zero", "start": "0.0.0.0", "end": "0.0.0.0"}
                ]}}),
            ),
            fx(
                "office-range",
                Addressed,
                "azure.sql.server",
                json!({"public_access": {"internet_reachable": true}, "network": {"firewall_ranges": [
                    {"name": "Office", "start": "203.0.113.0", "end": "203.0.113.255"}
                ]}}),
            ),
            fx(
                "no-rules",
                Addressed,
                "azure.sql.server",
                json!({"network": {"firewall_ranges": []}}),
            ),
            fx("rules-not-observed", Unknown, "azure.sql.server", json!({})),
            fx(
                "split-ranges-cover-everything",
                Unaddressed,
                "azure.sql.server",
                // 512 ranges of a /9 each: every one narrower than a /8, all of
                // them together every address.
                json!({"network": {"firewall_ranges": (0u32..512)
                    .map(|k| {
                        let start = std::net::Ipv4Addr::from(k << 23);
                        let end = std::net::Ipv4Addr::from((k << 23) | ((1 << 23) - 1));
                        json!({"start": start.to_string(), "end": end.to_string()})
                    })
                    .collect::<Vec<_>>()}}),
            ),
            fx(
                "public-access-disabled",
                Addressed,
                "azure.sql.server",
                json!({"public_access": {"internet_reachable": false},
                "network": {"firewall_ranges": [{"start": "0.0.0.0", "end": "255.255.255.255"}]}}),
            ),
        ]
    }
}
