//! `onus audit` of inventory files, and the informational commands: acceptance, exit codes, located errors.

use predicates::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;

use crate::util::*;

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
        let classified = r["service_model"].is_string();
        models.insert(
            r["service_model"]
                .as_str()
                .unwrap_or("unclassified")
                .to_owned(),
        );
        for (duty, entry) in r["duties"].as_object().unwrap() {
            duties.insert(duty.clone());
            statuses.insert(entry["status"].as_str().unwrap().to_owned());
            assert!(
                (entry["owner"].is_string() || !classified)
                    && entry["reason"].as_str().is_some_and(|s| !s.is_empty()),
                "{entry}"
            );
        }
        // Resources seen only by enumeration are in the ledger, their customer
        // duties unknown, never passed or failed.
        if r["kind"] == "aws.sqs.queue" || r["kind"] == "aws.braket.quantum-task" {
            for entry in r["duties"].as_object().unwrap().values() {
                assert!(
                    ["unknown", "not_applicable"].contains(&entry["status"].as_str().unwrap()),
                    "{r}"
                );
            }
        }
    }
    // The coverage says what was looked at, and how deeply.
    let coverage = &report["coverage"];
    assert_eq!(coverage["totals"]["resources"], resources.len());
    assert_eq!(coverage["totals"]["enumerated_only"], 3);
    assert_eq!(coverage["totals"]["unclassified"], 1);
    assert_eq!(coverage["kinds"]["aws.sqs.queue"]["service_model"], "paas");
    assert_eq!(
        coverage["kinds"]["aws.braket.quantum-task"]["unclassified"],
        true
    );
    assert!(coverage["sources"].as_array().is_some_and(|s| s.len() == 3));
    assert_eq!(
        statuses,
        ["addressed", "not_applicable", "unaddressed", "unknown"]
            .map(String::from)
            .into()
    );
    assert_eq!(duties.len(), 11, "{duties:?}");
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
fn rules_lists_every_rule_with_the_kinds_it_judges() {
    let out = onus().args(["rules", "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let rules: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    // As many as the source defines, and as many as the README says.
    let mut defined = 0;
    for group in std::fs::read_dir(root().join("crates/onus-rules/src/rules")).unwrap() {
        let group = group.unwrap().path();
        if group.is_dir() {
            for file in std::fs::read_dir(group).unwrap() {
                let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
                defined += text.matches("declare_rule! {").count();
            }
        }
    }
    assert_eq!(rules.len(), defined);
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("\n{defined} rules, one file each")),
        "the README's rule count is stale"
    );
    // Every rule judges some kind of the catalog; ENC001 judges S3 buckets.
    for r in &rules {
        assert!(!r["kinds"].as_array().unwrap().is_empty(), "{r}");
    }
    let enc001 = rules.iter().find(|r| r["code"] == "ENC001").unwrap();
    assert!(
        enc001["kinds"]
            .as_array()
            .unwrap()
            .contains(&Value::from("aws.s3.bucket"))
    );
    onus().arg("rules").assert().success().stdout(
        predicate::str::contains("NET001")
            .and(predicate::str::contains("firewall"))
            .and(predicate::str::contains("critical")),
    );
}

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
    // After the table, the exit code, why, and where to go next.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("onus: exit 1: the --fail-on policy found gaps to close")
            && stderr.contains("--format html"),
        "{stderr}"
    );
    // The README's excerpt is the start of this very output.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("```text\nonus audit: ")
        .expect("the README shows the table")
        + 8;
    let excerpt = &readme[start..start + readme[start..].find("```").unwrap()];
    assert!(
        text.starts_with(excerpt),
        "the README's table excerpt is stale: copy the start of tests/cli/snapshots/cli__audit__demo_table.snap"
    );
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
fn stdin_inventory() {
    let text = std::fs::read_to_string(demo()).unwrap();
    onus()
        .args(["audit", "--format", "json", "--inventory", "-"])
        .write_stdin(text)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"inventory\": \"<stdin>\""));
}

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
    // A kind of a service the catalog does not know either: unclassified.
    let odd = write(
        dir.path(),
        "odder.json",
        &CLEAN.replace("aws.ec2.ebs-encryption-default", "aws.nosuchservice.thing"),
    );
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

/// A kind added by `--catalog` is judged by the rules its entry lists, on
/// facets its entry maps from `raw`; without `--require-customer-managed-keys`
/// ENC004 judges nothing and the coverage says so.
#[test]
fn a_catalog_kind_is_judged_by_the_rules_it_lists() {
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("examples/catalog-override.toml");
    let nb = |name: &str, raw: &str| {
        format!(
            r#"{{"id": "arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/{name}", "provider": "aws",
               "account": "111122223333", "region": "eu-west-1", "kind": "aws.sagemaker.notebook-instance",
               "raw": {raw}}}"#
        )
    };
    let arn =
        |name: &str| format!("arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/{name}");
    let inventory = format!(
        r#"{{"schema": "onus.inventory/v1", "resources": [{}, {}, {}]}}"#,
        nb(
            "team-key",
            &format!(
                r#"{{"NotebookInstanceArn": "{}", "KmsKeyId": "alias/team-key"}}"#,
                arn("team-key")
            )
        ),
        nb(
            "default-key",
            &format!(r#"{{"NotebookInstanceArn": "{}"}}"#, arn("default-key"))
        ),
        nb(
            "bare-id",
            &format!(
                r#"{{"NotebookInstanceArn": "{}", "KmsKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}}"#,
                arn("bare-id")
            )
        ),
    );
    let path = write(dir.path(), "notebooks.json", &inventory);
    let run = |extra: &[&str]| -> Value {
        let out = onus()
            .args(["audit", "--format", "json", "--catalog"])
            .arg(&example)
            .args(extra)
            .arg("--inventory")
            .arg(&path)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let status_of = |report: &Value, name: &str| -> (Value, Value) {
        let r = report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == arn(name))
            .unwrap();
        let e = &r["duties"]["encryption-at-rest"];
        (e["status"].clone(), e["rules"].clone())
    };
    let strict = run(&["--require-customer-managed-keys"]);
    assert_eq!(status_of(&strict, "team-key").0, "addressed");
    assert_eq!(status_of(&strict, "default-key").0, "unaddressed");
    assert_eq!(status_of(&strict, "bare-id").0, "unknown");
    assert_eq!(
        status_of(&strict, "team-key").1,
        serde_json::json!(["ENC004"])
    );
    assert!(strict["coverage"].get("not_evaluated").is_none());
    // Not required: the rule judges nothing, and the coverage names it.
    let relaxed = run(&[]);
    assert_eq!(status_of(&relaxed, "team-key").0, "unknown");
    assert_eq!(status_of(&relaxed, "team-key").1, Value::Null);
    assert_eq!(relaxed["coverage"]["not_evaluated"][0]["rule"], "ENC004");
    assert!(
        relaxed["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "ENC004")
    );
    onus()
        .args(["audit", "--format", "table", "--catalog"])
        .arg(&example)
        .arg("--inventory")
        .arg(&path)
        .assert()
        .stdout(predicate::str::contains(
            "not evaluated: ENC004 (customer-managed keys are not required",
        ));
    // A rule the catalog lists must exist.
    let bad = write(
        dir.path(),
        "bad.toml",
        "[kinds.\"aws.s3.bucket\"]\nrules = [\"NET999\"]\n",
    );
    onus()
        .args(["audit", "--catalog"])
        .arg(&bad)
        .arg("--inventory")
        .arg(demo())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml: at kinds.\"aws.s3.bucket\".rules: unknown rule 'NET999'",
        ));
    let malformed = write(
        dir.path(),
        "malformed.toml",
        "[kinds.\"aws.s3.bucket\"]\nrules = [\"net-1\"]\n",
    );
    onus()
        .args(["matrix", "--catalog"])
        .arg(&malformed)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("malformed rule code 'net-1'"));
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
        .stderr(predicate::str::contains("unknown rule or control 'NET999'"));
    onus()
        .args(["matrix", "--kind", "aws.nosuchservice.instances"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown resource kind"));
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
fn explain_firewall_states_the_address_model() {
    onus()
        .args(["explain", "firewall"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "firewall: what onus calls open to the internet",
        ))
        .stdout(predicate::str::contains("a /8 in IPv4"))
        .stdout(predicate::str::contains("ESP, AH, GRE and ICMP"))
        .stdout(predicate::str::contains("NET001"));
}

/// The review's case, end to end through an inventory file: a Deny of one
/// address at priority 100 before an Allow of everyone at 200 leaves SSH open;
/// an IPsec rule from anywhere opens no port.
#[test]
fn a_deny_of_one_address_leaves_ssh_open_and_ipsec_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = r#"{"schema": "onus.inventory/v1", "resources": [
      {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkSecurityGroups/nsg", "provider": "azure",
       "account": "s", "region": "westeurope", "kind": "azure.network.network-security-group",
       "facets": {"network": {"attached": true, "ingress": [
         {"name": "deny-one", "priority": 100, "access": "deny", "protocol": "tcp", "from_port": 22, "to_port": 22, "source": "203.0.113.7/32"},
         {"name": "ssh", "priority": 200, "access": "allow", "protocol": "tcp", "from_port": 22, "to_port": 22, "source": "0.0.0.0/0"}]}}},
      {"id": "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-ipsec", "provider": "aws",
       "account": "111122223333", "region": "eu-west-1", "kind": "aws.ec2.security-group",
       "facets": {"network": {"attached": true, "default_group": false, "ingress": [
         {"protocol": "esp", "source": "0.0.0.0/0"}, {"protocol": "ah", "source": "0.0.0.0/0"},
         {"protocol": "udp", "from_port": 500, "to_port": 500, "source": "0.0.0.0/0"}]}}}
    ]}"#;
    let path = write(dir.path(), "nets.json", inventory);
    let out = onus()
        .args(["audit", "--format", "json", "--inventory"])
        .arg(&path)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    let status = |suffix: &str| {
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"].as_str().unwrap().ends_with(suffix))
            .unwrap()["duties"]["firewall"]["status"]
            .clone()
    };
    assert_eq!(status("/nsg"), "unaddressed");
    assert_eq!(status("sg-ipsec"), "addressed");
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

/// A mapping that fails on one resource (a value of the wrong shape) is a
/// collection failure of that resource, cause `mapping`: the run goes on, the
/// other resources are audited, the report is written, and the exit code says
/// the audit is incomplete. Before, the whole audit stopped with exit 2.
#[test]
fn a_mapping_failure_is_a_gap_of_that_resource_not_the_end_of_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = r#"{"schema": "onus.inventory/v1", "resources": [
      {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.DocumentDB/databaseAccounts/odd", "provider": "azure",
       "account": "s", "region": "westeurope", "kind": "azure.documentdb.database-account", "raw": {"properties": []}},
      {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.DocumentDB/databaseAccounts/fine", "provider": "azure",
       "account": "s", "region": "westeurope", "kind": "azure.documentdb.database-account",
       "raw": {"properties": {"publicNetworkAccess": "Disabled", "disableLocalAuth": true}}}
    ]}"#;
    let path = write(dir.path(), "odd.json", inventory);
    let out = onus()
        .args(["audit", "--format", "json", "--inventory"])
        .arg(&path)
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["resources"].as_array().unwrap().len(), 2);
    let gaps = report["gaps"].as_array().unwrap();
    assert!(!gaps.is_empty());
    for g in gaps {
        assert_eq!(g["cause"], "mapping", "{g}");
        assert!(g["resources"][0].as_str().unwrap().ends_with("/odd"), "{g}");
        assert!(
            g["error"].as_str().unwrap().contains("an empty array"),
            "{g}"
        );
    }
    let odd = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_str().unwrap().ends_with("/odd"))
        .unwrap();
    assert_eq!(odd["duties"]["public-access"]["status"], "unknown", "{odd}");
    let fine = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_str().unwrap().ends_with("/fine"))
        .unwrap();
    assert_eq!(
        fine["duties"]["public-access"]["status"], "addressed",
        "{fine}"
    );
}
