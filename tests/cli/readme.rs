//! The README, true: its lists and figures checked against the code where a
//! test can (the rule count and the demo excerpt are checked in `audit`).

use crate::util::*;

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The text between a heading and the next heading of the same level.
fn section(text: &str, heading: &str) -> String {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("no section {heading}"));
    let body = &text[start + heading.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end].to_owned()
}

#[test]
fn the_first_sentence_names_every_cloud_and_tenant_onus_collects() {
    let text = readme();
    // The first paragraph after the title.
    let body = &text[text.find("\n\n").unwrap() + 2..];
    let first = &body[..body.find("\n\n").unwrap()];
    let help = onus().args(["collect", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    // The CLOUD argument's values, before the options and their own values.
    let help = &help[help.find("Arguments:").unwrap()..help.find("Options:").unwrap()];
    for (value, name) in [
        ("aws", "AWS"),
        ("azure", "Azure"),
        ("gcp", "Google Cloud"),
        ("m365", "Microsoft 365"),
        ("workspace", "Google Workspace"),
        ("dropbox", "Dropbox"),
    ] {
        assert!(
            help.contains(&format!("- {value}:")),
            "`onus collect` has no {value}"
        );
        assert!(
            first.contains(name),
            "the README's first sentence omits {name}: {first}"
        );
    }
    // And no more than onus has.
    let values = help.matches("\n          - ").count();
    assert_eq!(
        values, 6,
        "a cloud the README test does not know: update both"
    );
}

#[test]
fn the_repository_layout_lists_every_crate_config_file_and_test_module() {
    let layout = section(&readme(), "## Repository layout");
    for dir in std::fs::read_dir(root().join("crates")).unwrap() {
        let name = dir.unwrap().file_name().into_string().unwrap();
        assert!(
            layout.contains(&format!("crates/{name} ")),
            "crates/{name} is missing from the layout"
        );
    }
    for file in std::fs::read_dir(root().join("config")).unwrap() {
        let file = file.unwrap();
        if file.file_type().unwrap().is_file() && file.file_name() != "onus.example.toml" {
            let name = file.file_name().into_string().unwrap();
            assert!(
                layout.contains(&name),
                "config/{name} is missing from the layout"
            );
        }
    }
    for file in std::fs::read_dir(root().join("tests/cli")).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        let Some(module) = name.strip_suffix(".rs") else {
            continue;
        };
        if module != "main" {
            assert!(
                layout.contains(module),
                "tests/cli/{name} is missing from the layout"
            );
        }
    }
}

#[test]
fn the_features_the_readme_names_are_the_manifests() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let features: Vec<&str> = manifest
        .split("[features]")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim()))
        .filter(|k| *k != "default" && !k.starts_with('#'))
        .collect();
    assert!(features.len() >= 4, "{features:?}");
    let text = readme();
    let sentence = text
        .lines()
        .find(|l| l.contains("features (on by default)"))
        .expect("the README names the collector features");
    for f in features {
        assert!(
            sentence.contains(&format!("`{f}`")),
            "the README does not name the `{f}` feature"
        );
    }
}

#[test]
fn every_command_in_the_commands_section_parses() {
    let commands = section(&readme(), "## Commands");
    // Each `onus SUBCOMMAND` the section shows is a subcommand with --help.
    let mut seen = std::collections::BTreeSet::new();
    for line in commands.lines() {
        let Some(rest) = line.trim_start().strip_prefix("onus ") else {
            continue;
        };
        let sub = rest.split_whitespace().next().unwrap_or_default();
        if seen.insert(sub.to_owned()) {
            let out = onus().args([sub, "--help"]).output().unwrap();
            assert_eq!(out.status.code(), Some(0), "onus {sub} --help");
        }
    }
    assert!(seen.len() >= 10, "{seen:?}");
}
