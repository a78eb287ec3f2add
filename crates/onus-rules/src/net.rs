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

/// An inclusive range of addresses of one family, as integers.
type Span = (u128, u128);

impl Family {
    /// The whole address space of the family.
    fn all(self) -> Span {
        match self {
            Family::V4 => (0, u128::from(u32::MAX)),
            Family::V6 => (0, u128::MAX),
        }
    }
}

/// The addresses of `family` that `source` admits, when it is an address: a CIDR
/// (the host bits ignored, as the providers do), a single address, or a word for
/// every address (`*`, `Internet`, `Any`). `None` for anything else (a private
/// service tag, a prefix list, another group): those are not the internet.
pub(crate) fn source_span(source: &str, family: Family) -> Option<Span> {
    let s = source.trim();
    if s == "*" || s.eq_ignore_ascii_case("internet") || s.eq_ignore_ascii_case("any") {
        return Some(family.all());
    }
    // A bare unspecified address has always meant "anywhere" in these rule sets.
    if (family == Family::V4 && s == "0.0.0.0") || (family == Family::V6 && s == "::") {
        return Some(family.all());
    }
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a.trim(), Some(l.trim().parse::<u32>().ok()?)),
        None => (s, None),
    };
    let (value, bits) = match (addr.parse::<std::net::IpAddr>().ok()?, family) {
        (std::net::IpAddr::V4(a), Family::V4) => (u128::from(u32::from(a)), 32),
        (std::net::IpAddr::V6(a), Family::V6) => (u128::from(a), 128),
        _ => return None,
    };
    let len = len.unwrap_or(bits);
    if len > bits {
        return None;
    }
    let host_bits = bits - len;
    let host_mask: u128 = if host_bits == 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let start = value & !host_mask;
    Some((start, start | host_mask))
}

/// A set of addresses as sorted, disjoint, inclusive spans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SpanSet(Vec<Span>);

impl SpanSet {
    fn of(span: Span) -> SpanSet {
        SpanSet(vec![span])
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The part of `span` in this set.
    fn intersect(&self, span: Span) -> SpanSet {
        SpanSet(
            self.0
                .iter()
                .filter_map(|&(a, b)| {
                    let (lo, hi) = (a.max(span.0), b.min(span.1));
                    (lo <= hi).then_some((lo, hi))
                })
                .collect(),
        )
    }

    /// This set without `span`.
    fn remove(&mut self, span: Span) {
        let mut out = Vec::with_capacity(self.0.len() + 1);
        for &(a, b) in &self.0 {
            if b < span.0 || a > span.1 {
                out.push((a, b));
                continue;
            }
            if a < span.0 {
                out.push((a, span.0 - 1));
            }
            if b > span.1 {
                out.push((span.1 + 1, b));
            }
        }
        self.0 = out;
    }
}

/// What the internet can reach through a rule set, for one kind of traffic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Exposure {
    /// Allow rules that admit some of the address space, in evaluation order.
    pub(crate) allows: Vec<usize>,
    /// Deny rules that decided some of the address space first.
    pub(crate) denies: Vec<usize>,
    /// The allows together admit every address of the family: the internet.
    pub(crate) exposed: bool,
}

/// Walk the rules that `matches` the traffic in evaluation order: each address is
/// decided by the first rule whose source contains it. The traffic is exposed to
/// the internet when the addresses allowed cover the whole address space of
/// `family`, however the sources split it (`0.0.0.0/1` + `128.0.0.0/1`, `::0/0`).
pub(crate) fn exposure(
    rules: &[IngressRule],
    family: Family,
    matches: impl Fn(&IngressRule) -> bool,
) -> Exposure {
    let mut undecided = SpanSet::of(family.all());
    let mut out = Exposure::default();
    for (i, r) in in_order(rules) {
        if undecided.is_empty() {
            break;
        }
        if !matches(r) {
            continue;
        }
        let Some(span) = source_span(&r.source, family) else {
            continue;
        };
        if undecided.intersect(span).is_empty() {
            continue;
        }
        match r.access {
            RuleAccess::Allow => out.allows.push(i),
            RuleAccess::Deny => out.denies.push(i),
        }
        undecided.remove(span);
    }
    // The allows cover everything when every address was decided and no deny
    // decided any of them.
    out.exposed = undecided.is_empty() && out.denies.is_empty();
    out
}

/// Whether `source` alone admits every address of `family`.
pub(crate) fn admits_internet(source: &str, family: Family) -> bool {
    source_span(source, family) == Some(family.all())
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

/// The exposure of TCP `port` to the internet over `family`.
pub(crate) fn port_exposure(rules: &[IngressRule], port: u16, family: Family) -> Exposure {
    exposure(rules, family, |r| covers_tcp_port(r, port))
}

/// Allow rules for `port` that would admit the whole internet alone but are
/// shadowed by an earlier Deny, as (allow index, deny index).
pub(crate) fn shadowed_allows(
    rules: &[IngressRule],
    port: u16,
    family: Family,
) -> Vec<(usize, usize)> {
    let e = port_exposure(rules, port, family);
    let Some(&deny) = e.denies.first() else {
        return Vec::new();
    };
    if e.exposed {
        return Vec::new();
    }
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.access == RuleAccess::Allow
                && covers_tcp_port(r, port)
                && admits_internet(&r.source, family)
        })
        .map(|(i, _)| (i, deny))
        .collect()
}

/// Allow rules that together open every port to the whole internet over `family`
/// (no earlier Deny covering every port taking any of it); empty when not exposed.
pub(crate) fn all_port_exposures(rules: &[IngressRule], family: Family) -> Vec<usize> {
    let e = exposure(rules, family, covers_all_ports);
    if e.exposed { e.allows } else { Vec::new() }
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
            .filter(|&f| {
                let e = port_exposure(rules, port, f);
                if e.exposed {
                    exposing.extend(e.allows);
                    true
                } else {
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
        let e = port_exposure(&rules, 22, Family::V4);
        assert!(!e.exposed);
        assert_eq!(e.denies, vec![1]);
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
        assert!(port_exposure(&rules, 22, Family::V4).exposed);
        assert_eq!(port_exposure(&rules, 22, Family::V4).allows, vec![0]);
        let v6 = port_exposure(&rules, 22, Family::V6);
        assert!(!v6.exposed);
        assert_eq!(v6.denies, vec![1]);
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
        assert!(!port_exposure(&rules, 22, Family::V4).exposed);
        assert!(all_port_exposures(&rules, Family::V4).is_empty());
    }

    #[test]
    fn ipv6_any_is_the_internet() {
        let rules = vec![rule(None, RuleAccess::Allow, Protocol::All, None, "::/0")];
        assert!(!port_exposure(&rules, 3389, Family::V4).exposed);
        assert!(port_exposure(&rules, 3389, Family::V6).exposed);
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
        assert!(port_exposure(&rules, 80, Family::V4).exposed);
        assert!(!port_exposure(&rules, 22, Family::V4).exposed);
        assert!(all_port_exposures(&rules, Family::V4).is_empty());
    }

    #[test]
    fn split_ranges_that_cover_the_address_space_are_the_internet() {
        let rules = vec![
            rule(
                None,
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                "0.0.0.0/1",
            ),
            rule(
                None,
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                "128.0.0.0/1",
            ),
        ];
        let e = port_exposure(&rules, 22, Family::V4);
        assert!(e.exposed);
        assert_eq!(e.allows, vec![0, 1]);
        // Half of the space is not all of it.
        assert!(!port_exposure(&rules[..1], 22, Family::V4).exposed);
        let v6 = vec![rule(None, RuleAccess::Allow, Protocol::All, None, "::0/0")];
        assert_eq!(all_port_exposures(&v6, Family::V6), vec![0]);
        let spelled = vec![rule(
            None,
            RuleAccess::Allow,
            Protocol::All,
            None,
            "10.1.2.3/0",
        )];
        assert_eq!(all_port_exposures(&spelled, Family::V4), vec![0]);
    }

    #[test]
    fn a_deny_of_part_of_the_space_means_not_all_of_the_internet() {
        let rules = vec![
            rule(
                Some(100),
                RuleAccess::Deny,
                Protocol::Tcp,
                Some((22, 22)),
                "1.2.3.4/32",
            ),
            rule(
                Some(200),
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                "*",
            ),
        ];
        assert!(!port_exposure(&rules, 22, Family::V4).exposed);
    }

    #[test]
    fn sources_parse_strictly() {
        assert_eq!(
            source_span("10.0.0.0/8", Family::V4),
            Some((0x0a00_0000, 0x0aff_ffff))
        );
        assert_eq!(source_span("10.0.0.0/33", Family::V4), None);
        assert_eq!(source_span("VirtualNetwork", Family::V4), None);
        assert_eq!(source_span("sg-123", Family::V4), None);
        assert_eq!(source_span("::/0", Family::V4), None);
        assert_eq!(source_span("0.0.0.0/0", Family::V6), None);
        assert_eq!(
            source_span("2001:db8::1", Family::V6).map(|s| s.0 == s.1),
            Some(true)
        );
    }
}
