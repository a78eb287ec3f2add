//! End-to-end tests of the `onus` binary (the one integration test binary).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn demo() -> PathBuf {
    root().join("examples/demo/inventory.json")
}

fn onus() -> Command {
    let mut cmd = Command::cargo_bin("onus").expect("the onus binary is built");
    cmd.current_dir(root()).env_remove("NO_COLOR");
    cmd
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test input");
    path
}

fn demo_report() -> Value {
    // A path relative to the repository root, so the report is the same in every clone.
    let out = onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the JSON report parses")
}

// ---- acceptance -------------------------------------------------------------

#[test]
fn demo_audit_json_meets_the_acceptance_criteria() {
    let report = demo_report();
    assert_eq!(report["schema"], "onus.report/v1");

    let mut statuses = BTreeSet::new();
    let mut duties = BTreeSet::new();
    let mut models = BTreeSet::new();
    let mut providers = BTreeSet::new();
    let resources = report["resources"].as_array().unwrap();
    assert!(resources.len() >= 40, "{} resources", resources.len());
    for r in resources {
        for key in [
            "id",
            "provider",
            "account",
            "kind",
            "service_model",
            "duties",
        ] {
            assert!(r.get(key).is_some(), "resource without {key}: {r}");
        }
        providers.insert(r["provider"].as_str().unwrap().to_owned());
        models.insert(r["service_model"].as_str().unwrap().to_owned());
        for (duty, entry) in r["duties"].as_object().unwrap() {
            duties.insert(duty.clone());
            statuses.insert(entry["status"].as_str().unwrap().to_owned());
            assert!(
                entry["owner"].is_string()
                    && entry["reason"].as_str().is_some_and(|s| !s.is_empty()),
                "{entry}"
            );
        }
    }
    assert_eq!(
        statuses,
        ["addressed", "not_applicable", "unaddressed", "unknown"]
            .map(String::from)
            .into()
    );
    assert_eq!(duties.len(), 9, "{duties:?}");
    assert!(models.len() >= 3, "{models:?}");
    assert!(
        providers.contains("aws") && providers.contains("azure"),
        "{providers:?}"
    );

    let findings = report["findings"].as_array().unwrap();
    let codes: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(codes.len() >= 20, "{} distinct rule codes", codes.len());
    for f in findings {
        for key in [
            "rule",
            "duty",
            "resource",
            "status",
            "severity",
            "message",
            "evidence",
            "remediation",
        ] {
            assert!(f.get(key).is_some(), "finding without {key}: {f}");
        }
        if f["status"] == "unaddressed" {
            assert!(
                !f["evidence"].as_array().unwrap().is_empty(),
                "unaddressed without evidence: {f}"
            );
        }
    }
    assert!(!report["gaps"].as_array().unwrap().is_empty());
    assert_eq!(report["summary"]["complete"], false);
}

#[test]
fn truncated_inventory_exits_2_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(demo()).unwrap();
    let cut = &text[..text.len() / 2];
    let path = write(dir.path(), "cut.json", cut);
    let lines = cut.lines().count();
    onus()
        .args(["audit", "--inventory"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("cut.json:{lines}:")))
        .stderr(predicate::str::contains(
            "malformed JSON: EOF while parsing",
        ));
}

#[test]
fn rules_lists_at_least_twenty() {
    let out = onus().args(["rules", "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let rules: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rules.len() >= 20);
    onus().arg("rules").assert().success().stdout(
        predicate::str::contains("NET001")
            .and(predicate::str::contains("firewall"))
            .and(predicate::str::contains("critical")),
    );
}

// ---- outputs ----------------------------------------------------------------

#[test]
fn demo_table_snapshot() {
    let out = onus()
        .args([
            "audit",
            "--format",
            "table",
            "--inventory",
            "examples/demo/inventory.json",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "no colour on a pipe");
    insta::assert_snapshot!("demo_table", text);
}

#[test]
fn demo_json_snapshot_of_summary_and_gaps() {
    let report = demo_report();
    insta::assert_json_snapshot!("demo_summary", report["summary"]);
    let unaddressed: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "unaddressed")
        .collect();
    insta::assert_json_snapshot!("demo_unaddressed", unaddressed);
    insta::assert_json_snapshot!("demo_run", report["run"], {
        ".generated_at" => "[generated_at]",
        ".onus_version" => "[version]",
        ".catalog.sha256" => "[sha256]",
    });
}

#[test]
fn colour_is_opt_in_and_respects_no_color() {
    let out = onus()
        .args([
            "--color",
            "always",
            "audit",
            "--format",
            "table",
            "--inventory",
        ])
        .arg(demo())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b[31m"));
    // auto on a pipe: no colour even without NO_COLOR.
    let out = onus()
        .args(["audit", "--format", "table", "--inventory"])
        .arg(demo())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn default_format_on_a_pipe_is_json() {
    let out = onus()
        .args(["audit", "--inventory"])
        .arg(demo())
        .output()
        .unwrap();
    let _: Value = serde_json::from_slice(&out.stdout).expect("json by default on a pipe");
}

#[test]
fn several_formats_go_to_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("reports");
    onus()
        .args(["audit", "--format", "table,json", "--output"])
        .arg(&out_dir)
        .arg("--inventory")
        .arg(demo())
        .assert()
        .code(1)
        .stdout("");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("onus.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "onus.report/v1");
    let table = std::fs::read_to_string(out_dir.join("onus.txt")).unwrap();
    assert!(table.contains("Gaps to close") && !table.contains('\x1b'));
    // One format, a file path.
    let file = dir.path().join("single.json");
    onus()
        .args(["audit", "--output"])
        .arg(&file)
        .arg("--inventory")
        .arg(demo())
        .assert()
        .code(1);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("onus.report/v1")
    );
    // Several formats without --output is a usage error.
    onus()
        .args(["audit", "--format", "table,json", "--inventory"])
        .arg(demo())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("need --output DIR"));
}

#[test]
fn stdin_inventory() {
    let text = std::fs::read_to_string(demo()).unwrap();
    onus()
        .args(["audit", "--format", "json", "--inventory", "-"])
        .write_stdin(text)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"inventory\": \"<stdin>\""));
}

// ---- exit codes and policies ------------------------------------------------

const CLEAN: &str = r#"{"schema": "onus.inventory/v1", "collected_at": "2026-11-20T00:00:00Z", "resources": [
  {"id": "vol-1", "provider": "aws", "account": "111122223333", "region": "eu-west-1", "kind": "aws.ec2.ebs-encryption-default",
   "facets": {"encryption_at_rest": {"by_default": true}}}
]}"#;

#[test]
fn exit_codes_follow_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let clean = write(dir.path(), "clean.json", CLEAN);
    onus()
        .args(["audit", "--inventory"])
        .arg(&clean)
        .assert()
        .code(0);

    let with_gap = CLEAN.replace(
        "]}",
        r#"], "gaps": [{"provider": "aws", "account": "111122223333", "region": "us-east-1", "service": "ec2",
             "operation": "GetEbsEncryptionByDefault", "cause": "region-unavailable", "error": "OptInRequired"}]}"#,
    );
    let incomplete = write(dir.path(), "incomplete.json", &with_gap);
    onus()
        .args(["audit", "--inventory"])
        .arg(&incomplete)
        .assert()
        .code(3);
    onus()
        .args(["audit", "--fail-on", "unaddressed", "--inventory"])
        .arg(&incomplete)
        .assert()
        .code(0);

    onus()
        .args(["audit", "--fail-on", "never", "--inventory"])
        .arg(demo())
        .assert()
        .code(0);
    onus()
        .args(["audit", "--fail-on", "unknown", "--inventory"])
        .arg(demo())
        .assert()
        .code(1);
    onus()
        .args(["audit", "--fail-on", "never,unknown", "--inventory"])
        .arg(demo())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be combined"));
}

// ---- bad input ----------------------------------------------------------------

#[test]
fn schema_violation_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.json",
        &CLEAN.replace("\"by_default\": true", "\"by_default\": \"yes\""),
    );
    onus()
        .args(["audit", "--inventory"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json:3:"))
        .stderr(predicate::str::contains("at resources[0].facets.encryption_at_rest.by_default: invalid type: string \"yes\", expected a boolean"));
}

#[test]
fn unknown_kind_is_refused_or_audited_as_unclassified() {
    let dir = tempfile::tempdir().unwrap();
    let odd = write(
        dir.path(),
        "odd.json",
        &CLEAN.replace("aws.ec2.ebs-encryption-default", "aws.ec2.instances"),
    );
    onus()
        .args(["audit", "--inventory"])
        .arg(&odd)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "odd.json: at resources[0].kind: unknown resource kind 'aws.ec2.instances'",
        ))
        .stderr(predicate::str::contains("aws.ec2.instance"))
        .stderr(predicate::str::contains("--allow-unclassified"));
    let out = onus()
        .args([
            "audit",
            "--allow-unclassified",
            "--format",
            "json",
            "--inventory",
        ])
        .arg(&odd)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "unclassified duties are unknown, which the default policy does not fail on"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["resources"][0]["service_model"], Value::Null);
    assert_eq!(report["summary"]["unclassified"], 1);
    assert_eq!(
        report["resources"][0]["duties"]["firewall"]["status"],
        "unknown"
    );
    onus()
        .args([
            "audit",
            "--allow-unclassified",
            "--fail-on",
            "unknown",
            "--inventory",
        ])
        .arg(&odd)
        .assert()
        .code(1);
}

#[test]
fn bad_catalog_override_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cat = write(
        dir.path(),
        "cat.toml",
        "[kinds.\"aws.s3.bucket\".duties]\nencryption-at-rest = { owner = \"someone\" }\n",
    );
    onus()
        .args(["audit", "--catalog"])
        .arg(&cat)
        .arg("--inventory")
        .arg(demo())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cat.toml:2:"))
        .stderr(predicate::str::contains("unknown variant `someone`"));
    onus()
        .args(["matrix", "--catalog"])
        .arg(&cat)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cat.toml:2:"));
}

#[test]
fn catalog_override_reclassifies() {
    let example = root().join("examples/catalog-override.toml");
    onus()
        .args(["matrix", "--kind", "aws.s3.bucket", "--catalog"])
        .arg(&example)
        .assert()
        .success()
        .stdout(predicate::str::contains("SSE-KMS"));
    let out = onus()
        .args(["audit", "--format", "json", "--catalog"])
        .arg(&example)
        .arg("--inventory")
        .arg(demo())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["run"]["catalog"]["source"]
            .as_str()
            .unwrap()
            .ends_with("catalog-override.toml")
    );
    let bucket = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "aws.s3.bucket")
        .unwrap();
    assert_eq!(bucket["duties"]["encryption-at-rest"]["owner"], "customer");
}

#[test]
fn unreadable_inputs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    onus()
        .args(["audit", "--inventory", "no/such/inventory.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read inventory no/such/inventory.json",
        ));
    onus()
        .args(["audit", "--inventory"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read inventory"));
    let binary = dir.path().join("binary.json");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    onus()
        .args(["audit", "--inventory"])
        .arg(&binary)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("binary.json"));
    onus()
        .args(["audit", "--catalog", "no/such/catalog.toml", "--inventory"])
        .arg(demo())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read catalog no/such/catalog.toml",
        ));
}

#[test]
fn usage_errors_exit_2() {
    onus()
        .args(["audit", "--no-such-flag"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--no-such-flag"));
    onus()
        .args(["audit", "--format", "xml", "--inventory", "x"])
        .assert()
        .code(2);
    onus()
        .arg("audit")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--inventory"));
    onus()
        .args(["explain", "NET999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule 'NET999'"));
    onus()
        .args(["matrix", "--kind", "aws.ec2.instances"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("aws.ec2.instance"));
    onus()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit codes"));
    onus()
        .args(["audit", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("3  audit incomplete"));
}

#[test]
fn no_input_panics() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        "",
        "null",
        "[]",
        "{}",
        "{\"schema\": 3}",
        "{\"schema\": \"onus.inventory/v1\", \"resources\": {}}",
        "\u{feff}{}",
    ];
    for (i, text) in cases.iter().enumerate() {
        let path = write(dir.path(), &format!("case{i}.json"), text);
        let out = onus()
            .args(["audit", "--inventory"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{text:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("case{i}.json")) && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
}

// ---- information commands --------------------------------------------------

#[test]
fn explain_prints_the_documentation() {
    onus()
        .args(["explain", "net001"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "NET001: Remote-administration port open to the internet",
        ))
        .stdout(predicate::str::contains("## What it checks"))
        .stdout(predicate::str::contains("## References"));
}

#[test]
fn matrix_prints_models_and_kinds() {
    onus().arg("matrix").assert().success().stdout(
        predicate::str::contains("guest-os")
            .and(predicate::str::contains("on-premises"))
            .and(predicate::str::contains("aws.ec2.instance")),
    );
    onus()
        .args(["matrix", "--kind", "aws.rds.instance"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "RDS patches the database host's operating system",
        ));
}

#[test]
fn schema_command_matches_the_shipped_files() {
    for (which, file) in [
        ("inventory", "schema/inventory.v1.schema.json"),
        ("report", "schema/report.v1.schema.json"),
    ] {
        let out = onus().args(["schema", which]).output().unwrap();
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
        let shipped: Value =
            serde_json::from_str(&std::fs::read_to_string(root().join(file)).unwrap()).unwrap();
        assert_eq!(printed, shipped, "{file}");
    }
}

#[test]
fn rules_documentation_is_in_step() {
    let out = onus()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = root().join("docs/rules.md");
    if std::env::var_os("ONUS_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let shipped = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        shipped == generated,
        "docs/rules.md is stale: run ONUS_UPDATE_DOCS=1 cargo test --test cli rules_documentation"
    );
}

// ---- secrets ------------------------------------------------------------------

#[test]
fn raw_payload_secrets_never_reach_outputs() {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let inventory = CLEAN.replace(
        "\"facets\"",
        &format!(
            "\"raw\": {{\"SecretAccessKey\": \"{secret}\", \"Password\": \"{secret}\"}}, \"facets\""
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "secret.json", &inventory);
    for format in ["json", "table"] {
        let out = onus()
            .args(["audit", "--format", format, "--inventory"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains(secret),
            "{format} leaks raw payload secrets"
        );
        assert!(!String::from_utf8_lossy(&out.stderr).contains(secret));
    }
}

// ---- AWS collector against moto ------------------------------------------------

/// A moto server on loopback, stopped when dropped.
#[cfg(feature = "aws")]
struct Moto {
    child: std::process::Child,
    url: String,
    python: PathBuf,
}

#[cfg(feature = "aws")]
impl Moto {
    /// Start moto from `ONUS_MOTO_SERVER` or `.venv/bin/moto_server`. Without it the
    /// test is skipped with a message, except in CI, where it fails.
    fn start(test: &str) -> Option<Moto> {
        let server = std::env::var_os("ONUS_MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join(".venv/bin/moto_server"));
        if !server.exists() {
            assert!(
                std::env::var_os("CI").is_none(),
                "{test}: moto_server not found at {} (CI must install it)",
                server.display()
            );
            eprintln!(
                "SKIPPED {test}: moto_server not found at {}; run .ci/run or `python3 -m venv .venv && .venv/bin/pip install 'moto[server]'`",
                server.display()
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .env("MOTO_ENABLE_RECORDING", "True")
            .env(
                "MOTO_RECORDER_FILEPATH",
                std::env::temp_dir().join(format!("onus-moto-{port}.rec")),
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            python: server.with_file_name("python"),
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if moto.post("/moto-api/recorder/stop-recording").is_ok() {
                return Some(moto);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("{test}: moto_server did not answer on {}", moto.url);
    }

    fn post(&self, path: &str) -> std::io::Result<()> {
        use std::io::{Read, Write};
        let addr = self.url.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr)?;
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        let mut reply = String::new();
        s.read_to_string(&mut reply)?;
        if reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200") {
            Ok(())
        } else {
            Err(std::io::Error::other(reply))
        }
    }

    fn python(&self, script: &str) -> Value {
        let out = std::process::Command::new(&self.python)
            .arg(root().join("tests/aws").join(script))
            .arg(&self.url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn onus(&self) -> Command {
        let mut cmd = onus();
        cmd.env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true");
        cmd
    }
}

#[cfg(feature = "aws")]
impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(feature = "aws")]
#[test]
fn aws_audit_against_moto_matches_the_seeded_estate_and_writes_nothing() {
    let Some(moto) = Moto::start("aws_audit_against_moto") else {
        return;
    };
    let expected = moto.python("seed.py");
    moto.post("/moto-api/recorder/start-recording").unwrap();
    let out = moto
        .onus()
        .args([
            "audit",
            "aws",
            "--regions",
            "us-east-1,eu-west-1",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    moto.post("/moto-api/recorder/stop-recording").unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();

    let resources = report["resources"].as_array().unwrap();
    let mut mismatches = Vec::new();
    for (name, duties) in expected.as_object().unwrap() {
        let Some(r) = resources.iter().find(|r| r["name"] == name.as_str()) else {
            mismatches.push(format!("{name}: not in the report"));
            continue;
        };
        for (duty, want) in duties.as_object().unwrap() {
            let got = &r["duties"][duty]["status"];
            if got != want {
                mismatches.push(format!(
                    "{name} {duty}: want {want}, got {got} ({})",
                    r["duties"][duty]["reason"]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));

    // The emulator's SSM answers HTTP 500: recorded as gaps naming the operation.
    let gaps = report["gaps"].as_array().unwrap();
    assert!(gaps.iter().any(|g| g["service"] == "ssm"
        && g["operation"] == "DescribeInstanceInformation"
        && g["region"] == "us-east-1"));

    // Read-only: every request moto received was a Describe/Get/List (or HTTP GET).
    let recording = moto.python("recording.py");
    assert_eq!(
        recording["writes"],
        serde_json::json!([]),
        "the collector wrote: {recording}"
    );
    assert!(recording["requests"].as_u64().unwrap() > 20);
}

#[cfg(feature = "aws")]
#[test]
fn aws_collect_writes_an_inventory_that_audits_the_same() {
    let Some(moto) = Moto::start("aws_collect_writes_an_inventory") else {
        return;
    };
    moto.python("seed.py");
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("aws.json");
    let out = moto
        .onus()
        .args(["collect", "aws", "--regions", "us-east-1", "--out"])
        .arg(&inv)
        .output()
        .unwrap();
    // SSM answers 500 in moto: the collection is incomplete (3), and says so.
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("collection gap(s)"));
    let text = std::fs::read_to_string(&inv).unwrap();
    let inventory: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(inventory["schema"], "onus.inventory/v1");
    assert!(
        inventory["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["region"] == "us-east-1" || r["region"].is_null())
    );
    onus()
        .args(["audit", "--format", "json", "--inventory"])
        .arg(&inv)
        .assert()
        .code(1);
}

#[cfg(feature = "aws")]
#[test]
fn aws_credentials_never_reach_logs_or_outputs() {
    let Some(moto) = Moto::start("aws_credentials_never_reach_logs") else {
        return;
    };
    let secret = "CanarySecretKey/ONUS/0123456789abcdefghijklmn";
    let token = "CanarySessionToken+ONUS+zyxwvutsrqponml";
    let out = moto
        .onus()
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", token)
        .args([
            "-vv",
            "audit",
            "aws",
            "--regions",
            "us-east-1",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("DescribeInstances"), "-vv logs the SDK's work");
    assert!(
        !all.contains(secret) && !all.contains(token),
        "a credential reached the output"
    );
}

#[cfg(feature = "aws")]
#[test]
fn aws_unreachable_endpoint_is_a_clear_incomplete_run() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    onus()
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "audit",
            "aws",
            "--regions",
            "us-east-1",
            "--max-attempts",
            "1",
        ])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "cannot authenticate to AWS at http://127.0.0.1:{port}"
        )))
        .stderr(predicate::str::contains("unreachable"));
}

// ---- Azure collector against a mock ARM server ------------------------------------

/// A mock ARM server on loopback: routes GET paths to canned payloads, records every
/// request, and answers the first NSG list with 429 + Retry-After.
/// Requests a mock server received: (method, target, Authorization header).
#[cfg(feature = "azure")]
type RequestLog = std::sync::Arc<std::sync::Mutex<Vec<(String, String, Option<String>)>>>;

#[cfg(feature = "azure")]
struct MockArm {
    url: String,
    requests: RequestLog,
}

#[cfg(feature = "azure")]
const SUB: &str = "7f3c2a1e-5b4d-4c8e-9a6f-2d1b0c9e8a7f";

#[cfg(feature = "azure")]
impl MockArm {
    fn start() -> MockArm {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let requests: RequestLog = Default::default();
        let log = requests.clone();
        let base = url.clone();
        std::thread::spawn(move || {
            let mut throttled = false;
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let mut parts = line.split_whitespace();
                let (method, target) = (
                    parts.next().unwrap_or("").to_owned(),
                    parts.next().unwrap_or("").to_owned(),
                );
                let mut auth = None;
                let mut length = 0usize;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    let (name, value) = h.split_once(':').unwrap_or((&h, ""));
                    if name.eq_ignore_ascii_case("authorization") {
                        auth = Some(value.trim().to_owned());
                    }
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut request_body = vec![0u8; length];
                let _ = std::io::Read::read_exact(&mut reader, &mut request_body);
                let request_body = String::from_utf8_lossy(&request_body).into_owned();
                log.lock()
                    .unwrap()
                    .push((method.clone(), target.clone(), auth));
                let path = target.split('?').next().unwrap_or("").to_owned();
                let (status, extra, body) = if method == "POST"
                    && path == "/providers/Microsoft.ResourceGraph/resources"
                {
                    resource_graph(&base, &request_body)
                } else if path.ends_with("/networkSecurityGroups") && !throttled {
                    throttled = true;
                    (
                        429,
                        "Retry-After: 1\r\n",
                        serde_json::json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
                    )
                } else {
                    arm_route(&base, &path, &target)
                };
                let text = body.to_string();
                let reason = match status {
                    200 => "OK",
                    403 => "Forbidden",
                    429 => "Too Many Requests",
                    500 => "Internal Server Error",
                    _ => "Not Found",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
            }
        });
        MockArm { url, requests }
    }
}

/// Resource Graph: the same estate as the list routes, as rows, in two pages.
#[cfg(feature = "azure")]
fn resource_graph(base: &str, request: &str) -> (u16, &'static str, Value) {
    let q: Value = serde_json::from_str(request).unwrap_or(Value::Null);
    assert!(
        q["query"]
            .as_str()
            .is_some_and(|s| s.starts_with("Resources")),
        "{request}"
    );
    let types = [
        "Microsoft.Compute/virtualMachines",
        "Microsoft.Compute/disks",
        "Microsoft.Network/networkSecurityGroups",
        "Microsoft.Storage/storageAccounts",
        "Microsoft.Web/sites",
        "Microsoft.Sql/servers",
    ];
    let mut rows = Vec::new();
    for t in types {
        let path = format!("/subscriptions/{SUB}/providers/{t}");
        for target in [path.clone(), format!("{path}?page=2")] {
            if t != "Microsoft.Compute/virtualMachines" && target.contains("page=2") {
                continue;
            }
            for mut v in arm_route(base, &path, &target).2["value"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                v["type"] = serde_json::json!(t.to_lowercase());
                v["subscriptionId"] = serde_json::json!(SUB);
                rows.push(v);
            }
        }
    }
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

#[cfg(feature = "azure")]
fn fixture_body(path: &str) -> Value {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("crates/onus-azure/fixtures/arm").join(path)).unwrap(),
    )
    .unwrap();
    v["responses"]["200"]["body"].clone()
}

/// The mock estate. Resource IDs live under the test subscription.
#[cfg(feature = "azure")]
fn arm_route(base: &str, path: &str, target: &str) -> (u16, &'static str, Value) {
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
        _ if path == format!("{p}/Microsoft.Network/networkInterfaces") => ok(json!({"value": []})),
        _ if path == format!("{p}/Microsoft.Storage/storageAccounts") => ok(json!({"value": [
            {"id": rid("rg-data", "Microsoft.Storage/storageAccounts", "stweak"), "name": "stweak", "location": "westeurope",
             "properties": {"supportsHttpsTrafficOnly": false, "minimumTlsVersion": "TLS1_0", "allowBlobPublicAccess": true,
                            "publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow"}, "encryption": {"keySource": "Microsoft.Storage"}}},
            {"id": rid("rg-data", "Microsoft.Storage/storageAccounts", "ststrong"), "name": "ststrong", "location": "westeurope",
             "properties": {"supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": false,
                            "publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny"}, "encryption": {"keySource": "Microsoft.Keyvault"}}},
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
        _ => (
            404,
            "",
            json!({"error": {"code": "NotFound", "message": path}}),
        ),
    }
}

#[cfg(feature = "azure")]
fn azure_status(report: &Value, name: &str, duty: &str) -> String {
    let r = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in the report"));
    r["duties"][duty]["status"].as_str().unwrap().to_owned()
}

#[cfg(feature = "azure")]
#[test]
fn azure_audit_against_a_mock_arm_server() {
    audit_mock_arm("arm");
}

#[cfg(feature = "azure")]
#[test]
fn azure_audit_through_resource_graph() {
    let requests = audit_mock_arm("resource-graph");
    let graph: Vec<_> = requests
        .iter()
        .filter(|(_, t, _)| t.contains("Microsoft.ResourceGraph"))
        .collect();
    assert_eq!(graph.len(), 2, "two $skipToken pages");
    assert!(graph.iter().all(|(m, _, _)| m == "POST"));
    assert!(
        !requests
            .iter()
            .any(|(_, t, _)| t.contains("providers/Microsoft.Compute/virtualMachines?")),
        "no ARM list calls"
    );
}

#[cfg(feature = "azure")]
fn audit_mock_arm(source: &str) -> Vec<(String, String, Option<String>)> {
    let arm = MockArm::start();
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
    ];
    let wrong: Vec<String> = expect
        .iter()
        .filter(|(n, d, s)| azure_status(&report, n, d) != *s)
        .map(|(n, d, s)| format!("{n} {d}: want {s}, got {}", azure_status(&report, n, d)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    let gaps = report["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 2, "exactly the served failures: {gaps:?}");
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
    requests
}

#[cfg(feature = "azure")]
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

// ---- report formats, baselines, waivers --------------------------------------------

/// A validator tool, or `None` (with a visible message) outside CI.
fn tool(test: &str, path: PathBuf) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: {} not found (CI must install it)",
        path.display()
    );
    eprintln!(
        "SKIPPED {test}: {} not found; run .ci/run to install the validators",
        path.display()
    );
    None
}

fn all_formats(dir: &Path) {
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--format",
            "json,sarif,junit,ocsf,markdown,csv,html",
            "--output",
        ])
        .arg(dir)
        .assert()
        .code(1);
}

#[test]
fn seven_formats_are_written_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    all_formats(dir.path());
    for f in [
        "onus.json",
        "onus.sarif",
        "onus.junit.xml",
        "onus.ocsf.json",
        "onus.md",
        "onus.csv",
        "onus.html",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    // CSV: a header and one row per (resource, duty).
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("onus.json")).unwrap())
            .unwrap();
    let rows = std::fs::read_to_string(dir.path().join("onus.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(rows, 1 + report["resources"].as_array().unwrap().len() * 9);
    insta::assert_snapshot!(
        "demo_markdown",
        std::fs::read_to_string(dir.path().join("onus.md")).unwrap()
    );

    if let Some(multitool) = tool(
        "sarif",
        std::env::var_os("ONUS_SARIF_MULTITOOL").map_or_else(
            || root().join(".tools/node_modules/.bin/sarif-multitool"),
            PathBuf::from,
        ),
    ) {
        for kinds in ["Sarif", "Gh"] {
            let out = std::process::Command::new(&multitool)
                .arg("validate")
                .arg(dir.path().join("onus.sarif"))
                .arg(format!("--rule-kind={kinds}"))
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success() && !text.contains(": error "),
                "sarif-multitool ({kinds}):\n{text}"
            );
        }
    }
    if let Some(python) = tool("python validators", root().join(".venv/bin/python")) {
        for (kind, file) in [("ocsf", "onus.ocsf.json"), ("junit", "onus.junit.xml")] {
            let out = std::process::Command::new(&python)
                .arg(root().join("tests/validate/validate.py"))
                .arg(kind)
                .arg(dir.path().join(file))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{kind}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let counts: Value = serde_json::from_slice(&out.stdout).unwrap();
            if kind == "ocsf" {
                assert_eq!(
                    counts["events"],
                    report["summary"]["unaddressed_by_severity"]
                        .as_object()
                        .unwrap()
                        .values()
                        .map(|v| v.as_u64().unwrap())
                        .sum::<u64>()
                );
            } else {
                assert_eq!(
                    counts["failures"],
                    report["summary"]["statuses"]["unaddressed"]
                );
            }
        }
    }
    if let Some(chromium) = tool("html", PathBuf::from("/usr/bin/chromium")) {
        let profile = tempfile::tempdir().unwrap();
        let page = format!(
            "file://{}#status=unaddressed&provider=azure",
            dir.path().join("onus.html").display()
        );
        let out = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(page)
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&out.stdout);
        let expected = report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["provider"] == "azure")
            .flat_map(|r| r["duties"].as_object().unwrap().values())
            .filter(|e| e["status"] == "unaddressed")
            .count();
        assert!(
            dom.contains(&format!("id=\"shown\">{expected}<")),
            "the filters ran in Chromium and show {expected} rows"
        );
        assert!(
            dom.contains("Responsibility per service model")
                && !dom.contains("http://")
                && !dom.contains("https://"),
            "self-contained"
        );
    }
}

#[test]
fn baseline_marks_new_gaps_and_fail_on_new() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--output",
        ])
        .arg(&baseline)
        .assert()
        .code(1);
    // Against itself: nothing new.
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--fail-on",
            "new",
            "--baseline",
        ])
        .arg(&baseline)
        .assert()
        .code(0);
    // One more exposed resource.
    let mut inv: Value = serde_json::from_str(&std::fs::read_to_string(demo()).unwrap()).unwrap();
    inv["resources"].as_array_mut().unwrap().push(serde_json::json!({
        "id": "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0new0000000000099", "provider": "aws", "account": "111122223333",
        "region": "eu-west-1", "kind": "aws.ec2.security-group", "name": "new-debug",
        "facets": {"network": {"attached": true, "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "source": "0.0.0.0/0"}]}}}));
    let changed = write(dir.path(), "changed.json", &inv.to_string());
    let compact = dir.path().join("compact.json");
    onus()
        .args(["baseline", "--from"])
        .arg(&baseline)
        .arg("--out")
        .arg(&compact)
        .assert()
        .success();
    for b in [&baseline, &compact] {
        let out = onus()
            .args([
                "audit",
                "--fail-on",
                "new",
                "--format",
                "json",
                "--baseline",
            ])
            .arg(b)
            .arg("--inventory")
            .arg(&changed)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let new: BTreeSet<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["baseline"] == "new")
            .map(|f| f["resource"].as_str().unwrap())
            .collect();
        assert_eq!(
            new,
            BTreeSet::from([
                "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0new0000000000099"
            ])
        );
        assert!(
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["status"] == "unaddressed")
                .all(|f| f["baseline"].is_string())
        );
        assert_eq!(report["baseline"]["resolved"], serde_json::json!([]));
    }
    onus()
        .args(["audit", "--fail-on", "new", "--inventory"])
        .arg(&changed)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --baseline"));
}

#[test]
fn waivers_waive_until_they_expire() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "onus.toml",
        r#"
[[waivers]]
resource = "arn:aws:ec2:*:security-group/sg-0bastion*"
rule = "NET001"
reason = "Bastion during the migration window"
owner = "platform-team"
expires = 2999-12-31

[[waivers]]
resource = "*acme-public-website"
reason = "Public website content"
owner = "web-team"
expires = 2020-01-01
"#,
    );
    let out = onus()
        .args([
            "audit",
            "--format",
            "json",
            "--inventory",
            "examples/demo/inventory.json",
            "--config",
        ])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let bastion = findings
        .iter()
        .find(|f| f["rule"] == "NET001" && f["resource"].as_str().unwrap().contains("sg-0bastion"))
        .unwrap();
    assert_eq!(
        bastion["status"], "unaddressed",
        "a waived gap is reported, never hidden"
    );
    assert_eq!(
        (
            bastion["waiver"]["owner"].as_str(),
            bastion["waiver"]["expired"].as_bool()
        ),
        (Some("platform-team"), Some(false))
    );
    let expired = &report["expired_waivers"];
    assert_eq!(expired.as_array().unwrap().len(), 1);
    assert_eq!(expired[0]["owner"], "web-team");
    let site = findings
        .iter()
        .find(|f| {
            f["resource"]
                .as_str()
                .unwrap()
                .ends_with("acme-public-website")
                && f["status"] == "unaddressed"
        })
        .unwrap();
    assert_eq!(
        site["waiver"]["expired"], true,
        "an expired waiver stops waiving"
    );
    let md = onus()
        .args([
            "audit",
            "--format",
            "markdown",
            "--inventory",
            "examples/demo/inventory.json",
            "--config",
        ])
        .arg(&config)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&md.stdout).contains("### Expired waivers"));
    let bad = write(
        dir.path(),
        "bad.toml",
        "[[waivers]]\nresource = \"x\"\nrule = \"NET999\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2030-01-01\n",
    );
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--config",
        ])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule 'NET999'"));
    let bad = write(
        dir.path(),
        "bad2.toml",
        "[[waivers]]\nresource = \"x\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"soon\"\n",
    );
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--config",
        ])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad2.toml:5:"));
}

#[test]
fn ci_recipes_parse_and_run_real_commands() {
    let Some(python) = tool("ci recipes", root().join(".venv/bin/python")) else {
        return;
    };
    for recipe in [
        "examples/ci/github-actions.yml",
        "examples/ci/gitlab-ci.yml",
    ] {
        let script = "import sys, yaml, json; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))";
        let out = std::process::Command::new(&python)
            .args(["-c", script])
            .arg(root().join(recipe))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{recipe} does not parse: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(root().join(recipe)).unwrap();
        let commands: Vec<Vec<&str>> = text
            .lines()
            .filter_map(|l| {
                l.split("onus ").nth(1).filter(|_| {
                    l.trim_start().starts_with("onus ")
                        || l.contains("run: onus ")
                        || l.contains("- onus ")
                })
            })
            .map(|c| {
                c.split_whitespace()
                    .take_while(|w| !w.starts_with('$'))
                    .collect()
            })
            .collect();
        assert!(!commands.is_empty(), "{recipe} runs onus");
        for c in commands {
            // The subcommand and every flag the recipe uses exist in this binary.
            let out = onus().args([c[0], "--help"]).output().unwrap();
            let help = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{recipe}: onus {} does not exist",
                c[0]
            );
            for flag in c.iter().filter(|w| w.starts_with("--")) {
                assert!(help.contains(flag), "{recipe}: onus {} has no {flag}", c[0]);
            }
        }
    }
}

// ---- onus plan --------------------------------------------------------------------------

fn plan_json(args: &[&str]) -> (Option<i32>, Value) {
    let out = onus()
        .args([
            "plan",
            "--assets",
            "examples/premigration/assets.csv",
            "--format",
            "json",
        ])
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), v)
}

#[test]
fn plan_shows_every_asset_for_aws_and_azure() {
    for cloud in ["aws", "azure"] {
        let (code, plan) = plan_json(&["--target", cloud]);
        assert_eq!(code, Some(0));
        assert_eq!(plan["schema"], "onus.plan/v1");
        let assets = plan["assets"].as_array().unwrap();
        assert!(assets.len() >= 20);
        for a in assets {
            let targets = a["targets"].as_array().unwrap();
            // An asset whose chosen target is in the other cloud has none here.
            let chosen_elsewhere = a["asset"]["target"]
                .as_str()
                .is_some_and(|t| !t.starts_with(cloud));
            assert!(
                !targets.is_empty() || chosen_elsewhere,
                "{} has no target on {cloud}",
                a["asset"]["name"]
            );
            for t in targets {
                assert_eq!(t["cloud"], cloud);
                assert_eq!(t["duties"].as_array().unwrap().len(), 9);
                let shifts: BTreeSet<&str> = t["duties"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["shift"].as_str().unwrap())
                    .collect();
                assert!(
                    shifts
                        .iter()
                        .all(|s| ["moves", "shared", "stays", "not-applicable"].contains(s))
                );
            }
        }
        let strategies: BTreeSet<&str> = plan["totals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["strategy"].as_str().unwrap())
            .collect();
        assert_eq!(
            strategies,
            BTreeSet::from(["refactor", "rehost", "replatform", "repurchase"])
        );
    }
}

#[test]
fn plan_each_strategy_shifts_duties_as_the_matrix_says() {
    let find = |plan: &Value, name: &str| -> Value {
        plan["assets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["asset"]["name"] == name)
            .unwrap()["targets"][0]
            .clone()
    };
    let shift = |t: &Value, duty: &str| -> String {
        t["duties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["duty"] == duty)
            .unwrap()["shift"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // rehost (IaaS): guest OS patching stays with you.
    let (_, plan) = plan_json(&["--target", "aws", "--strategy", "rehost"]);
    let t = find(&plan, "build-server");
    assert_eq!(
        (t["kind"].as_str(), t["service_model"].as_str()),
        (Some("aws.ec2.instance"), Some("iaas"))
    );
    assert_eq!(shift(&t, "guest-os-patching"), "stays");
    // replatform (PaaS): RDS takes OS patching; engine updates become shared.
    let t = find(&plan, "orders-db");
    assert_eq!(
        t["kind"], "aws.rds.instance",
        "the asset's own strategy and target win"
    );
    assert_eq!(
        (
            shift(&t, "guest-os-patching").as_str(),
            shift(&t, "runtime-updates").as_str()
        ),
        ("moves", "shared")
    );
    // refactor: a restricted, internet-facing function puts identity-access first.
    let (_, plan) = plan_json(&["--target", "aws", "--strategy", "refactor"]);
    let t = find(&plan, "payment-webhook");
    assert_eq!(t["kind"], "aws.lambda.function");
    assert_eq!(
        (
            t["checklist"][0]["duty"].as_str(),
            t["checklist"][0]["priority"].as_str()
        ),
        (Some("identity-access"), Some("high"))
    );
    assert_eq!(t["checklist"][0]["rules"][0]["code"], "IAM005");
    // repurchase (SaaS): mail on Microsoft 365; firewall and patching move to Microsoft.
    let (_, plan) = plan_json(&["--target", "azure", "--strategy", "repurchase"]);
    let t = find(&plan, "corporate-mail");
    assert_eq!(t["kind"], "microsoft.m365.tenant");
    assert_eq!(
        (
            shift(&t, "firewall").as_str(),
            shift(&t, "identity-access").as_str()
        ),
        ("moves", "stays")
    );
}

#[test]
fn plan_verify_against_an_audit_report() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--output",
        ])
        .arg(&report)
        .assert()
        .code(1);
    let (code, plan) = plan_json(&["--target", "aws", "--verify", report.to_str().unwrap()]);
    assert_eq!(
        code,
        Some(1),
        "a planned customer duty is unaddressed on a deployed resource"
    );
    let orders = plan["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["asset"]["name"] == "orders-db")
        .unwrap();
    let v = orders["targets"][0]["verification"].as_array().unwrap();
    let status = |duty: &str| {
        v.iter().find(|x| x["duty"] == duty).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(status("encryption-at-rest"), "addressed");
    assert_eq!(status("backup"), "addressed");
    assert!(
        v.iter()
            .all(|x| x["resources"][0].as_str().unwrap().ends_with(":db:orders"))
    );
    let undeployed = plan["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["asset"]["name"] == "build-server")
        .unwrap();
    let u = undeployed["targets"][0]["verification"].as_array().unwrap();
    assert!(u.iter().all(|x| {
        x["status"] == "unknown"
            && x["reason"]
                .as_str()
                .unwrap()
                .contains("onus:asset=build-server")
    }));
    let webhook = plan["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["asset"]["name"] == "payment-webhook")
        .unwrap();
    let w = webhook["targets"][0]["verification"].as_array().unwrap();
    assert_eq!(
        w.iter().find(|x| x["duty"] == "identity-access").unwrap()["status"],
        "unaddressed"
    );
    // HTML and Markdown render the same plan.
    let html = dir.path().join("plan.html");
    onus()
        .args([
            "plan",
            "--assets",
            "examples/premigration/assets.csv",
            "--format",
            "html",
            "--output",
        ])
        .arg(&html)
        .arg("--verify")
        .arg(&report)
        .assert()
        .code(1);
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .contains("<h2>orders-db</h2>")
    );
}

#[test]
fn plan_bad_input_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let header = "name,kind,os,classification,internet_facing,criticality\n";
    let cases = [
        (
            "broken.csv",
            format!("{header}a,server,Linux,internal,no,low\nb,server,Linux,internal\n"),
            "broken.csv:3:1: malformed row",
        ),
        (
            "kind.csv",
            format!("{header}a,server,Linux,internal,no,low\nb,mainframe,z/OS,internal,no,low\n"),
            "kind.csv:3:2: unknown asset kind 'mainframe'",
        ),
        (
            "class.csv",
            format!("{header}a,server,Linux,secret,no,low\n"),
            "class.csv:2:4: unknown classification 'secret'",
        ),
        (
            "missing.csv",
            "name,os,classification\na,Linux,internal\n".to_owned(),
            "missing.csv:1:2: missing required column 'kind'",
        ),
        (
            "bad.json",
            "[{\"name\": \"a\", \"kind\": \"server\", \"classification\": 3}]".to_owned(),
            "bad.json:1:52: at [0].classification",
        ),
    ];
    for (file, text, expected) in cases {
        let path = write(dir.path(), file, &text);
        onus()
            .args(["plan", "--assets"])
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected));
    }
    // Extra columns are ignored; JSON works too.
    let ok = write(
        dir.path(),
        "ok.json",
        r#"[{"name": "a", "kind": "database", "classification": "restricted", "internet_facing": true}]"#,
    );
    onus()
        .args(["plan", "--format", "json", "--assets"])
        .arg(&ok)
        .assert()
        .code(0);
}

#[test]
fn assets_schema_is_shipped() {
    let out = onus().args(["schema", "assets"]).output().unwrap();
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let path = root().join("schema/assets.v1.schema.json");
    if std::env::var_os("ONUS_UPDATE_SCHEMAS").is_some() {
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&printed).unwrap() + "\n",
        )
        .unwrap();
    }
    let shipped: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        printed, shipped,
        "schema/assets.v1.schema.json is stale: ONUS_UPDATE_SCHEMAS=1 cargo test --test cli assets_schema"
    );
}

#[cfg(feature = "azure")]
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

// ---- history store ----------------------------------------------------------------------

/// The stores every history test runs against: SQLite always; PostgreSQL when
/// `ONUS_TEST_POSTGRES_ADMIN` names a server (CI always does), with a database
/// created for the test and dropped after.
struct TestStore {
    url: String,
    drop_db: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some((admin, db)) = &self.drop_db {
            let _ = std::process::Command::new("psql")
                .args([
                    admin.as_str(),
                    "-q",
                    "-c",
                    &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
                ])
                .output();
        }
    }
}

fn test_stores(test: &str) -> Vec<TestStore> {
    let dir = tempfile::tempdir().unwrap();
    let mut stores = vec![TestStore {
        url: format!("sqlite:{}", dir.path().join("h.db").display()),
        drop_db: None,
        _dir: dir,
    }];
    match std::env::var("ONUS_TEST_POSTGRES_ADMIN") {
        Ok(admin) if !admin.is_empty() => {
            let db = format!("onus_test_{}_{}", test, std::process::id());
            let out = std::process::Command::new("psql")
                .args([admin.as_str(), "-q", "-c", &format!("CREATE DATABASE {db}")])
                .output()
                .expect("psql");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let url = format!("{}/{db}", admin.rsplit_once('/').unwrap().0);
            stores.push(TestStore {
                url,
                drop_db: Some((admin, db)),
                _dir: tempfile::tempdir().unwrap(),
            });
        }
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{test}: CI must set ONUS_TEST_POSTGRES_ADMIN"
            );
            eprintln!(
                "SKIPPED {test} on PostgreSQL: set ONUS_TEST_POSTGRES_ADMIN=postgres://USER:PASS@127.0.0.1/postgres (.ci/run does)"
            );
        }
    }
    stores
}

#[test]
fn history_diff_reports_exactly_the_fixed_and_the_newly_exposed() {
    for store in test_stores("diff") {
        let dir = tempfile::tempdir().unwrap();
        let inv = dir.path().join("inventory.json");
        std::fs::copy(demo(), &inv).unwrap();
        let audit = || {
            onus()
                .args([
                    "audit",
                    "--format",
                    "json",
                    "--store",
                    &store.url,
                    "--inventory",
                ])
                .arg(&inv)
                .assert()
                .code(1)
        };
        audit();
        // Fix one resource (the single-region trail) and expose a new one.
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&inv).unwrap()).unwrap();
        let resources = v["resources"].as_array_mut().unwrap();
        let trail = resources
            .iter_mut()
            .find(|r| r["name"] == "legacy-eu")
            .unwrap();
        trail["facets"]["logging"]["multi_region"] = serde_json::json!(true);
        resources.push(serde_json::json!({"id": "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0fresh000000000001", "provider": "aws",
            "account": "111122223333", "region": "eu-west-1", "kind": "aws.ec2.security-group", "name": "fresh-ssh",
            "facets": {"network": {"attached": true, "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "source": "0.0.0.0/0"}]}}}));
        std::fs::write(&inv, v.to_string()).unwrap();
        audit();

        let out = onus()
            .args([
                "history", "--check", "--format", "json", "--store", &store.url,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let runs: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(runs.as_array().unwrap().len(), 2, "{}", store.url);

        let out = onus()
            .args(["diff", "--format", "json", "--store", &store.url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "a new gap");
        let d: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            d["new_gaps"],
            serde_json::json!([{"rule": "NET001", "duty": "firewall", "resource": "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0fresh000000000001"}])
        );
        assert_eq!(
            d["resolved_gaps"],
            serde_json::json!([{"rule": "LOG001", "duty": "logging", "resource": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/legacy-eu"}])
        );
        assert_eq!(d["appeared"].as_array().unwrap().len(), 1);
        for format in ["table", "markdown"] {
            let out = onus()
                .args(["diff", "--format", format, "--store", &store.url])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("1 new gap(s), 1 resolved")
                    && text.contains("sg-0fresh000000000001")
                    && text.contains("trail/legacy-eu"),
                "{format}: {text}"
            );
        }
        // Any stored run re-renders in any format.
        let first = runs[1]["id"].as_str().unwrap();
        let out_dir = dir.path().join("rendered");
        onus()
            .args([
                "report",
                "--store",
                &store.url,
                "--run",
                first,
                "--format",
                "sarif,csv,html",
                "--output",
            ])
            .arg(&out_dir)
            .assert()
            .success();
        assert!(out_dir.join("onus.sarif").is_file() && out_dir.join("onus.html").is_file());
        onus()
            .args(["report", "--store", &store.url, "--run", "nope"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no run 'nope'"));
        // Prune keeps the newest.
        onus()
            .args(["prune", "--keep", "1", "--store", &store.url])
            .assert()
            .success();
        // --check: the pruned runs' ledger, findings and gaps went with them.
        let out = onus()
            .args([
                "history", "--check", "--format", "json", "--store", &store.url,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&out.stdout)
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}

#[test]
fn history_survives_a_kill_during_a_large_write() {
    // A large inventory: the demo replicated to 6 000 resources.
    let dir = tempfile::tempdir().unwrap();
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(demo()).unwrap()).unwrap();
    let base = v["resources"].as_array().unwrap().clone();
    let big: Vec<Value> = (0..6000)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            r["id"] = serde_json::json!(format!("{}#{i}", r["id"].as_str().unwrap()));
            r
        })
        .collect();
    v["resources"] = Value::Array(big);
    let inv = write(dir.path(), "big.json", &v.to_string());
    for store in test_stores("kill") {
        onus()
            .args([
                "audit",
                "--format",
                "json",
                "--store",
                &store.url,
                "--inventory",
            ])
            .arg(&inv)
            .assert()
            .code(1);
        let bin = assert_cmd::cargo::cargo_bin("onus");
        for delay_ms in [150u64, 400, 700, 1000, 1500] {
            let mut child = std::process::Command::new(&bin)
                .args([
                    "audit",
                    "--format",
                    "json",
                    "--store",
                    &store.url,
                    "--inventory",
                ])
                .arg(&inv)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            let out = onus()
                .args([
                    "history", "--check", "--format", "json", "--limit", "100", "--store",
                    &store.url,
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "after a kill at {delay_ms} ms: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let runs: Value = serde_json::from_slice(&out.stdout).unwrap();
            // Every visible run is complete: its report re-renders and its ledger is whole.
            for r in runs.as_array().unwrap() {
                assert_eq!(r["resources"], 6000);
                let id = r["id"].as_str().unwrap();
                let out = onus()
                    .args([
                        "report", "--format", "json", "--store", &store.url, "--run", id,
                    ])
                    .output()
                    .unwrap();
                let report: Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(report["resources"].as_array().unwrap().len(), 6000);
            }
        }
    }
}

#[cfg(feature = "azure")]
#[test]
fn shards_split_subscriptions_between_runners() {
    let arm = MockArm::start();
    let mut counts = Vec::new();
    for shard in ["1/2", "2/2"] {
        let out = onus()
            .env("ONUS_AZURE_TOKEN", "t")
            .args([
                "audit",
                "azure",
                "--subscription",
                SUB,
                "--azure-endpoint",
                &arm.url,
                "--shard",
                shard,
                "--format",
                "json",
                "--fail-on",
                "never",
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        counts.push(report["resources"].as_array().unwrap().len());
    }
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
fn html_report_shows_the_trend_of_stored_runs() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("h.db").display());
    let html = dir.path().join("onus.html");
    for _ in 0..3 {
        onus()
            .args([
                "audit",
                "--inventory",
                "examples/demo/inventory.json",
                "--store",
                &store,
                "--output",
            ])
            .arg(&html)
            .assert()
            .code(1);
    }
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("aria-label=\"trend of the last 3 runs\""),
        "trend chart"
    );
    assert_eq!(page.matches("<polyline class=\"coverage\"").count(), 1);
    assert!(
        page.matches("<rect").count() >= 3 * 9,
        "bars per duty and run"
    );
}

#[test]
fn scheduled_recipes_parse_and_use_real_flags() {
    let Some(python) = tool("scheduled recipes", root().join(".venv/bin/python")) else {
        return;
    };
    let script = "import sys, yaml, json\nargs = []\nfor d in yaml.safe_load_all(open(sys.argv[1])):\n    \
        for c in (d or {}).get('spec', {}).get('jobTemplate', {}).get('spec', {}).get('template', {}).get('spec', {}).get('containers', []):\n        \
        args.append(c['args'])\nprint(json.dumps(args))";
    for recipe in [
        "examples/scheduled/cronjob.yaml",
        "examples/scheduled/sharded-fleet.yaml",
    ] {
        let out = std::process::Command::new(&python)
            .args(["-c", script])
            .arg(root().join(recipe))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{recipe}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let all: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
        assert!(!all.is_empty(), "{recipe} runs onus");
        for args in all {
            let help = onus().args([args[0].as_str(), "--help"]).output().unwrap();
            let text = String::from_utf8_lossy(&help.stdout);
            for flag in args.iter().filter(|a| a.starts_with("--")) {
                assert!(
                    text.contains(flag.as_str()),
                    "{recipe}: onus {} has no {flag}",
                    args[0]
                );
            }
        }
    }
    for unit in [
        "examples/scheduled/onus-audit.service",
        "examples/scheduled/crontab",
    ] {
        let text = std::fs::read_to_string(root().join(unit)).unwrap();
        for line in text
            .lines()
            .filter(|l| l.contains("onus audit") || l.contains("onus prune"))
        {
            for cmd in line.split("&&") {
                let words: Vec<&str> = cmd
                    .split_whitespace()
                    .skip_while(|w| !w.ends_with("onus"))
                    .skip(1)
                    .collect();
                let help = onus().args([words[0], "--help"]).output().unwrap();
                let text = String::from_utf8_lossy(&help.stdout);
                for flag in words.iter().filter(|w| w.starts_with("--")) {
                    assert!(
                        text.contains(flag),
                        "{unit}: onus {} has no {flag}",
                        words[0]
                    );
                }
            }
        }
    }
}

#[test]
fn a_store_failure_still_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let blocker = write(dir.path(), "not-a-dir", "x");
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--output",
        ])
        .arg(&out)
        .arg("--store")
        .arg(format!("sqlite:{}/h.db", blocker.display()))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the report was written but the run could not be stored",
        ));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("onus.report/v1")
    );
    onus()
        .args(["history", "--store", "mysql://x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unsupported store URL"));
    onus()
        .args([
            "history",
            "--store",
            "postgres://onus:secret-pass@127.0.0.1:1/x",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("postgres://onus:***@127.0.0.1:1/x")
                .and(predicate::str::contains("secret-pass").not()),
        );
}
