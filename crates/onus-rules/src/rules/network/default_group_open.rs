use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a VPC's `default` security group has no rules: nothing in,
    /// nothing out (CIS AWS 5.4). The check reads the group's inbound
    /// (`IpPermissions`) and outbound (`IpPermissionsEgress`) rules; any rule
    /// at all is a gap, whatever its source, since AWS creates the group
    /// allowing all traffic between its members and all traffic out. Groups
    /// other than a VPC's default are not applicable.
    ///
    /// ## Why it matters
    /// Every instance, endpoint or function launched into the VPC without a
    /// security group named gets the default one. With rules left in it, a
    /// resource launched in a hurry talks to everything else in the group and
    /// to the internet. The firewall is the customer's duty in IaaS.
    ///
    /// ## How to address
    /// Give every resource a security group made for it, then remove every
    /// inbound and outbound rule from the default group (it cannot be
    /// deleted). The VPC Reachability Analyzer shows what still depends on it.
    ///
    /// ## References
    /// - AWS, Default security groups for your VPCs: <https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html>
    /// - CIS AWS Foundations Benchmark 5.4
    pub struct DefaultGroupOpen {
        code: "NET007",
        title: "Default security group allows traffic",
        duty: Duty::Firewall,
        severity: Severity::Medium,
        facets: &["network"],
        remediation: "Give each resource its own security group, then remove every inbound and outbound rule from the VPC's default group.",
    }
}

impl Rule for DefaultGroupOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let network = resource.facets.network.as_ref();
        match network.and_then(|n| n.default_group) {
            None => Outcome::not_observed("network.default_group"),
            Some(false) => Outcome::not_applicable("not a VPC's default security group"),
            Some(true) => flag(
                resource,
                "network.allows_traffic",
                network.and_then(|n| n.allows_traffic),
                false,
                "The default security group has no inbound or outbound rule",
                "The default security group still has rules that let traffic through",
            ),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"network.default_group": "/GroupName", "network.allows_traffic": "/IpPermissions"});
        vec![
            fx_with(
                "default-as-created",
                Unaddressed,
                "aws.ec2.security-group",
                json!({"network": {"default_group": true, "allows_traffic": true}}),
                src.clone(),
            ),
            fx_with(
                "default-emptied",
                Addressed,
                "aws.ec2.security-group",
                json!({"network": {"default_group": true, "allows_traffic": false}}),
                src.clone(),
            ),
            fx_with(
                "default-rules-not-read",
                Unknown,
                "aws.ec2.security-group",
                json!({"network": {"default_group": true}}),
                json!({"network.default_group": "/GroupName"}),
            ),
            fx_with(
                "web-group",
                NotApplicable,
                "aws.ec2.security-group",
                json!({"network": {"default_group": false, "allows_traffic": true}}),
                src,
            ),
        ]
    }
}
