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
    /// Firewall ranges that together span every address count as well. When
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
        kinds: &["azure.sql.server", "azure.dbforpostgresql.flexible-server", "azure.dbformysql.flexible-server", "gcp.sql.instance"],
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
            return Outcome::addressed(
                "Public network access is disabled, so no firewall rule admits the internet",
                vec![evidence(
                    resource,
                    "public_access.internet_reachable",
                    false.into(),
                )],
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
        let mut wide: Vec<usize> = Vec::new();
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
        // Narrow ranges can still add up to every address.
        if wide.is_empty() && azure_services.is_empty() {
            let mut spans: Vec<(u64, u64, usize)> = ranges
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    span(&r.start, &r.end).map(|(s, e)| (u64::from(s), u64::from(e), i))
                })
                .filter(|(s, e, _)| s <= e)
                .collect();
            spans.sort_unstable();
            let mut next = 0u64;
            let mut used = Vec::new();
            for (s, e, i) in spans {
                if s > next {
                    break;
                }
                if e + 1 > next {
                    next = e + 1;
                    used.push(i);
                }
            }
            if next > u64::from(u32::MAX) {
                return Outcome::unaddressed(
                    format!(
                        "The firewall admits the internet: {} ranges together span every address",
                        used.len()
                    ),
                    vec![evidence(
                        resource,
                        "network.firewall_ranges",
                        serde_json::json!({ "rules": ranges.len(), "covering": used.len() }),
                    )],
                );
            }
        }
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
                "split-ranges-cover-everything",
                Unaddressed,
                "azure.sql.server",
                // 512 ranges of a /9 each: every one narrower than a /8, all of
                // them together every address.
                json!({"network": {"firewall_ranges": (0u32..512)
                    .map(|k| {
                        let start = Ipv4Addr::from(k << 23);
                        let end = Ipv4Addr::from((k << 23) | ((1 << 23) - 1));
                        json!({"start": start.to_string(), "end": end.to_string()})
                    })
                    .collect::<Vec<_>>()}}),
            ),
            fx("not-a-database", NotApplicable, "aws.s3.bucket", json!({})),
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
