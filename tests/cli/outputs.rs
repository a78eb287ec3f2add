//! Special output targets: character devices, FIFOs, planted symlinks, kept
//! permissions, a full disk, a closed pipe, concurrent writers. Nothing that is
//! not a regular file is ever replaced, and no command panics.

use std::path::Path;
use std::process::Stdio;

use crate::util::*;

fn file_type(path: &Path) -> String {
    use std::os::unix::fs::FileTypeExt as _;
    let t = std::fs::symlink_metadata(path).unwrap().file_type();
    if t.is_char_device() {
        "char device".into()
    } else if t.is_fifo() {
        "fifo".into()
    } else if t.is_symlink() {
        "symlink".into()
    } else if t.is_file() {
        "file".into()
    } else {
        "other".into()
    }
}

fn audit_to(path: &Path) -> std::process::Output {
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--output",
        ])
        .arg(path)
        .output()
        .unwrap()
}

#[test]
#[cfg_attr(
    onus_not_root,
    ignore = "mknod needs root to make a character device (CI runs as root)"
)]
fn a_character_device_is_written_through_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    let made = std::process::Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status();
    // The test runs only as root (it is ignored otherwise), so mknod must work.
    assert!(
        made.is_ok_and(|s| s.success()),
        "mknod failed although the tests run as root"
    );
    let out = audit_to(&null);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(file_type(&null), "char device");
    // And the system's own /dev/null stays a device too.
    let out = audit_to(Path::new("/dev/null"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(file_type(Path::new("/dev/null")), "char device");
}

#[test]
fn a_fifo_is_written_through_to_its_reader() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = audit_to(&fifo);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = reader.join().unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&text).expect("the reader got the JSON report");
    assert_eq!(report["schema"], "onus.report/v1");
    assert_eq!(file_type(&fifo), "fifo");
}

#[test]
fn planted_symlinks_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = write(dir.path(), "victim.txt", "precious");
    let target = dir.path().join("report.json");
    // The old predictable temporary name, planted as a symlink to the victim.
    std::os::unix::fs::symlink(&victim, dir.path().join(".report.json.onus-tmp")).unwrap();
    let out = audit_to(&target);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(file_type(&target), "file");
    // A report path that is itself a symlink is replaced as a path: the link's
    // target is left alone.
    let link = dir.path().join("linked.json");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let out = audit_to(&link);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(file_type(&link), "file");
    // No temporary file is left behind.
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".onus-"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn a_private_report_stays_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let target = write(dir.path(), "report.json", "old");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(audit_to(&target).status.code(), Some(1));
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("onus.report/v1")
    );
}

#[test]
fn concurrent_runs_to_one_path_all_land_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    let children: Vec<_> = (0..8)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("onus"))
                .current_dir(root())
                .args([
                    "audit",
                    "--inventory",
                    "examples/demo/inventory.json",
                    "--output",
                ])
                .arg(&target)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(report["schema"], "onus.report/v1");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// Every command that prints, with the exit code it has when all goes well. Two
/// runs are stored first, for `history`, `diff` and `report`.
fn printing_commands(store: &str) -> Vec<(Vec<String>, i32)> {
    let demo = "examples/demo/inventory.json";
    let v = |args: &[&str]| args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    for _ in 0..2 {
        let out = onus()
            .args([
                "audit",
                "--inventory",
                demo,
                "--output",
                "/dev/null",
                "--store",
                store,
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let history = onus()
        .args(["history", "--format", "json", "--store", store])
        .output()
        .unwrap();
    let runs: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
    let run = runs[0]["id"].as_str().unwrap().to_owned();
    let mut list = vec![
        (v(&["rules"]), 0),
        (v(&["rules", "--format", "json"]), 0),
        (v(&["rules", "--format", "markdown"]), 0),
        (v(&["explain", "NET001"]), 0),
        (v(&["explain", "CEK-03"]), 0),
        (v(&["frameworks"]), 0),
        (
            v(&[
                "audit",
                "--inventory",
                demo,
                "--format",
                "table",
                "--framework",
                "ccm-4.0",
            ]),
            1,
        ),
        (
            v(&[
                "plan",
                "--assets",
                "examples/premigration/assets.csv",
                "--format",
                "table",
                "--framework",
                "ccm-4.0",
            ]),
            0,
        ),
        (
            v(&["history", "--framework", "ccm-4.0", "--store", store]),
            0,
        ),
        (v(&["matrix"]), 0),
        (v(&["matrix", "--kind", "aws.s3.bucket"]), 0),
        (v(&["schema", "inventory"]), 0),
        (v(&["schema", "report"]), 0),
        (v(&["audit", "--inventory", demo, "--format", "json"]), 1),
        (v(&["audit", "--inventory", demo, "--format", "table"]), 1),
        (v(&["audit", "--inventory", demo, "--format", "sarif"]), 1),
        (v(&["audit", "--inventory", demo, "--format", "html"]), 1),
        (
            v(&[
                "plan",
                "--assets",
                "examples/premigration/assets.csv",
                "--format",
                "json",
            ]),
            0,
        ),
        (v(&["history", "--store", store]), 0),
        (v(&["diff", "--store", store]), 0),
        (
            v(&[
                "report", "--run", &run, "--format", "json", "--store", store,
            ]),
            0,
        ),
        (
            v(&[
                "report", "--run", &run, "--format", "table", "--store", store,
            ]),
            0,
        ),
    ];
    if cfg!(feature = "aws") {
        // Nothing listens there: an incomplete inventory (exit 3), still printed.
        list.push((
            v(&[
                "collect",
                "aws",
                "--out",
                "-",
                "--regions",
                "us-east-1",
                "--max-attempts",
                "1",
            ]),
            3,
        ));
    }
    list
}

/// The binary as a plain process, so its standard output can be any file.
fn onus_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("onus"));
    cmd.current_dir(root()).env("NO_COLOR", "1");
    cmd
}

fn unreachable_aws(cmd: &mut std::process::Command) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    cmd.env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

#[test]
fn a_full_disk_is_exit_2_and_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("h.db").display());
    for (args, _) in printing_commands(&store) {
        if args[0] == "collect" {
            // An unreachable cloud fails before printing; covered by the closed pipe.
            continue;
        }
        let mut cmd = onus_process();
        unreachable_aws(&mut cmd);
        let out = cmd
            .args(&args)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write standard output"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // --output to a full device too.
    let out = audit_to(Path::new("/dev/full"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write /dev/full"), "{stderr}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("h.db").display());
    for (args, code) in printing_commands(&store) {
        // A pipe whose reader is already gone: every write fails with EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut cmd = onus_process();
        unreachable_aws(&mut cmd);
        let out = cmd
            .args(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        if code != 3 {
            assert!(!stderr.contains("error"), "{args:?}: {stderr}");
        }
    }
}

#[test]
fn writing_files_says_what_was_written_and_the_verdict_unless_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("reports");
    let out = onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--format",
            "sarif,html",
            "--output",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report = demo_report();
    let gaps = report["summary"]["statuses"]["unaddressed"]
        .as_u64()
        .unwrap();
    let line = format!(
        "onus: wrote {}, {}: {gaps} gaps, ",
        out_dir.join("onus.sarif").display(),
        out_dir.join("onus.html").display()
    );
    assert!(stderr.contains(&line), "{stderr}");
    assert!(stderr.trim_end().ends_with("; exit 1"), "{stderr}");
    let quiet = onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--quiet",
            "--output",
        ])
        .arg(dir.path().join("r.json"))
        .output()
        .unwrap();
    assert_eq!(quiet.status.code(), Some(1));
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    // Standard output is the report itself: no line about it.
    let piped = onus()
        .args(["audit", "--inventory", "examples/demo/inventory.json"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("onus: wrote"));
}

#[test]
fn audit_help_groups_flags_by_purpose() {
    let out = onus().args(["audit", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let section = |flag: &str| {
        let at = help
            .find(flag)
            .unwrap_or_else(|| panic!("{flag} not in help"));
        help[..at]
            .lines()
            .rev()
            .find(|l| !l.starts_with(' ') && l.ends_with(':'))
            .unwrap_or_default()
            .to_owned()
    };
    for (flag, heading) in [
        ("--regions", "AWS scope:"),
        ("--subscription", "Azure scope:"),
        ("--project", "Google Cloud scope:"),
        ("--timeout <", "Timeouts and limits (every cloud):"),
        ("--max-response-mib", "Timeouts and limits (every cloud):"),
        ("--catalog", "Policy:"),
        ("--fail-on", "Policy:"),
        ("--baseline", "Policy:"),
        ("--max-access-key-age", "Policy:"),
        ("--format", "Outputs:"),
        ("--output", "Outputs:"),
        ("--quiet", "Outputs:"),
        ("--store", "History store:"),
        ("--framework <", "Compliance:"),
        ("--frameworks", "Compliance:"),
    ] {
        assert_eq!(section(flag), heading, "{flag}");
    }
    assert!(help.contains("[default: unaddressed,incomplete]"), "{help}");
}
