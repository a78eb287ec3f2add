//! The duties the model always leaves with the customer: threat detection and
//! data classification, `onus explain DUTY`, and classification raising severity.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::*;

fn audit(inventory: &std::path::Path, extra: &[&str]) -> Value {
    let out = onus()
        .args(["audit", "--format", "json", "--inventory"])
        .arg(inventory)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn duty<'a>(report: &'a Value, id: &str, duty: &str) -> &'a Value {
    &report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))["duties"][duty]
}

#[test]
fn explain_describes_both_duties_and_every_other() {
    for (name, words) in [
        (
            "threat-detection",
            ["customer", "DET001", "aws.iam.account"],
        ),
        (
            "data-classification",
            ["CLS001", "aws.s3.bucket", "restricted"],
        ),
        ("firewall", ["open to the internet", "NET001", "customer"]),
    ] {
        let out = onus().args(["explain", name]).output().unwrap();
        assert!(out.status.success(), "{name}");
        let text = String::from_utf8_lossy(&out.stdout);
        for w in words {
            assert!(text.contains(w), "{name}: {w} missing from\n{text}");
        }
    }
    let out = onus()
        .args(["explain", "threat-detection"])
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "explain_threat_detection",
        String::from_utf8_lossy(&out.stdout)
    );
}

const INVENTORY: &str = r#"{"schema": "onus.inventory/v1", "collected_at": "2026-11-20T00:00:00Z", "resources": [
  {"id": "arn:aws:iam::111122223333:root", "provider": "aws", "account": "111122223333", "kind": "aws.iam.account",
   "facets": {"threat_detection": {"service": "GuardDuty", "coverage": {"eu-west-1": true, "us-east-1": false}}}},
  {"id": "arn:aws:s3:::labelled", "provider": "aws", "account": "111122223333", "region": "eu-west-1", "kind": "aws.s3.bucket",
   "tags": {"data-classification": "restricted"},
   "facets": {"public_access": {"blocked": false}}},
  {"id": "arn:aws:s3:::unlabelled", "provider": "aws", "account": "111122223333", "region": "eu-west-1", "kind": "aws.s3.bucket",
   "tags": {"team": "web"},
   "facets": {"public_access": {"blocked": false}}},
  {"id": "arn:aws:s3:::odd-label", "provider": "aws", "account": "111122223333", "region": "eu-west-1", "kind": "aws.s3.bucket",
   "tags": {"Classification": "Top-Secret"}},
  {"id": "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1", "provider": "aws", "account": "111122223333", "region": "eu-west-1", "kind": "aws.ec2.vpc"}
]}"#;

#[test]
fn threat_detection_and_classification_in_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(dir.path(), "inventory.json", INVENTORY);
    let report = audit(&inv, &[]);
    let td = duty(
        &report,
        "arn:aws:iam::111122223333:root",
        "threat-detection",
    );
    assert_eq!(td["status"], "unaddressed");
    assert_eq!(td["owner"], "customer");
    assert!(td["reason"].as_str().unwrap().contains("us-east-1"), "{td}");
    assert_eq!(
        duty(&report, "arn:aws:s3:::labelled", "data-classification")["status"],
        "addressed"
    );
    assert_eq!(
        duty(&report, "arn:aws:s3:::unlabelled", "data-classification")["status"],
        "unaddressed"
    );
    let odd = duty(&report, "arn:aws:s3:::odd-label", "data-classification");
    assert_eq!(odd["status"], "unaddressed");
    assert!(
        odd["reason"].as_str().unwrap().contains("Top-Secret"),
        "{odd}"
    );
    // Out of scope: a VPC holds no data, a bucket is not an account.
    let vpc = duty(
        &report,
        "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1",
        "data-classification",
    );
    assert_eq!(vpc["status"], "not_applicable");
    assert_eq!(
        duty(&report, "arn:aws:s3:::labelled", "threat-detection")["status"],
        "not_applicable"
    );
}

#[test]
fn a_gap_on_restricted_data_sorts_above_the_same_gap_on_unlabelled_data() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(dir.path(), "inventory.json", INVENTORY);
    let report = audit(&inv, &[]);
    let findings = report["findings"].as_array().unwrap();
    let position = |resource: &str| {
        findings
            .iter()
            .position(|f| f["rule"] == "PUB001" && f["resource"] == resource)
            .unwrap_or_else(|| panic!("PUB001 on {resource}"))
    };
    let (labelled, unlabelled) = (
        position("arn:aws:s3:::labelled"),
        position("arn:aws:s3:::unlabelled"),
    );
    assert!(labelled < unlabelled, "restricted first");
    let raised = &findings[labelled];
    let plain = &findings[unlabelled];
    assert_ne!(raised["severity"], plain["severity"]);
    assert!(
        raised["message"]
            .as_str()
            .unwrap()
            .contains("labelled 'restricted'"),
        "{raised}"
    );
    // The table shows it too.
    let table = onus()
        .args(["audit", "--format", "table", "--inventory"])
        .arg(&inv)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("severity raised"));
}

#[test]
fn the_classification_policy_is_configurable_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(dir.path(), "inventory.json", INVENTORY);
    let config = write(
        dir.path(),
        "onus.toml",
        "[classification]\nkeys = [\"Classification\"]\nscale = [\"public\", \"top-secret\"]\nraise = [\"top-secret\"]\n",
    );
    let report = audit(&inv, &["--config", config.to_str().unwrap()]);
    assert_eq!(
        duty(&report, "arn:aws:s3:::odd-label", "data-classification")["status"],
        "addressed"
    );
    assert_eq!(
        duty(&report, "arn:aws:s3:::labelled", "data-classification")["status"],
        "unaddressed"
    );
    let bad = write(
        dir.path(),
        "bad.toml",
        "[classification]\nscale = [\"public\"]\nraise = [\"restricted\"]\n",
    );
    onus()
        .args(["audit", "--inventory"])
        .arg(&inv)
        .args(["--config", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("classification.raise"))
        .stderr(predicate::str::contains("'restricted' is not on the scale"));
}
