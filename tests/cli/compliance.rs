//! Compliance views: `onus frameworks`, `--framework` in every output, `onus
//! explain CONTROL`, user framework files, the store's trend, and `onus plan
//! --framework`.

use predicates::prelude::*;
use serde_json::Value;

use crate::store::{Backend, test_store};
use crate::util::*;

/// The demo audited with `--framework` for each of `frameworks`, as JSON.
fn demo_with(frameworks: &str) -> Value {
    let out = onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--format",
            "json",
            "--framework",
            frameworks,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn control<'a>(framework: &'a Value, id: &str) -> &'a Value {
    framework["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn frameworks_lists_ccm_cis_for_three_clouds_and_nist() {
    let out = onus()
        .args(["frameworks", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "ccm-4.0",
            "cis-aws-5.0",
            "cis-azure-4.0",
            "cis-gcp-4.0",
            "nist-800-53-r5"
        ]
    );
    assert_eq!(list[0]["controls"], 197);
    let table = onus().arg("frameworks").output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    for id in ids {
        assert!(text.contains(id), "{text}");
    }
    assert!(text.contains("5 frameworks."), "{text}");
}

#[test]
fn the_json_report_carries_every_ccm_control_with_its_owners_and_status() {
    let report = demo_with("ccm-4.0");
    let ccm = &report["compliance"][0];
    assert_eq!(ccm["id"], "ccm-4.0");
    let controls = ccm["controls"].as_array().unwrap();
    assert_eq!(controls.len(), 197);
    for c in controls {
        for model in ["iaas", "paas", "saas"] {
            let owner = c["ownership"][model].as_str().unwrap_or_default();
            assert!(
                ["customer", "shared", "provider"].contains(&owner),
                "{} {model}",
                c["id"]
            );
        }
        // A governance control no API shows is never addressed.
        if c.get("manual").is_some() {
            assert!(
                ["manual", "not_applicable"].contains(&c["status"].as_str().unwrap()),
                "{}",
                c["id"]
            );
        }
    }
    // The demo has unencrypted stores and open firewalls: the controls over
    // encryption at rest and network security are unaddressed, with the
    // resources that fail them.
    for id in ["CEK-03", "IVS-03", "IVS-09"] {
        let c = control(ccm, id);
        assert_eq!(c["status"], "unaddressed", "{id}: {c}");
        let gaps = c["gaps"].as_array().unwrap();
        assert!(gaps.iter().any(|g| g["status"] == "unaddressed"), "{id}");
        assert_eq!(
            gaps.iter().filter(|g| g["status"] == "unaddressed").count() as u64,
            c["counts"]["unaddressed"].as_u64().unwrap()
        );
    }
    assert_eq!(control(ccm, "GRC-05")["status"], "manual");
    // Physical security is the provider's for every cloud resource, and the
    // customer's for the demo's on-premises servers: verify by hand.
    let dcs09 = control(ccm, "DCS-09");
    assert_eq!(dcs09["status"], "manual");
    assert!(dcs09["owners"]["provider"].as_u64().unwrap() > 0);
    assert!(dcs09["owners"]["customer"].as_u64().unwrap() > 0);
    let statuses = &ccm["summary"]["statuses"];
    let total: u64 = statuses
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 197);
}

#[test]
fn the_json_compliance_member_is_golden_for_nist() {
    let report = demo_with("nist-800-53-r5");
    let view: Vec<Value> = report["compliance"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c["id"], "status": c["status"], "reason": c["reason"],
                "counts": c["counts"], "owners": c["owners"],
            })
        })
        .collect();
    insta::assert_json_snapshot!("nist_json", view);
}

fn demo_to_dir(dir: &std::path::Path, formats: &str, frameworks: &str) {
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--format",
            formats,
            "--framework",
            frameworks,
            "--output",
        ])
        .arg(dir)
        .assert()
        .code(1);
}

#[test]
fn every_output_format_carries_the_compliance_view() {
    let dir = tempfile::tempdir().unwrap();
    demo_to_dir(
        dir.path(),
        "json,table,markdown,html,sarif,ocsf,compliance-csv",
        "ccm-4.0,nist-800-53-r5",
    );
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
    let report: Value = serde_json::from_str(&read("onus.json")).unwrap();

    // Table: a summary line per framework and the failing controls.
    let table = read("onus.txt");
    let at = table.find("Compliance: NIST").expect("NIST section");
    insta::assert_snapshot!("nist_table", &table[at..]);
    assert!(table.contains("Compliance: CSA Cloud Controls Matrix 4.0 (ccm-4.0)"));

    // Markdown: the same, as a table a pull request renders.
    let md = read("onus.md");
    let at = md.find("### Compliance: NIST").expect("NIST section");
    let end = md[at..].find("\n### ").map_or(md.len(), |e| at + e);
    insta::assert_snapshot!("nist_markdown", &md[at..end]);

    // HTML: a page per framework, controls grouped by domain, the resources folded.
    let html = read("onus.html");
    assert!(html.contains("id=\"compliance-ccm-4.0\""));
    assert!(html.contains("<h3>Cryptography, encryption and key management</h3>"));
    assert_eq!(html.matches("<section class=\"compliance\"").count(), 2);
    assert!(html.contains("resource(s) with gaps</summary>"));

    // SARIF: the controls a rule evidences are tags of the rule.
    let sarif: Value = serde_json::from_str(&read("onus.sarif")).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let enc = rules.iter().find(|r| r["id"] == "ENC001").unwrap();
    let tags: Vec<&str> = enc["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        tags.contains(&"ccm-4.0/CEK-03") && tags.contains(&"nist-800-53-r5/SC-28"),
        "{tags:?}"
    );

    // OCSF: each Compliance Finding names the standards and requirements.
    let ocsf: Value = serde_json::from_str(&read("onus.ocsf.json")).unwrap();
    let event = ocsf
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["compliance"]["control"] == "ENC001")
        .unwrap();
    let c = &event["compliance"];
    assert_eq!(c["status"], "Fail");
    assert!(
        c["standards"]
            .as_array()
            .unwrap()
            .contains(&Value::from("ccm-4.0"))
    );
    assert!(
        c["requirements"]
            .as_array()
            .unwrap()
            .contains(&Value::from("ccm-4.0 CEK-03"))
    );

    // Compliance CSV: one row per control and resource it applies to, one per
    // manual control; the rows agree with the JSON counts.
    let csv = read("onus.compliance.csv");
    let mut rows = ::csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<::csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let mut expected = 0u64;
    for f in report["compliance"].as_array().unwrap() {
        for c in f["controls"].as_array().unwrap() {
            if c.get("manual").is_some() {
                expected += 1;
            } else {
                expected += c["counts"]
                    .as_object()
                    .unwrap()
                    .values()
                    .map(|v| v.as_u64().unwrap())
                    .sum::<u64>();
            }
        }
    }
    assert_eq!(records.len() as u64, expected);
    let head: String = csv.lines().take(1).collect();
    assert_eq!(
        head,
        "framework,control,domain,title,control_status,resource,kind,service_model,owner,status"
    );
    let cek03: Vec<_> = records
        .iter()
        .filter(|r| &r[0] == "ccm-4.0" && &r[1] == "CEK-03" && &r[9] == "unaddressed")
        .collect();
    assert_eq!(
        cek03.len() as u64,
        control(&report["compliance"][0], "CEK-03")["counts"]["unaddressed"]
            .as_u64()
            .unwrap()
    );
    insta::assert_snapshot!(
        "nist_csv_head",
        csv.lines()
            .filter(|l| l.starts_with("nist-800-53-r5,SC-28,"))
            .take(6)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn explain_shows_a_control_its_owners_and_how_it_is_assessed() {
    let out = onus().args(["explain", "IVS-04"]).output().unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("explain_ivs04", String::from_utf8_lossy(&out.stdout));
    // An id several frameworks use must be qualified.
    onus()
        .args(["explain", "1.4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cis-aws-5.0:1.4"));
    onus()
        .args(["explain", "cis-aws-5.0:1.4"])
        .assert()
        .success()
        .stdout(predicate::str::contains("rule IAM002"));
    onus()
        .args(["explain", "GRC-05"])
        .assert()
        .success()
        .stdout(predicate::str::contains("never `addressed`"));
    onus()
        .args(["explain", "XYZ-99"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule or control 'XYZ-99'"))
        .stderr(predicate::str::contains("onus frameworks"));
}

const HOUSE: &str = r#"id = "house-rules"
title = "House rules"
version = "2026.1"
source = "our security team"

[[control]]
id = "H-1"
title = "Nothing open to the internet"
duties = ["firewall", "public-access"]

[[control]]
id = "H-2"
title = "A named owner for every account"
manual = "ownership is written in the CMDB"
"#;

#[test]
fn a_user_framework_joins_the_list_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "house.toml", HOUSE);
    let out = onus()
        .args(["frameworks", "--frameworks"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("house-rules"));
    let out = onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--format",
            "json",
            "--framework",
            "house-rules",
            "--frameworks",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let house = &report["compliance"][0];
    assert_eq!(house["id"], "house-rules");
    assert_eq!(control(house, "H-1")["status"], "unaddressed");
    assert_eq!(control(house, "H-2")["status"], "manual");
    onus()
        .args(["explain", "H-1", "--frameworks"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("duty public-access"));
}

#[test]
fn bad_framework_input_is_a_clear_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let audit = |extra: &[&str]| {
        let mut cmd = onus();
        cmd.args(["audit", "--inventory", "examples/demo/inventory.json"])
            .args(extra);
        cmd.assert()
    };
    audit(&["--framework", "ccm-5"])
        .code(2)
        .stderr(predicate::str::contains("unknown framework 'ccm-5'"))
        .stderr(predicate::str::contains("ccm-4.0"));
    audit(&["--format", "compliance-csv"])
        .code(2)
        .stderr(predicate::str::contains("compliance-csv needs --framework"));
    write(
        dir.path(),
        "bad.toml",
        &HOUSE.replace("\"firewall\"", "\"firewal\""),
    );
    let dir_arg = dir.path().display().to_string();
    audit(&["--framework", "house-rules", "--frameworks", &dir_arg])
        .code(2)
        .stderr(predicate::str::contains("bad.toml:9:"))
        .stderr(predicate::str::contains("firewal"));
    let unknown_rule = HOUSE.replace(
        "duties = [\"firewall\", \"public-access\"]",
        "rules = [\"NET999\"]",
    );
    assert_ne!(unknown_rule, HOUSE);
    std::fs::write(dir.path().join("bad.toml"), unknown_rule).unwrap();
    audit(&["--framework", "house-rules", "--frameworks", &dir_arg])
        .code(2)
        .stderr(predicate::str::contains("no rule 'NET999'"));
    let empty = tempfile::tempdir().unwrap();
    audit(&["--frameworks", &empty.path().display().to_string()])
        .code(2)
        .stderr(predicate::str::contains("holds no *.toml framework file"));
}

#[test]
fn the_store_keeps_each_runs_controls_and_history_shows_the_trend() {
    let store = test_store("compliance", Backend::Sqlite);
    for _ in 0..2 {
        onus()
            .args([
                "audit",
                "--inventory",
                "examples/demo/inventory.json",
                "--framework",
                "nist-800-53-r5",
                "--output",
                "/dev/null",
                "--store",
                &store.url,
            ])
            .assert()
            .code(1);
    }
    let out = onus()
        .args([
            "history",
            "--framework",
            "nist-800-53-r5",
            "--format",
            "json",
            "--store",
            &store.url,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let points: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(points.as_array().unwrap().len(), 2);
    let demo = demo_with("nist-800-53-r5");
    assert_eq!(
        points[1]["statuses"],
        demo["compliance"][0]["summary"]["statuses"]
    );
    assert!(
        points[1]["failing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f[0] == "SC-28")
    );
    // A stored run re-rendered with another framework gains its view.
    let runs: Value = serde_json::from_slice(
        &onus()
            .args(["history", "--format", "json", "--store", &store.url])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let run = runs[0]["id"].as_str().unwrap();
    let out = onus()
        .args([
            "report",
            "--run",
            run,
            "--format",
            "json",
            "--framework",
            "ccm-4.0",
            "--store",
            &store.url,
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["compliance"][0]["id"], "ccm-4.0");
    onus()
        .args([
            "history",
            "--framework",
            "cis-gcp-4.0",
            "--store",
            &store.url,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "no run stored with the cis-gcp-4.0 view",
        ));
}

#[test]
fn plan_shows_the_controls_that_change_owner_in_a_move() {
    let out = onus()
        .args([
            "plan",
            "--assets",
            "examples/premigration/assets.csv",
            "--framework",
            "ccm-4.0",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    let moves = plan["compliance"].as_array().unwrap();
    let vm_to_db = moves
        .iter()
        .find(|m| m["from"] == "iaas" && m["to"] == "paas")
        .expect("a rehost and a replatform target");
    let ivs04 = vm_to_db["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "IVS-04")
        .expect("OS hardening changes owner");
    assert_eq!(
        (ivs04["from"].as_str(), ivs04["to"].as_str()),
        (Some("shared"), Some("provider"))
    );
    let onprem = moves
        .iter()
        .find(|m| m["from"] == "on-premises" && m["to"] == "iaas")
        .unwrap();
    assert!(
        onprem["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "DCS-09" && c["to"] == "provider")
    );
    let md = onus()
        .args([
            "plan",
            "--assets",
            "examples/premigration/assets.csv",
            "--framework",
            "ccm-4.0",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&md.stdout)
            .contains("ccm-4.0: iaas → paas: 3 control(s) change owner")
    );
    onus()
        .args([
            "plan",
            "--assets",
            "examples/premigration/assets.csv",
            "--framework",
            "nist-800-53-r5",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("gives no owner per service model"));
}
