//! The address model: one reading of every firewall-like control.
//!
//! Security groups, network security groups, VPC firewall rules, service
//! firewalls (SQL, Cloud SQL authorised networks) and storage network rules all
//! answer one question: *for this protocol and port, which source addresses are
//! let in?* This module answers it once, for every collector and rule:
//!
//! - [`Protocol::parse`] reads a protocol as any provider writes it (`tcp`, `6`,
//!   `-1`, `*`, `esp`, `50`…); ESP, AH, GRE and ICMP open no TCP or UDP port.
//! - [`SourceClass::of`] reads a rule's source: a CIDR or address, a word for
//!   everyone (`*`, `Internet`, `Any`), a provider-wide tag (`AzureCloud`: every
//!   Azure tenant's machines), a private name (`VirtualNetwork`,
//!   `AzureLoadBalancer`, another security group), or something onus cannot
//!   resolve to addresses (a prefix list), which makes a verdict `unknown`.
//! - [`evaluate`] walks rules in the platform's order (lowest priority number
//!   first; allow-only sets in any order): each address is decided by the first
//!   rule whose source contains it, so the addresses allowed are the allows minus
//!   the denies that precede them.
//! - [`Verdict`]: the allowed set is **open to the internet** when it admits
//!   everyone or a provider-wide tag, or at least [`BROAD_V4`] public IPv4
//!   addresses (as many as a /8) or [`BROAD_V6`] global IPv6 addresses (a /32).
//!   A deny of one address before an allow of everyone leaves the port open;
//!   `0.0.0.0/1` (half of IPv4) is open; `10.0.0.0/8` is private, not open.

use std::net::IpAddr;

use crate::facets::{IngressRule, IpRange, Protocol, RuleAccess};

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl Family {
    /// Both families.
    pub const ALL: [Family; 2] = [Family::V4, Family::V6];

    /// `IPv4` or `IPv6`, for messages.
    pub const fn label(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }

    /// The whole address space of the family as one span.
    pub const fn all(self) -> Span {
        match self {
            Family::V4 => (0, u32::MAX as u128),
            Family::V6 => (0, u128::MAX),
        }
    }
}

/// An inclusive range of addresses of one family, as integers.
pub type Span = (u128, u128);

/// Public IPv4 addresses an allowed set must hold to be open to the internet:
/// as many as a /8.
pub const BROAD_V4: u128 = 1 << 24;
/// Global IPv6 addresses an allowed set must hold to be open to the internet:
/// as many as a /32 (a provider's whole allocation).
pub const BROAD_V6: u128 = 1 << 96;

/// Addresses that are not the internet: unspecified, private (RFC 1918),
/// shared (RFC 6598), loopback, link-local, multicast and reserved.
const NOT_INTERNET_V4: [(u32, u8); 8] = [
    (0x0000_0000, 8),  // 0.0.0.0/8
    (0x0a00_0000, 8),  // 10.0.0.0/8
    (0x6440_0000, 10), // 100.64.0.0/10
    (0x7f00_0000, 8),  // 127.0.0.0/8
    (0xa9fe_0000, 16), // 169.254.0.0/16
    (0xac10_0000, 12), // 172.16.0.0/12
    (0xc0a8_0000, 16), // 192.168.0.0/16
    (0xe000_0000, 3),  // 224.0.0.0/3: multicast and reserved
];

/// The text of the definition, for `onus explain firewall` and messages.
pub const OPEN_TO_THE_INTERNET: &str = "A port is open to the internet when the \
sources allowed to reach it, after the rules are evaluated in the platform's order \
(an address is decided by the first rule whose source contains it, so a deny \
removes addresses only from the allows after it), include everyone (`*`, \
`Internet`, `Any`, `0.0.0.0/0`, `::/0`), a provider-wide tag (`AzureCloud`, or \
Azure's 0.0.0.0 \"all Azure services\" entry: every Azure tenant's machines), or \
at least as many public addresses as a /8 in IPv4 (16,777,216) or a /32 in IPv6. \
Private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, loopback, link-local), \
`VirtualNetwork`, `AzureLoadBalancer` and other security groups are not the \
internet. A source onus cannot resolve to addresses (a prefix list, or another \
service tag, whose addresses the service's other tenants share) makes the \
answer unknown unless the rest already opens the port. ESP, AH, GRE and ICMP \
open no TCP or UDP port.";

/// A set of addresses of one family: sorted, disjoint, inclusive spans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressSet(Vec<Span>);

impl AddressSet {
    /// The empty set.
    pub const fn new() -> AddressSet {
        AddressSet(Vec::new())
    }

    /// The set of one span.
    pub fn of(span: Span) -> AddressSet {
        AddressSet(vec![span])
    }

    /// The spans, sorted and disjoint.
    pub fn spans(&self) -> &[Span] {
        &self.0
    }

    /// Whether the set holds no address.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many addresses the set holds (saturating at `u128::MAX`).
    pub fn len(&self) -> u128 {
        self.0.iter().fold(0u128, |n, &(a, b)| {
            n.saturating_add((b - a).saturating_add(1))
        })
    }

    /// The part of `span` in this set.
    pub fn intersect(&self, span: Span) -> AddressSet {
        AddressSet(
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
    pub fn remove(&mut self, span: Span) {
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

    /// Add every address of `other`.
    pub fn union(&mut self, other: &AddressSet) {
        self.0.extend_from_slice(&other.0);
        self.0.sort_unstable();
        let mut merged: Vec<Span> = Vec::with_capacity(self.0.len());
        for &(a, b) in &self.0 {
            match merged.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        self.0 = merged;
    }

    /// How many of the set's addresses are on the internet (public unicast).
    pub fn internet_len(&self, family: Family) -> u128 {
        // Spans are disjoint and so are the ranges taken out: count what the
        // spans hold inside the internet's part, without building a set.
        let overlap = |span: Span, (a, b): Span| {
            let (lo, hi) = (a.max(span.0), b.min(span.1));
            if lo <= hi {
                (hi - lo).saturating_add(1)
            } else {
                0
            }
        };
        self.0.iter().fold(0u128, |n, &span| {
            let inside = match family {
                Family::V4 => {
                    let all = (span.1 - span.0).saturating_add(1);
                    NOT_INTERNET_V4.iter().fold(all, |left, &(base, len)| {
                        left - overlap(span, cidr_span(u128::from(base), u32::from(len), 32))
                    })
                }
                Family::V6 => {
                    // Global unicast is 2000::/3; the rest is not routed on the
                    // internet, and 2001:db8::/32 is for documentation only.
                    overlap(span, cidr_span(0x2000_u128 << 112, 3, 128))
                        - overlap(span, cidr_span(0x2001_0db8_u128 << 96, 32, 128))
                }
            };
            n.saturating_add(inside)
        })
    }

    /// Whether the set holds as many internet addresses as the definition of
    /// "open to the internet" requires.
    pub fn is_broad(&self, family: Family) -> bool {
        let threshold = match family {
            Family::V4 => BROAD_V4,
            Family::V6 => BROAD_V6,
        };
        self.internet_len(family) >= threshold
    }
}

/// The span of `value/len` in a family of `bits` bits (host bits ignored).
fn cidr_span(value: u128, len: u32, bits: u32) -> Span {
    let host_bits = bits - len;
    let host_mask: u128 = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let start = value & !host_mask;
    (start, start | host_mask)
}

/// A CIDR or a single address as its family and span (host bits ignored, as the
/// providers do); `None` when it is not one.
pub fn parse_cidr(text: &str) -> Option<(Family, Span)> {
    let s = text.trim();
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a.trim(), Some(l.trim().parse::<u32>().ok()?)),
        None => (s, None),
    };
    let (family, value, bits) = match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => (Family::V4, u128::from(u32::from(a)), 32),
        IpAddr::V6(a) => (Family::V6, u128::from(a), 128),
    };
    let len = len.unwrap_or(bits);
    if len > bits {
        return None;
    }
    Some((family, cidr_span(value, len, bits)))
}

/// An address as text, in its family.
pub fn format_address(family: Family, value: u128) -> String {
    match family {
        Family::V4 => std::net::Ipv4Addr::from(value as u32).to_string(),
        Family::V6 => std::net::Ipv6Addr::from(value).to_string(),
    }
}

/// A CIDR as its first and last address (`203.0.113.0/24` → `203.0.113.0`,
/// `203.0.113.255`); `None` when it is not one.
pub fn cidr_range(text: &str) -> Option<(String, String)> {
    let (family, (a, b)) = parse_cidr(text)?;
    Some((format_address(family, a), format_address(family, b)))
}

/// An inclusive address range (`start`–`end`) as its family and span; `None`
/// when either end is not an address, the families differ, or end < start.
pub fn parse_range(start: &str, end: &str) -> Option<(Family, Span)> {
    let (fa, (a, _)) = parse_cidr(start.trim().split('/').next()?)?;
    let (fb, (b, _)) = parse_cidr(end.trim().split('/').next()?)?;
    (fa == fb && a <= b).then_some((fa, (a, b)))
}

/// An allowed entry written as a CIDR or an address (storage `ipRules`, Cloud
/// SQL authorised networks) as a range. An entry onus cannot read keeps its text
/// at both ends, so the rules report it as unreadable instead of it vanishing.
pub fn allowed_range(name: Option<String>, text: &str) -> IpRange {
    let (start, end) = cidr_range(text).unwrap_or_else(|| (text.to_owned(), text.to_owned()));
    IpRange { name, start, end }
}

/// What a rule's source stands for, in one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceClass {
    /// These addresses of the family.
    Addresses(Span),
    /// Every address of every family (`*`, `Internet`, `Any`).
    Everyone,
    /// A provider-wide tag whose addresses onus does not list but which admits
    /// every tenant of the provider (`AzureCloud`, `AzureCloud.<region>`).
    ProviderWide,
    /// Addresses of the other family: no address of this one.
    OtherFamily,
    /// A private name: the virtual network, the provider's load balancer probe,
    /// another security group's members. Not the internet.
    Private,
    /// Something onus cannot resolve to addresses (a prefix list, a service tag
    /// other than the private ones, an unknown word): the reason.
    Unresolved(String),
}

impl SourceClass {
    /// Classify `source` for `family`.
    pub fn of(source: &str, family: Family) -> SourceClass {
        let s = source.trim();
        let is = |word: &str| s.eq_ignore_ascii_case(word);
        let starts = |prefix: &str| {
            s.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        };
        if s == "*" || is("internet") || is("any") {
            return SourceClass::Everyone;
        }
        // A bare unspecified address has always meant "anywhere" of its family
        // in these rule sets.
        let bare = match s {
            "0.0.0.0" => Some(Family::V4),
            "::" => Some(Family::V6),
            _ => None,
        };
        if let Some(f) = bare {
            return if f == family {
                SourceClass::Addresses(family.all())
            } else {
                SourceClass::OtherFamily
            };
        }
        if is("azurecloud") || starts("azurecloud.") {
            return SourceClass::ProviderWide;
        }
        if let Some((f, span)) = parse_cidr(s) {
            return if f == family {
                SourceClass::Addresses(span)
            } else {
                SourceClass::OtherFamily
            };
        }
        if is("virtualnetwork") || is("azureloadbalancer") || starts("sg-") {
            // The virtual network, the platform's health probe, another
            // security group's members (AWS).
            return SourceClass::Private;
        }
        if starts("pl-") {
            return SourceClass::Unresolved(format!(
                "prefix list {} is not resolved to addresses",
                crate::excerpt(s, 80)
            ));
        }
        // Other service tags (`AppService`, `AzureFrontDoor.Backend`, `Storage`)
        // stand for ranges a service shares among its tenants, which onus does
        // not list: neither the internet nor provably private.
        SourceClass::Unresolved(format!(
            "source '{}' is not an address onus can resolve",
            crate::excerpt(s, 80)
        ))
    }
}

impl Protocol {
    /// A protocol as any provider writes it: a name (`tcp`, `UDP`, `icmpv6`,
    /// `esp`), an IANA number (`6`, `50`), or a word for every protocol (`-1`,
    /// `*`, `all`, `any`). `None` for anything else.
    pub fn parse(text: &str) -> Option<Protocol> {
        let t = text.trim().to_ascii_lowercase();
        Some(match t.as_str() {
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            "icmp" | "icmpv6" | "ipv6-icmp" | "1" | "58" => Protocol::Icmp,
            "esp" | "50" => Protocol::Esp,
            "ah" | "51" => Protocol::Ah,
            "gre" | "47" => Protocol::Gre,
            "-1" | "*" | "all" | "any" => Protocol::All,
            other => match other.parse::<u8>() {
                Ok(_) => Protocol::Other,
                Err(_) if other == "sctp" => Protocol::Other,
                Err(_) => return None,
            },
        })
    }

    /// [`Protocol::parse`] for a collector: a protocol it cannot read is taken
    /// as every protocol, which can only over-report, never hide a rule.
    pub fn read(text: &str) -> Protocol {
        Protocol::parse(text).unwrap_or(Protocol::All)
    }

    /// Whether the protocol carries TCP or UDP ports at all.
    pub const fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp | Protocol::All)
    }
}

/// Which traffic a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    /// TCP to one port.
    TcpPort(u16),
    /// Every port of every protocol: a rule that opens all of TCP, all of UDP, or
    /// every protocol.
    AllPorts,
}

impl Traffic {
    /// Whether `rule` matches this traffic.
    pub fn matched_by(self, rule: &IngressRule) -> bool {
        match self {
            Traffic::TcpPort(port) => match rule.protocol {
                Protocol::All | Protocol::Tcp => {
                    let from = rule.from_port.unwrap_or(0);
                    let to = rule.to_port.unwrap_or(u16::MAX);
                    (from..=to).contains(&port)
                }
                _ => false,
            },
            Traffic::AllPorts => {
                rule.protocol.has_ports()
                    && rule.from_port.unwrap_or(0) <= 1
                    && rule.to_port.unwrap_or(u16::MAX) == u16::MAX
            }
        }
    }
}

/// The addresses of one family that a rule set lets through for some traffic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exposure {
    /// The addresses allowed: the allows minus the denies that precede them.
    pub allowed: AddressSet,
    /// An allow of a provider-wide tag (`AzureCloud`) reached a broad set of
    /// undecided addresses.
    pub provider_wide: bool,
    /// Allow rules that let some address through, in evaluation order.
    pub allows: Vec<usize>,
    /// Deny rules that decided some address first, in evaluation order.
    pub denies: Vec<usize>,
    /// Allow rules whose source could not be resolved, met while the addresses
    /// still undecided could have made the set broad, with the reason.
    pub unresolved_allows: Vec<(usize, String)>,
    /// Deny rules whose source could not be resolved, counted as denying
    /// nothing, that precede an allow which let addresses through: they might
    /// have taken those addresses back.
    pub unresolved_denies: Vec<(usize, String)>,
}

/// What a rule set does to some traffic from the internet, in one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The allowed sources are open to the internet.
    Open,
    /// The allowed sources are not open to the internet.
    Closed,
    /// A source that could decide the answer could not be resolved.
    Unknown(String),
}

impl Exposure {
    /// Whether the allowed sources are open to the internet.
    pub fn is_open(&self, family: Family) -> bool {
        self.provider_wide || self.allowed.is_broad(family)
    }

    /// The verdict: open, closed, or unknown when an unresolved source decides it.
    pub fn verdict(&self, family: Family) -> Verdict {
        if self.is_open(family) {
            // An unresolved deny before the allows might have taken them back.
            return match self.unresolved_denies.first() {
                Some((_, why)) => Verdict::Unknown(why.clone()),
                None => Verdict::Open,
            };
        }
        match self.unresolved_allows.first() {
            Some((_, why)) => Verdict::Unknown(why.clone()),
            None => Verdict::Closed,
        }
    }
}

/// The rules in evaluation order, with their original indices: lowest priority
/// number first, rules without a priority (allow-only sets) after, in their order.
pub fn in_order(rules: &[IngressRule]) -> Vec<(usize, &IngressRule)> {
    let mut ordered: Vec<(usize, &IngressRule)> = rules.iter().enumerate().collect();
    // At equal priority a deny decides first (Google Cloud's documented order).
    ordered.sort_by_key(|(i, r)| {
        (
            r.priority.unwrap_or(u32::MAX),
            r.access != RuleAccess::Deny,
            *i,
        )
    });
    ordered
}

/// Walk the rules that match `traffic` in evaluation order: each address of
/// `family` is decided by the first rule whose source contains it.
pub fn evaluate(rules: &[IngressRule], family: Family, traffic: Traffic) -> Exposure {
    evaluate_ordered(&in_order(rules), family, traffic)
}

/// [`evaluate`] over rules already in evaluation order ([`in_order`]), for a
/// caller that asks several questions of one rule set.
pub fn evaluate_ordered(
    ordered: &[(usize, &IngressRule)],
    family: Family,
    traffic: Traffic,
) -> Exposure {
    let mut undecided = AddressSet::of(family.all());
    let mut out = Exposure::default();
    // Unresolved denies seen so far: they matter only if an allow follows.
    let mut pending_denies: Vec<(usize, String)> = Vec::new();
    for &(i, r) in ordered {
        if undecided.is_empty() {
            break;
        }
        if !traffic.matched_by(r) {
            continue;
        }
        let span = match SourceClass::of(&r.source, family) {
            SourceClass::Addresses(span) => span,
            SourceClass::Everyone => family.all(),
            SourceClass::ProviderWide => {
                if r.access == RuleAccess::Allow && undecided.is_broad(family) {
                    out.provider_wide = true;
                    out.allows.push(i);
                    out.unresolved_denies.append(&mut pending_denies);
                }
                continue;
            }
            SourceClass::OtherFamily | SourceClass::Private => continue,
            SourceClass::Unresolved(why) => {
                match r.access {
                    RuleAccess::Allow => {
                        // It can add at most what is still undecided.
                        let mut could = out.allowed.clone();
                        could.union(&undecided);
                        if could.is_broad(family) {
                            out.unresolved_allows.push((i, why));
                        }
                    }
                    RuleAccess::Deny => pending_denies.push((i, why)),
                }
                continue;
            }
        };
        let decided = undecided.intersect(span);
        if decided.is_empty() {
            continue;
        }
        match r.access {
            RuleAccess::Allow => {
                out.allowed.union(&decided);
                out.allows.push(i);
                out.unresolved_denies.append(&mut pending_denies);
            }
            RuleAccess::Deny => out.denies.push(i),
        }
        undecided.remove(span);
    }
    out
}

/// The addresses a list of service firewall ranges admits, per family, and the
/// indices of the ranges onus could not read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeExposure {
    /// IPv4 addresses admitted.
    pub v4: AddressSet,
    /// IPv6 addresses admitted.
    pub v6: AddressSet,
    /// Ranges admitting every address of a family by themselves or the broad ones.
    pub broad: Vec<usize>,
    /// Azure's `0.0.0.0`–`0.0.0.0` entry: every Azure tenant's services.
    pub provider_wide: Vec<usize>,
    /// Ranges that are not addresses onus can read.
    pub unreadable: Vec<usize>,
}

impl RangeExposure {
    /// Read a list of allowed ranges (Azure SQL firewall rules, Cloud SQL
    /// authorised networks, storage `ipRules`).
    pub fn of(ranges: &[IpRange]) -> RangeExposure {
        let mut out = RangeExposure::default();
        for (i, r) in ranges.iter().enumerate() {
            if r.start.trim() == "0.0.0.0" && r.end.trim() == "0.0.0.0" {
                out.provider_wide.push(i);
                continue;
            }
            match parse_range(&r.start, &r.end) {
                Some((family, span)) => {
                    let one = AddressSet::of(span);
                    if one.is_broad(family) {
                        out.broad.push(i);
                    }
                    match family {
                        Family::V4 => out.v4.union(&one),
                        Family::V6 => out.v6.union(&one),
                    }
                }
                None => out.unreadable.push(i),
            }
        }
        out
    }

    /// Whether the ranges together are open to the internet (provider-wide
    /// entries aside).
    pub fn is_broad(&self) -> bool {
        self.v4.is_broad(Family::V4) || self.v6.is_broad(Family::V6)
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

    fn ssh(rules: &[IngressRule], family: Family) -> Verdict {
        evaluate(rules, family, Traffic::TcpPort(22)).verdict(family)
    }

    #[test]
    fn a_deny_of_one_address_before_an_allow_of_everyone_leaves_the_port_open() {
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
        let e = evaluate(&rules, Family::V4, Traffic::TcpPort(22));
        assert_eq!(e.verdict(Family::V4), Verdict::Open);
        assert_eq!(e.allowed.len(), (1u128 << 32) - 1);
        assert_eq!(e.denies, vec![0]);
        assert_eq!(e.allows, vec![1]);
    }

    #[test]
    fn a_deny_of_everyone_first_closes_the_port() {
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
        assert_eq!(ssh(&rules, Family::V4), Verdict::Closed);
        assert_eq!(ssh(&rules, Family::V6), Verdict::Closed);
    }

    #[test]
    fn half_of_ipv4_is_open_and_private_ranges_are_not() {
        let half = vec![rule(
            None,
            RuleAccess::Allow,
            Protocol::Tcp,
            Some((22, 22)),
            "0.0.0.0/1",
        )];
        assert_eq!(ssh(&half, Family::V4), Verdict::Open);
        let private = vec![rule(
            None,
            RuleAccess::Allow,
            Protocol::Tcp,
            Some((0, 65535)),
            "10.0.0.0/8",
        )];
        assert_eq!(ssh(&private, Family::V4), Verdict::Closed);
        let office = vec![rule(
            None,
            RuleAccess::Allow,
            Protocol::Tcp,
            Some((22, 22)),
            "203.0.113.0/24",
        )];
        assert_eq!(ssh(&office, Family::V4), Verdict::Closed);
        let public_slash_8 = vec![rule(
            None,
            RuleAccess::Allow,
            Protocol::Tcp,
            Some((22, 22)),
            "11.0.0.0/8",
        )];
        assert_eq!(ssh(&public_slash_8, Family::V4), Verdict::Open);
    }

    #[test]
    fn ipsec_and_icmp_open_no_tcp_port() {
        for p in ["esp", "50", "ah", "51", "gre", "47", "icmp", "1", "58"] {
            let proto = Protocol::parse(p).unwrap();
            let rules = vec![rule(None, RuleAccess::Allow, proto, None, "0.0.0.0/0")];
            assert_eq!(ssh(&rules, Family::V4), Verdict::Closed, "{p}");
            let all = evaluate(&rules, Family::V4, Traffic::AllPorts);
            assert_eq!(all.verdict(Family::V4), Verdict::Closed, "{p}");
        }
        assert_eq!(Protocol::parse("-1"), Some(Protocol::All));
        assert_eq!(Protocol::parse("TCP"), Some(Protocol::Tcp));
        assert_eq!(Protocol::parse("132"), Some(Protocol::Other));
        assert_eq!(Protocol::parse("tcpx"), None);
    }

    #[test]
    fn service_tags() {
        let allow = |src: &str| {
            vec![rule(
                Some(100),
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                src,
            )]
        };
        assert_eq!(ssh(&allow("Internet"), Family::V4), Verdict::Open);
        assert_eq!(ssh(&allow("Any"), Family::V6), Verdict::Open);
        assert_eq!(ssh(&allow("AzureCloud"), Family::V4), Verdict::Open);
        assert_eq!(
            ssh(&allow("AzureCloud.WestEurope"), Family::V4),
            Verdict::Open
        );
        assert_eq!(ssh(&allow("VirtualNetwork"), Family::V4), Verdict::Closed);
        assert_eq!(
            ssh(&allow("AzureLoadBalancer"), Family::V4),
            Verdict::Closed
        );
        assert_eq!(ssh(&allow("sg-0123"), Family::V4), Verdict::Closed);
        assert!(matches!(
            ssh(&allow("pl-0123"), Family::V4),
            Verdict::Unknown(why) if why.contains("pl-0123")
        ));
        // An unresolved allow cannot change a port that is open anyway.
        let mut both = allow("pl-0123");
        both.extend(allow("0.0.0.0/0"));
        assert_eq!(ssh(&both, Family::V4), Verdict::Open);
    }

    #[test]
    fn an_unresolved_deny_before_an_open_allow_is_unknown() {
        let rules = vec![
            rule(Some(100), RuleAccess::Deny, Protocol::All, None, "pl-1"),
            rule(Some(200), RuleAccess::Allow, Protocol::All, None, "*"),
        ];
        assert!(matches!(ssh(&rules, Family::V4), Verdict::Unknown(_)));
    }

    #[test]
    fn split_ranges_add_up() {
        let rules = vec![
            rule(
                None,
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                "0.0.0.0/2",
            ),
            rule(
                None,
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                "128.0.0.0/2",
            ),
        ];
        let e = evaluate(&rules, Family::V4, Traffic::TcpPort(22));
        assert_eq!(e.allows, vec![0, 1]);
        assert_eq!(e.allowed.len(), 1u128 << 31);
        assert!(e.is_open(Family::V4));
    }

    #[test]
    fn equal_priority_deny_decides_first() {
        let rules = vec![
            rule(
                Some(1000),
                RuleAccess::Allow,
                Protocol::All,
                None,
                "0.0.0.0/0",
            ),
            rule(
                Some(1000),
                RuleAccess::Deny,
                Protocol::All,
                None,
                "0.0.0.0/0",
            ),
        ];
        assert_eq!(ssh(&rules, Family::V4), Verdict::Closed);
    }

    #[test]
    fn cidrs_parse_strictly() {
        assert_eq!(
            parse_cidr("10.0.0.0/8"),
            Some((Family::V4, (0x0a00_0000, 0x0aff_ffff)))
        );
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert_eq!(parse_cidr("VirtualNetwork"), None);
        assert_eq!(
            parse_cidr("10.1.2.3/0"),
            Some((Family::V4, Family::V4.all()))
        );
        assert_eq!(
            cidr_range("203.0.113.9/24"),
            Some(("203.0.113.0".into(), "203.0.113.255".into()))
        );
        assert_eq!(
            cidr_range("2001:db8::/32"),
            Some((
                "2001:db8::".into(),
                "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff".into()
            ))
        );
        assert_eq!(parse_range("10.0.0.9", "10.0.0.1"), None);
        assert_eq!(parse_range("10.0.0.1", "::1"), None);
    }

    #[test]
    fn ranges_of_a_service_firewall() {
        let r = |s: &str, e: &str| IpRange {
            name: None,
            start: s.into(),
            end: e.into(),
        };
        let x = RangeExposure::of(&[r("0.0.0.0", "0.0.0.0"), r("203.0.113.0", "203.0.113.255")]);
        assert_eq!(x.provider_wide, vec![0]);
        assert!(!x.is_broad());
        let x = RangeExposure::of(&[r("0.0.0.0", "127.255.255.255"), r("nope", "1.2.3.4")]);
        assert_eq!(x.broad, vec![0]);
        assert_eq!(x.unreadable, vec![1]);
        assert!(x.is_broad());
        // /9s that add up to every address are broad together, not one by one.
        let halves: Vec<IpRange> = (0u32..512)
            .map(|k| {
                let s = std::net::Ipv4Addr::from(k << 23);
                let e = std::net::Ipv4Addr::from((k << 23) | ((1 << 23) - 1));
                r(&s.to_string(), &e.to_string())
            })
            .collect();
        let x = RangeExposure::of(&halves);
        assert!(x.broad.is_empty());
        assert!(x.is_broad());
    }

    /// The assertions of the rule crate's former `net.rs` tests, on the model
    /// that replaced it (all but the one that locked in the deny-of-one bug).
    #[test]
    fn the_former_rule_set_tests_still_hold() {
        let tcp = |ports: (u16, u16), src: &str| {
            rule(None, RuleAccess::Allow, Protocol::Tcp, Some(ports), src)
        };
        let open = |rules: &[IngressRule], port: u16, f: Family| {
            evaluate(rules, f, Traffic::TcpPort(port)).verdict(f) == Verdict::Open
        };
        let all_open = |rules: &[IngressRule], f: Family| {
            evaluate(rules, f, Traffic::AllPorts).verdict(f) == Verdict::Open
        };
        // A later deny does not shadow; it still decides IPv6, where nothing allows.
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
        assert!(open(&rules, 22, Family::V4));
        assert_eq!(
            evaluate(&rules, Family::V4, Traffic::TcpPort(22)).allows,
            vec![0]
        );
        let v6 = evaluate(&rules, Family::V6, Traffic::TcpPort(22));
        assert!(!v6.is_open(Family::V6));
        assert_eq!(v6.denies, vec![1]);
        // Private sources are not the internet.
        let private = vec![tcp((0, 65535), "10.0.0.0/8")];
        assert!(!open(&private, 22, Family::V4));
        assert!(!all_open(&private, Family::V4));
        // IPv6 "any" is the internet over IPv6 only.
        let v6_any = vec![rule(None, RuleAccess::Allow, Protocol::All, None, "::/0")];
        assert!(!open(&v6_any, 3389, Family::V4));
        assert!(open(&v6_any, 3389, Family::V6));
        assert!(all_open(&v6_any, Family::V6));
        // An any-protocol rule with a port opens only that port.
        let one_port = vec![rule(
            Some(130),
            RuleAccess::Allow,
            Protocol::All,
            Some((80, 80)),
            "*",
        )];
        assert!(open(&one_port, 80, Family::V4));
        assert!(!open(&one_port, 22, Family::V4));
        assert!(!all_open(&one_port, Family::V4));
        // Split halves add up; the spellings of "everything" are everything.
        let halves = vec![tcp((22, 22), "0.0.0.0/1"), tcp((22, 22), "128.0.0.0/1")];
        assert!(open(&halves, 22, Family::V4));
        assert_eq!(
            evaluate(&halves, Family::V4, Traffic::TcpPort(22)).allows,
            vec![0, 1]
        );
        for spelled in ["::0/0", "::"] {
            let r = vec![rule(None, RuleAccess::Allow, Protocol::All, None, spelled)];
            assert!(all_open(&r, Family::V6), "{spelled}");
            assert!(!all_open(&r, Family::V4), "{spelled}");
        }
        for spelled in ["10.1.2.3/0", "0.0.0.0"] {
            let r = vec![rule(None, RuleAccess::Allow, Protocol::All, None, spelled)];
            assert!(all_open(&r, Family::V4), "{spelled}");
            assert!(!all_open(&r, Family::V6), "{spelled}");
        }
        // Sources parse strictly.
        assert_eq!(
            SourceClass::of("VirtualNetwork", Family::V4),
            SourceClass::Private
        );
        assert_eq!(SourceClass::of("sg-123", Family::V4), SourceClass::Private);
        assert_eq!(
            SourceClass::of("::/0", Family::V4),
            SourceClass::OtherFamily
        );
        assert_eq!(
            SourceClass::of("0.0.0.0/0", Family::V6),
            SourceClass::OtherFamily
        );
        assert!(matches!(
            SourceClass::of("10.0.0.0/33", Family::V4),
            SourceClass::Unresolved(_)
        ));
        assert!(matches!(
            SourceClass::of("2001:db8::1", Family::V6),
            SourceClass::Addresses((a, b)) if a == b
        ));
    }

    #[test]
    fn shared_service_tags_are_not_taken_for_private() {
        // Any tenant can point a Front Door or an App Service at you.
        for tag in ["AzureFrontDoor.Backend", "AppService", "Storage"] {
            let rules = vec![rule(
                Some(100),
                RuleAccess::Allow,
                Protocol::Tcp,
                Some((22, 22)),
                tag,
            )];
            assert!(
                matches!(ssh(&rules, Family::V4), Verdict::Unknown(why) if why.contains(tag)),
                "{tag}"
            );
        }
        // A long source is quoted short.
        let long = "x".repeat(500);
        let SourceClass::Unresolved(why) = SourceClass::of(&long, Family::V4) else {
            panic!("not unresolved")
        };
        assert!(why.len() < 200, "{why}");
    }

    #[test]
    fn unresolved_sources_count_only_where_they_could_decide() {
        // An unresolved deny after the open allow cannot take it back.
        let after = vec![
            rule(Some(100), RuleAccess::Allow, Protocol::All, None, "*"),
            rule(Some(200), RuleAccess::Deny, Protocol::All, None, "pl-1"),
        ];
        assert_eq!(ssh(&after, Family::V4), Verdict::Open);
        // An unresolved allow after a deny of every public address (what is left,
        // 224.0.0.0/3, is multicast and reserved) cannot open the port.
        let fenced = vec![
            rule(
                Some(100),
                RuleAccess::Deny,
                Protocol::All,
                None,
                "0.0.0.0/1",
            ),
            rule(
                Some(110),
                RuleAccess::Deny,
                Protocol::All,
                None,
                "128.0.0.0/2",
            ),
            rule(
                Some(120),
                RuleAccess::Deny,
                Protocol::All,
                None,
                "192.0.0.0/3",
            ),
            rule(Some(200), RuleAccess::Allow, Protocol::All, None, "pl-1"),
        ];
        assert_eq!(ssh(&fenced, Family::V4), Verdict::Closed);
    }

    #[test]
    fn allowed_ranges_keep_what_they_cannot_read() {
        assert_eq!(
            allowed_range(Some("office".into()), "203.0.113.7/24"),
            IpRange {
                name: Some("office".into()),
                start: "203.0.113.0".into(),
                end: "203.0.113.255".into()
            }
        );
        let odd = allowed_range(None, "garbage");
        assert_eq!(
            (odd.start.as_str(), odd.end.as_str()),
            ("garbage", "garbage")
        );
        assert_eq!(RangeExposure::of(&[odd]).unreadable, vec![0]);
    }
}
