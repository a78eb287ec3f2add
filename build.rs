//! Finds, for the end-to-end tests, which optional test tools this machine has,
//! so that a test needing a missing one is reported as *ignored, with the
//! reason* in the test summary, never as a silent pass. With `CI` set nothing
//! is ignored: every tool must be there and a missing one fails its test.

use std::path::Path;

fn venv_has(module: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(".venv/lib") else {
        return false;
    };
    entries
        .filter_map(Result::ok)
        .any(|e| e.path().join("site-packages").join(module).exists())
}

fn main() {
    let flags = [
        "onus_missing_moto",
        "onus_missing_python_validators",
        "onus_missing_multitool",
        "onus_missing_chromium",
        "onus_missing_postgres",
        "onus_not_root",
    ];
    println!("cargo::rustc-check-cfg=cfg({})", flags.join(", "));
    for var in [
        "CI",
        "ONUS_TEST_TOOLS",
        "ONUS_MOTO_SERVER",
        "ONUS_SARIF_MULTITOOL",
        "ONUS_TEST_POSTGRES_ADMIN",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    // Installing into .venv or .tools changes these directories. Only paths
    // that exist are watched: cargo reruns a build script that watches a
    // missing path on every build, which rebuilds and relinks the binary each
    // time. A tool that appears later is noticed through ONUS_TEST_TOOLS,
    // which the test command (scripts/test) sets to the tools it finds.
    for path in [
        ".venv/bin",
        ".venv/lib",
        ".tools/node_modules/.bin",
        "/usr/bin/chromium",
    ] {
        if Path::new(path).exists() {
            println!("cargo::rerun-if-changed={path}");
        }
    }
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("CI").is_some() {
        return;
    }
    let moto = std::env::var_os("ONUS_MOTO_SERVER").map_or_else(
        || Path::new(".venv/bin/moto_server").exists(),
        |p| Path::new(&p).exists(),
    );
    let validators = Path::new(".venv/bin/python").exists()
        && ["junitparser", "py_ocsf_models", "yaml", "markdown_it"]
            .iter()
            .all(|m| venv_has(m));
    let multitool = std::env::var_os("ONUS_SARIF_MULTITOOL").map_or_else(
        || Path::new(".tools/node_modules/.bin/sarif-multitool").exists(),
        |p| Path::new(&p).exists(),
    );
    let chromium = Path::new("/usr/bin/chromium").exists();
    let postgres = std::env::var("ONUS_TEST_POSTGRES_ADMIN").is_ok_and(|v| !v.is_empty());
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    for (present, flag) in [
        (moto, "onus_missing_moto"),
        (validators, "onus_missing_python_validators"),
        (multitool, "onus_missing_multitool"),
        (chromium, "onus_missing_chromium"),
        (postgres, "onus_missing_postgres"),
        (root, "onus_not_root"),
    ] {
        if !present {
            println!("cargo::rustc-cfg={flag}");
        }
    }
}
