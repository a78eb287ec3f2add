//! The AWS collector against moto: the seeded estate, read-only proof, canary credentials, unreachable endpoints.

use predicates::prelude::*;
use serde_json::Value;

use crate::moto::*;
use crate::util::*;

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
