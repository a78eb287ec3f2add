//! The logic no catalog expression should carry, as pure functions over the
//! REST representations: VPC firewall rules to ingress rules (port ranges),
//! Cloud SQL authorised networks to address ranges (CIDR arithmetic), and asset
//! names for resources read from the service APIs.

use onus_model::address::allowed_range;
use onus_model::{IngressRule, IpRange, Protocol, RuleAccess};
use serde_json::Value;

/// `"22"` → (22, 22), `"1000-2000"` → (1000, 2000); `None` when unreadable.
fn port_range(p: &str) -> Option<(u16, u16)> {
    match p.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let n = p.trim().parse().ok()?;
            Some((n, n))
        }
    }
}

/// A VPC firewall rule as ingress rules: one per (allowed or denied entry, port
/// range, source range). Egress and disabled rules admit nothing. A rule
/// without `sourceRanges` but with source tags or service accounts admits only
/// those instances, not the internet, and is left out.
pub fn firewall_ingress(v: &Value) -> Vec<IngressRule> {
    if v["direction"].as_str().is_some_and(|d| d != "INGRESS") || v["disabled"] == true {
        return Vec::new();
    }
    let name = v["name"].as_str().map(str::to_owned);
    let priority = v["priority"]
        .as_u64()
        .map(|p| p.min(u64::from(u32::MAX)) as u32);
    let sources: Vec<String> = v["sourceRanges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect();
    let mut out = Vec::new();
    for (key, access) in [("allowed", RuleAccess::Allow), ("denied", RuleAccess::Deny)] {
        for entry in v[key].as_array().into_iter().flatten() {
            let proto = Protocol::read(entry["IPProtocol"].as_str().unwrap_or("all"));
            let ports: Vec<(Option<u16>, Option<u16>)> = match entry["ports"].as_array() {
                Some(list) if !list.is_empty() => list
                    .iter()
                    .filter_map(|p| p.as_str().and_then(port_range))
                    .map(|(a, b)| (Some(a), Some(b)))
                    .collect(),
                // No ports: every port of the protocol.
                _ => vec![(None, None)],
            };
            for (from_port, to_port) in &ports {
                for source in &sources {
                    out.push(IngressRule {
                        name: name.clone(),
                        priority,
                        access,
                        protocol: proto,
                        from_port: *from_port,
                        to_port: *to_port,
                        source: source.clone(),
                    });
                }
            }
        }
    }
    out
}

/// The fields of a firewall rule that decide whether it shadows another: all a
/// shadowing deny's copy in `raw.networkDenyRules` keeps.
pub const DECIDING_FIELDS: &[&str] = &[
    "name",
    "selfLink",
    "network",
    "direction",
    "priority",
    "disabled",
    "denied",
    "sourceRanges",
    "targetTags",
    "targetServiceAccounts",
    "destinationRanges",
];

/// Whether the firewall rule `deny` (as the API returned it) is an enabled
/// ingress deny of the same VPC network as `rule` that Google Cloud applies
/// before it (a lower priority number, or the same: a deny wins a tie) to
/// every instance `rule` targets: no targets at all, or target tags (or
/// service accounts) that include all of `rule`'s, and no `destinationRanges`
/// (which would limit it to some of the instances' addresses). A deny that
/// covers only some of the instances shadows nothing for certain, so it is
/// left out.
pub fn shadows(deny: &Value, rule: &Value) -> bool {
    let ingress = |v: &Value| v["direction"].as_str().is_none_or(|d| d == "INGRESS");
    // The API omits the priority when it is the default, 1000.
    let priority = |v: &Value| v["priority"].as_u64().unwrap_or(1000);
    let list = |v: &Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    if !ingress(deny)
        || deny["disabled"] == true
        || !deny["denied"].is_array()
        || !deny["network"].is_string()
        || deny["network"] != rule["network"]
        || priority(deny) > priority(rule)
        || !list(deny, "destinationRanges").is_empty()
    {
        return false;
    }
    let (deny_tags, deny_accounts) = (
        list(deny, "targetTags"),
        list(deny, "targetServiceAccounts"),
    );
    if deny_tags.is_empty() && deny_accounts.is_empty() {
        return true;
    }
    let (tags, accounts) = (
        list(rule, "targetTags"),
        list(rule, "targetServiceAccounts"),
    );
    (!tags.is_empty() && deny_accounts.is_empty() && tags.iter().all(|t| deny_tags.contains(t)))
        || (!accounts.is_empty()
            && deny_tags.is_empty()
            && accounts.iter().all(|a| deny_accounts.contains(a)))
}

/// A Cloud SQL instance's authorised networks as address ranges.
pub fn authorized_ranges(v: &Value) -> Option<Vec<IpRange>> {
    let networks = v["settings"]["ipConfiguration"]["authorizedNetworks"].as_array();
    // No ipConfiguration at all: not observed.
    if v["settings"]["ipConfiguration"].is_null() {
        return None;
    }
    Some(
        networks
            .into_iter()
            .flatten()
            // Unreadable entries are kept, never dropped.
            .map(|n| {
                allowed_range(
                    n["name"].as_str().map(str::to_owned),
                    n["value"].as_str().unwrap_or_default(),
                )
            })
            .collect(),
    )
}

/// The asset name of a Compute Engine resource from its `selfLink`:
/// `…/compute/v1/projects/P/zones/Z/instances/N` →
/// `//compute.googleapis.com/projects/P/zones/Z/instances/N`.
pub fn compute_asset_name(v: &Value) -> Option<String> {
    let link = v["selfLink"].as_str()?;
    let at = link.find("/compute/v1/")?;
    Some(format!(
        "//compute.googleapis.com/{}",
        &link[at + "/compute/v1/".len()..]
    ))
}

/// The last segment of a URL or path (`…/zones/us-central1-a` → `us-central1-a`).
pub fn last_segment(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use onus_model::address::cidr_range;
    use serde_json::json;

    #[test]
    fn denies_that_shadow_a_rule_within_its_network() {
        let net = "https://www.googleapis.com/compute/v1/projects/p/global/networks/default";
        let allow = json!({"name": "allow-ssh", "network": net, "priority": 1000,
            "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}], "sourceRanges": ["0.0.0.0/0"],
            "targetTags": ["web"]});
        let deny = json!({"name": "deny-all", "network": net, "priority": 900,
            "denied": [{"IPProtocol": "all"}], "sourceRanges": ["0.0.0.0/0"]});
        assert!(shadows(&deny, &allow));
        // A tie goes to the deny; the default priority is 1000.
        let mut tie = deny.clone();
        tie.as_object_mut().unwrap().remove("priority");
        assert!(shadows(&tie, &allow));
        // Lower priority, another network, disabled, egress, or an allow: no.
        let mut later = deny.clone();
        later["priority"] = json!(1001);
        assert!(!shadows(&later, &allow));
        let mut elsewhere = deny.clone();
        elsewhere["network"] = json!(format!("{net}-2"));
        assert!(!shadows(&elsewhere, &allow));
        let mut disabled = deny.clone();
        disabled["disabled"] = json!(true);
        assert!(!shadows(&disabled, &allow));
        let mut egress = deny.clone();
        egress["direction"] = json!("EGRESS");
        assert!(!shadows(&egress, &allow));
        assert!(!shadows(&allow, &allow));
        // Targets: the deny must reach every instance the rule does.
        let mut some = deny.clone();
        some["targetTags"] = json!(["web", "db"]);
        assert!(shadows(&some, &allow));
        some["targetTags"] = json!(["db"]);
        assert!(!shadows(&some, &allow));
        let mut untargeted = allow.clone();
        untargeted.as_object_mut().unwrap().remove("targetTags");
        assert!(!shadows(&some, &untargeted));
        // A deny limited to some destination addresses leaves the others open.
        let mut narrow = deny.clone();
        narrow["destinationRanges"] = json!(["10.0.0.5/32"]);
        assert!(!shadows(&narrow, &allow));
    }

    #[test]
    fn firewall_rules_become_ingress_rules() {
        let rule = json!({"name": "allow-ssh", "direction": "INGRESS", "priority": 1000,
            "allowed": [{"IPProtocol": "tcp", "ports": ["22", "8000-8080"]}, {"IPProtocol": "icmp"}],
            "sourceRanges": ["0.0.0.0/0", "::/0"]});
        let ingress = firewall_ingress(&rule);
        assert_eq!(ingress.len(), 6);
        assert!(
            ingress.iter().any(|r| r.from_port == Some(8000)
                && r.to_port == Some(8080)
                && r.source == "::/0")
        );
        assert!(
            ingress
                .iter()
                .any(|r| r.protocol == Protocol::Icmp && r.from_port.is_none())
        );
        assert!(
            ingress
                .iter()
                .all(|r| r.access == RuleAccess::Allow && r.priority == Some(1000))
        );
        let ipsec = json!({"name": "ipsec", "direction": "INGRESS",
            "allowed": [{"IPProtocol": "esp"}, {"IPProtocol": "ah"}, {"IPProtocol": "udp", "ports": ["500", "4500"]}],
            "sourceRanges": ["0.0.0.0/0"]});
        let ipsec = firewall_ingress(&ipsec);
        assert_eq!(ipsec[0].protocol, Protocol::Esp);
        assert_eq!(ipsec[1].protocol, Protocol::Ah);
        let deny = json!({"name": "deny", "direction": "INGRESS", "denied": [{"IPProtocol": "all"}], "sourceRanges": ["0.0.0.0/0"]});
        assert_eq!(firewall_ingress(&deny)[0].access, RuleAccess::Deny);
        for inert in [
            json!({"direction": "EGRESS", "allowed": [{"IPProtocol": "all"}], "destinationRanges": ["0.0.0.0/0"]}),
            json!({"direction": "INGRESS", "disabled": true, "allowed": [{"IPProtocol": "all"}], "sourceRanges": ["0.0.0.0/0"]}),
            json!({"direction": "INGRESS", "allowed": [{"IPProtocol": "all"}], "sourceTags": ["web"]}),
        ] {
            assert!(firewall_ingress(&inert).is_empty(), "{inert}");
        }
    }

    #[test]
    fn cidrs_become_ranges() {
        assert_eq!(
            cidr_range("0.0.0.0/0"),
            Some(("0.0.0.0".into(), "255.255.255.255".into()))
        );
        assert_eq!(
            cidr_range("203.0.113.7/24"),
            Some(("203.0.113.0".into(), "203.0.113.255".into()))
        );
        assert_eq!(
            cidr_range("198.51.100.9"),
            Some(("198.51.100.9".into(), "198.51.100.9".into()))
        );
        assert_eq!(
            cidr_range("::/0").map(|r| r.1),
            Some("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".into())
        );
        for bad in ["", "0.0.0.0/33", "nope/8", "1.2.3.4/x"] {
            assert_eq!(cidr_range(bad), None, "{bad}");
        }
        let sql = json!({"settings": {"ipConfiguration": {"authorizedNetworks": [{"name": "all", "value": "0.0.0.0/0"}, {"value": "garbage"}]}}});
        let ranges = authorized_ranges(&sql).unwrap();
        assert_eq!(ranges.len(), 2, "an unreadable entry is kept, not dropped");
        assert_eq!(ranges[0].end, "255.255.255.255");
        assert_eq!(ranges[1].start, "garbage");
        assert_eq!(authorized_ranges(&json!({"settings": {}})), None);
    }

    #[test]
    fn asset_names_from_self_links() {
        let v =
            json!({"selfLink": "http://127.0.0.1:9/compute/v1/projects/p/zones/z/instances/vm"});
        assert_eq!(
            compute_asset_name(&v).as_deref(),
            Some("//compute.googleapis.com/projects/p/zones/z/instances/vm")
        );
        assert_eq!(compute_asset_name(&json!({})), None);
    }
}
