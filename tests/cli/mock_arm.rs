//! A mock Azure Resource Manager on loopback: Microsoft's example payloads, paging, throttling, faults, a request log.

use serde_json::Value;

use crate::util::*;

/// A mock ARM server on loopback: routes GET paths to canned payloads, records every
/// request, and answers the first NSG list with 429 + Retry-After.
pub(crate) struct MockArm {
    pub(crate) url: String,
    pub(crate) requests: RequestLog,
}

pub(crate) const SUB: &str = "7f3c2a1e-5b4d-4c8e-9a6f-2d1b0c9e8a7f";

impl MockArm {
    pub(crate) fn start() -> MockArm {
        MockArm::start_with(false)
    }

    /// With `graph_denied`, Resource Graph answers 403 (the caller may not query it).
    pub(crate) fn start_with(graph_denied: bool) -> MockArm {
        MockArm::start_failing(graph_denied, false)
    }

    /// With `generic_fails` too, the generic ARM list answers 500 on every page.
    pub(crate) fn start_failing(graph_denied: bool, generic_fails: bool) -> MockArm {
        let mut throttled = false;
        let (url, requests) = serve_mock("127.0.0.1:0", move |base, req| {
            let path = req.target.split('?').next().unwrap_or("").to_owned();
            let graph =
                req.method == "POST" && path == "/providers/Microsoft.ResourceGraph/resources";
            if graph && graph_denied {
                (
                    403,
                    "",
                    serde_json::json!({"error": {"code": "AuthorizationFailed",
                        "message": "The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read'"}}),
                )
            } else if graph {
                resource_graph(base, &req.body)
            } else if generic_fails && path == format!("/subscriptions/{SUB}/resources") {
                (
                    500,
                    "",
                    serde_json::json!({"error": {"code": "InternalServerError", "message": "the list is down"}}),
                )
            } else if path.ends_with("/networkSecurityGroups") && !throttled {
                throttled = true;
                (
                    429,
                    "Retry-After: 1\r\n",
                    serde_json::json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
                )
            } else {
                arm_route(base, &path, &req.target)
            }
        });
        MockArm { url, requests }
    }
}

/// Resource Graph: the same estate as the list routes, as rows, in two pages.
pub(crate) fn resource_graph(base: &str, request: &str) -> (u16, &'static str, Value) {
    let q: Value = serde_json::from_str(request).unwrap_or(Value::Null);
    assert!(
        q["query"]
            .as_str()
            .is_some_and(|s| s.starts_with("Resources")),
        "{request}"
    );
    let rows: Vec<Value> = all_rows(base)
        .into_iter()
        .map(|mut v| {
            let t = v["type"].as_str().unwrap_or_default().to_lowercase();
            v["type"] = serde_json::json!(t);
            v["subscriptionId"] = serde_json::json!(SUB);
            v
        })
        .collect();
    let second = q["options"]["$skipToken"] == "page-2";
    let half = rows.len() / 2;
    if second {
        (
            200,
            "",
            serde_json::json!({"totalRecords": rows.len(), "count": rows.len() - half, "data": rows[half..].to_vec()}),
        )
    } else {
        (
            200,
            "",
            serde_json::json!({"totalRecords": rows.len(), "count": half, "data": rows[..half].to_vec(), "$skipToken": "page-2"}),
        )
    }
}

/// Every type the mock serves a per-type list for.
pub(crate) const LISTED: &[&str] = &[
    "Microsoft.Compute/virtualMachines",
    "Microsoft.Compute/disks",
    "Microsoft.Network/networkSecurityGroups",
    "Microsoft.Network/networkInterfaces",
    "Microsoft.Storage/storageAccounts",
    "Microsoft.Web/sites",
    "Microsoft.Sql/servers",
    "Microsoft.KeyVault/vaults",
    "Microsoft.DocumentDB/databaseAccounts",
    "Microsoft.DBforPostgreSQL/flexibleServers",
    "Microsoft.DBforMySQL/flexibleServers",
    "Microsoft.Cache/redis",
    "Microsoft.ContainerRegistry/registries",
    "Microsoft.EventHub/namespaces",
    "Microsoft.ServiceBus/namespaces",
    "Microsoft.ContainerService/managedClusters",
    "Microsoft.Network/applicationGateways",
    "Microsoft.Compute/virtualMachineScaleSets",
    "Microsoft.Logic/workflows",
    "Microsoft.Automation/automationAccounts",
    "Contoso.Widgets/gadgetBoxes",
];

/// The whole estate as full ARM objects (every page of every per-type list),
/// each with its `type`.
pub(crate) fn all_rows(base: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    for t in LISTED {
        let path = format!("/subscriptions/{SUB}/providers/{t}");
        for target in [path.clone(), format!("{path}?page=2")] {
            if *t != "Microsoft.Compute/virtualMachines" && target.contains("page=2") {
                continue;
            }
            for mut v in arm_route(base, &path, &target).2["value"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                v["type"] = serde_json::json!(t);
                rows.push(v);
            }
        }
    }
    rows
}

/// The generic ARM list (`/subscriptions/{id}/resources`): every resource,
/// without properties, in two pages.
fn generic_list(base: &str, target: &str) -> Value {
    let rows: Vec<Value> = all_rows(base)
        .into_iter()
        .map(|v| {
            serde_json::json!({"id": v["id"], "name": v["name"], "type": v["type"],
                "location": v["location"], "tags": v["tags"]})
        })
        .collect();
    let half = rows.len() / 2;
    if target.contains("page=2") {
        serde_json::json!({"value": rows[half..].to_vec()})
    } else {
        serde_json::json!({"value": rows[..half].to_vec(),
            "nextLink": format!("{base}subscriptions/{SUB}/resources?api-version=2021-04-01&page=2")})
    }
}

/// The resource types added by the whole-estate issue, as ARM objects: a weak
/// and a sound one of each (names say which), and kinds onus only enumerates.
fn new_estate(t: &str) -> Option<Value> {
    use serde_json::json;
    let rid =
        |rg: &str, n: &str| format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/{t}/{n}");
    let item = |n: &str, properties: Value| json!({"id": rid("rg-estate", n), "name": n, "location": "westeurope", "tags": {"team": "estate"}, "properties": properties});
    let v = match t {
        "Microsoft.KeyVault/vaults" => vec![
            item(
                "kv-open",
                json!({"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow"},
                "enableSoftDelete": true, "enableRbacAuthorization": false, "tenantId": "t", "sku": {"name": "standard"}}),
            ),
            item(
                "kv-locked",
                json!({"publicNetworkAccess": "Disabled", "networkAcls": {"defaultAction": "Deny"},
                "enableSoftDelete": true, "enablePurgeProtection": true, "enableRbacAuthorization": true}),
            ),
        ],
        "Microsoft.DocumentDB/databaseAccounts" => vec![
            item(
                "cosmos-open",
                json!({"publicNetworkAccess": "Enabled", "ipRules": [], "isVirtualNetworkFilterEnabled": false,
                "minimalTlsVersion": "Tls", "disableLocalAuth": false, "backupPolicy": {"type": "Periodic"}}),
            ),
            item(
                "cosmos-locked",
                json!({"publicNetworkAccess": "Enabled", "ipRules": [{"ipAddressOrRange": "203.0.113.0/24"}],
                "isVirtualNetworkFilterEnabled": true, "minimalTlsVersion": "Tls12", "disableLocalAuth": true,
                "backupPolicy": {"type": "Continuous"}}),
            ),
        ],
        "Microsoft.DBforPostgreSQL/flexibleServers" => vec![
            item(
                "pg-open",
                json!({"network": {"publicNetworkAccess": "Enabled"},
                "backup": {"backupRetentionDays": 7, "geoRedundantBackup": "Disabled"}, "version": "16"}),
            ),
            item(
                "pg-private",
                json!({"network": {"publicNetworkAccess": "Disabled", "delegatedSubnetResourceId": "subnet"},
                "backup": {"backupRetentionDays": 14, "geoRedundantBackup": "Enabled"}, "version": "16"}),
            ),
        ],
        "Microsoft.DBforMySQL/flexibleServers" => vec![item(
            "mysql-open",
            json!({"network": {"publicNetworkAccess": "Enabled"}, "backup": {"backupRetentionDays": 7, "geoRedundantBackup": "Disabled"}}),
        )],
        "Microsoft.Cache/redis" => vec![
            item(
                "redis-plain",
                json!({"enableNonSslPort": true, "minimumTlsVersion": "1.0", "publicNetworkAccess": "Enabled"}),
            ),
            item(
                "redis-tls",
                json!({"enableNonSslPort": false, "minimumTlsVersion": "1.2", "publicNetworkAccess": "Disabled"}),
            ),
        ],
        "Microsoft.ContainerRegistry/registries" => vec![
            item(
                "acr-admin",
                json!({"adminUserEnabled": true, "publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": "Allow"}}),
            ),
            item(
                "acr-private",
                json!({"adminUserEnabled": false, "publicNetworkAccess": "Disabled"}),
            ),
        ],
        "Microsoft.EventHub/namespaces" => vec![item(
            "evh-open",
            json!({"minimumTlsVersion": "1.0", "disableLocalAuth": false, "publicNetworkAccess": "Enabled"}),
        )],
        "Microsoft.ServiceBus/namespaces" => vec![item(
            "sb-locked",
            json!({"minimumTlsVersion": "1.2", "disableLocalAuth": true, "publicNetworkAccess": "Enabled"}),
        )],
        "Microsoft.ContainerService/managedClusters" => vec![
            item(
                "aks-open",
                json!({"kubernetesVersion": "1.29", "disableLocalAccounts": false,
                "autoUpgradeProfile": {"upgradeChannel": "none"}}),
            ),
            item(
                "aks-private",
                json!({"kubernetesVersion": "1.31", "disableLocalAccounts": true,
                "apiServerAccessProfile": {"enablePrivateCluster": true},
                "aadProfile": {"managed": true, "enableAzureRBAC": true},
                "autoUpgradeProfile": {"upgradeChannel": "stable"}}),
            ),
            item(
                "aks-ranges",
                json!({"apiServerAccessProfile": {"authorizedIPRanges": ["198.51.100.0/24"]},
                "autoUpgradeProfile": {"upgradeChannel": "patch"}}),
            ),
        ],
        "Microsoft.Network/applicationGateways" => vec![
            item(
                "agw-old",
                json!({"sslPolicy": {"policyType": "Predefined", "policyName": "AppGwSslPolicy20150501"}}),
            ),
            item(
                "agw-new",
                json!({"sslPolicy": {"policyType": "CustomV2", "minProtocolVersion": "TLSv1_2"}}),
            ),
        ],
        "Microsoft.Compute/virtualMachineScaleSets" => vec![
            item(
                "vmss-auto",
                json!({"upgradePolicy": {"mode": "Automatic", "automaticOSUpgradePolicy": {"enableAutomaticOSUpgrade": true}}}),
            ),
            item(
                "vmss-manual",
                json!({"upgradePolicy": {"mode": "Manual"},
                "virtualMachineProfile": {"osProfile": {"windowsConfiguration": {"patchSettings": {"patchMode": "Manual"}}}}}),
            ),
        ],
        "Microsoft.Logic/workflows" => vec![item("wf-orders", json!({"state": "Enabled"}))],
        "Microsoft.Automation/automationAccounts" => {
            vec![item("aa-ops", json!({"publicNetworkAccess": true}))]
        }
        // A type no catalog knows, with a hostile name: unclassified, never dropped.
        "Contoso.Widgets/gadgetBoxes" => vec![item("gadget\u{1b}[31m", json!({}))],
        "Microsoft.Network/networkInterfaces" => {
            vec![item("nic-1", json!({"ipConfigurations": []}))]
        }
        _ => return None,
    };
    Some(json!({"value": v}))
}

pub(crate) fn fixture_body(path: &str) -> Value {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("crates/onus-azure/fixtures/arm").join(path)).unwrap(),
    )
    .unwrap();
    v["responses"]["200"]["body"].clone()
}

/// The mock estate. Resource IDs live under the test subscription.
pub(crate) fn arm_route(base: &str, path: &str, target: &str) -> (u16, &'static str, Value) {
    use serde_json::json;
    let p = format!("/subscriptions/{SUB}/providers");
    let rid = |rg: &str, t: &str, n: &str| {
        format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/{t}/{n}")
    };
    let ok = |v: Value| (200, "", v);
    let vm = |name: &str, mode: &str| {
        let mut v =
            fixture_body("compute/VirtualMachine_ListAll_MinimumSet_Gen.json")["value"][0].clone();
        v["id"] = json!(rid("rg-app", "Microsoft.Compute/virtualMachines", name));
        v["name"] = json!(name);
        v["location"] = json!("westeurope");
        v["properties"]["osProfile"] = json!({"linuxConfiguration": {"patchSettings": {"patchMode": mode, "assessmentMode": "AutomaticByPlatform"}}});
        v
    };
    let nsg = |name: &str, rules: Value| {
        json!({"id": rid("rg-net", "Microsoft.Network/networkSecurityGroups", name), "name": name, "location": "westeurope",
               "properties": {"securityRules": rules, "defaultSecurityRules": fixture_body("network/NetworkSecurityGroupListAll.json")["value"][0]["properties"]["defaultSecurityRules"].clone(),
                              "subnets": [{"id": "subnet"}]}})
    };
    let rule = |name: &str, prio: u32, access: &str, port: &str, src: &str| {
        json!({"name": name, "properties": {"priority": prio, "access": access, "direction": "Inbound", "protocol": "Tcp",
               "sourceAddressPrefix": src, "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": port}})
    };
    match path {
        _ if path
            == format!("/subscriptions/{SUB}/providers/Microsoft.Compute/virtualMachines") =>
        {
            if target.contains("page=2") {
                ok(json!({"value": [vm("vm-manual", "ImageDefault")]}))
            } else {
                ok(
                    json!({"value": [vm("vm-patched", "AutomaticByPlatform"), vm("vm-behind", "AutomaticByPlatform"), vm("vm-broken", "AutomaticByPlatform")],
                          "nextLink": format!("{base}subscriptions/{SUB}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01&page=2")}),
                )
            }
        }
        _ if path.ends_with("/instanceView") => {
            let mut view = fixture_body("compute/VirtualMachine_Get_InstanceView.json");
            let summary = &mut view["patchStatus"]["availablePatchSummary"];
            summary["lastModifiedTime"] = json!(chrono::Utc::now().to_rfc3339());
            if path.contains("vm-patched") {
                summary["criticalAndSecurityPatchCount"] = json!(0);
                view["patchStatus"]["lastPatchInstallationSummary"]["failedPatchCount"] = json!(0);
            } else if path.contains("vm-broken") {
                return (
                    500,
                    "",
                    json!({"error": {"code": "InternalServerError", "message": "boom"}}),
                );
            }
            ok(view)
        }
        _ if path == format!("{p}/Microsoft.Compute/disks") => {
            let mut list = fixture_body("compute/Disk_ListBySubscription.json");
            // The example's nextLink points at a placeholder host, which onus refuses to follow.
            list.as_object_mut().unwrap().remove("nextLink");
            for (i, d) in list["value"].as_array_mut().unwrap().iter_mut().enumerate() {
                d["id"] = json!(rid(
                    "rg-app",
                    "Microsoft.Compute/disks",
                    &format!("disk-{i}")
                ));
                d["name"] = json!(format!("disk-{i}"));
            }
            ok(list)
        }
        _ if path == format!("{p}/Microsoft.Network/networkSecurityGroups") => {
            ok(json!({"value": [
                nsg("nsg-rdp-open", json!([rule("AllowRDP", 300, "Allow", "3389", "*")])),
                nsg("nsg-shadowed", json!([rule("DenySsh", 100, "Deny", "22", "Internet"), rule("AllowSsh", 200, "Allow", "22", "*")])),
                nsg("nsg-https", json!([{"name": "AllowHttps", "properties": {"priority": 100, "access": "Allow", "direction": "Inbound", "protocol": "Tcp",
                    "sourceAddressPrefixes": ["0.0.0.0/0", "::/0"], "destinationPortRanges": ["443", "8443-8444"]}}])),
            ]}))
        }
        _ if path == format!("/subscriptions/{SUB}/resources") => ok(generic_list(base, target)),
        // Defender for Cloud: servers and SQL covered, storage left on Free.
        _ if path == format!("{p}/Microsoft.Security/pricings") => {
            let plan = |name: &str, tier: &str| {
                json!({"id": format!("{p}/Microsoft.Security/pricings/{name}"), "name": name,
                       "type": "Microsoft.Security/pricings", "properties": {"pricingTier": tier}})
            };
            ok(json!({"value": [
                plan("VirtualMachines", "Standard"),
                plan("SqlServers", "Standard"),
                plan("AppServices", "Standard"),
                plan("StorageAccounts", "Free"),
                plan("KeyVaults", "Standard"),
                plan("Containers", "Standard"),
                plan("OpenSourceRelationalDatabases", "Standard"),
                plan("CosmosDbs", "Standard"),
            ]}))
        }
        _ if path.ends_with("pg-open/firewallRules") => ok(json!({"value": [
            {"name": "AllowAll", "properties": {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}}]})),
        _ if path.ends_with("mysql-open/firewallRules") => ok(json!({"value": [
            {"name": "Office", "properties": {"startIpAddress": "203.0.113.10", "endIpAddress": "203.0.113.20"}}]})),
        _ if path.ends_with("/firewallRules") && path.contains("flexibleServers") => {
            ok(json!({"value": []}))
        }
        _ if path.ends_with("pg-open/configurations/require_secure_transport") => {
            ok(json!({"name": "require_secure_transport", "properties": {"value": "off"}}))
        }
        _ if path.ends_with("pg-private/configurations/require_secure_transport") => {
            ok(json!({"name": "require_secure_transport", "properties": {"value": "on"}}))
        }
        _ if path.ends_with("mysql-open/configurations/require_secure_transport") => (
            403,
            "",
            json!({"error": {"code": "AuthorizationFailed",
            "message": "The client does not have authorization to perform action 'Microsoft.DBforMySQL/flexibleServers/configurations/read'"}}),
        ),
        _ if path.ends_with("evh-open/networkRuleSets/default") => {
            ok(json!({"name": "default", "properties": {"defaultAction": "Allow", "ipRules": []}}))
        }
        _ if path.ends_with("sb-locked/networkRuleSets/default") => ok(
            json!({"name": "default", "properties": {"defaultAction": "Deny", "ipRules": [{"ipMask": "203.0.113.0/24"}]}}),
        ),
        _ if path.starts_with(&p) && new_estate(&path[p.len() + 1..]).is_some() => {
            ok(new_estate(&path[p.len() + 1..]).unwrap_or_default())
        }
        _ if path == format!("{p}/Microsoft.Storage/storageAccounts") => ok(json!({"value": [
            {"id": rid("rg-data", "Microsoft.Storage/storageAccounts", "stweak"), "name": "stweak", "location": "westeurope",
             "properties": {"supportsHttpsTrafficOnly": false, "minimumTlsVersion": "TLS1_0", "allowBlobPublicAccess": true,
                            "publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": []}, "encryption": {"keySource": "Microsoft.Storage"}}},
            {"id": rid("rg-data", "Microsoft.Storage/storageAccounts", "ststrong"), "name": "ststrong", "location": "westeurope",
             "properties": {"supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": false,
                            "publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "virtualNetworkRules": [],
                                "ipRules": [{"value": "203.0.113.0/24", "action": "Allow"}]}, "encryption": {"keySource": "Microsoft.Keyvault"}}},
        ]})),
        _ if path == format!("{p}/Microsoft.Web/sites") => ok(json!({"value": [
            {"id": rid("rg-web", "Microsoft.Web/sites", "app-ftp"), "name": "app-ftp", "location": "West Europe", "properties": {"httpsOnly": true}},
            {"id": rid("rg-web", "Microsoft.Web/sites", "app-http"), "name": "app-http", "location": "West Europe", "properties": {"httpsOnly": false}},
        ]})),
        _ if path.ends_with("/config/web") => ok(if path.contains("app-ftp") {
            json!({"properties": {"minTlsVersion": "1.2", "ftpsState": "AllAllowed"}})
        } else {
            json!({"properties": {"minTlsVersion": "1.0", "ftpsState": "Disabled"}})
        }),
        _ if path == format!("{p}/Microsoft.Sql/servers") => {
            let mut list = fixture_body("sql/ServerList.json");
            let servers = list["value"].as_array_mut().unwrap();
            servers.truncate(2);
            for (s, (name, public)) in servers
                .iter_mut()
                .zip([("sql-open", "Enabled"), ("sql-denied", "Enabled")])
            {
                s["id"] = json!(rid("rg-data", "Microsoft.Sql/servers", name));
                s["name"] = json!(name);
                s["properties"]["publicNetworkAccess"] = json!(public);
                s["properties"]["minimalTlsVersion"] = json!("1.2");
            }
            ok(list)
        }
        _ if path.ends_with("sql-open/firewallRules") => ok(json!({"value": [
            {"name": "AllowAll", "properties": {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}}]})),
        _ if path.ends_with("sql-denied/firewallRules") => (
            403,
            "",
            json!({"error": {"code": "AuthorizationFailed",
            "message": "The client does not have authorization to perform action 'Microsoft.Sql/servers/firewallRules/read'"}}),
        ),
        // A type of a registered provider with no resources here: an empty list.
        _ if path
            .strip_prefix(&format!("{p}/"))
            .is_some_and(|rest| rest.split('/').count() == 2) =>
        {
            ok(json!({"value": []}))
        }
        _ => (
            404,
            "",
            json!({"error": {"code": "NotFound", "message": path}}),
        ),
    }
}

/// A minimal HTTP server on `bind` answering every request with `route(method,
/// target)`, recording (method, target, Authorization). Runs until the test ends.
pub(crate) fn serve(
    bind: &str,
    route: impl Fn(&str, &str) -> (u16, Value) + Send + 'static,
) -> (String, RequestLog) {
    serve_mock(bind, move |_, req| {
        let (status, body) = route(&req.method, &req.target);
        (status, "", body)
    })
}
