use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a subnet does not give every network interface launched into it a
    /// public IPv4 address by default (`MapPublicIpOnLaunch` in
    /// `DescribeSubnets`). AWS turns it on for the default subnets of a
    /// default VPC.
    ///
    /// ## Why it matters
    /// An instance launched there without a second thought is addressable
    /// from the internet, and then only its security group stands between it
    /// and every scanner. Choosing which workloads face the internet is the
    /// customer's network duty in IaaS; it belongs in a deliberate choice at
    /// launch, not a subnet default.
    ///
    /// ## How to address
    /// Turn the attribute off (`ModifySubnetAttribute
    /// --no-map-public-ip-on-launch`) and give public addresses explicitly,
    /// or through a load balancer or NAT gateway, to what must face the
    /// internet.
    ///
    /// ## References
    /// - AWS, Modify the public IPv4 addressing attribute for your subnet: <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html>
    pub struct SubnetAssignsPublicIp {
        code: "NET008",
        title: "Subnet assigns public IP addresses by default",
        duty: Duty::Firewall,
        severity: Severity::Low,
        facets: &["network"],
        remediation: "Turn off MapPublicIpOnLaunch on the subnet; give public addresses explicitly, or use a load balancer or NAT gateway.",
    }
}

impl Rule for SubnetAssignsPublicIp {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "network.assigns_public_ip",
            resource
                .facets
                .network
                .as_ref()
                .and_then(|n| n.assigns_public_ip),
            false,
            "Interfaces launched into the subnet get no public IPv4 address unless asked",
            "Every interface launched into the subnet gets a public IPv4 address by default",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"network.assigns_public_ip": "/MapPublicIpOnLaunch"});
        vec![
            fx_with(
                "default-subnet",
                Unaddressed,
                "aws.ec2.subnet",
                json!({"network": {"assigns_public_ip": true}}),
                src.clone(),
            ),
            fx_with(
                "private-subnet",
                Addressed,
                "aws.ec2.subnet",
                json!({"network": {"assigns_public_ip": false}}),
                src,
            ),
            fx_with("not-read", Unknown, "aws.ec2.subnet", json!({}), json!({})),
        ]
    }
}
