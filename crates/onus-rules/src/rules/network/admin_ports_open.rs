use onus_model::{Duty, Resource, Severity};

use crate::net::check_ports;
use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule};

/// Remote-administration ports this rule checks, with the service each one carries.
pub(crate) const ADMIN_PORTS: &[(u16, &str)] = &[
    (22, "SSH"),
    (23, "Telnet"),
    (3389, "RDP"),
    (5900, "VNC"),
    (5985, "WinRM"),
    (5986, "WinRM over HTTPS"),
];

declare_rule! {
    /// ## What it checks
    /// That no inbound rule of a security group or network security group lets the
    /// internet (`0.0.0.0/0`, `::/0`, `*`, `Internet`) reach a remote-administration
    /// port: 22 (SSH), 23 (Telnet), 3389 (RDP), 5900 (VNC), 5985 and 5986 (WinRM),
    /// over IPv4 or IPv6. The internet is every address of the family, however
    /// the sources split it: `0.0.0.0/1` plus `128.0.0.0/1` is the internet too.
    ///
    /// Rules are evaluated the way the cloud evaluates them: NSG rules in priority
    /// order, so an Allow that an earlier Deny shadows exposes nothing (the finding
    /// says which Allow was shadowed). A rule set that is attached to nothing today
    /// is still unaddressed, since attaching it is one click away; the severity
    /// drops one step.
    ///
    /// ## Why it matters
    /// Internet-wide scanners find an open SSH or RDP port within minutes, and
    /// credential stuffing and remote-access exploits follow. Network controls are
    /// the customer's duty under IaaS in both AWS's and Microsoft's responsibility
    /// models: the provider filters nothing you allow.
    ///
    /// ## How to address
    /// Remove the rule, or narrow its source to the addresses that administer the
    /// machines. Prefer a path with no inbound port at all: AWS Systems Manager
    /// Session Manager, EC2 Instance Connect Endpoint, Azure Bastion, or a VPN.
    ///
    /// ## References
    /// - AWS, Security group rules: <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
    /// - Microsoft, Network security groups, how rules are evaluated: <https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works>
    /// - CIS AWS Foundations Benchmark 5.2, 5.3; CIS Microsoft Azure Foundations Benchmark 7.1, 7.2
    pub struct AdminPortsOpen {
        code: "NET001",
        title: "Remote-administration port open to the internet",
        duty: Duty::Firewall,
        severity: Severity::Critical,
        facets: &["network"],
        remediation: "Remove the rule or narrow its source; use Session Manager, Azure Bastion or a VPN instead of an open administrative port.",
    }
}

impl Rule for AdminPortsOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        check_ports(
            resource,
            ADMIN_PORTS,
            "remote-administration",
            Self::META.severity,
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "ssh-world-v4",
                Unaddressed,
                "aws.ec2.security-group",
                json!({"network": {"attached": true, "ingress": [
                    {"name": "sgr-1", "protocol": "tcp", "from_port": 22, "to_port": 22, "source": "0.0.0.0/0"},
                    {"name": "sgr-2", "protocol": "tcp", "from_port": 443, "to_port": 443, "source": "0.0.0.0/0"}
                ]}}),
                json!({"network.ingress": "/IpPermissions"}),
            ),
            fx(
                "rdp-world-v6-unattached",
                Unaddressed,
                "aws.ec2.security-group",
                json!({"network": {"attached": false, "ingress": [
                    {"protocol": "tcp", "from_port": 3389, "to_port": 3389, "source": "::/0"}
                ]}}),
            ),
            fx(
                "nsg-allow-ssh-internet",
                Unaddressed,
                "azure.network.network-security-group",
                json!({"network": {"ingress": [
                    {"name": "AllowSSH", "priority": 300, "access": "allow", "protocol": "tcp", "from_port": 22, "to_port": 22, "source": "Internet"},
                    {"name": "DenyAllInBound", "priority": 65500, "access": "deny", "protocol": "all", "source": "*"}
                ]}}),
            ),
            fx(
                "nsg-deny-shadows-allow",
                Addressed,
                "azure.network.network-security-group",
                json!({"network": {"ingress": [
                    {"name": "AllowRDP", "priority": 200, "access": "allow", "protocol": "tcp", "from_port": 3389, "to_port": 3389, "source": "*"},
                    {"name": "DenyRDP", "priority": 100, "access": "deny", "protocol": "tcp", "from_port": 3389, "to_port": 3389, "source": "*"}
                ]}}),
            ),
            fx(
                "ssh-from-office-only",
                Addressed,
                "aws.ec2.security-group",
                json!({"network": {"ingress": [
                    {"protocol": "tcp", "from_port": 22, "to_port": 22, "source": "203.0.113.0/24"}
                ]}}),
            ),
            fx(
                "ingress-not-observed",
                Unknown,
                "aws.ec2.security-group",
                json!({"network": {"attached": true}}),
            ),
        ]
    }
}
