use onus_model::address::Traffic;
use onus_model::{Duty, Resource, RuleAccess, Severity};

use crate::net::judge;
use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That a managed Kubernetes API endpoint is not reachable from the whole
    /// internet: an EKS cluster with public endpoint access whose allowed
    /// sources (`publicAccessCidrs`) are open to the internet as the address
    /// model defines it (`onus explain firewall`: the default `0.0.0.0/0`, but
    /// also `0.0.0.0/1` or any public /8); an AKS cluster that is not private and has no authorised IP
    /// ranges (`apiServerAccessProfile.authorizedIPRanges`). A private-only
    /// endpoint meets the duty by a stronger control.
    ///
    /// ## Why it matters
    /// The API server is the cluster's administrative interface. Open to the
    /// internet, it is one leaked kubeconfig or one authentication flaw away from
    /// a takeover, and it is probed continuously. AWS runs the endpoint (PaaS);
    /// who may reach it is the customer's network control.
    ///
    /// ## How to address
    /// Turn on private endpoint access and turn off public access, or restrict
    /// `publicAccessCidrs` to the addresses of your administrators and CI.
    ///
    /// ## References
    /// - AWS, Amazon EKS cluster endpoint access control: <https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html>
    /// - CIS Amazon EKS Benchmark 5.4.2
    pub struct ClusterEndpointOpen {
        code: "NET006",
        title: "Kubernetes API endpoint open to the internet",
        duty: Duty::Firewall,
        severity: Severity::High,
        facets: &["network"],
        remediation: "Make the API endpoint private, or restrict its public access CIDRs to known addresses.",
    }
}

impl Rule for ClusterEndpointOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let network = resource.facets.network.as_ref();
        match network.and_then(|n| n.public_endpoint) {
            None => Outcome::not_observed("network.public_endpoint"),
            Some(false) => Outcome::addressed(
                "The API endpoint is private: not reachable from the internet",
                vec![evidence(resource, "network.public_endpoint", false.into())],
            ),
            Some(true) => {
                let Some(rules) = network.and_then(|n| n.ingress.as_ref()) else {
                    return Outcome::not_observed("network.ingress");
                };
                let j = judge(rules, &[(Traffic::TcpPort(443), "443".to_owned())]);
                if !j.open.is_empty() {
                    let sources: Vec<&str> = j
                        .exposing
                        .iter()
                        .map(|&i| rules[i].source.as_str())
                        .collect();
                    return Outcome::unaddressed(
                        format!(
                            "The public API endpoint admits the internet ({})",
                            sources.join(", ")
                        ),
                        vec![
                            evidence(resource, "network.public_endpoint", true.into()),
                            evidence(
                                resource,
                                "network.ingress",
                                serde_json::to_value(rules).unwrap_or_default(),
                            ),
                        ],
                    );
                }
                if !j.unknown.is_empty() {
                    return Outcome::Unknown {
                        reason: j.unknown.join("; "),
                    };
                }
                let allowed = rules
                    .iter()
                    .filter(|r| r.access == RuleAccess::Allow)
                    .count();
                Outcome::addressed(
                    format!(
                        "The public API endpoint admits {allowed} source range(s), not the internet"
                    ),
                    vec![evidence(
                        resource,
                        "network.ingress",
                        serde_json::to_value(rules).unwrap_or_default(),
                    )],
                )
            }
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"network.public_endpoint": "/cluster/resourcesVpcConfig/endpointPublicAccess", "network.ingress": "/cluster/resourcesVpcConfig/publicAccessCidrs"});
        let open = |cidrs: &[&str]| json!({"network": {"public_endpoint": true, "ingress": cidrs.iter().map(|c| json!({"protocol": "tcp", "from_port": 443, "to_port": 443, "source": c})).collect::<Vec<_>>()}});
        vec![
            fx_with(
                "default-public",
                Unaddressed,
                "aws.eks.cluster",
                open(&["0.0.0.0/0"]),
                src.clone(),
            ),
            fx_with(
                "split-halves",
                Unaddressed,
                "aws.eks.cluster",
                open(&["0.0.0.0/1", "128.0.0.0/1"]),
                src.clone(),
            ),
            fx_with(
                "office-only",
                Addressed,
                "aws.eks.cluster",
                open(&["203.0.113.0/24"]),
                src.clone(),
            ),
            fx_with(
                "half-of-ipv4",
                Unaddressed,
                "aws.eks.cluster",
                open(&["0.0.0.0/1"]),
                src.clone(),
            ),
            fx_with(
                "private",
                Addressed,
                "aws.eks.cluster",
                json!({"network": {"public_endpoint": false}}),
                src,
            ),
            fx_with("not-read", Unknown, "aws.eks.cluster", json!({}), json!({})),
        ]
    }
}
