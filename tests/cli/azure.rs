//! The Azure collector against the mock ARM: both listing paths, plain HTTP only on loopback, unreachable endpoints, shards.

use predicates::prelude::*;
use serde_json::Value;

use crate::mock_arm::*;
use crate::util::*;

pub(crate) fn azure_status(report: &Value, name: &str, duty: &str) -> String {
    let r = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in the report"));
    r["duties"][duty]["status"].as_str().unwrap().to_owned()
}

/// The status of enumeration source `name` in the report's coverage.
fn source_status(report: &Value, name: &str) -> Option<String> {
    report["coverage"]["sources"]
        .as_array()?
        .iter()
        .find(|s| s["source"] == name)
        .map(|s| s["status"].as_str().unwrap_or_default().to_owned())
}

#[test]
fn azure_audit_against_a_mock_arm_server() {
    let (report, requests) = audit_mock_arm("arm", false);
    let sources = report["coverage"]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1, "{sources:#?}");
    assert_eq!(sources[0]["source"], "arm-resources");
    assert_eq!(sources[0]["status"], "used");
    assert!(
        requests
            .iter()
            .filter(|(_, t, _)| t.starts_with(&format!("/subscriptions/{SUB}/resources?")))
            .count()
            == 2,
        "the generic list, two nextLink pages"
    );
}

#[test]
fn azure_resource_graph_denied_falls_back_to_the_arm_list() {
    let (report, _) = audit_mock_arm("resource-graph", true);
    let sources = report["coverage"]["sources"].as_array().unwrap();
    let status = |name: &str| source_status(&report, name);
    assert_eq!(
        status("resource-graph").as_deref(),
        Some("denied"),
        "{sources:#?}"
    );
    assert_eq!(
        status("arm-resources").as_deref(),
        Some("used"),
        "{sources:#?}"
    );
}

/// Found by review: with Resource Graph denied and the generic list failing,
/// onus reported no resources although every per-type list would answer.
/// Now the types onus reads are listed one by one, every resource of them is
/// audited as on the other paths (the helper checks the whole ledger), and
/// both failures are named.
#[test]
fn azure_every_enumeration_source_failing_still_reads_the_types_onus_reads() {
    let (report, requests) = audit_mock_arm_failing("resource-graph", true, true);
    let sources = report["coverage"]["sources"].as_array().unwrap();
    let status = |name: &str| source_status(&report, name);
    assert_eq!(
        status("resource-graph").as_deref(),
        Some("denied"),
        "{sources:#?}"
    );
    assert_eq!(
        status("arm-resources").as_deref(),
        Some("failed"),
        "{sources:#?}"
    );
    assert_eq!(
        status("arm-per-type").as_deref(),
        Some("used"),
        "{sources:#?}"
    );
    // Both failures are named: Resource Graph's in the coverage (its reason),
    // the generic list's as a collection failure too.
    let graph = sources
        .iter()
        .find(|s| s["source"] == "resource-graph")
        .unwrap();
    assert!(
        graph["detail"].as_str().unwrap().contains("authorization"),
        "{graph}"
    );
    let gaps = report["gaps"].as_array().unwrap();
    assert!(
        gaps.iter().any(|g| g["operation"] == "resources/list"),
        "no failure names the generic list: {gaps:#?}"
    );
    assert!(
        requests
            .iter()
            .any(|(_, t, _)| t.contains("/providers/Microsoft.Compute/virtualMachines?")),
        "the per-type list of virtual machines"
    );
}

#[test]
fn azure_audit_through_resource_graph() {
    let (report, requests) = audit_mock_arm("resource-graph", false);
    let sources = report["coverage"]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1, "{sources:#?}");
    assert_eq!(sources[0]["source"], "resource-graph");
    assert_eq!(sources[0]["status"], "used");
    let graph: Vec<_> = requests
        .iter()
        .filter(|(_, t, _)| t.contains("Microsoft.ResourceGraph"))
        .collect();
    assert_eq!(graph.len(), 2, "two $skipToken pages");
    assert!(graph.iter().all(|(m, _, _)| m == "POST"));
    assert!(
        !requests.iter().any(|(_, t, _)| t
            .contains("providers/Microsoft.Compute/virtualMachines?")
            || t.starts_with(&format!("/subscriptions/{SUB}/resources?"))),
        "no ARM list calls"
    );
}

/// Audit the mock estate through `source`; every read path serves the same
/// estate, so every path must give the same ledger.
pub(crate) fn audit_mock_arm(
    source: &str,
    graph_denied: bool,
) -> (Value, Vec<(String, String, Option<String>)>) {
    audit_mock_arm_failing(source, graph_denied, false)
}

/// [`audit_mock_arm`], with the generic ARM list failing too when `generic_fails`.
pub(crate) fn audit_mock_arm_failing(
    source: &str,
    graph_denied: bool,
    generic_fails: bool,
) -> (Value, Vec<(String, String, Option<String>)>) {
    let arm = MockArm::start_failing(graph_denied, generic_fails);
    let token = "canary-azure-token-ONUS-0123456789";
    let out = onus()
        .env("ONUS_AZURE_TOKEN", token)
        .args([
            "-vv",
            "audit",
            "azure",
            "--subscription",
            SUB,
            "--azure-endpoint",
            &arm.url,
            "--azure-source",
            source,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains(token) && !String::from_utf8_lossy(&out.stdout).contains(token),
        "the token was logged"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();

    // Every served resource appears (4 VMs across two pages, 2 disks from Microsoft's example, 3 NSGs, 2 storage, 2 sites, 2 SQL).
    let kinds: Vec<&str> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    let count = |k: &str| kinds.iter().filter(|x| **x == k).count();
    assert_eq!(count("azure.compute.virtual-machine"), 4, "nextLink paging");
    assert_eq!(
        count("azure.network.network-security-group"),
        3,
        "the 429 was retried after Retry-After"
    );
    assert_eq!(
        (
            count("azure.storage.storage-account"),
            count("azure.web.site"),
            count("azure.sql.server")
        ),
        (2, 2, 2)
    );
    assert!(count("azure.compute.disk") >= 1);

    let expect = [
        ("vm-patched", "guest-os-patching", "addressed"),
        ("vm-behind", "guest-os-patching", "unaddressed"),
        ("vm-broken", "guest-os-patching", "unknown"),
        ("vm-manual", "guest-os-patching", "unaddressed"),
        ("nsg-rdp-open", "firewall", "unaddressed"),
        ("nsg-shadowed", "firewall", "addressed"),
        ("nsg-https", "firewall", "addressed"),
        ("stweak", "encryption-in-transit", "unaddressed"),
        ("stweak", "public-access", "unaddressed"),
        ("stweak", "firewall", "unaddressed"),
        ("ststrong", "encryption-in-transit", "addressed"),
        ("ststrong", "public-access", "addressed"),
        ("ststrong", "firewall", "addressed"),
        ("app-ftp", "encryption-in-transit", "unaddressed"),
        ("app-http", "encryption-in-transit", "unaddressed"),
        ("sql-open", "firewall", "unaddressed"),
        ("sql-open", "public-access", "unaddressed"),
        ("sql-denied", "firewall", "unknown"),
        ("kv-open", "public-access", "unaddressed"),
        ("kv-open", "backup", "unaddressed"),
        ("kv-open", "identity-access", "unaddressed"),
        ("kv-locked", "public-access", "addressed"),
        ("kv-locked", "backup", "addressed"),
        ("kv-locked", "identity-access", "addressed"),
        ("kv-locked", "encryption-at-rest", "not_applicable"),
        ("cosmos-open", "public-access", "unaddressed"),
        ("cosmos-open", "encryption-in-transit", "unaddressed"),
        ("cosmos-open", "identity-access", "unaddressed"),
        ("cosmos-open", "backup", "addressed"),
        ("cosmos-locked", "public-access", "addressed"),
        ("cosmos-locked", "encryption-in-transit", "addressed"),
        ("cosmos-locked", "identity-access", "addressed"),
        ("pg-open", "firewall", "unaddressed"),
        ("pg-open", "encryption-in-transit", "unaddressed"),
        ("pg-open", "backup", "unaddressed"),
        ("pg-private", "firewall", "addressed"),
        ("pg-private", "encryption-in-transit", "addressed"),
        ("pg-private", "backup", "addressed"),
        ("mysql-open", "firewall", "addressed"),
        ("mysql-open", "encryption-in-transit", "unknown"),
        ("redis-plain", "encryption-in-transit", "unaddressed"),
        ("redis-plain", "public-access", "unaddressed"),
        ("redis-tls", "encryption-in-transit", "addressed"),
        ("redis-tls", "public-access", "addressed"),
        ("acr-admin", "identity-access", "unaddressed"),
        ("acr-admin", "public-access", "unaddressed"),
        ("acr-private", "identity-access", "addressed"),
        ("acr-private", "public-access", "addressed"),
        ("evh-open", "encryption-in-transit", "unaddressed"),
        ("evh-open", "identity-access", "unaddressed"),
        ("evh-open", "public-access", "unaddressed"),
        ("sb-locked", "encryption-in-transit", "addressed"),
        ("sb-locked", "identity-access", "addressed"),
        ("sb-locked", "public-access", "addressed"),
        ("aks-open", "firewall", "unaddressed"),
        ("aks-open", "identity-access", "unaddressed"),
        ("aks-open", "runtime-updates", "unaddressed"),
        ("aks-private", "firewall", "addressed"),
        ("aks-private", "identity-access", "addressed"),
        ("aks-private", "runtime-updates", "addressed"),
        ("aks-ranges", "firewall", "addressed"),
        ("agw-old", "encryption-in-transit", "unaddressed"),
        ("agw-new", "encryption-in-transit", "addressed"),
        ("vmss-auto", "guest-os-patching", "addressed"),
        ("vmss-manual", "guest-os-patching", "unaddressed"),
        // Kinds onus enumerates but does not evaluate: customer duties unknown.
        ("wf-orders", "identity-access", "unknown"),
        ("aa-ops", "identity-access", "unknown"),
        ("nic-1", "firewall", "unknown"),
    ];
    // With every enumeration source down, only the types onus reads in depth
    // (and their helpers) are listed: the enumerated-only kinds go unseen.
    let unseen: &[&str] = if generic_fails {
        &["wf-orders", "aa-ops", "gadget\u{1b}[31m"]
    } else {
        &[]
    };
    let wrong: Vec<String> = expect
        .iter()
        .filter(|(n, _, _)| !unseen.contains(n))
        .filter(|(n, d, s)| azure_status(&report, n, d) != *s)
        .map(|(n, d, s)| format!("{n} {d}: want {s}, got {}", azure_status(&report, n, d)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Threat detection is judged on the subscription: storage accounts are
    // present and their Defender plan is Free, the other plans Standard.
    let subscription = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == format!("/subscriptions/{SUB}"))
        .expect("the subscription resource");
    let td = &subscription["duties"]["threat-detection"];
    assert_eq!(td["status"], "unaddressed", "{td}");
    let reason = td["reason"].as_str().unwrap();
    assert!(reason.contains("Defender for StorageAccounts"), "{reason}");
    assert!(!reason.contains("Defender for VirtualMachines"), "{reason}");

    // Every resource of the estate is in the ledger, on every read path.
    let names: std::collections::BTreeSet<&str> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    let served: Vec<String> = all_rows(&arm.url)
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect();
    for name in &served {
        assert_eq!(
            names.contains(name.as_str()),
            !unseen.contains(&name.as_str()),
            "{name:?}: in the report or not"
        );
    }
    if generic_fails {
        let requests = arm.requests.lock().unwrap().clone();
        assert!(
            requests.iter().all(|(m, t, _)| m == "GET"
                || (m == "POST" && t.starts_with("/providers/Microsoft.ResourceGraph/resources?"))),
            "{requests:?}"
        );
        return (report, requests);
    }
    let kind_of = |name: &str| {
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .map(|r| {
                (
                    r["kind"].as_str().unwrap().to_owned(),
                    r["service_model"].clone(),
                )
            })
            .unwrap()
    };
    assert_eq!(kind_of("wf-orders").0, "azure.logic.workflow");
    assert_eq!(kind_of("wf-orders").1, "paas");
    assert_eq!(kind_of("aa-ops").0, "azure.automation.automation-account");
    assert_eq!(
        kind_of("gadget\u{1b}[31m").0,
        "azure.contosowidgets.gadgetbox"
    );
    let coverage = &report["coverage"];
    assert_eq!(coverage["totals"]["unclassified"], 1, "{coverage:#}");
    assert_eq!(
        coverage["kinds"]["azure.logic.workflow"]["enumerated_only"], 1,
        "{coverage:#}"
    );
    assert_eq!(
        coverage["kinds"]["azure.keyvault.vault"]["evaluated"], 2,
        "{coverage:#}"
    );

    let gaps = report["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 3, "exactly the served failures: {gaps:?}");
    assert!(
        gaps.iter()
            .any(|g| g["operation"] == "flexibleServers/configurations/read"
                && g["cause"] == "access-denied"),
        "{gaps:?}"
    );
    assert!(
        gaps.iter().any(
            |g| g["operation"] == "servers/firewallRules/read" && g["cause"] == "access-denied"
        ),
        "{gaps:?}"
    );
    assert!(
        gaps.iter()
            .any(|g| g["operation"] == "virtualMachines/instanceView/read"
                && g["cause"] == "api-error"),
        "{gaps:?}"
    );

    // Read-only (GET, and POST only for Resource Graph queries), authenticated, api-versioned.
    let requests = arm.requests.lock().unwrap().clone();
    assert!(
        requests.iter().all(|(m, t, _)| m == "GET"
            || (m == "POST" && t.starts_with("/providers/Microsoft.ResourceGraph/resources?"))),
        "{requests:?}"
    );
    assert!(
        requests.iter().all(|(_, t, a)| t.contains("api-version=")
            && a.as_deref() == Some(&format!("Bearer {token}")))
    );
    if source == "arm" {
        let nsg_calls = requests
            .iter()
            .filter(|(_, t, _)| t.contains("networkSecurityGroups"))
            .count();
        assert!(nsg_calls >= 2, "the 429 was retried after Retry-After");
    }
    (report, requests)
}

#[test]
fn azure_plain_http_only_on_loopback() {
    onus()
        .env("ONUS_AZURE_TOKEN", "t")
        .args([
            "audit",
            "azure",
            "--subscription",
            SUB,
            "--azure-endpoint",
            "http://management.example.com/",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "plain http:// only on a loopback address",
        ));
    onus()
        .env("ONUS_AZURE_TOKEN", "t")
        .args([
            "audit",
            "azure",
            "--subscription",
            "not-a-guid",
            "--azure-endpoint",
            "http://127.0.0.1:9/",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a subscription ID"));
}

#[test]
fn azure_unreachable_endpoint_is_a_clear_incomplete_run() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}/");
    onus()
        .env("ONUS_AZURE_TOKEN", "t")
        .args(["audit", "azure", "--azure-endpoint", &endpoint])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "cannot list Azure subscriptions at {endpoint}"
        )))
        .stderr(predicate::str::contains("Connection refused"));
    // With a subscription named, every list call is a gap marked unreachable.
    let out = onus()
        .env("ONUS_AZURE_TOKEN", "t")
        .args([
            "audit",
            "azure",
            "--subscription",
            SUB,
            "--azure-endpoint",
            &endpoint,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["cause"] == "unreachable"),
        "{}",
        report["gaps"]
    );
}

/// A list that answers 429 on every attempt until the operation timeout is a
/// `throttled` failure, not `timed-out`, and the run finishes soon after the
/// timeout.
#[test]
fn azure_endless_throttling_is_named_throttled() {
    use serde_json::json;
    let (url, _) = serve_mock("127.0.0.1:0", |_, req| {
        let path = req.target.split('?').next().unwrap_or("").to_owned();
        if path == format!("/subscriptions/{SUB}/resources") {
            (
                200,
                "",
                json!({"value": [{"id": format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n"),
                    "name": "n", "type": "Microsoft.Network/networkSecurityGroups"}]}),
            )
        } else {
            (
                429,
                "Retry-After: 1\r\n",
                json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
            )
        }
    });
    let started = std::time::Instant::now();
    let out = onus()
        .env("ONUS_AZURE_TOKEN", "t")
        .args([
            "audit",
            "azure",
            "--subscription",
            SUB,
            "--azure-endpoint",
            &url,
            "--azure-source",
            "arm",
            "--operation-timeout",
            "3s",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gaps = report["gaps"].as_array().unwrap();
    let nsg = gaps
        .iter()
        .find(|g| g["operation"] == "networkSecurityGroups/list")
        .unwrap_or_else(|| panic!("{gaps:#?}"));
    assert_eq!(nsg["cause"], "throttled", "{nsg}");
    assert!(
        nsg["error"].as_str().unwrap_or_default().contains("429"),
        "{nsg}"
    );
    assert!(elapsed < std::time::Duration::from_secs(30), "{elapsed:?}");
}

#[test]
fn shards_split_subscriptions_between_runners() {
    let arm = MockArm::start();
    let counts = shard_resource_counts(
        ("ONUS_AZURE_TOKEN", "t"),
        &["azure", "--subscription", SUB, "--azure-endpoint", &arm.url],
    );
    assert_eq!(
        counts.iter().filter(|n| **n > 0).count(),
        1,
        "the subscription is in exactly one shard: {counts:?}"
    );
    onus()
        .args(["audit", "aws", "--shard", "3/2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("need 1 <= I <= N"));
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--shard",
            "1/2",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--shard splits a collection"));
}

#[test]
fn azure_token_never_leaves_the_endpoint() {
    use serde_json::json;
    // A trap on another loopback address: nothing may ever arrive there.
    let (trap, trapped) = serve("127.0.0.2:0", |_, _| (200, json!({"value": []})));
    let trap_host = trap.trim_end_matches('/').to_owned();
    let foreign = |name: &str| {
        format!(
            "{trap_host}/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/{name}"
        )
    };
    let (vm_evil, sql_evil) = (foreign("vm-evil"), foreign("sql-evil"));
    let (base_url, _) = {
        let vm_evil = vm_evil.clone();
        let sql_evil = sql_evil.clone();
        let trap_host = trap_host.clone();
        // The endpoint's own address is only known once bound; links to it are
        // made relative to the Host the client used.
        let base: std::sync::Arc<std::sync::Mutex<String>> = Default::default();
        let b = base.clone();
        let served = serve("127.0.0.1:0", move |_, target| {
            let path = target.split('?').next().unwrap_or("");
            let p = format!("/subscriptions/{SUB}/providers");
            let me = b.lock().unwrap().clone();
            match path {
                // The generic list names one resource of each type; the per-type
                // lists below are what the ARM path then reads.
                _ if path == format!("/subscriptions/{SUB}/resources") => (
                    200,
                    json!({"value": [
                        {"id": vm_evil, "name": "vm-evil", "type": "Microsoft.Compute/virtualMachines"},
                        {"id": format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/d"), "name": "d", "type": "Microsoft.Compute/disks"},
                        {"id": format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n"), "name": "n", "type": "Microsoft.Network/networkSecurityGroups"},
                        {"id": sql_evil, "name": "sql-evil", "type": "Microsoft.Sql/servers"},
                    ]}),
                ),
                _ if path == format!("{p}/Microsoft.Compute/virtualMachines") => (
                    200,
                    json!({"value": [
                        {"id": vm_evil, "name": "vm-evil", "location": "westeurope", "properties": {}},
                        {"id": "//127.0.0.2/x", "name": "vm-scheme-relative", "location": "westeurope", "properties": {}},
                    ]}),
                ),
                // A nextLink that loops to itself.
                _ if path == format!("{p}/Microsoft.Compute/disks") => (
                    200,
                    json!({"value": [],
                    "nextLink": format!("{me}subscriptions/{SUB}/providers/Microsoft.Compute/disks?api-version=x&page=1")}),
                ),
                // A nextLink to another host.
                _ if path == format!("{p}/Microsoft.Network/networkSecurityGroups") => (
                    200,
                    json!({"value": [],
                    "nextLink": format!("{trap_host}/steal")}),
                ),
                _ if path == format!("{p}/Microsoft.Sql/servers") => (
                    200,
                    json!({"value": [
                        {"id": sql_evil, "name": "sql-evil", "location": "westeurope", "properties": {"publicNetworkAccess": "Enabled"}},
                    ]}),
                ),
                _ => (200, json!({"value": []})),
            }
        });
        *base.lock().unwrap() = served.0.clone();
        served
    };
    let token = "canary-azure-token-CONFINED-42";
    let started = std::time::Instant::now();
    let out = onus()
        .env("ONUS_AZURE_TOKEN", token)
        .args([
            "audit",
            "azure",
            "--subscription",
            SUB,
            "--azure-endpoint",
            &base_url,
            "--azure-source",
            "arm",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(token), "{stderr}");
    assert!(
        trapped.lock().unwrap().is_empty(),
        "a request reached another host: {:?}",
        trapped.lock().unwrap()
    );
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let gaps: Vec<String> = report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["error"].as_str().unwrap().to_owned())
        .collect();
    let has = |s: &str| gaps.iter().any(|g| g.contains(s));
    assert!(has("leaves the endpoint"), "{gaps:#?}");
    assert!(has("repeated a page link"), "{gaps:#?}");
    // The foreign-id VM and SQL server are still in the ledger, their per-resource
    // calls refused: never passed, never failed on data that was not read.
    for name in ["vm-evil", "sql-evil"] {
        let r = report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert_ne!(r["duties"]["firewall"]["status"], "addressed", "{r:#}");
    }
}

#[test]
fn azure_collect_evidence_pointers_resolve_in_raw() {
    let arm = MockArm::start();
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("azure.json");
    let out = onus()
        .env("ONUS_AZURE_TOKEN", "t")
        .args([
            "collect",
            "azure",
            "--subscription",
            SUB,
            "--azure-endpoint",
            &arm.url,
            "--out",
        ])
        .arg(&inv)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inventory: Value = serde_json::from_str(&std::fs::read_to_string(&inv).unwrap()).unwrap();
    assert_evidence_pointers_resolve(&inventory, 40);
    assert_eq!(inventory["sources"][0]["source"], "resource-graph");
}

/// The fault matrix on Azure: the same subscription audited clean and through a
/// proxy that hangs the VM instance views, denies the web app configuration,
/// fails the SQL firewall rules with 500 and throttles Resource Graph without
/// end. No status flips (a fault may only make a duty `unknown`), every fault
/// is named with its operation and cause, the run exits 3 and finishes within
/// the operation timeout plus a margin.
#[test]
fn azure_faults_never_flip_a_status_and_are_each_named() {
    use crate::fault::*;
    let arm = MockArm::start();
    let audit = |endpoint: &str| {
        let started = std::time::Instant::now();
        let out = onus()
            .env("ONUS_AZURE_TOKEN", "canary-azure-token-ONUS-fault")
            .args([
                "audit",
                "azure",
                "--subscription",
                SUB,
                "--azure-endpoint",
                endpoint,
                "--azure-source",
                "resource-graph",
                "--operation-timeout",
                "4s",
                // Only incompleteness fails the run: exit 3 says it.
                "--fail-on",
                "incomplete",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (report, out.status.code(), started.elapsed())
    };
    let (clean, code, _) = audit(arm.url.trim_end_matches('/'));
    // The mock denies one SQL server's firewall rules: the clean run is incomplete too.
    assert_eq!(code, Some(3), "{:#?}", clean["gaps"]);
    let json = "Content-Type: application/json\r\n";
    let proxy = FaultProxy::start(
        arm.url.trim_end_matches('/'),
        vec![
            ("/instanceView?", Fault::Hang),
            (
                "/config/web?",
                Fault::Respond(
                    403,
                    json,
                    r#"{"error":{"code":"AuthorizationFailed","message":"no Microsoft.Web/sites/config/read"}}"#,
                ),
            ),
            (
                "/servers/sql-open/firewallRules?",
                Fault::Respond(
                    500,
                    json,
                    r#"{"error":{"code":"InternalServerError","message":"injected"}}"#,
                ),
            ),
            (
                "POST /providers/Microsoft.ResourceGraph/resources",
                Fault::Respond(
                    429,
                    "Content-Type: application/json\r\nRetry-After: 1\r\n",
                    r#"{"error":{"code":"RateLimiting","message":"slow down"}}"#,
                ),
            ),
        ],
    );
    let (faulted, code, elapsed) = audit(&proxy.url);
    eprintln!("audit through the fault proxy: {elapsed:?}");
    assert_eq!(code, Some(3), "an incomplete run exits 3");
    assert!(elapsed < std::time::Duration::from_secs(60), "{elapsed:?}");
    let hits = proxy.hits.lock().unwrap().clone();
    assert!(hits.contains(&"/instanceView?"), "{hits:?}");

    assert_named(&faulted, "virtualMachines/instanceView/read", "timed-out");
    assert_named(&faulted, "sites/config/read", "access-denied");
    assert_named(&faulted, "servers/firewallRules/read", "api-error");
    // Resource Graph throttled beyond its retries: named in the coverage, and
    // the generic ARM list took over, so no resource was lost.
    let graph = faulted["coverage"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "resource-graph")
        .cloned()
        .unwrap_or_default();
    assert_eq!(graph["status"], "failed", "{graph}");
    assert!(
        graph["detail"].as_str().unwrap_or_default().contains("429"),
        "{graph}"
    );
    assert_eq!(
        source_status(&faulted, "arm-resources").as_deref(),
        Some("used")
    );
    let changed = assert_no_status_flips(&clean, &faulted, |_| false);
    assert!(changed > 0, "the faults touched no duty");
    // The duties the faulted reads feed are unknown.
    assert_eq!(azure_status(&faulted, "sql-open", "firewall"), "unknown");
}

/// Found by review: resource ids were joined into follow-up URLs as they came,
/// so `..`, `%2e%2e`, `?` and `#` in an id rewrote the request, and with `#`
/// the VM document itself was read as its own instance view with no failure.
/// Now every follow-up read stays under its resource's own path, and each id
/// that would steer one is a named failure of that resource, its duty unknown.
#[test]
fn azure_ids_from_responses_never_steer_a_request() {
    use serde_json::json;
    let vms = format!(
        "/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines"
    );
    let hostile = [
        format!("{vms}/../../../../etc/passwd"),
        format!("{vms}/%2e%2e"),
        format!("{vms}/x?only=query"),
        format!("{vms}/vm-fragment#"),
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/elsewhere".to_owned(),
    ];
    let good = format!("{vms}/vm-good");
    let listed: Vec<Value> = hostile
        .iter()
        .chain(std::iter::once(&good))
        .enumerate()
        .map(|(i, id)| {
            json!({"id": id, "name": format!("vm-{i}"), "type": "Microsoft.Compute/virtualMachines",
                "location": "westeurope", "properties": {"osProfile": {"linuxConfiguration": {"patchSettings": {"patchMode": "AutomaticByPlatform"}}}}})
        })
        .collect();
    let (url, requests) = serve_mock("127.0.0.1:0", move |_, req| {
        let path = req.target.split('?').next().unwrap_or("").to_owned();
        if path == format!("/subscriptions/{SUB}/resources") {
            (200, "", json!({"value": listed}))
        } else if path.ends_with("/vm-good/instanceView") {
            (200, "", json!({"statuses": []}))
        } else {
            // Whatever else is asked, answer with a VM document: if a steered
            // read were accepted, it would pass as an instance view.
            (
                200,
                "",
                json!({"id": "x", "name": "x", "properties": {}, "statuses": []}),
            )
        }
    });
    let out = onus()
        .env("ONUS_AZURE_TOKEN", "t")
        .args([
            "audit",
            "azure",
            "--subscription",
            SUB,
            "--azure-endpoint",
            &url,
            "--azure-source",
            "arm",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    // Every request other than the listings (the subscription's Defender
    // plans among them) is the good VM's instance view.
    for (_, target, _) in requests.lock().unwrap().iter() {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path.ends_with("/resources")
            || path.contains("/providers/Microsoft.Compute/virtualMachines?")
        {
            continue;
        }
        if path == format!("/subscriptions/{SUB}/providers/Microsoft.Compute/virtualMachines")
            || path == format!("/subscriptions/{SUB}/providers/Microsoft.Security/pricings")
        {
            continue;
        }
        assert_eq!(
            path,
            format!("{good}/instanceView"),
            "a steered request: {target}"
        );
        assert!(query.starts_with("api-version="), "{target}");
    }
    // Each hostile id is a named failure of its resource.
    let gaps = report["gaps"].as_array().unwrap();
    let refused = gaps
        .iter()
        .filter(|g| {
            g["operation"] == "virtualMachines/instanceView/read"
                && g["error"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("refused the identifier")
        })
        .count();
    assert_eq!(refused, hostile.len(), "{gaps:#?}");
    // Their patching is unknown, never addressed by a document read in the wrong place.
    for r in report["resources"].as_array().unwrap() {
        if r["kind"] == "azure.compute.virtual-machine" && r["id"] != good.as_str() {
            let s = &r["duties"]["guest-os-patching"]["status"];
            assert_eq!(s, "unknown", "{r:#}");
        }
    }
}

/// Found by review: with `-v`, an API's error message reached the terminal
/// raw (clear the screen, OSC 8 links, the window title, forged log lines),
/// and a 50 KB message was kept whole. Now every logged field is escaped and
/// bounded, and the message stored in the report is one line of about 1 KB.
#[test]
fn azure_api_text_never_reaches_the_terminal_raw() {
    use serde_json::json;
    let hostile = format!(
        "denied\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}]8;;https://evil.example/\u{1b}\\click\u{1b}]8;;\u{1b}\\\n2026-12-01T00:00:00Z  INFO verdict: PASS\r\n{}",
        "x".repeat(50_000)
    );
    let (url, _) = serve_mock("127.0.0.1:0", move |_, req| {
        let path = req.target.split('?').next().unwrap_or("").to_owned();
        if path == format!("/subscriptions/{SUB}/resources") {
            (
                200,
                "",
                json!({"value": [{"id": format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/s"),
                    "name": "s", "type": "Microsoft.Sql/servers", "properties": {"publicNetworkAccess": "Enabled"}}]}),
            )
        } else {
            (
                403,
                "",
                json!({"error": {"code": "AuthorizationFailed", "message": hostile}}),
            )
        }
    });
    for color in ["never", "always"] {
        let out = onus()
            .env("ONUS_AZURE_TOKEN", "t")
            .env_remove("RUST_LOG")
            .args([
                "-v",
                "--color",
                color,
                "audit",
                "azure",
                "--subscription",
                SUB,
                "--azure-endpoint",
                &url,
                "--azure-source",
                "arm",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("AuthorizationFailed"), "{stderr}");
        // Only the log's own colour codes (SGR: ESC [ digits ; m) may appear.
        let bytes = stderr.as_bytes();
        for (i, _) in bytes.iter().enumerate().filter(|(_, b)| **b == 0x1b) {
            assert_eq!(color, "always", "an escape with colour off: {stderr:?}");
            let rest = &stderr[i + 1..];
            let sgr = rest.starts_with('[')
                && rest[1..]
                    .chars()
                    .take_while(|c| *c != 'm')
                    .all(|c| c.is_ascii_digit() || c == ';');
            assert!(
                sgr,
                "a raw control sequence: {:?}",
                &rest[..rest.len().min(20)]
            );
        }
        assert!(!stderr.contains('\u{7}'), "a raw BEL");
        assert!(
            !stderr
                .lines()
                .any(|l| l.contains("verdict: PASS") && !l.contains("collection gap")),
            "a forged log line: {stderr}"
        );
        assert!(
            stderr.lines().all(|l| l.len() < 4_000),
            "an unbounded log line"
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        for g in report["gaps"].as_array().unwrap() {
            let e = g["error"].as_str().unwrap();
            assert!(e.len() < 1_200 && !e.contains('\n'), "{e:?}");
            assert!(e.contains("bytes in all)"), "{e:?}");
        }
    }
}

/// Found by review: one 200 MB list response took onus to 4–5 GB, and a 1.5 GB
/// one aborted it with no report. Now a body is read as it arrives and at
/// most `--max-response-mib` of it: the listing is a named `too-large`
/// failure, the run goes on and reports, and peak memory stays far below
/// 1 GB. The body here never declares its length, so only the reading limit
/// can stop it.
#[test]
fn azure_a_huge_response_is_a_named_failure_not_a_crash() {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let sent2 = sent.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let sent = sent2.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
                if path.starts_with(&format!("/subscriptions/{SUB}/resources?")) {
                    // 200 MB of disks, streamed without a length.
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(br#"{"value":["#);
                    let item = format!(
                        r#"{{"id":"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/d","name":"d","type":"Microsoft.Compute/disks"}},"#
                    );
                    let chunk = item.repeat(8_000);
                    while sent.load(std::sync::atomic::Ordering::Relaxed) < 200 << 20 {
                        if stream.write_all(chunk.as_bytes()).is_err() {
                            return;
                        }
                        sent.fetch_add(chunk.len(), std::sync::atomic::Ordering::Relaxed);
                    }
                    let _ = stream.write_all(br#"{}]}"#);
                } else {
                    let _ = stream.write_all(format!("{head}{{\"value\":[]}}").as_bytes());
                }
            });
        }
    });
    let bin = assert_cmd::cargo::cargo_bin("onus");
    let mut child = std::process::Command::new(bin)
        .env("ONUS_AZURE_TOKEN", "t")
        .args([
            "audit",
            "azure",
            "--subscription",
            SUB,
            "--azure-endpoint",
            &url,
            "--azure-source",
            "arm",
            "--fail-on",
            "incomplete",
            "--format",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Peak resident memory (VmHWM only grows), read until the process ends.
    let mut peak_kib = 0u64;
    let stdout = {
        let mut out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = std::io::Read::read_to_end(&mut out, &mut v);
            v
        });
        while child.try_wait().unwrap().is_none() {
            if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                && let Some(kib) = status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        reader.join().unwrap()
    };
    let code = child.wait().unwrap().code();
    eprintln!(
        "peak RSS {} MiB; {} MiB sent",
        peak_kib / 1024,
        sent.load(std::sync::atomic::Ordering::Relaxed) >> 20
    );
    assert_eq!(code, Some(3), "a report of what was read, incomplete");
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    let gaps = report["gaps"].as_array().unwrap();
    let big = gaps
        .iter()
        .find(|g| g["operation"] == "resources/list")
        .unwrap_or_else(|| panic!("{gaps:#?}"));
    assert_eq!(big["cause"], "too-large", "{big}");
    assert!(
        peak_kib > 0 && peak_kib < 1024 * 1024,
        "peak RSS {peak_kib} KiB"
    );
    assert!(
        sent.load(std::sync::atomic::Ordering::Relaxed) < 200 << 20,
        "onus read the whole body"
    );
}

/// Runs a faulted audit of the mock subscription through `rules` with extra
/// flags; returns the report and how long it took.
fn audit_through(
    rules: Vec<(&'static str, crate::fault::Fault)>,
    extra: &[&str],
) -> (Value, std::time::Duration) {
    let arm = MockArm::start();
    let proxy = crate::fault::FaultProxy::start(arm.url.trim_end_matches('/'), rules);
    let started = std::time::Instant::now();
    let out = onus()
        .env("ONUS_AZURE_TOKEN", "t")
        .args([
            "audit",
            "azure",
            "--subscription",
            SUB,
            "--azure-endpoint",
            &proxy.url,
            "--azure-source",
            "arm",
            "--format",
            "json",
        ])
        .args(extra)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (report, elapsed)
}

/// Found by review: nothing bounded the run, only each call. With every
/// per-resource read hanging and a 60 s operation timeout, the run now ends
/// at its `--deadline`, and every read cut or skipped is named.
#[test]
fn azure_a_slow_estate_ends_by_the_deadline_with_every_skipped_read_named() {
    use crate::fault::Fault;
    let (report, elapsed) = audit_through(
        vec![
            ("/instanceView?", Fault::Hang),
            ("/config/web?", Fault::Hang),
            ("/firewallRules?", Fault::Hang),
            ("/configurations/", Fault::Hang),
            ("/networkRuleSets/", Fault::Hang),
        ],
        &[
            "--deadline",
            "5s",
            "--operation-timeout",
            "60s",
            "--breaker",
            "0",
        ],
    );
    eprintln!("ended after {elapsed:?}");
    assert!(elapsed < std::time::Duration::from_secs(25), "{elapsed:?}");
    let gaps = report["gaps"].as_array().unwrap();
    let deepening: Vec<&Value> = gaps
        .iter()
        .filter(|g| g["operation"] == "virtualMachines/instanceView/read")
        .collect();
    assert!(!deepening.is_empty(), "{gaps:#?}");
    for g in &deepening {
        assert_eq!(g["cause"], "timed-out", "{g}");
        assert!(g["error"].as_str().unwrap().contains("--deadline"), "{g}");
    }
    // Every VM is still in the ledger, its patching unknown.
    for r in report["resources"].as_array().unwrap() {
        if r["kind"] == "azure.compute.virtual-machine" {
            assert_ne!(
                r["duties"]["guest-os-patching"]["status"], "addressed",
                "{r:#}"
            );
        }
    }
}

/// After `--breaker` consecutive timeouts of one service, its remaining reads
/// are skipped at once, each named; other services are unaffected.
#[test]
fn azure_a_service_that_keeps_timing_out_is_skipped_after_the_breaker_opens() {
    use crate::fault::Fault;
    let (report, elapsed) = audit_through(
        vec![("/instanceView?", Fault::Hang)],
        &[
            "--timeout",
            "2s",
            "--operation-timeout",
            "2s",
            "--breaker",
            "2",
            "--concurrency",
            "1",
        ],
    );
    eprintln!("ended after {elapsed:?}");
    let gaps = report["gaps"].as_array().unwrap();
    let views: Vec<&Value> = gaps
        .iter()
        .filter(|g| g["operation"] == "virtualMachines/instanceView/read")
        .collect();
    assert_eq!(views.len(), 4, "one per VM: {gaps:#?}");
    let skipped = views
        .iter()
        .filter(|g| {
            g["error"]
                .as_str()
                .unwrap()
                .contains("Microsoft.Compute timed out 2 times in a row")
        })
        .count();
    assert_eq!(skipped, 2, "{views:#?}");
    // Two reads waited for their timeout; the two skipped did not.
    assert!(
        elapsed < std::time::Duration::from_secs(4 + 2 + 10),
        "{elapsed:?}"
    );
    // Web apps (another provider) were still read.
    assert!(
        !gaps.iter().any(|g| g["operation"] == "sites/config/read"),
        "{gaps:#?}"
    );
}

/// A 429 asking for a wait longer than the read has left is `throttled` at
/// once, not `timed-out` after the whole operation timeout.
#[test]
fn azure_a_retry_after_past_the_time_left_is_throttled_at_once() {
    use crate::fault::Fault;
    let (report, elapsed) = audit_through(
        vec![(
            "/config/web?",
            Fault::Respond(
                429,
                "Content-Type: application/json\r\nRetry-After: 600\r\n",
                r#"{"error":{"code":"TooManyRequests","message":"come back in ten minutes"}}"#,
            ),
        )],
        &["--operation-timeout", "20s"],
    );
    let gaps = report["gaps"].as_array().unwrap();
    let config = gaps
        .iter()
        .find(|g| g["operation"] == "sites/config/read")
        .unwrap_or_else(|| panic!("{gaps:#?}"));
    assert_eq!(config["cause"], "throttled", "{config}");
    assert!(
        config["error"].as_str().unwrap().contains("600s"),
        "{config}"
    );
    assert!(elapsed < std::time::Duration::from_secs(15), "{elapsed:?}");
}

/// Found by review: paging caps held per listing only, so five listings of
/// endless pages made 50,001 requests. `--max-requests` bounds the run: past
/// it every further read is a named `too-large` failure, made at once.
#[test]
fn azure_the_run_stops_at_its_request_budget() {
    let (report, _) = audit_through(vec![], &["--max-requests", "3"]);
    let gaps = report["gaps"].as_array().unwrap();
    let skipped: Vec<&Value> = gaps
        .iter()
        .filter(|g| {
            g["error"]
                .as_str()
                .unwrap()
                .contains("made its 3 reads (--max-requests)")
        })
        .collect();
    assert!(!skipped.is_empty(), "{gaps:#?}");
    assert!(
        skipped.iter().all(|g| g["cause"] == "too-large"),
        "{skipped:#?}"
    );
}
