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

/// A service account key file around `fixtures/delegation-test-key.pem`, an
/// RSA key made for these tests and granted nothing anywhere, sending its
/// grants to `token_uri`.
#[cfg(feature = "gcp")]
fn delegation_key(token_uri: &str) -> String {
    serde_json::json!({
        "type": "service_account",
        "project_id": "onus-test",
        "private_key_id": "onus-test-key-1",
        "private_key": include_str!("fixtures/delegation-test-key.pem"),
        "client_email": "onus-reader@onus-test.iam.gserviceaccount.com",
        "client_id": "100000000000000000001",
        "token_uri": token_uri,
    })
    .to_string()
}

/// `onus -vv audit workspace --delegated-admin boss@example.org` against the
/// Workspace mock, with the test key sending its grants to `token_url` and
/// `env_token` (if any) in `ONUS_WORKSPACE_TOKEN`: the mock and the output.
#[cfg(feature = "gcp")]
fn delegated_audit(token_url: &str, env_token: Option<&str>) -> (Mock, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.json");
    std::fs::write(&key, delegation_key(&format!("{token_url}token"))).unwrap();
    let mock = workspace();
    let mut cmd = onus();
    match env_token {
        Some(t) => cmd.env("ONUS_WORKSPACE_TOKEN", t),
        None => cmd.env_remove("ONUS_WORKSPACE_TOKEN"),
    };
    let out = cmd
        .env("GOOGLE_APPLICATION_CREDENTIALS", &key)
        .args([
            "-vv",
            "audit",
            "workspace",
            "--workspace-endpoint",
            &mock.url,
        ])
        .args(["--delegated-admin", "boss@example.org", "--format", "json"])
        .output()
        .unwrap();
    (mock, out)
}

/// Domain-wide delegation: the service account key in
/// `GOOGLE_APPLICATION_CREDENTIALS` (a key made for this test, granted
/// nothing anywhere) acting for the administrator `--delegated-admin` names.
/// The grant goes to the key's token endpoint (a loopback mock here) with
/// the administrator as `sub` and the read-only scopes only; the token it
/// returns is the one every Workspace read carries, asked for once.
#[cfg(feature = "gcp")]
#[test]
fn workspace_through_domain_wide_delegation() {
    use base64::Engine as _;
    const ISSUED: &str = "canary-delegated-token-ONUS-ya29.c.b0Aa";
    let grants: std::sync::Arc<std::sync::Mutex<Vec<Value>>> = Default::default();
    let seen = grants.clone();
    let (token_url, token_log) = serve_mock("127.0.0.1:0", move |base, req| {
        assert_eq!(
            (req.method.as_str(), req.target.as_str()),
            ("POST", "/token")
        );
        let form: std::collections::BTreeMap<String, String> =
            url::form_urlencoded::parse(req.body.as_bytes())
                .into_owned()
                .collect();
        assert_eq!(
            form["grant_type"],
            "urn:ietf:params:oauth:grant-type:jwt-bearer"
        );
        let parts: Vec<Vec<u8>> = form["assertion"]
            .split('.')
            .map(|p| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(p)
                    .unwrap()
            })
            .collect();
        assert_eq!(parts.len(), 3);
        let header: Value = serde_json::from_slice(&parts[0]).unwrap();
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["kid"], "onus-test-key-1");
        // A 2048-bit RSA signature.
        assert_eq!(parts[2].len(), 256);
        let mut claims: Value = serde_json::from_slice(&parts[1]).unwrap();
        claims["expected_aud"] = Value::String(format!("{base}token"));
        seen.lock().unwrap().push(claims);
        (
            200,
            "",
            serde_json::json!({"access_token": ISSUED, "expires_in": 3599, "token_type": "Bearer"}),
        )
    });
    let (mock, out) = delegated_audit(&token_url, None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains(ISSUED) && !stderr.contains("BEGIN PRIVATE KEY"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(ISSUED));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        duty(&report, "dev@example.org", "identity-access")["status"],
        "addressed"
    );
    only(&mock.requests, "GET", ISSUED);
    let grants = grants.lock().unwrap();
    assert_eq!(grants.len(), 1, "one grant, then the cached token");
    assert_eq!(token_log.lock().unwrap().len(), 1);
    let c = &grants[0];
    assert_eq!(c["iss"], "onus-reader@onus-test.iam.gserviceaccount.com");
    assert_eq!(c["sub"], "boss@example.org");
    assert_eq!(c["aud"], c["expected_aud"]);
    let mut scopes: Vec<&str> = c["scope"].as_str().unwrap().split(' ').collect();
    scopes.sort_unstable();
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/workspace-scopes.txt"
    ))
    .unwrap();
    let mut want: Vec<&str> = shipped
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    want.sort_unstable();
    assert_eq!(scopes, want, "only the shipped read-only scopes");
    assert_eq!(
        c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(),
        3600
    );
}

/// A grant the tenant has not allowed: every Workspace read is a named
/// failure saying what to grant, nothing is read, and the run says so.
#[cfg(feature = "gcp")]
#[test]
fn delegation_not_granted_is_named_with_what_to_grant() {
    let (token_url, _) = serve_mock("127.0.0.1:0", |_, _| {
        (
            401,
            "",
            serde_json::json!({"error": "unauthorized_client",
                "error_description": "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."}),
        )
    });
    // The flag beats a token in the environment.
    let (mock, out) = delegated_audit(&token_url, Some(WORKSPACE_TOKEN));
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(
        mock.requests.lock().unwrap().is_empty(),
        "no token, no read"
    );
    let gaps = report["gaps"].as_array().unwrap();
    assert!(!gaps.is_empty());
    for g in gaps {
        let error = g["error"].as_str().unwrap_or_default();
        assert!(
            g["cause"] == "access-denied"
                && error.contains("unauthorized_client")
                && error.contains("Domain-wide delegation"),
            "{g:#}"
        );
    }
    // The tenant is there, by the id asked for, with its duties unknown and
    // the failure named.
    let ia = duty(&report, "my_customer", "identity-access");
    assert_eq!(ia["status"], "unknown", "{ia:#}");
    assert!(
        ia["reason"]
            .as_str()
            .unwrap()
            .contains("Domain-wide delegation"),
        "{ia:#}"
    );
    assert_eq!(out.status.code(), Some(3), "incomplete, not clean");
}

#[test]
fn delegation_needs_a_service_account_key() {
    let dir = tempfile::tempdir().unwrap();
    let adc = dir.path().join("adc.json");
    std::fs::write(&adc, r#"{"type": "authorized_user"}"#).unwrap();
    let out = onus()
        .env_remove("ONUS_WORKSPACE_TOKEN")
        .env("GOOGLE_APPLICATION_CREDENTIALS", &adc)
        .args([
            "audit",
            "workspace",
            "--workspace-endpoint",
            "http://127.0.0.1:9/",
            "--delegated-admin",
            "boss@example.org",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = if cfg!(feature = "gcp") {
        "needs a service account key"
    } else {
        "built without the `gcp` feature"
    };
    assert!(stderr.contains(expected), "{stderr}");
}
