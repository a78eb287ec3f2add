//! `onus plan`: pre-migration assessments from asset lists.

use predicates::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;

use crate::util::*;

pub(crate) fn plan_json(args: &[&str]) -> (Option<i32>, Value) {
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
                assert_eq!(t["duties"].as_array().unwrap().len(), 11);
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

#[test]
fn plan_table_names_each_target_once_and_says_why_an_asset_has_none() {
    let out = onus()
        .args([
            "plan",
            "--assets",
            "examples/premigration/assets.csv",
            "--target",
            "aws",
            "--format",
            "table",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("no target: its own target azure.sql.server is not a kind of the cloud planned for (aws); plan with --target azure"),
        "{text}"
    );
    assert!(
        !text.contains("aws aws."),
        "the cloud is not repeated before the kind"
    );
    // Off a terminal the tables fit 100 columns, as the audit's prose does.
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    // After the table, what to do next, on standard error.
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("onus plan: exit 0: a plan alone fails nothing. Next: `--format html"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One duty a line: no duty name is split across lines.
    for duty in [
        "encryption-in-transit",
        "runtime-updates",
        "guest-os-patching",
    ] {
        assert!(text.contains(duty), "{duty}");
    }
}

#[test]
#[cfg_attr(
    onus_missing_python_validators,
    ignore = "needs the Python validators in .venv: run scripts/test, which installs them"
)]
fn plan_markdown_parses_with_each_assets_duties_in_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    // Asset names an attacker or a careless CMDB could hold.
    let assets = write(
        dir.path(),
        "assets.csv",
        "name,kind,classification,internet_facing,strategy\n\
         \"[click](https://evil.example) <img src=x onerror=alert(1)>\",database,confidential,no,replatform\n\
         \"# heading @admins www.evil.example\",server,internal,yes,rehost\n\
         plain-app,web-application,internal,yes,replatform\n",
    );
    let out = onus()
        .args([
            "plan", "--target", "both", "--format", "markdown", "--assets",
        ])
        .arg(&assets)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = dir.path().join("plan.md");
    std::fs::write(&md, &out.stdout).unwrap();
    let python = tool(
        "plan_markdown_parses_with_each_assets_duties_in_one_cell",
        root().join(".venv/bin/python"),
    );
    let check = std::process::Command::new(python)
        .arg(root().join("tests/adversarial/check_markdown.py"))
        .arg("--plan")
        .arg(&md)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let result: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(result["problems"], serde_json::json!([]), "{result:#}");
    // Every asset row (strategy, target, layers, moves, shared, stays) holds
    // its duties in its cells: no duty name spills into a row of its own.
    let duty_names: Vec<&str> = [
        "encryption-at-rest",
        "encryption-in-transit",
        "public-access",
        "identity-access",
        "guest-os-patching",
        "firewall",
        "logging",
        "backup",
        "runtime-updates",
        "threat-detection",
        "data-classification",
    ]
    .to_vec();
    let asset_rows: Vec<&Value> = result["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.as_array().unwrap().len() == 6)
        .collect();
    // Three assets, each planned for two clouds.
    assert_eq!(asset_rows.len(), 6, "{result:#}");
    for row in asset_rows {
        let cells: Vec<&str> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(["rehost", "replatform"].contains(&cells[0]), "{cells:?}");
        let listed: Vec<&str> = cells[3..]
            .iter()
            .flat_map(|c| c.split(", "))
            .filter(|d| *d != "-")
            .collect();
        // Each a duty, once (a duty with no object on the target, such as
        // threat detection on a database, is in no column).
        assert!(listed.iter().all(|d| duty_names.contains(d)), "{cells:?}");
        let unique: BTreeSet<&&str> = listed.iter().collect();
        assert!(
            unique.len() == listed.len() && !listed.is_empty(),
            "{cells:?}"
        );
    }
}
