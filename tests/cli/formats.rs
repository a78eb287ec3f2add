//! Every output format: written, validated by an independent validator where one exists, baselines and waivers.

use predicates::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::*;

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

pub(crate) fn all_formats(dir: &Path) {
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--format",
            "json,sarif,junit,ocsf,markdown,csv,html",
            // The validators check the compliance view too (SARIF tags,
            // OCSF compliance objects, the HTML pages in a browser).
            "--framework",
            "ccm-4.0",
            "--output",
        ])
        .arg(dir)
        .assert()
        .code(1);
}

#[test]
fn seven_formats_are_written() {
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
    assert_eq!(rows, 1 + report["resources"].as_array().unwrap().len() * 11);
    insta::assert_snapshot!(
        "demo_markdown",
        std::fs::read_to_string(dir.path().join("onus.md")).unwrap()
    );
}

#[test]
#[cfg_attr(
    onus_missing_multitool,
    ignore = "needs sarif-multitool (npm) in .tools: run scripts/test with npm on the PATH"
)]
fn sarif_validates_with_the_sarif_multitool() {
    let dir = tempfile::tempdir().unwrap();
    all_formats(dir.path());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("onus.json")).unwrap())
            .unwrap();
    let _ = &report;
    {
        let multitool = tool(
            "sarif",
            std::env::var_os("ONUS_SARIF_MULTITOOL").map_or_else(
                || root().join(".tools/node_modules/.bin/sarif-multitool"),
                PathBuf::from,
            ),
        );
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
}

#[test]
#[cfg_attr(
    onus_missing_python_validators,
    ignore = "needs the Python validators in .venv: run scripts/test, which installs them"
)]
fn ocsf_and_junit_validate_with_independent_validators() {
    let dir = tempfile::tempdir().unwrap();
    all_formats(dir.path());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("onus.json")).unwrap())
            .unwrap();
    {
        let python = tool("python validators", root().join(".venv/bin/python"));
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
}

#[test]
#[cfg_attr(
    onus_missing_chromium,
    ignore = "needs Chromium at /usr/bin/chromium (Debian package chromium)"
)]
fn html_filters_run_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    all_formats(dir.path());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("onus.json")).unwrap())
            .unwrap();
    {
        let chromium = tool("html", PathBuf::from("/usr/bin/chromium"));
        let profile = tempfile::tempdir().unwrap();
        let page = format!(
            // A hostile key first: it must not stop the filters from running.
            "file://{}#a%22%5D=1&a\"]=1&status=unaddressed&provider=azure",
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
        // Without a fragment the page opens on the gaps, most severe first,
        // with severity, fix, account and region, and a chart at a glance.
        let plain = std::process::Command::new("/usr/bin/chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("file://{}", dir.path().join("onus.html").display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&plain.stdout);
        let gaps = report["summary"]["statuses"]["unaddressed"]
            .as_u64()
            .unwrap();
        assert!(
            dom.contains(&format!("id=\"shown\">{gaps}<")),
            "opens on the {gaps} gaps"
        );
        for header in [
            "<th>severity</th>",
            "<th>fix</th>",
            "<th>account</th>",
            "<th>region</th>",
        ] {
            assert!(dom.contains(header), "{header}");
        }
        let body = &dom[dom.find("<tbody>").unwrap()..];
        let first_row = &body[..body.find("</tr>").unwrap()];
        assert!(
            first_row.contains("class=\"unaddressed\"") && first_row.contains(">critical<"),
            "the first row is a critical gap: {first_row}"
        );
        assert!(dom.contains("id=\"glance\""), "the chart at a glance");
        assert!(!dom.contains("not_applicable<"), "one label per status");
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
#[cfg_attr(
    onus_missing_chromium,
    ignore = "needs Chromium at /usr/bin/chromium (Debian package chromium)"
)]
fn html_ledger_fits_1400_pixels_with_its_fix_column_and_whole_account_ids() {
    let dir = tempfile::tempdir().unwrap();
    all_formats(dir.path());
    let html = std::fs::read_to_string(dir.path().join("onus.html")).unwrap();
    // A probe appended to a copy of the page measures the laid-out ledger.
    let probe = "<script>const t=document.getElementById('ledger');\
        const fix=t.querySelector('thead th:last-child').getBoundingClientRect();\
        const accts=[...t.querySelectorAll('td.acct')].filter(c=>c.offsetParent);\
        const lines=accts.map(c=>Math.round(c.getBoundingClientRect().height/parseFloat(getComputedStyle(c).lineHeight||'16')));\
        document.body.setAttribute('data-probe',JSON.stringify({w:innerWidth,fix:Math.round(fix.right),accts:accts.length,\
        wrapped:accts.filter(c=>c.scrollWidth>c.clientWidth||getComputedStyle(c).whiteSpace!=='nowrap').length}));</script></body>";
    let page = dir.path().join("probe.html");
    std::fs::write(&page, html.replace("</body>", probe)).unwrap();
    let chromium = tool(
        "html_ledger_fits_1400_pixels_with_its_fix_column_and_whole_account_ids",
        PathBuf::from("/usr/bin/chromium"),
    );
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1400,900",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("data-probe=\"").expect("the probe ran") + 12;
    let json = dom[start..start + dom[start..].find('"').unwrap()].replace("&quot;", "\"");
    let probe: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(probe["w"], 1400, "{probe}");
    assert!(probe["accts"].as_u64().unwrap() > 0, "{probe}");
    assert!(
        probe["fix"].as_i64().unwrap() <= 1400,
        "the fix column ends past the window: {probe}"
    );
    assert_eq!(probe["wrapped"], 0, "an account id wraps: {probe}");
}
