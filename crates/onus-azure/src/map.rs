//! ARM payloads to resources with facets. Pure functions: tested on Microsoft's
//! example responses.

use onus_model::address::allowed_range;
use onus_model::{
    EncryptionAtRest, IngressRule, IpRange, KeySource, Network, Patching, Protocol, Provider,
    PublicAccess, Resource, RuleAccess, TlsVersion, Transport,
};
use serde_json::Value;

fn base(kind: &str, subscription: &str, v: &Value) -> Option<Resource> {
    let id = v["id"].as_str()?;
    Some(Resource {
        id: id.to_owned(),
        provider: Provider::Azure,
        account: subscription.to_owned(),
        region: v["location"]
            .as_str()
            .map(|l| l.to_lowercase().replace(' ', "")),
        kind: kind.to_owned(),
        name: v["name"].as_str().map(str::to_owned),
        tags: v["tags"]
            .as_object()
            .map(|t| {
                t.iter()
                    .map(|(k, x)| (k.clone(), x.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        facets: Default::default(),
        // The row is the resource as ARM describes it, tags included: an
        // absent `tags` is a resource without tags, not tags unread (the
        // pointer is then the whole description).
        sources: [(
            "tags".to_owned(),
            if v.get("tags").is_some() { "/tags" } else { "" }.to_owned(),
        )]
        .into(),
        raw: v.clone(),
        enumerated_only: false,
    })
}

fn src(r: &mut Resource, facet: &str, pointer: &str) {
    r.sources.insert(facet.to_owned(), pointer.to_owned());
}

fn tls(v: &Value) -> Option<TlsVersion> {
    let s = v
        .as_str()?
        .to_ascii_uppercase()
        .replace("TLS", "")
        .replace('_', ".")
        .trim_start_matches('.')
        .to_owned();
    match s.as_str() {
        "1.0" | "1" => Some(TlsVersion::V1_0),
        "1.1" => Some(TlsVersion::V1_1),
        "1.2" => Some(TlsVersion::V1_2),
        "1.3" => Some(TlsVersion::V1_3),
        _ => None,
    }
}

/// `publicNetworkAccess`: anything but `Disabled` admits the internet (subject to firewalls).
fn public_network_access(properties: &Value) -> Option<bool> {
    properties["publicNetworkAccess"]
        .as_str()
        .map(|s| !s.eq_ignore_ascii_case("disabled"))
}

/// A resource of a type whose facets come from the catalog's declarative
/// mappings: the ARM payload as `raw`, the deepening reads beside it under
/// their keys (`firewallRules`, `requireSecureTransport`).
pub fn generic(
    subscription: &str,
    kind: &str,
    v: &Value,
    more: &crate::types::Deepened,
) -> Option<Resource> {
    let mut r = base(kind, subscription, v)?;
    if let Some(obj) = r.raw.as_object_mut() {
        for (key, value) in more {
            obj.insert((*key).to_owned(), value.clone());
        }
    }
    Some(r)
}

/// A resource onus enumerates but does not evaluate: its kind from its type,
/// the row as `raw`. `None` without an id.
pub fn enumerated(subscription: &str, v: &Value) -> Option<Resource> {
    let t = v["type"].as_str().unwrap_or_default();
    // A type that is not `Namespace/type` still appears, unclassified.
    let kind =
        crate::kinds::kind_for_type(t).unwrap_or_else(|| "azure.unknown.resource".to_owned());
    // The subscription it was listed under, never one a row claims.
    let mut r = base(&kind, subscription, v)?;
    r.enumerated_only = true;
    Some(r)
}

/// A virtual machine, with its instance view when it could be read.
pub fn virtual_machine(
    subscription: &str,
    v: &Value,
    instance_view: Option<&Value>,
) -> Option<Resource> {
    let mut r = base("azure.compute.virtual-machine", subscription, v)?;
    let p = &v["properties"];
    let (os, settings) = if p["osProfile"]["windowsConfiguration"].is_object() {
        (
            "windowsConfiguration",
            &p["osProfile"]["windowsConfiguration"]["patchSettings"],
        )
    } else {
        (
            "linuxConfiguration",
            &p["osProfile"]["linuxConfiguration"]["patchSettings"],
        )
    };
    let mut patching = Patching::default();
    if let Some(mode) = settings["patchMode"].as_str() {
        patching.managed = Some(matches!(mode, "AutomaticByPlatform" | "AutomaticByOS"));
        patching.mode = Some(mode.to_owned());
        src(
            &mut r,
            "patching.managed",
            &format!("/properties/osProfile/{os}/patchSettings/patchMode"),
        );
    }
    if let Some(view) = instance_view {
        let summary = &view["patchStatus"]["availablePatchSummary"];
        if summary["status"] == "Succeeded" || summary["status"] == "CompletedWithWarnings" {
            // Azure counts critical and security patches together.
            if let Some(n) = summary["criticalAndSecurityPatchCount"].as_u64() {
                patching.missing_critical = u32::try_from(n).ok();
                patching.missing_security = Some(0);
            }
            patching.last_assessed = summary["lastModifiedTime"]
                .as_str()
                .and_then(|t| t.parse().ok());
            patching.pending_reboot = summary["rebootPending"].as_bool().map(u32::from);
        }
        let failed =
            view["patchStatus"]["lastPatchInstallationSummary"]["failedPatchCount"].as_u64();
        patching.failed = failed.and_then(|n| u32::try_from(n).ok());
        if let Some(obj) = r.raw.as_object_mut() {
            obj.insert("instanceView".to_owned(), view.clone());
        }
        src(
            &mut r,
            "patching.missing_critical",
            "/instanceView/patchStatus/availablePatchSummary/criticalAndSecurityPatchCount",
        );
        src(
            &mut r,
            "patching.last_assessed",
            "/instanceView/patchStatus/availablePatchSummary/lastModifiedTime",
        );
    }
    if patching != Patching::default() {
        r.facets.patching = Some(patching);
    }
    if p["securityProfile"]["encryptionAtHost"].as_bool() == Some(true) {
        r.facets.encryption_at_rest = Some(EncryptionAtRest {
            enabled: Some(true),
            ..Default::default()
        });
        src(
            &mut r,
            "encryption_at_rest.enabled",
            "/properties/securityProfile/encryptionAtHost",
        );
    }
    Some(r)
}

/// Attach what the VM's network interfaces say: the NSGs on them and whether any
/// has a public IP. `nics` are `Microsoft.Network/networkInterfaces` items.
pub fn attach_network(vm: &mut Resource, nics: &[Value]) {
    let wanted: Vec<String> = vm.raw["properties"]["networkProfile"]["networkInterfaces"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str().map(str::to_ascii_lowercase))
        .collect();
    let mine: Vec<&Value> = nics
        .iter()
        .filter(|n| {
            n["id"]
                .as_str()
                .is_some_and(|id| wanted.contains(&id.to_ascii_lowercase()))
        })
        .collect();
    if mine.is_empty() {
        return;
    }
    let groups: Vec<String> = mine
        .iter()
        .filter_map(|n| {
            n["properties"]["networkSecurityGroup"]["id"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    let public = mine.iter().any(|n| {
        n["properties"]["ipConfigurations"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["properties"]["publicIPAddress"]["id"].is_string())
    });
    if let Some(obj) = vm.raw.as_object_mut() {
        obj.insert(
            "networkInterfaces".to_owned(),
            Value::Array(mine.into_iter().cloned().collect()),
        );
    }
    vm.facets.network = Some(Network {
        public_ip: Some(public),
        security_groups: Some(groups),
        ..Default::default()
    });
    src(vm, "network.public_ip", "/networkInterfaces");
    src(vm, "network.security_groups", "/networkInterfaces");
}

/// A managed disk.
pub fn disk(subscription: &str, v: &Value) -> Option<Resource> {
    let mut r = base("azure.compute.disk", subscription, v)?;
    let e = &v["properties"]["encryption"];
    let key_source = match e["type"].as_str() {
        Some("EncryptionAtRestWithPlatformKey") => Some(KeySource::ProviderManaged),
        Some("EncryptionAtRestWithCustomerKey" | "EncryptionAtRestWithPlatformAndCustomerKeys") => {
            Some(KeySource::CustomerManaged)
        }
        _ => None,
    };
    // Managed disks are always encrypted at rest (server-side encryption); the type says with whose key.
    r.facets.encryption_at_rest = Some(EncryptionAtRest {
        enabled: key_source.map(|_| true),
        key_source,
        key_id: e["diskEncryptionSetId"].as_str().map(str::to_owned),
        by_default: None,
        ..Default::default()
    });
    src(
        &mut r,
        "encryption_at_rest.enabled",
        "/properties/encryption/type",
    );
    if e["diskEncryptionSetId"].is_string() {
        src(
            &mut r,
            "encryption_at_rest.key_id",
            "/properties/encryption/diskEncryptionSetId",
        );
    }
    Some(r)
}

fn port_range(s: &str) -> Option<(Option<u16>, Option<u16>)> {
    let s = s.trim();
    if s == "*" {
        return Some((None, None));
    }
    match s.split_once('-') {
        Some((a, b)) => Some((Some(a.trim().parse().ok()?), Some(b.trim().parse().ok()?))),
        None => {
            let p = s.parse().ok()?;
            Some((Some(p), Some(p)))
        }
    }
}

fn strings(single: &Value, plural: &Value) -> Vec<String> {
    let mut out: Vec<String> = plural
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_owned))
        .collect();
    if let Some(s) = single.as_str().filter(|s| !s.is_empty()) {
        out.push(s.to_owned());
    }
    out
}

/// Inbound rules of an NSG, custom and default, one [`IngressRule`] per (port range, source).
pub fn nsg_rules(v: &Value) -> Vec<IngressRule> {
    let mut out = Vec::new();
    for list in ["securityRules", "defaultSecurityRules"] {
        for (i, rule) in v["properties"][list]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let p = &rule["properties"];
            if !p["direction"]
                .as_str()
                .is_some_and(|d| d.eq_ignore_ascii_case("inbound"))
            {
                continue;
            }
            let access = if p["access"]
                .as_str()
                .is_some_and(|a| a.eq_ignore_ascii_case("deny"))
            {
                RuleAccess::Deny
            } else {
                RuleAccess::Allow
            };
            let name = rule["name"]
                .as_str()
                .map_or_else(|| format!("{list}/{i}"), |n| n.to_owned());
            let proto = Protocol::read(p["protocol"].as_str().unwrap_or("*"));
            for ports in strings(&p["destinationPortRange"], &p["destinationPortRanges"]) {
                // A range onus cannot read: an allow is read as every port (it can
                // only over-report), a deny as denying nothing.
                let Some((from, to)) = port_range(&ports)
                    .or_else(|| (access == RuleAccess::Allow).then_some((None, None)))
                else {
                    continue;
                };
                for source in strings(&p["sourceAddressPrefix"], &p["sourceAddressPrefixes"]) {
                    out.push(IngressRule {
                        name: Some(name.clone()),
                        priority: p["priority"].as_u64().and_then(|n| u32::try_from(n).ok()),
                        access,
                        protocol: proto,
                        from_port: from,
                        to_port: to,
                        source,
                    });
                }
            }
        }
    }
    out
}

/// A network security group.
pub fn network_security_group(subscription: &str, v: &Value) -> Option<Resource> {
    let mut r = base("azure.network.network-security-group", subscription, v)?;
    let p = &v["properties"];
    let attached = p["subnets"].as_array().is_some_and(|a| !a.is_empty())
        || p["networkInterfaces"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
    r.facets.network = Some(Network {
        ingress: Some(nsg_rules(v)),
        attached: Some(attached),
        ..Default::default()
    });
    src(&mut r, "network.attached", "/properties/subnets");
    Some(r)
}

/// A storage account.
pub fn storage_account(subscription: &str, v: &Value) -> Option<Resource> {
    let mut r = base("azure.storage.storage-account", subscription, v)?;
    let p = &v["properties"];
    r.facets.transport = Some(Transport {
        tls_enforced: p["supportsHttpsTrafficOnly"].as_bool(),
        min_tls_version: tls(&p["minimumTlsVersion"]),
        ..Transport::default()
    });
    src(
        &mut r,
        "transport.tls_enforced",
        "/properties/supportsHttpsTrafficOnly",
    );
    src(
        &mut r,
        "transport.min_tls_version",
        "/properties/minimumTlsVersion",
    );
    r.facets.public_access = Some(PublicAccess {
        blocked: p["allowBlobPublicAccess"].as_bool().map(|allowed| !allowed),
        internet_reachable: public_network_access(p),
        ..Default::default()
    });
    src(
        &mut r,
        "public_access.blocked",
        "/properties/allowBlobPublicAccess",
    );
    src(
        &mut r,
        "public_access.internet_reachable",
        "/properties/publicNetworkAccess",
    );
    let key_source = match p["encryption"]["keySource"].as_str() {
        Some("Microsoft.Storage") => Some(KeySource::ProviderManaged),
        Some("Microsoft.Keyvault") => Some(KeySource::CustomerManaged),
        _ => None,
    };
    r.facets.encryption_at_rest = Some(EncryptionAtRest {
        enabled: key_source.map(|_| true),
        key_source,
        ..Default::default()
    });
    src(
        &mut r,
        "encryption_at_rest.enabled",
        "/properties/encryption/keySource",
    );
    r.facets.network = Some(Network {
        default_action: p["networkAcls"]["defaultAction"].as_str().map(|a| {
            if a.eq_ignore_ascii_case("deny") {
                RuleAccess::Deny
            } else {
                RuleAccess::Allow
            }
        }),
        firewall_ranges: storage_ip_rules(&p["networkAcls"]["ipRules"]),
        ..Default::default()
    });
    if p["networkAcls"]["ipRules"].is_array() {
        src(
            &mut r,
            "network.firewall_ranges",
            "/properties/networkAcls/ipRules",
        );
    }
    src(
        &mut r,
        "network.default_action",
        "/properties/networkAcls/defaultAction",
    );
    Some(r)
}

/// A storage account's `ipRules` (an address or CIDR each, action `Allow`) as
/// address ranges, unreadable entries kept ([`allowed_range`]). `None` when the
/// list is absent.
fn storage_ip_rules(rules: &Value) -> Option<Vec<IpRange>> {
    let list = rules.as_array()?;
    Some(
        list.iter()
            .filter(|r| {
                r["action"]
                    .as_str()
                    .is_none_or(|a| a.eq_ignore_ascii_case("allow"))
            })
            .map(|r| allowed_range(None, r["value"].as_str().unwrap_or_default()))
            .collect(),
    )
}

/// An App Service site, with its `config/web` when it could be read.
pub fn site(subscription: &str, v: &Value, config: Option<&Value>) -> Option<Resource> {
    let mut r = base("azure.web.site", subscription, v)?;
    let mut transport = Transport {
        tls_enforced: v["properties"]["httpsOnly"].as_bool(),
        ..Default::default()
    };
    src(&mut r, "transport.tls_enforced", "/properties/httpsOnly");
    if let Some(c) = config {
        let p = &c["properties"];
        transport.min_tls_version = tls(&p["minTlsVersion"]);
        transport.plaintext_ftp = p["ftpsState"]
            .as_str()
            .map(|s| s.eq_ignore_ascii_case("AllAllowed"));
        if let Some(name) = p["linuxFxVersion"].as_str().filter(|s| !s.is_empty()) {
            r.facets.runtime = Some(onus_model::Runtime {
                name: Some(name.to_owned()),
                ..Default::default()
            });
            src(&mut r, "runtime.name", "/config/properties/linuxFxVersion");
        }
        if let Some(obj) = r.raw.as_object_mut() {
            obj.insert("config".to_owned(), c.clone());
        }
        src(
            &mut r,
            "transport.min_tls_version",
            "/config/properties/minTlsVersion",
        );
        src(
            &mut r,
            "transport.plaintext_ftp",
            "/config/properties/ftpsState",
        );
    }
    r.facets.transport = Some(transport);
    Some(r)
}

/// A SQL logical server, with its firewall rules when they could be read.
pub fn sql_server(subscription: &str, v: &Value, firewall: Option<&[Value]>) -> Option<Resource> {
    let mut r = base("azure.sql.server", subscription, v)?;
    let p = &v["properties"];
    r.facets.public_access = Some(PublicAccess {
        internet_reachable: public_network_access(p),
        ..Default::default()
    });
    src(
        &mut r,
        "public_access.internet_reachable",
        "/properties/publicNetworkAccess",
    );
    r.facets.transport = Some(Transport {
        // "None" means any version, TLS 1.0 included.
        min_tls_version: match p["minimalTlsVersion"].as_str() {
            Some("None") => Some(TlsVersion::V1_0),
            _ => tls(&p["minimalTlsVersion"]),
        },
        ..Default::default()
    });
    src(
        &mut r,
        "transport.min_tls_version",
        "/properties/minimalTlsVersion",
    );
    if let Some(rules) = firewall {
        let ranges = rules
            .iter()
            .filter_map(|f| {
                Some(IpRange {
                    name: f["name"].as_str().map(str::to_owned),
                    start: f["properties"]["startIpAddress"].as_str()?.to_owned(),
                    end: f["properties"]["endIpAddress"].as_str()?.to_owned(),
                })
            })
            .collect();
        r.facets.network = Some(Network {
            firewall_ranges: Some(ranges),
            ..Default::default()
        });
        if let Some(obj) = r.raw.as_object_mut() {
            obj.insert("firewallRules".to_owned(), Value::Array(rules.to_vec()));
        }
        src(&mut r, "network.firewall_ranges", "/firewallRules");
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    //! Microsoft's unmodified example responses (fixtures/arm, from
    //! Azure/azure-rest-api-specs, MIT) must all map without error.

    use std::path::{Path, PathBuf};

    use onus_model::{Protocol, RuleAccess, TlsVersion};
    use serde_json::Value;

    use super::*;

    fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/arm")
    }

    fn body(path: &str) -> Value {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(dir().join(path)).unwrap()).unwrap();
        v["responses"]["200"]["body"].clone()
    }

    fn items(b: &Value) -> Vec<Value> {
        b["value"]
            .as_array()
            .or(b["data"].as_array())
            .cloned()
            .unwrap_or_else(|| vec![b.clone()])
    }

    fn files(d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }

    #[test]
    fn every_example_maps() {
        let mut all = Vec::new();
        files(&dir(), &mut all);
        assert_eq!(all.len(), 15, "the shared examples are all here");
        let sub = "00000000-0000-0000-0000-000000000000";
        for path in all {
            let rel = path
                .strip_prefix(dir())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
            for (status, response) in doc["responses"].as_object().unwrap() {
                let b = &response["body"];
                let mapped: Vec<Option<Resource>> = items(b)
                    .iter()
                    .map(|v| {
                        let kind = v["type"].as_str().unwrap_or_default().to_ascii_lowercase();
                        match kind.as_str() {
                            "microsoft.compute/virtualmachines" => virtual_machine(sub, v, None),
                            "microsoft.compute/disks" => disk(sub, v),
                            "microsoft.network/networksecuritygroups" => {
                                network_security_group(sub, v)
                            }
                            "microsoft.storage/storageaccounts" => storage_account(sub, v),
                            "microsoft.web/sites" => site(sub, v, None),
                            "microsoft.sql/servers" => sql_server(sub, v, None),
                            // Instance views and Resource Graph rows of other types carry no type we map.
                            _ if rel.contains("InstanceView") => virtual_machine(
                                sub,
                                &serde_json::json!({"id": "/x", "properties": {}}),
                                Some(v),
                            ),
                            _ => Some(Resource {
                                id: v["id"].as_str().unwrap_or("row").to_owned(),
                                provider: Provider::Azure,
                                account: sub.to_owned(),
                                region: None,
                                kind: "azure.other.row".to_owned(),
                                name: None,
                                tags: Default::default(),
                                facets: Default::default(),
                                sources: Default::default(),
                                raw: v.clone(),
                                enumerated_only: false,
                            }),
                        }
                    })
                    .collect();
                assert!(
                    mapped.iter().all(Option::is_some),
                    "{rel} {status}: an item without an id"
                );
            }
        }
    }

    #[test]
    fn patch_settings_and_instance_view() {
        let linux = body(
            "compute/VirtualMachine_Create_LinuxVmWithPatchSettingModesOfAutomaticByPlatform.json",
        );
        let r = virtual_machine("s", &linux, None).unwrap();
        assert_eq!(r.facets.patching.as_ref().unwrap().managed, Some(true));
        let windows =
            body("compute/VirtualMachine_Create_WindowsVmWithPatchSettingModeOfManual.json");
        let r = virtual_machine("s", &windows, None).unwrap();
        assert_eq!(
            r.facets.patching.as_ref().unwrap().mode.as_deref(),
            Some("Manual")
        );
        assert_eq!(r.facets.patching.as_ref().unwrap().managed, Some(false));
        let view = body("compute/VirtualMachine_Get_InstanceView.json");
        let r = virtual_machine("s", &linux, Some(&view)).unwrap();
        let p = r.facets.patching.unwrap();
        assert_eq!(
            (p.missing_critical, p.failed, p.pending_reboot),
            (Some(1), Some(1), Some(1))
        );
        assert_eq!(
            p.last_assessed.map(|t| t.to_rfc3339()),
            Some("2020-04-24T21:02:04.255615400+00:00".to_owned())
        );
    }

    #[test]
    fn network_interfaces_give_nsgs_and_public_ips() {
        let mut vm = virtual_machine(
            "s",
            &body("compute/VirtualMachine_ListAll_MinimumSet_Gen.json")["value"][0],
            None,
        )
        .unwrap();
        vm.raw["properties"]["networkProfile"] =
            serde_json::json!({"networkInterfaces": [{"id": "/nic/A"}]});
        let nics = vec![serde_json::json!({"id": "/NIC/a", "properties": {
            "networkSecurityGroup": {"id": "/nsg/1"},
            "ipConfigurations": [{"properties": {"publicIPAddress": {"id": "/pip/1"}}}]}})];
        attach_network(&mut vm, &nics);
        let net = vm.facets.network.unwrap();
        assert_eq!(
            (net.public_ip, net.security_groups),
            (Some(true), Some(vec!["/nsg/1".to_owned()]))
        );
        let host = virtual_machine(
            "s",
            &body("compute/VirtualMachine_Create_WithEncryptionAtHost.json"),
            None,
        )
        .unwrap();
        assert_eq!(host.facets.encryption_at_rest.unwrap().enabled, Some(true));
    }

    #[test]
    fn nsg_rules_with_priorities_and_defaults() {
        let b = body("network/NetworkSecurityGroupListAll.json");
        let nsg = &b["value"][0];
        let rules = nsg_rules(nsg);
        let deny_all = rules
            .iter()
            .find(|r| r.name.as_deref() == Some("DenyAllInBound"))
            .unwrap();
        assert_eq!(
            (deny_all.priority, deny_all.access, deny_all.protocol),
            (Some(65500), RuleAccess::Deny, Protocol::All)
        );
        let created = body("network/NetworkSecurityGroupCreateWithRule.json");
        let rules = nsg_rules(&created);
        assert!(
            rules
                .iter()
                .any(|r| r.name.as_deref() == Some("rule1") && r.from_port == Some(80)),
            "{rules:?}"
        );
    }

    #[test]
    fn storage_and_disks() {
        let b = body("storage/StorageAccountList.json");
        for v in items(&b) {
            let r = storage_account("s", &v).unwrap();
            let t = r.facets.transport.unwrap();
            assert!(t.min_tls_version.is_none() || t.min_tls_version >= Some(TlsVersion::V1_0));
        }
        let disks = body("compute/Disk_ListBySubscription.json");
        for v in items(&disks) {
            assert!(disk("s", &v).unwrap().facets.encryption_at_rest.is_some());
        }
    }
}
