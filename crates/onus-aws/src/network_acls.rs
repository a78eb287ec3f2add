//! VPC network ACLs: `DescribeNetworkAcls` per region, `raw` as the API gives
//! each ACL (`Entries`, `Associations`). A network ACL is stateless and
//! numbered: its inbound entries are evaluated lowest `RuleNumber` first, the
//! first match decides, and a deny before an allow closes what the allow
//! opens. [`ingress`] turns the inbound entries into the one address model's
//! rules (priority = rule number, allow or deny), which the network rules
//! judge as they judge NSGs; a pure function over the API's payload, tested on
//! recorded ones.

use onus_model::{IngressRule, Protocol, RuleAccess};
use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource, source, tag_map};

const ACL: &str = "aws.ec2.network-acl";

/// The inbound rules of a network ACL in `raw` (API field names), each with
/// the pointer to the entry it came from; `None` when `raw` holds no entries.
pub(crate) fn ingress(raw: &Value) -> Option<Vec<(IngressRule, String)>> {
    let entries = raw.get("Entries")?.as_array()?;
    let mut rules = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e.get("Egress").and_then(Value::as_bool) != Some(false) {
            continue;
        }
        let number = e.get("RuleNumber").and_then(Value::as_u64)?;
        let protocol = Protocol::read(e.get("Protocol").and_then(Value::as_str).unwrap_or("-1"));
        let (from, to) = match protocol {
            Protocol::Tcp | Protocol::Udp => {
                let port = |k: &str| {
                    e.pointer(&format!("/PortRange/{k}"))
                        .and_then(Value::as_u64)
                        .and_then(|p| u16::try_from(p).ok())
                };
                (port("From"), port("To"))
            }
            _ => (None, None),
        };
        let (cidr, field) = match (
            e.get("CidrBlock").and_then(Value::as_str),
            e.get("Ipv6CidrBlock").and_then(Value::as_str),
        ) {
            (Some(c), _) => (c, "CidrBlock"),
            (None, Some(c)) => (c, "Ipv6CidrBlock"),
            (None, None) => continue,
        };
        let access = match e.get("RuleAction").and_then(Value::as_str) {
            Some("allow") => RuleAccess::Allow,
            Some("deny") => RuleAccess::Deny,
            // An action onus cannot read: not a rule it can place.
            _ => return None,
        };
        rules.push((
            IngressRule {
                name: Some(if number == 32767 {
                    "rule * (default)".to_owned()
                } else {
                    format!("rule {number}")
                }),
                priority: u32::try_from(number).ok(),
                access,
                protocol,
                from_port: from,
                to_port: to,
                source: cidr.to_owned(),
            },
            format!("/Entries/{i}/{field}"),
        ));
    }
    Some(rules)
}

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let ec2 = crate::ec2::client(&account, &region);
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "ec2").await;
    let (listed, err) = pages(ec2.describe_network_acls().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "ec2",
            "DescribeNetworkAcls",
            &e,
            &[ACL],
            &[],
            vec![],
        ));
    }
    for acl in listed.iter().flat_map(|p| p.network_acls()) {
        let Some(id) = acl.network_acl_id() else {
            continue;
        };
        let arn = format!("arn:aws:ec2:{region}:{}:network-acl/{id}", account.id);
        let tags = tag_map(acl.tags().iter().map(|t| (t.key(), t.value())));
        let name = tags.get("Name").map_or(id, String::as_str).to_owned();
        let mut r = resource(&arn, &account.id, Some(&region), ACL, Some(&name));
        r.tags = tags;
        r.raw = json!({
            "NetworkAclId": id,
            "VpcId": acl.vpc_id(),
            "IsDefault": acl.is_default(),
            "Entries": acl.entries().iter().map(|e| json!({
                "RuleNumber": e.rule_number(),
                "Protocol": e.protocol(),
                "RuleAction": e.rule_action().map(|a| a.as_str()),
                "Egress": e.egress(),
                "CidrBlock": e.cidr_block(),
                "Ipv6CidrBlock": e.ipv6_cidr_block(),
                "PortRange": e.port_range().map(|p| json!({"From": p.from(), "To": p.to()})),
            })).collect::<Vec<_>>(),
            "Associations": acl.associations().iter().map(|a| json!({
                "NetworkAclAssociationId": a.network_acl_association_id(),
                "SubnetId": a.subnet_id(),
            })).collect::<Vec<_>>(),
        });
        if let Some(rules) = ingress(&r.raw) {
            let attached = !acl.associations().is_empty();
            let (rules, pointers): (Vec<IngressRule>, Vec<String>) = rules.into_iter().unzip();
            r.facets.network = Some(onus_model::Network {
                ingress: Some(rules),
                attached: Some(attached),
                ..Default::default()
            });
            source(&mut r, "network.ingress", "/Entries");
            source(&mut r, "network.attached", "/Associations");
            for (i, pointer) in pointers.iter().enumerate() {
                source(&mut r, &format!("network.ingress[{i}]"), pointer);
            }
        }
        out.resources.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default ACL of a default VPC, as DescribeNetworkAcls returns it.
    fn default_acl() -> Value {
        json!({"NetworkAclId": "acl-1", "IsDefault": true, "Entries": [
            {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
            {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
            {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"}
        ], "Associations": [{"SubnetId": "subnet-1"}]})
    }

    #[test]
    fn inbound_entries_become_numbered_allow_and_deny_rules() {
        let rules = ingress(&default_acl()).unwrap();
        assert_eq!(rules.len(), 2, "egress entries are not inbound rules");
        assert_eq!(rules[0].0.priority, Some(100));
        assert_eq!(rules[0].0.access, RuleAccess::Allow);
        assert_eq!(rules[0].0.protocol, Protocol::All);
        assert_eq!(rules[1].0.access, RuleAccess::Deny);
        assert_eq!(rules[1].1, "/Entries/1/CidrBlock");
    }

    #[test]
    fn ports_ipv6_and_unreadable_entries() {
        let acl = json!({"Entries": [
            {"RuleNumber": 90, "Protocol": "6", "RuleAction": "deny", "Egress": false, "Ipv6CidrBlock": "::/0", "PortRange": {"From": 22, "To": 22}},
        ]});
        let rules = ingress(&acl).unwrap();
        assert_eq!(
            (rules[0].0.from_port, rules[0].0.to_port),
            (Some(22), Some(22))
        );
        assert_eq!(rules[0].0.source, "::/0");
        // An action onus cannot read leaves the rules unobserved, never partial.
        let odd = json!({"Entries": [{"RuleNumber": 1, "Protocol": "-1", "RuleAction": "log", "Egress": false, "CidrBlock": "0.0.0.0/0"}]});
        assert!(ingress(&odd).is_none());
        assert!(ingress(&json!({})).is_none());
    }
}
