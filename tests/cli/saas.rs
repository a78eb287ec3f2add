//! The SaaS tenant collectors against loopback mocks of Microsoft Graph, the
//! Google Workspace APIs and Dropbox: each tenant and user appears with the
//! customer's half of the SaaS split, reads only, the token sent to the mock
//! alone and never logged, paging and throttling followed, a denied
//! permission an unknown with the failure named.

use serde_json::Value;

use crate::mock_saas::*;
use crate::util::*;

const GRAPH_TOKEN: &str = "canary-graph-token-ONUS-eyJ0eXAiOiJKV1Qi";
const WORKSPACE_TOKEN: &str = "canary-workspace-token-ONUS-ya29.a0Af";
const DROPBOX_TOKEN: &str = "canary-dropbox-token-ONUS-sl.B123";

fn audit(args: &[&str], env: &[(&str, &str)]) -> (Value, String) {
    let mut cmd = onus();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .env_remove("AZURE_CLIENT_ID")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .args(["-vv", "audit"])
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for token in [GRAPH_TOKEN, WORKSPACE_TOKEN, DROPBOX_TOKEN] {
        assert!(!stderr.contains(token), "a token was logged");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains(token),
            "a token is in the report"
        );
    }
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

fn duty<'a>(report: &'a Value, id: &str, duty: &str) -> &'a Value {
    let r = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in the report"));
    &r["duties"][duty]
}

fn only(requests: &RequestLog, method: &str, token: &str) {
    let log = requests.lock().unwrap();
    assert!(!log.is_empty());
    for (m, target, auth) in log.iter() {
        assert_eq!(m, method, "{target}: onus only reads");
        assert_eq!(
            auth.as_deref(),
            Some(format!("Bearer {token}").as_str()),
            "{target}"
        );
    }
}

#[test]
fn m365_tenant_and_users_against_mock_graph() {
    let mock = graph(false);
    let (report, _) = audit(
        &["m365", "--tenant", TENANT, "--graph-endpoint", &mock.url],
        &[("ONUS_GRAPH_TOKEN", GRAPH_TOKEN)],
    );
    // The only MFA policy is report-only and security defaults are off.
    let ia = duty(&report, TENANT, "identity-access");
    assert_eq!(ia["status"], "unaddressed", "{ia:#}");
    let reason = ia["reason"].as_str().unwrap();
    assert!(
        reason.contains("IAM006") && reason.contains("IAM016") && reason.contains("IAM017"),
        "{reason}"
    );
    assert_eq!(
        duty(&report, TENANT, "public-access")["status"],
        "unaddressed"
    );
    // What Graph v1.0 does not show is unknown, with how to check it by hand.
    let logging = duty(&report, TENANT, "logging");
    assert_eq!(logging["status"], "unknown");
    assert!(
        logging["reason"]
            .as_str()
            .unwrap()
            .contains("check by hand"),
        "{logging}"
    );
    assert_eq!(
        duty(&report, TENANT, "encryption-at-rest")["status"],
        "not_applicable"
    );
    // Users, over both pages of the registration report.
    assert_eq!(
        duty(&report, "admin@contoso.example", "identity-access")["status"],
        "unaddressed"
    );
    assert_eq!(
        duty(&report, "alice@contoso.example", "identity-access")["status"],
        "addressed"
    );
    // A disabled account is not judged.
    assert_eq!(
        duty(&report, "former@contoso.example", "identity-access")["status"],
        "not_applicable"
    );
    // The administrator without MFA is critical.
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == "admin@contoso.example" && f["rule"] == "IAM015")
        .unwrap();
    assert_eq!(finding["severity"], "critical", "{finding:#}");
    // Tenant name from the API, kept as text.
    let tenant = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == TENANT)
        .unwrap();
    assert_eq!(tenant["name"], "contoso.onmicrosoft.com (Microsoft 365)");
    assert!(
        report["gaps"].as_array().unwrap().is_empty(),
        "{:#}",
        report["gaps"]
    );
    only(&mock.requests, "GET", GRAPH_TOKEN);
    // The throttled read was retried, and the next page followed.
    let log = mock.requests.lock().unwrap();
    let ca = log
        .iter()
        .filter(|(_, t, _)| t.contains("conditionalAccess"))
        .count();
    assert_eq!(ca, 2, "429 then the answer");
    assert!(log.iter().any(|(_, t, _)| t.contains("skiptoken=page2")));
}

#[test]
fn a_denied_graph_permission_is_unknown_with_the_failure_named() {
    let mock = graph(true);
    let (report, _) = audit(
        &["m365", "--tenant", TENANT, "--graph-endpoint", &mock.url],
        &[("ONUS_GRAPH_TOKEN", GRAPH_TOKEN)],
    );
    let pa = duty(&report, TENANT, "public-access");
    assert_eq!(pa["status"], "unknown", "{pa:#}");
    assert!(
        pa["reason"]
            .as_str()
            .unwrap()
            .contains("sharepointSettings.get"),
        "{pa:#}"
    );
    let gap = &report["gaps"][0];
    assert_eq!(gap["cause"], "access-denied", "{gap:#}");
    assert_eq!(gap["service"], "graph");
}

#[test]
fn workspace_tenant_and_users_against_mock_apis() {
    let mock = workspace();
    let (report, _) = audit(
        &["workspace", "--workspace-endpoint", &mock.url],
        &[("ONUS_WORKSPACE_TOKEN", WORKSPACE_TOKEN)],
    );
    assert_eq!(
        duty(&report, CUSTOMER, "identity-access")["status"],
        "addressed"
    );
    assert_eq!(
        duty(&report, CUSTOMER, "public-access")["status"],
        "addressed"
    );
    assert_eq!(
        duty(&report, "boss@example.org", "identity-access")["status"],
        "unaddressed"
    );
    assert_eq!(
        duty(&report, "dev@example.org", "identity-access")["status"],
        "addressed"
    );
    assert_eq!(
        duty(&report, "left@example.org", "identity-access")["status"],
        "not_applicable"
    );
    only(&mock.requests, "GET", WORKSPACE_TOKEN);
}

#[test]
fn dropbox_team_with_members_and_a_tenant_audited_together() {
    let (db, graph_mock) = (dropbox(), graph(false));
    let (report, _) = audit(
        &[
            "dropbox",
            "m365",
            "--dropbox-endpoint",
            &db.url,
            "--tenant",
            TENANT,
            "--graph-endpoint",
            &graph_mock.url,
        ],
        &[
            ("ONUS_DROPBOX_TOKEN", DROPBOX_TOKEN),
            ("ONUS_GRAPH_TOKEN", GRAPH_TOKEN),
        ],
    );
    // Both tenants in one report.
    assert_eq!(
        duty(&report, TENANT, "public-access")["status"],
        "unaddressed"
    );
    assert_eq!(duty(&report, TEAM, "public-access")["status"], "addressed");
    // The API does not show two-step verification: unknown, never guessed.
    let member = duty(&report, "owner@acme.example", "identity-access");
    assert_eq!(member["status"], "unknown", "{member:#}");
    assert!(
        member["reason"].as_str().unwrap().contains("check by hand"),
        "{member:#}"
    );
    let team = duty(&report, TEAM, "identity-access");
    assert_eq!(team["status"], "unknown", "{team:#}");
    assert!(duty(&report, "designer@acme.example", "identity-access").is_object());
    // Only the read routes, each a POST; the throttled listing retried.
    only(&db.requests, "POST", DROPBOX_TOKEN);
    let log = db.requests.lock().unwrap();
    for (_, target, _) in log.iter() {
        assert!(
            [
                "/2/team/get_info",
                "/2/team/members/list_v2",
                "/2/team/members/list/continue_v2"
            ]
            .contains(&target.as_str()),
            "{target}"
        );
    }
    assert_eq!(
        log.iter()
            .filter(|(_, t, _)| t == "/2/team/members/list_v2")
            .count(),
        2
    );
    // The Graph token went to Graph only, the Dropbox token to Dropbox only.
    only(&graph_mock.requests, "GET", GRAPH_TOKEN);
}

#[test]
fn a_tenant_is_required_and_plain_http_elsewhere_refused() {
    let out = onus()
        .env("ONUS_GRAPH_TOKEN", GRAPH_TOKEN)
        .env_remove("AZURE_TENANT_ID")
        .args(["audit", "m365"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tenant"));
    let out = onus()
        .env("ONUS_DROPBOX_TOKEN", DROPBOX_TOKEN)
        .args([
            "audit",
            "dropbox",
            "--dropbox-endpoint",
            "http://dropbox.example/",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("http://dropbox.example/") && !stderr.contains(DROPBOX_TOKEN),
        "{stderr}"
    );
}

#[test]
fn collected_tenants_keep_the_api_payloads_their_evidence_points_into() {
    let mock = graph(false);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m365.json");
    let run = onus()
        .env("ONUS_GRAPH_TOKEN", GRAPH_TOKEN)
        .args([
            "collect",
            "m365",
            "--tenant",
            TENANT,
            "--graph-endpoint",
            &mock.url,
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains(GRAPH_TOKEN));
    let inventory: Value = serde_json::from_str(&text).unwrap();
    // The tenant's five facets and each user's three, from the API's own fields.
    assert_evidence_pointers_resolve(&inventory, 10);
    let tenant = inventory["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == TENANT)
        .unwrap();
    assert_eq!(tenant["raw"]["securityDefaults"]["isEnabled"], false);
    assert_eq!(
        tenant["sources"]["public_access.anonymous_links"],
        "/sharepoint/sharingCapability"
    );
}

#[test]
fn a_tenant_is_collected_by_exactly_one_shard() {
    let mock = dropbox();
    let counts = shard_resource_counts(
        ("ONUS_DROPBOX_TOKEN", DROPBOX_TOKEN),
        &["dropbox", "--dropbox-endpoint", &mock.url],
    );
    // The team and its two members, in one shard; nothing in the other.
    let mut sorted = counts.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![0, 3], "{counts:?}");
}
