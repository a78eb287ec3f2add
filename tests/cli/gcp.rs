//! The Google Cloud collector against the mock Google APIs: Cloud Asset
//! Inventory with the service APIs deepening, the fallback when the inventory
//! is denied, plain HTTP only on loopback, the token never logged.

use predicates::prelude::*;
use serde_json::Value;

use crate::mock_gcp::*;
use crate::util::*;

fn resource<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in the report"))
}

fn status(report: &Value, name: &str, duty: &str) -> String {
    resource(report, name)["duties"][duty]["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

const TOKEN: &str = "canary-gcp-token-ONUS-ya29.0123456789";

/// The (resource, duty, status) both read paths must give.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("vm-default", "identity-access", "unaddressed"),
    ("vm-default", "guest-os-patching", "unaddressed"),
    ("vm-dedicated", "identity-access", "addressed"),
    ("vm-dedicated", "guest-os-patching", "unknown"),
    ("disk-cmek", "encryption-at-rest", "addressed"),
    ("allow-ssh-world", "firewall", "unaddressed"),
    ("allow-https", "firewall", "addressed"),
    ("allow-internal", "firewall", "addressed"),
    ("deny-all-locked", "firewall", "addressed"),
    ("allow-rdp-locked", "firewall", "addressed"),
    ("bucket-public", "public-access", "unaddressed"),
    ("bucket-public", "backup", "unaddressed"),
    ("bucket-public", "logging", "unaddressed"),
    ("bucket-private", "public-access", "addressed"),
    ("bucket-private", "backup", "addressed"),
    ("bucket-private", "logging", "addressed"),
    ("bucket-denied", "public-access", "unknown"),
    ("sql-open", "firewall", "unaddressed"),
    ("sql-open", "encryption-in-transit", "unaddressed"),
    ("sql-open", "backup", "unaddressed"),
    ("sql-open", "public-access", "unaddressed"),
    ("sql-private", "firewall", "addressed"),
    ("sql-private", "encryption-in-transit", "addressed"),
    ("sql-private", "backup", "addressed"),
    ("sql-private", "public-access", "addressed"),
    ("sql-private", "guest-os-patching", "not_applicable"),
    ("v-old", "runtime-updates", "unaddressed"),
    ("v-old", "encryption-in-transit", "unaddressed"),
    ("v-new", "runtime-updates", "addressed"),
    ("v-new", "encryption-in-transit", "addressed"),
];

fn audit(mock: &MockGcp, extra: &[&str]) -> (Value, String) {
    let out = onus()
        .env("ONUS_GCP_TOKEN", TOKEN)
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .args([
            "-vv",
            "audit",
            "gcp",
            "--project",
            PROJECT,
            "--gcp-endpoint",
            &mock.url,
            "--format",
            "json",
        ])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the token was logged");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(TOKEN),
        "the token is in the report"
    );
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

/// The project resource: the same id whichever source listed it.
fn project(report: &Value) -> &Value {
    let projects: Vec<&Value> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "gcp.cloudresourcemanager.project")
        .collect();
    assert_eq!(projects.len(), 1, "{projects:#?}");
    assert_eq!(
        projects[0]["id"],
        "//cloudresourcemanager.googleapis.com/projects/123456789012"
    );
    assert_eq!(projects[0]["name"], PROJECT);
    projects[0]
}

fn check_expected(report: &Value) {
    let wrong: Vec<String> = EXPECTED
        .iter()
        .filter(|(n, d, s)| status(report, n, d) != *s)
        .map(|(n, d, s)| format!("{n} {d}: want {s}, got {}", status(report, n, d)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Security Command Center: VM Threat Detection off while VMs run.
    let td = &project(report)["duties"]["threat-detection"];
    assert_eq!(td["status"], "unaddressed", "{td:#}");
}

fn check_reads_only(mock: &MockGcp) {
    let requests = mock.requests.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .all(|(m, _, a)| m == "GET" && a.as_deref() == Some(&format!("Bearer {TOKEN}"))),
        "{requests:#?}"
    );
}

#[test]
fn gcp_audit_through_cloud_asset_inventory() {
    let mock = MockGcp::start(false);
    let (report, _) = audit(&mock, &[]);
    check_expected(&report);
    // Every asset is in the ledger, with a service model; the kinds onus does
    // not evaluate keep their customer duties unknown.
    let names: Vec<&str> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    for (t, name, _, _) in estate() {
        let mut short = name.rsplit('/').next().unwrap().to_owned();
        if t == "cloudresourcemanager.googleapis.com/Project" {
            // Named by its id, not its display name or number.
            short = PROJECT.to_owned();
        }
        assert!(
            names.contains(&short.as_str()),
            "{short} missing: {names:?}"
        );
    }
    let topic = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "orders")
        .unwrap();
    assert_eq!(topic["kind"], "gcp.pubsub.topic");
    assert_eq!(topic["service_model"], "paas");
    assert_eq!(topic["duties"]["identity-access"]["status"], "unknown");
    assert!(
        topic["duties"]["identity-access"]["reason"]
            .as_str()
            .unwrap()
            .contains("enumerated, not evaluated in depth"),
        "{topic:#}"
    );
    let coverage = &report["coverage"];
    let sources = coverage["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1, "{sources:#?}");
    assert_eq!(sources[0]["source"], "cloudasset");
    assert_eq!(sources[0]["status"], "used");
    assert_eq!(
        coverage["kinds"]["gcp.storage.bucket"]["evaluated"], 3,
        "{coverage:#}"
    );
    assert_eq!(
        coverage["kinds"]["gcp.appengine.service"]["enumerated_only"], 1,
        "{coverage:#}"
    );
    // Security Command Center as read: the detectors off where VMs and
    // clusters run are named, the one that finds misconfigurations is
    // supporting evidence.
    let td = &project(&report)["duties"]["threat-detection"];
    let reason = td["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("off in Container Threat Detection, VM Threat Detection")
            && reason.contains("Security Health Analytics"),
        "{td:#}"
    );
    // The served failures, and nothing else: the bucket IAM policy 403. The
    // missing vulnerability report (404) is not a failure: VM Manager is off.
    let gaps = report["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    assert_eq!(gaps[0]["operation"], "buckets.getIamPolicy");
    assert_eq!(gaps[0]["cause"], "access-denied");
    check_reads_only(&mock);
    let requests = mock.requests.lock().unwrap().clone();
    let assets = requests
        .iter()
        .filter(|(_, t, _)| t.contains("/assets?"))
        .count();
    assert_eq!(assets, 3, "a 429 retried after Retry-After, then two pages");
    assert!(
        !requests
            .iter()
            .any(|(_, t, _)| t.starts_with("/storage/v1/b?") || t.contains("/aggregated/")),
        "the inventory served the listings"
    );
}

#[test]
fn gcp_asset_inventory_denied_falls_back_to_the_service_apis() {
    let mock = MockGcp::start(true);
    let (report, _) = audit(&mock, &[]);
    check_expected(&report);
    let sources = report["coverage"]["sources"].as_array().unwrap();
    let get = |name: &str| {
        sources
            .iter()
            .find(|s| s["source"] == name)
            .unwrap_or_else(|| panic!("{sources:#?}"))
    };
    assert_eq!(get("cloudasset")["status"], "denied");
    assert_eq!(get("service-apis")["status"], "used");
    // What the service APIs cannot list went unseen: a gap says so.
    let gaps = report["gaps"].as_array().unwrap();
    assert!(
        gaps.iter().any(|g| g["operation"] == "assets.list"
            && g["facets"] == serde_json::json!(["enumeration"])),
        "{gaps:#?}"
    );
    assert!(
        !report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "gcp.pubsub.topic")
    );
    check_reads_only(&mock);
}

#[test]
fn gcp_security_command_center_denied_is_unknown_with_the_failure_named() {
    let mock = MockGcp::scc_denied();
    let (report, _) = audit(&mock, &[]);
    let td = &project(&report)["duties"]["threat-detection"];
    assert_eq!(td["status"], "unknown", "{td:#}");
    let gaps = report["gaps"].as_array().unwrap();
    let gap = gaps
        .iter()
        .find(|g| g["operation"] == "securityCenterServices.list")
        .unwrap_or_else(|| panic!("{gaps:#?}"));
    assert_eq!(gap["cause"], "access-denied");
    assert_eq!(gap["facets"], serde_json::json!(["threat_detection"]));
    check_reads_only(&mock);
}

#[test]
fn gcp_collect_evidence_pointers_resolve_in_raw() {
    let mock = MockGcp::start(false);
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("gcp.json");
    let out = onus()
        .env("ONUS_GCP_TOKEN", TOKEN)
        .args([
            "collect",
            "gcp",
            "--project",
            PROJECT,
            "--gcp-endpoint",
            &mock.url,
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
    assert_evidence_pointers_resolve(&inventory, 5);
    onus()
        .args(["audit", "--format", "json", "--inventory"])
        .arg(&inv)
        .assert()
        .code(1);
}

#[test]
fn gcp_default_scope_lists_projects_and_shards_split_them() {
    let mock = MockGcp::start(false);
    let counts = shard_resource_counts(
        ("ONUS_GCP_TOKEN", TOKEN),
        &["gcp", "--gcp-endpoint", &mock.url],
    );
    assert_eq!(counts.iter().filter(|n| **n > 0).count(), 1, "{counts:?}");
}

#[test]
fn gcp_bad_input_is_a_clear_error() {
    onus()
        .env("ONUS_GCP_TOKEN", "t")
        .args([
            "audit",
            "gcp",
            "--project",
            PROJECT,
            "--gcp-endpoint",
            "http://googleapis.example.com/",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "http://googleapis.example.com/: not an https:// URL (plain http:// only on loopback",
        ));
    onus()
        .env("ONUS_GCP_TOKEN", "t")
        .args([
            "audit",
            "gcp",
            "--project",
            "Bad_Project!",
            "--gcp-endpoint",
            "http://127.0.0.1:9/",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a project ID"));
    // Nothing listens: collection cannot start, an incomplete run (exit 3).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    onus()
        .env("ONUS_GCP_TOKEN", "t")
        .args([
            "audit",
            "gcp",
            "--gcp-endpoint",
            &format!("http://127.0.0.1:{port}/"),
            "--timeout",
            "2s",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "cannot list Google Cloud projects",
        ));
}

/// The fault matrix on Google Cloud: the same project audited clean and
/// through a proxy that hangs OS Config's vulnerability reports, denies one
/// bucket's IAM policy, fails App Engine's full version reads with 500 and
/// throttles Cloud Asset Inventory without end. No status flips, every fault
/// named with its operation and cause, exit 3 under `--fail-on incomplete`,
/// and the run ends within the operation timeout plus a margin.
#[test]
fn gcp_faults_never_flip_a_status_and_are_each_named() {
    use crate::fault::*;
    let mock = MockGcp::start(false);
    let run = |endpoint: &str| {
        let started = std::time::Instant::now();
        let out = onus()
            .env("ONUS_GCP_TOKEN", TOKEN)
            .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
            .args([
                "audit",
                "gcp",
                "--project",
                PROJECT,
                "--gcp-endpoint",
                endpoint,
                "--operation-timeout",
                "4s",
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
    let (clean, code, _) = run(mock.url.trim_end_matches('/'));
    // The mock denies one bucket's IAM policy: the clean run is incomplete too.
    assert_eq!(code, Some(3), "{:#?}", clean["gaps"]);
    let json = "Content-Type: application/json\r\n";
    let proxy = FaultProxy::start(
        mock.url.trim_end_matches('/'),
        vec![
            ("/vulnerabilityReport ", Fault::Hang),
            (
                "/storage/v1/b/bucket-private/iam ",
                Fault::Respond(
                    403,
                    json,
                    r#"{"error":{"code":403,"status":"PERMISSION_DENIED","message":"injected"}}"#,
                ),
            ),
            (
                "view=FULL",
                Fault::Respond(
                    500,
                    json,
                    r#"{"error":{"code":500,"status":"INTERNAL","message":"injected"}}"#,
                ),
            ),
            (
                "/assets?",
                Fault::Respond(
                    429,
                    "Content-Type: application/json\r\nRetry-After: 1\r\n",
                    r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"Quota exceeded"}}"#,
                ),
            ),
        ],
    );
    let (faulted, code, elapsed) = run(&proxy.url);
    eprintln!("audit through the fault proxy: {elapsed:?}");
    assert_eq!(code, Some(3));
    assert!(elapsed < std::time::Duration::from_secs(60), "{elapsed:?}");
    assert_named(&faulted, "vulnerabilityReports.get", "timed-out");
    assert_named(&faulted, "buckets.getIamPolicy", "access-denied");
    assert_named(&faulted, "versions.get", "api-error");
    assert_named(&faulted, "assets.list", "throttled");
    let sources = faulted["coverage"]["sources"].as_array().unwrap();
    let service_apis = sources.iter().find(|s| s["source"] == "service-apis");
    assert_eq!(
        service_apis.map(|s| s["status"].clone()),
        Some(serde_json::json!("used")),
        "{sources:#?}"
    );
    // Only what Cloud Asset Inventory alone lists may vanish: kinds the
    // service APIs do not list.
    let listed: Vec<&str> = onus_gcp_kinds();
    let only_inventory: Vec<String> = clean["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !listed.contains(&r["kind"].as_str().unwrap_or_default()))
        .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let changed = assert_no_status_flips(&clean, &faulted, |id| {
        only_inventory.iter().any(|o| o == id)
    });
    let hits = proxy.hits.lock().unwrap().clone();
    assert!(hits.contains(&"/vulnerabilityReport "), "{hits:?}");
    assert!(changed > 0, "the faults touched no duty");
    for (name, duty) in [
        ("vm-default", "guest-os-patching"),
        ("bucket-private", "public-access"),
        ("v-new", "encryption-in-transit"),
    ] {
        assert_eq!(status(&faulted, name, duty), "unknown", "{name} {duty}");
    }
}

/// The kinds the service APIs list (the mock serves each).
fn onus_gcp_kinds() -> Vec<&'static str> {
    vec![
        "gcp.compute.instance",
        "gcp.compute.disk",
        "gcp.compute.firewall",
        "gcp.storage.bucket",
        "gcp.sql.instance",
        "gcp.appengine.version",
    ]
}

/// A response past `--max-response-mib` is a named `too-large` failure of
/// that listing, never read whole; the project falls back to the service
/// APIs and the run reports.
#[test]
fn gcp_a_response_past_the_limit_is_too_large() {
    use serde_json::json;
    let asset = json!({"name": "//pubsub.googleapis.com/projects/p/topics/t", "assetType": "pubsub.googleapis.com/Topic",
        "resource": {"data": {"name": "t"}}});
    let big = json!({"assets": vec![asset; 20_000]});
    let (url, _) = serve_mock("127.0.0.1:0", move |_, req| {
        let path = req.target.split('?').next().unwrap_or("").to_owned();
        if path == format!("/v1/projects/{PROJECT}/assets") {
            (200, "", big.clone())
        } else {
            (200, "", json!({}))
        }
    });
    let out = onus()
        .env("ONUS_GCP_TOKEN", TOKEN)
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .args([
            "audit",
            "gcp",
            "--project",
            PROJECT,
            "--gcp-endpoint",
            &url,
            "--max-response-mib",
            "1",
            "--fail-on",
            "incomplete",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gaps = report["gaps"].as_array().unwrap();
    let assets = gaps
        .iter()
        .find(|g| g["operation"] == "assets.list")
        .unwrap_or_else(|| panic!("{gaps:#?}"));
    assert_eq!(assets["cause"], "too-large", "{assets}");
    assert!(
        assets["error"].as_str().unwrap().contains("1048576 bytes"),
        "{assets}"
    );
}
