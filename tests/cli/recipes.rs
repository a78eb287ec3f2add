//! The CI and scheduler recipes in `examples/`: they parse and call real flags.

use crate::util::*;

#[test]
#[cfg_attr(
    onus_missing_python_validators,
    ignore = "needs the Python validators in .venv: run scripts/test, which installs them"
)]
fn ci_recipes_parse_and_run_real_commands() {
    let python = tool("ci recipes", root().join(".venv/bin/python"));
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

#[test]
#[cfg_attr(
    onus_missing_python_validators,
    ignore = "needs the Python validators in .venv: run scripts/test, which installs them"
)]
fn scheduled_recipes_parse_and_use_real_flags() {
    let python = tool("scheduled recipes", root().join(".venv/bin/python"));
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
