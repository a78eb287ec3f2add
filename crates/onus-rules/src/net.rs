//! Inbound exposure of a rule set, shared by the firewall rules.
//!
//! The reading itself (order, sources, "open to the internet") is
//! [`onus_model::address`]: one address model for every collector and rule.
//! This module turns its verdicts into outcomes with evidence.

use onus_model::address::{
    Exposure, Family, RangeExposure, Traffic, Verdict, evaluate, evaluate_ordered, in_order,
};
use onus_model::{IngressRule, IpRange, Resource, RuleAccess, Severity};

use crate::rule::{Outcome, evidence};

/// What one rule set lets through for a list of traffic, over both families.
#[derive(Debug, Default)]
pub(crate) struct Judgement {
    /// What is open: each traffic's label and the families it is open over.
    pub(crate) open: Vec<(String, Vec<&'static str>)>,
    /// The allow rules that open it.
    pub(crate) exposing: Vec<usize>,
    /// Deny rules that took part of an open allow back (and left the rest open).
    pub(crate) carving: Vec<usize>,
    /// Why some traffic could not be judged.
    pub(crate) unknown: Vec<String>,
    /// Allow rules that would open the traffic but are closed by an earlier deny,
    /// as (allow, deny).
    pub(crate) shadowed: Vec<(usize, usize)>,
}

/// Judge `traffic` (each with its label) against `rules` over IPv4 and IPv6.
pub(crate) fn judge(rules: &[IngressRule], traffic: &[(Traffic, String)]) -> Judgement {
    let mut j = Judgement::default();
    let ordered = in_order(rules);
    for (t, label) in traffic {
        let mut families: Vec<&'static str> = Vec::new();
        for family in Family::ALL {
            let e = evaluate_ordered(&ordered, family, *t);
            match e.verdict(family) {
                Verdict::Open => {
                    families.push(family.label());
                    j.exposing.extend(&e.allows);
                    j.carving.extend(&e.denies);
                }
                Verdict::Unknown(why) => j.unknown.push(format!("{label}: {why}")),
                Verdict::Closed => j.shadowed.extend(shadowed(rules, &e, family, *t)),
            }
        }
        if !families.is_empty() {
            j.open.push((label.clone(), families));
        }
    }
    for v in [&mut j.exposing, &mut j.carving] {
        v.sort_unstable();
        v.dedup();
    }
    j.shadowed.sort_unstable();
    j.shadowed.dedup();
    j.unknown.dedup();
    j
}

/// Allow rules that alone would open `traffic` but that an earlier deny closed.
fn shadowed(
    rules: &[IngressRule],
    e: &Exposure,
    family: Family,
    traffic: Traffic,
) -> Vec<(usize, usize)> {
    let Some(&deny) = e.denies.first() else {
        return Vec::new();
    };
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.access == RuleAccess::Allow
                && traffic.matched_by(r)
                && evaluate(std::slice::from_ref(*r), family, traffic).is_open(family)
        })
        .map(|(i, _)| (i, deny))
        .collect()
}

/// Evidence for rule `i` of the ingress list.
pub(crate) fn rule_evidence(
    resource: &Resource,
    rules: &[IngressRule],
    i: usize,
) -> onus_model::Evidence {
    evidence(
        resource,
        &format!("network.ingress[{i}]"),
        serde_json::to_value(&rules[i]).unwrap_or_default(),
    )
}

impl Judgement {
    /// The outcome: unaddressed when anything is open, unknown when something
    /// could not be judged, else addressed with `closed` as the message.
    pub(crate) fn outcome(
        &self,
        resource: &Resource,
        rules: &[IngressRule],
        open_message: impl FnOnce(&[(String, Vec<&'static str>)]) -> String,
        closed: &str,
        base: Severity,
    ) -> Outcome {
        if !self.open.is_empty() {
            let mut message = open_message(&self.open);
            let mut ev: Vec<_> = self
                .exposing
                .iter()
                .map(|&i| rule_evidence(resource, rules, i))
                .collect();
            if !self.carving.is_empty() {
                let names: Vec<String> =
                    self.carving.iter().map(|&i| rule_name(rules, i)).collect();
                message.push_str(&format!(
                    " (earlier Deny {} removes only part of the sources allowed)",
                    names.join(", ")
                ));
                ev.extend(
                    self.carving
                        .iter()
                        .map(|&i| rule_evidence(resource, rules, i)),
                );
            }
            return attachment_adjusted(resource, Outcome::unaddressed(message, ev), base);
        }
        if !self.unknown.is_empty() {
            return Outcome::Unknown {
                reason: self.unknown.join("; "),
            };
        }
        let mut message = closed.to_owned();
        let mut ev = vec![evidence(
            resource,
            "network.ingress",
            serde_json::json!({ "rules": rules.len() }),
        )];
        if !self.shadowed.is_empty() {
            let pairs: Vec<String> = self
                .shadowed
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
            ev = self
                .shadowed
                .iter()
                .flat_map(|&(a, d)| {
                    [
                        rule_evidence(resource, rules, a),
                        rule_evidence(resource, rules, d),
                    ]
                })
                .collect();
            ev.dedup();
        }
        Outcome::addressed(message, ev)
    }
}

/// Unaddressed findings on a rule set that is attached to nothing today keep their
/// status (attaching it is one click away) but drop one severity step.
pub(crate) fn attachment_adjusted(
    resource: &Resource,
    outcome: Outcome,
    base: Severity,
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
    base: Severity,
) -> Outcome {
    let Some(rules) = resource
        .facets
        .network
        .as_ref()
        .and_then(|n| n.ingress.as_ref())
    else {
        return Outcome::not_observed("network.ingress");
    };
    let traffic: Vec<(Traffic, String)> = ports
        .iter()
        .map(|&(port, service)| (Traffic::TcpPort(port), format!("{port} ({service})")))
        .collect();
    judge(rules, &traffic).outcome(
        resource,
        rules,
        |open| {
            let each: Vec<String> = open
                .iter()
                .map(|(label, families)| format!("{label} over {}", families.join(" and ")))
                .collect();
            format!("Open to the internet: {}", each.join(", "))
        },
        &format!("No inbound rule opens {label} ports to the internet"),
        base,
    )
}

/// Addressed when the resource's public network access is off
/// (`public_access.internet_reachable` false): private access is a stronger
/// control than any address list, so the list need not be read. `then` ends
/// the message ("Public network access is disabled, so {then}").
pub(crate) fn private_access_only(resource: &Resource, then: &str) -> Option<Outcome> {
    let off = resource
        .facets
        .public_access
        .as_ref()
        .and_then(|p| p.internet_reachable)
        == Some(false);
    off.then(|| {
        Outcome::addressed(
            format!("Public network access is disabled, so {then}"),
            vec![evidence(
                resource,
                "public_access.internet_reachable",
                false.into(),
            )],
        )
    })
}

/// The outcome of a list of allowed address ranges (a service firewall, storage
/// `ipRules`): unaddressed when they are open to the internet as the address
/// model defines it, medium for Azure's "all Azure services" entry alone,
/// unknown when a range cannot be read, else addressed. `what` begins messages.
pub(crate) fn ranges_outcome(resource: &Resource, ranges: &[IpRange], what: &str) -> Outcome {
    let x = RangeExposure::of(ranges);
    let ev = |i: usize| {
        evidence(
            resource,
            &format!("network.firewall_ranges[{i}]"),
            serde_json::to_value(&ranges[i]).unwrap_or_default(),
        )
    };
    if !x.broad.is_empty() {
        let names: Vec<String> = x
            .broad
            .iter()
            .map(|&i| format!("{}–{}", ranges[i].start, ranges[i].end))
            .collect();
        return Outcome::unaddressed(
            format!("{what} admits the internet: {}", names.join(", ")),
            x.broad.into_iter().map(ev).collect(),
        );
    }
    if x.is_broad() {
        return Outcome::unaddressed(
            format!(
                "{what} admits the internet: {} ranges together admit {} public IPv4 and {} IPv6 addresses",
                ranges.len(),
                x.v4.internet_len(Family::V4),
                x.v6.internet_len(Family::V6),
            ),
            vec![evidence(
                resource,
                "network.firewall_ranges",
                serde_json::json!({ "rules": ranges.len() }),
            )],
        );
    }
    // Only Azure reads the range 0.0.0.0–0.0.0.0 as "every Azure service";
    // elsewhere it is one address no client sends from.
    if !x.provider_wide.is_empty() && resource.provider == onus_model::Provider::Azure {
        return Outcome::Unaddressed {
            message: format!("{what} admits every Azure service of every tenant (0.0.0.0–0.0.0.0)"),
            evidence: x.provider_wide.into_iter().map(ev).collect(),
            severity: Some(Severity::Medium),
        };
    }
    if !x.unreadable.is_empty() {
        let names: Vec<String> = x
            .unreadable
            .iter()
            .map(|&i| format!("{}–{}", ranges[i].start, ranges[i].end))
            .collect();
        return Outcome::Unknown {
            reason: format!(
                "address range(s) {} are not addresses onus can read",
                names.join(", ")
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
    use onus_model::Protocol;

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

    fn ssh() -> Vec<(Traffic, String)> {
        vec![(Traffic::TcpPort(22), "22 (SSH)".to_owned())]
    }

    #[test]
    fn earlier_deny_of_everyone_shadows_later_allow() {
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
        let j = judge(&rules, &ssh());
        assert!(j.open.is_empty());
        assert_eq!(j.shadowed, vec![(0, 1)]);
    }

    /// The defect this model replaces: a deny of one address before an allow of
    /// everyone used to make the port "not exposed".
    #[test]
    fn a_deny_of_one_address_does_not_close_the_port() {
        let rules = vec![
            rule(
                Some(100),
                RuleAccess::Deny,
                Protocol::Tcp,
                Some((22, 22)),
                "203.0.113.7/32",
            ),
            rule(
                Some(200),
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                "0.0.0.0/0",
            ),
        ];
        let j = judge(&rules, &ssh());
        assert_eq!(j.open, vec![("22 (SSH)".to_owned(), vec!["IPv4"])]);
        assert_eq!(j.exposing, vec![1]);
        assert_eq!(j.carving, vec![0]);
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
        let j = judge(&rules, &ssh());
        assert_eq!(j.open, vec![("22 (SSH)".to_owned(), vec!["IPv4"])]);
        assert!(j.carving.is_empty());
    }

    #[test]
    fn an_unresolved_source_is_unknown() {
        let rules = vec![rule(
            None,
            RuleAccess::Allow,
            Protocol::Tcp,
            Some((22, 22)),
            "pl-0abc",
        )];
        let j = judge(&rules, &ssh());
        assert!(j.open.is_empty());
        assert_eq!(j.unknown.len(), 1, "{:?}", j.unknown);
        assert!(j.unknown[0].contains("pl-0abc"));
    }
}
