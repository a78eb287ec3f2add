//! Effective inbound exposure of a rule set, shared by the firewall rules.
//!
//! Rules are evaluated in priority order (lowest number first, as NSGs do); the
//! first rule that matches the traffic decides, so an earlier Deny shadows a
//! later Allow. Rule sets without priorities (security groups) are allow-only,
//! so order does not matter for them.

use onus_model::{IngressRule, Protocol, Resource, RuleAccess};

use crate::rule::{Outcome, evidence};

/// An address family of internet traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Family {
    V4,
    V6,
}

impl Family {
    pub(crate) const ALL: [Family; 2] = [Family::V4, Family::V6];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// Whether `source` admits traffic from anywhere on the internet over `family`.
pub(crate) fn admits_internet(source: &str, family: Family) -> bool {
    let s = source.trim();
    if s == "*" || s.eq_ignore_ascii_case("internet") || s.eq_ignore_ascii_case("any") {
        return true;
    }
    match family {
        Family::V4 => s == "0.0.0.0/0" || s == "0.0.0.0",
        Family::V6 => s == "::/0" || s == "::",
    }
}

fn covers_tcp_port(rule: &IngressRule, port: u16) -> bool {
    // A rule for every protocol may still name ports (Azure `*` with a port range).
    match rule.protocol {
        Protocol::All | Protocol::Tcp => {
            let from = rule.from_port.unwrap_or(0);
            let to = rule.to_port.unwrap_or(u16::MAX);
            (from..=to).contains(&port)
        }
        Protocol::Udp | Protocol::Icmp => false,
    }
}

/// Whether the rule matches every port of every protocol (or of TCP and UDP alike).
pub(crate) fn covers_all_ports(rule: &IngressRule) -> bool {
    match rule.protocol {
        Protocol::All | Protocol::Tcp | Protocol::Udp => {
            rule.from_port.unwrap_or(0) <= 1 && rule.to_port.unwrap_or(u16::MAX) == u16::MAX
        }
        Protocol::Icmp => false,
    }
}

/// The rules in evaluation order, with their original indices.
pub(crate) fn in_order(rules: &[IngressRule]) -> Vec<(usize, &IngressRule)> {
    let mut ordered: Vec<(usize, &IngressRule)> = rules.iter().enumerate().collect();
    ordered.sort_by_key(|(i, r)| (r.priority.unwrap_or(u32::MAX), *i));
    ordered
}

/// The decision for TCP `port` from the internet over `family`: the deciding
/// rule's index and access, or `None` when no rule matches (implicit deny).
pub(crate) fn decide_port(
    rules: &[IngressRule],
    port: u16,
    family: Family,
) -> Option<(usize, RuleAccess)> {
    in_order(rules)
        .into_iter()
        .find(|(_, r)| covers_tcp_port(r, port) && admits_internet(&r.source, family))
        .map(|(i, r)| (i, r.access))
}

/// Allow rules that were shadowed for `port` by an earlier Deny, as (allow index, deny index).
pub(crate) fn shadowed_allows(
    rules: &[IngressRule],
    port: u16,
    family: Family,
) -> Vec<(usize, usize)> {
    let Some((deny, RuleAccess::Deny)) = decide_port(rules, port, family) else {
        return Vec::new();
    };
    rules
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            *i != deny
                && r.access == RuleAccess::Allow
                && covers_tcp_port(r, port)
                && admits_internet(&r.source, family)
        })
        .map(|(i, _)| (i, deny))
        .collect()
}

/// Allow rules opening every port to the internet over `family` that no earlier
/// Deny covering every port shadows.
pub(crate) fn all_port_exposures(rules: &[IngressRule], family: Family) -> Vec<usize> {
    let mut exposures = Vec::new();
    for (i, r) in in_order(rules) {
        if !(covers_all_ports(r) && admits_internet(&r.source, family)) {
            continue;
        }
        match r.access {
            RuleAccess::Deny => break,
            RuleAccess::Allow => exposures.push(i),
        }
    }
    exposures
}

/// Unaddressed findings on a rule set that is attached to nothing today keep their
/// status (attaching it is one click away) but drop one severity step.
pub(crate) fn attachment_adjusted(
    resource: &Resource,
    outcome: Outcome,
    base: onus_model::Severity,
) -> Outcome {
    let attached = resource.facets.network.as_ref().and_then(|n| n.attached);
    match (outcome, attached) {
        (
            Outcome::Unaddressed {
                message,
                mut evidence,
                ..
            },
            Some(false),
        ) => {
            evidence.push(self::evidence(resource, "network.attached", false.into()));
            Outcome::Unaddressed {
                message: format!(
                    "{message} (attached to nothing today; attaching it is one click away)"
                ),
                evidence,
                severity: Some(base.lowered()),
            }
        }
        (outcome, _) => outcome,
    }
}

/// The outcome of checking that none of `ports` is reachable from the internet.
pub(crate) fn check_ports(
    resource: &Resource,
    ports: &[(u16, &str)],
    label: &str,
    base: onus_model::Severity,
) -> Outcome {
    let Some(rules) = resource
        .facets
        .network
        .as_ref()
        .and_then(|n| n.ingress.as_ref())
    else {
        return Outcome::not_observed("network.ingress");
    };
    let mut exposed: Vec<String> = Vec::new();
    let mut exposing: Vec<usize> = Vec::new();
    let mut shadowed: Vec<(usize, usize)> = Vec::new();
    for &(port, service) in ports {
        let families: Vec<Family> = Family::ALL
            .into_iter()
            .filter(|&f| match decide_port(rules, port, f) {
                Some((i, RuleAccess::Allow)) => {
                    exposing.push(i);
                    true
                }
                _ => {
                    shadowed.extend(shadowed_allows(rules, port, f));
                    false
                }
            })
            .collect();
        if !families.is_empty() {
            let fams: Vec<&str> = families.iter().map(|f| f.label()).collect();
            exposed.push(format!("{port} ({service}) over {}", fams.join(" and ")));
        }
    }
    exposing.sort_unstable();
    exposing.dedup();
    shadowed.sort_unstable();
    shadowed.dedup();
    let rule_evidence = |i: usize| {
        evidence(
            resource,
            &format!("network.ingress[{i}]"),
            serde_json::to_value(&rules[i]).unwrap_or_default(),
        )
    };
    if exposed.is_empty() {
        let mut message = format!("No inbound rule opens {label} ports to the internet");
        let mut ev = vec![evidence(
            resource,
            "network.ingress",
            serde_json::json!({ "rules": rules.len() }),
        )];
        if !shadowed.is_empty() {
            let pairs: Vec<String> = shadowed
                .iter()
                .map(|&(allow, deny)| {
                    format!(
                        "{} by earlier Deny {}",
                        rule_name(rules, allow),
                        rule_name(rules, deny)
                    )
                })
                .collect();
            message.push_str(&format!("; Allow rules shadowed: {}", pairs.join(", ")));
            ev = shadowed
                .iter()
                .flat_map(|&(a, d)| [rule_evidence(a), rule_evidence(d)])
                .collect();
            ev.dedup();
        }
        return Outcome::addressed(message, ev);
    }
    let message = format!("Open to the internet: {}", exposed.join(", "));
    let outcome = Outcome::unaddressed(message, exposing.into_iter().map(rule_evidence).collect());
    attachment_adjusted(resource, outcome, base)
}

/// A rule's name for messages: its name, else its position.
pub(crate) fn rule_name(rules: &[IngressRule], i: usize) -> String {
    match &rules[i].name {
        Some(name) => format!("'{name}'"),
        None => format!("#{i}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        priority: Option<u32>,
        access: RuleAccess,
        protocol: Protocol,
        ports: Option<(u16, u16)>,
        source: &str,
    ) -> IngressRule {
        IngressRule {
            name: None,
            priority,
            access,
            protocol,
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            source: source.to_owned(),
        }
    }

    #[test]
    fn earlier_deny_shadows_later_allow() {
        let rules = vec![
            rule(
                Some(200),
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                "Internet",
            ),
            rule(Some(100), RuleAccess::Deny, Protocol::All, None, "*"),
        ];
        assert_eq!(
            decide_port(&rules, 22, Family::V4),
            Some((1, RuleAccess::Deny))
        );
        assert_eq!(shadowed_allows(&rules, 22, Family::V4), vec![(0, 1)]);
    }

    #[test]
    fn later_deny_does_not_shadow() {
        let rules = vec![
            rule(
                Some(100),
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                "0.0.0.0/0",
            ),
            rule(Some(4096), RuleAccess::Deny, Protocol::All, None, "*"),
        ];
        assert_eq!(
            decide_port(&rules, 22, Family::V4),
            Some((0, RuleAccess::Allow))
        );
        assert_eq!(
            decide_port(&rules, 22, Family::V6),
            Some((1, RuleAccess::Deny))
        );
    }

    #[test]
    fn private_sources_are_not_the_internet() {
        let rules = vec![rule(
            None,
            RuleAccess::Allow,
            Protocol::Tcp,
            Some((0, 65535)),
            "10.0.0.0/8",
        )];
        assert_eq!(decide_port(&rules, 22, Family::V4), None);
        assert!(all_port_exposures(&rules, Family::V4).is_empty());
    }

    #[test]
    fn ipv6_any_is_the_internet() {
        let rules = vec![rule(None, RuleAccess::Allow, Protocol::All, None, "::/0")];
        assert!(decide_port(&rules, 3389, Family::V4).is_none());
        assert_eq!(
            decide_port(&rules, 3389, Family::V6),
            Some((0, RuleAccess::Allow))
        );
        assert_eq!(all_port_exposures(&rules, Family::V6), vec![0]);
    }

    #[test]
    fn any_protocol_rule_with_a_port_opens_only_that_port() {
        let rules = vec![rule(
            Some(130),
            RuleAccess::Allow,
            Protocol::All,
            Some((80, 80)),
            "*",
        )];
        assert_eq!(
            decide_port(&rules, 80, Family::V4),
            Some((0, RuleAccess::Allow))
        );
        assert_eq!(decide_port(&rules, 22, Family::V4), None);
        assert!(all_port_exposures(&rules, Family::V4).is_empty());
    }
}
