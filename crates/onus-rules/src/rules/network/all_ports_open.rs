use onus_model::{Duty, Resource, Severity};

use onus_model::address::Traffic;

use crate::net::judge;
use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// ## What it checks
    /// That no inbound rule of a security group or network security group allows
    /// every port (protocol "all", or TCP/UDP 0–65535) from the internet, over IPv4
    /// or IPv6. The sources allowed are what is left after the rules are
    /// evaluated in the platform's order: a Deny of some addresses before an
    /// Allow of everyone leaves the rest open. "Open to the internet" is the one
    /// definition of the address model (`onus explain firewall`): everyone, a
    /// provider-wide tag, or at least a /8 of public IPv4 (a /32 of IPv6),
    /// however the sources split it. ESP, AH, GRE and ICMP rules open no port.
    ///
    /// ## Why it matters
    /// An allow-all rule makes every service on the machine, including the ones
    /// nobody meant to publish, reachable from the internet. Network controls are
    /// the customer's duty under IaaS.
    ///
    /// ## How to address
    /// Replace the rule with rules for the ports the workload serves, from the
    /// sources that need them.
    ///
    /// ## References
    /// - AWS, Security group rules: <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
    /// - Microsoft, Network security groups: <https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview>
    pub struct AllPortsOpen {
        code: "NET003",
        title: "All ports open to the internet",
        duty: Duty::Firewall,
        severity: Severity::Critical,
        facets: &["network"],
        remediation: "Replace the allow-all rule with rules for the ports the workload serves, from the sources that need them.",
    }
}

impl Rule for AllPortsOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let Some(rules) = resource
            .facets
            .network
            .as_ref()
            .and_then(|n| n.ingress.as_ref())
        else {
            return Outcome::not_observed("network.ingress");
        };
        judge(rules, &[(Traffic::AllPorts, "every port".to_owned())]).outcome(
            resource,
            rules,
            |open| {
                let families = open.first().map(|(_, f)| f.join(" and "));
                format!(
                    "Every port is open to the internet over {}",
                    families.unwrap_or_default()
                )
            },
            "No inbound rule opens every port to the internet",
            Self::META.severity,
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "all-traffic-world",
                Unaddressed,
                "aws.ec2.security-group",
                json!({"network": {"attached": true, "ingress": [
                    {"protocol": "all", "source": "0.0.0.0/0"}, {"protocol": "all", "source": "::/0"}
                ]}}),
            ),
            fx(
                "nsg-any-any",
                Unaddressed,
                "azure.network.network-security-group",
                json!({"network": {"ingress": [
                    {"name": "AllowAnyCustom", "priority": 1000, "access": "allow", "protocol": "all", "source": "Internet"}
                ]}}),
            ),
            fx(
                "nsg-any-any-shadowed",
                Addressed,
                "azure.network.network-security-group",
                json!({"network": {"ingress": [
                    {"name": "DenyAll", "priority": 100, "access": "deny", "protocol": "all", "source": "*"},
                    {"name": "AllowAnyCustom", "priority": 1000, "access": "allow", "protocol": "all", "source": "Internet"}
                ]}}),
            ),
            fx(
                "https-only",
                Addressed,
                "aws.ec2.security-group",
                json!({"network": {"ingress": [
                    {"protocol": "tcp", "from_port": 443, "to_port": 443, "source": "0.0.0.0/0"}
                ]}}),
            ),
            fx(
                "not-observed",
                Unknown,
                "aws.ec2.security-group",
                json!({"network": {}}),
            ),
        ]
    }
}
