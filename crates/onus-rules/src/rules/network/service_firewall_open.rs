use std::net::Ipv4Addr;

use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

/// Ranges at least this wide (a /8) count as open to the internet.
const WIDE: u64 = 1 << 24;

declare_rule! {
    /// ## What it checks
    /// That a database service firewall (Azure SQL logical server firewall rules)
    /// does not admit every address: a rule from `0.0.0.0` to `255.255.255.255`,
    /// or any range of a /8 or wider. A `0.0.0.0`–`0.0.0.0` rule ("Allow Azure
    /// services and resources to access this server") admits every Azure
    /// customer's services, not only yours, and is reported at medium severity.
    /// When public network access is disabled the firewall rules have no effect
    /// and the rule does not apply.
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
        kinds: &["azure.sql.server"],
        facets: &["network", "public_access"],
        remediation: "Delete the firewall rule; admit only the application's addresses, or disable public network access and use a private endpoint.",
    }
}

fn span(start: &str, end: &str) -> Option<(u32, u32)> {
    let s: Ipv4Addr = start.trim().parse().ok()?;
    let e: Ipv4Addr = end.trim().parse().ok()?;
    Some((u32::from(s), u32::from(e)))
}

impl Rule for ServiceFirewallOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        if resource
            .facets
            .public_access
            .as_ref()
            .and_then(|p| p.internet_reachable)
            == Some(false)
        {
            return Outcome::not_applicable(
                "public network access is disabled, so firewall rules admit nothing",
            );
        }
        let Some(ranges) = resource
            .facets
            .network
            .as_ref()
            .and_then(|n| n.firewall_ranges.as_ref())
        else {
            return Outcome::not_observed("network.firewall_ranges");
        };
        let mut wide = Vec::new();
        let mut azure_services = Vec::new();
        let mut unparsable = Vec::new();
        for (i, r) in ranges.iter().enumerate() {
            match span(&r.start, &r.end) {
                Some((0, 0)) => azure_services.push(i),
                Some((s, e)) if e >= s && u64::from(e - s) + 1 >= WIDE => wide.push(i),
                Some(_) => {}
                None => unparsable.push(i),
            }
        }
        let ev = |i: usize| {
            evidence(
                resource,
                &format!("network.firewall_ranges[{i}]"),
                serde_json::to_value(&ranges[i]).unwrap_or_default(),
            )
        };
        if !wide.is_empty() {
            let names: Vec<String> = wide
                .iter()
                .map(|&i| format!("{}–{}", ranges[i].start, ranges[i].end))
                .collect();
            return Outcome::unaddressed(
                format!("The firewall admits the internet: {}", names.join(", ")),
                wide.into_iter().map(ev).collect(),
            );
        }
        if !azure_services.is_empty() {
            return Outcome::Unaddressed {
                message:
                    "The firewall admits every Azure service of every tenant (0.0.0.0–0.0.0.0)"
                        .to_owned(),
                evidence: azure_services.into_iter().map(ev).collect(),
                severity: Some(Severity::Medium),
            };
        }
        if !unparsable.is_empty() {
            return Outcome::Unknown {
                reason: format!(
                    "firewall range(s) {unparsable:?} are not IPv4 addresses onus can read"
                ),
            };
        }
        Outcome::addressed(
            format!(
                "{} firewall rule(s), none admitting the internet",
                ranges.len()
            ),
            vec![evidence(
                resource,
                "network.firewall_ranges",
                serde_json::to_value(ranges).unwrap_or_default(),
            )],
        )
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
                "public-access-disabled",
                NotApplicable,
                "azure.sql.server",
                json!({"public_access": {"internet_reachable": false},
                "network": {"firewall_ranges": [{"start": "0.0.0.0", "end": "255.255.255.255"}]}}),
            ),
        ]
    }
}
