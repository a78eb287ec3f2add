//! Helpers shared by every test module: the binary, the demo inventory, temp inputs, optional validators.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn demo() -> PathBuf {
    root().join("examples/demo/inventory.json")
}

pub(crate) fn onus() -> Command {
    let mut cmd = Command::cargo_bin("onus").expect("the onus binary is built");
    cmd.current_dir(root()).env_remove("NO_COLOR");
    cmd
}

pub(crate) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test input");
    path
}

pub(crate) fn demo_report() -> Value {
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

pub(crate) const CLEAN: &str = r#"{"schema": "onus.inventory/v1", "collected_at": "2026-11-20T00:00:00Z", "resources": [
  {"id": "vol-1", "provider": "aws", "account": "111122223333", "region": "eu-west-1", "kind": "aws.ec2.ebs-encryption-default",
   "facets": {"encryption_at_rest": {"by_default": true}}}
]}"#;

/// A validator tool, or `None` (with a visible message) outside CI.
pub(crate) fn tool(test: &str, path: PathBuf) -> Option<PathBuf> {
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

/// Every evidence pointer of a collected inventory resolves in its resource's
/// `raw` (the Rust mappers' and the catalog's declarative mappings' alike), and
/// there are more than `at_least` of them.
#[cfg(any(feature = "aws", feature = "azure", feature = "gcp"))]
pub(crate) fn assert_evidence_pointers_resolve(inventory: &Value, at_least: usize) {
    let mut broken = Vec::new();
    let mut checked = 0;
    for r in inventory["resources"].as_array().unwrap() {
        for (facet, pointer) in r["sources"].as_object().into_iter().flatten() {
            checked += 1;
            if r["raw"].pointer(pointer.as_str().unwrap()).is_none() {
                broken.push(format!("{} {facet} -> {pointer}", r["id"]));
            }
        }
    }
    assert!(checked > at_least, "only {checked} pointers");
    assert!(
        broken.is_empty(),
        "unresolved evidence pointers:\n{}",
        broken.join("\n")
    );
}
