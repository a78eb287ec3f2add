//! The history store on SQLite and PostgreSQL: history, diff, trend, prune, crash safety.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::*;

/// The stores every history test runs against: SQLite always; PostgreSQL when
/// `ONUS_TEST_POSTGRES_ADMIN` names a server (CI always does), with a database
/// created for the test and dropped after.
pub(crate) struct TestStore {
    pub(crate) url: String,
    pub(crate) drop_db: Option<(String, String)>,
    pub(crate) _dir: tempfile::TempDir,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some((admin, db)) = &self.drop_db {
            let _ = std::process::Command::new("psql")
                .args([
                    admin.as_str(),
                    "-q",
                    "-c",
                    &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
                ])
                .output();
        }
    }
}

/// The two history backends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh store of `backend` for `test`. PostgreSQL needs
/// `ONUS_TEST_POSTGRES_ADMIN` (a server's admin URL; .ci/run sets it
/// when a server is there); without it the PostgreSQL tests are ignored, with
/// that reason, at build time.
pub(crate) fn test_store(test: &str, backend: Backend) -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    match backend {
        Backend::Sqlite => TestStore {
            url: format!("sqlite:{}", dir.path().join("h.db").display()),
            drop_db: None,
            _dir: dir,
        },
        Backend::Postgres => {
            let admin = std::env::var("ONUS_TEST_POSTGRES_ADMIN")
                .ok()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| {
                    panic!("{test}: set ONUS_TEST_POSTGRES_ADMIN=postgres://USER:PASS@127.0.0.1/postgres")
                });
            let db = format!("onus_test_{}_{}", test, std::process::id());
            let out = std::process::Command::new("psql")
                .args([admin.as_str(), "-q", "-c", &format!("CREATE DATABASE {db}")])
                .output()
                .expect("psql");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let url = format!("{}/{db}", admin.rsplit_once('/').unwrap().0);
            TestStore {
                url,
                drop_db: Some((admin, db)),
                _dir: dir,
            }
        }
    }
}

#[test]
fn history_diff_reports_exactly_the_fixed_and_the_newly_exposed() {
    history_diff(Backend::Sqlite);
}

#[test]
#[cfg_attr(
    onus_missing_postgres,
    ignore = "needs PostgreSQL: set ONUS_TEST_POSTGRES_ADMIN=postgres://USER:PASS@127.0.0.1/postgres (.ci/run starts a server and sets it)"
)]
fn history_diff_on_postgresql() {
    history_diff(Backend::Postgres);
}

fn history_diff(backend: Backend) {
    {
        let store = test_store("diff", backend);
        let dir = tempfile::tempdir().unwrap();
        let inv = dir.path().join("inventory.json");
        std::fs::copy(demo(), &inv).unwrap();
        let audit = || {
            onus()
                .args([
                    "audit",
                    "--format",
                    "json",
                    "--store",
                    &store.url,
                    "--inventory",
                ])
                .arg(&inv)
                .assert()
                .code(1)
        };
        audit();
        // Fix one resource (the single-region trail) and expose a new one.
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&inv).unwrap()).unwrap();
        let resources = v["resources"].as_array_mut().unwrap();
        let trail = resources
            .iter_mut()
            .find(|r| r["name"] == "legacy-eu")
            .unwrap();
        trail["facets"]["logging"]["multi_region"] = serde_json::json!(true);
        resources.push(serde_json::json!({"id": "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0fresh000000000001", "provider": "aws",
            "account": "111122223333", "region": "eu-west-1", "kind": "aws.ec2.security-group", "name": "fresh-ssh",
            "facets": {"network": {"attached": true, "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "source": "0.0.0.0/0"}]}}}));
        std::fs::write(&inv, v.to_string()).unwrap();
        audit();

        let out = onus()
            .args([
                "history", "--check", "--format", "json", "--store", &store.url,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let runs: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(runs.as_array().unwrap().len(), 2, "{}", store.url);

        let out = onus()
            .args(["diff", "--format", "json", "--store", &store.url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "a new gap");
        let d: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            d["new_gaps"],
            serde_json::json!([{"rule": "NET001", "duty": "firewall", "resource": "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0fresh000000000001"}])
        );
        assert_eq!(
            d["resolved_gaps"],
            serde_json::json!([{"rule": "LOG001", "duty": "logging", "resource": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/legacy-eu"}])
        );
        assert_eq!(d["appeared"].as_array().unwrap().len(), 1);
        for format in ["table", "markdown"] {
            let out = onus()
                .args(["diff", "--format", format, "--store", &store.url])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("1 new gap(s), 1 resolved")
                    && text.contains("sg-0fresh000000000001")
                    && text.contains("trail/legacy-eu"),
                "{format}: {text}"
            );
        }
        // Any stored run re-renders in any format.
        let first = runs[1]["id"].as_str().unwrap();
        let out_dir = dir.path().join("rendered");
        onus()
            .args([
                "report",
                "--store",
                &store.url,
                "--run",
                first,
                "--format",
                "sarif,csv,html",
                "--output",
            ])
            .arg(&out_dir)
            .assert()
            .success();
        assert!(out_dir.join("onus.sarif").is_file() && out_dir.join("onus.html").is_file());
        onus()
            .args(["report", "--store", &store.url, "--run", "nope"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no run 'nope'"));
        // Prune keeps the newest.
        onus()
            .args(["prune", "--keep", "1", "--store", &store.url])
            .assert()
            .success();
        // --check: the pruned runs' ledger, findings and gaps went with them.
        let out = onus()
            .args([
                "history", "--check", "--format", "json", "--store", &store.url,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            serde_json::from_slice::<Value>(&out.stdout)
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}

#[test]
fn history_survives_a_kill_during_a_large_write() {
    history_kill(Backend::Sqlite);
}

#[test]
#[cfg_attr(
    onus_missing_postgres,
    ignore = "needs PostgreSQL: set ONUS_TEST_POSTGRES_ADMIN=postgres://USER:PASS@127.0.0.1/postgres (.ci/run starts a server and sets it)"
)]
fn history_survives_a_kill_on_postgresql() {
    history_kill(Backend::Postgres);
}

fn history_kill(backend: Backend) {
    // A large inventory: the demo replicated to 6 000 resources.
    let dir = tempfile::tempdir().unwrap();
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(demo()).unwrap()).unwrap();
    let base = v["resources"].as_array().unwrap().clone();
    let big: Vec<Value> = (0..6000)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            r["id"] = serde_json::json!(format!("{}#{i}", r["id"].as_str().unwrap()));
            r
        })
        .collect();
    v["resources"] = Value::Array(big);
    let inv = write(dir.path(), "big.json", &v.to_string());
    {
        let store = test_store("kill", backend);
        onus()
            .args([
                "audit",
                "--format",
                "json",
                "--store",
                &store.url,
                "--inventory",
            ])
            .arg(&inv)
            .assert()
            .code(1);
        let bin = assert_cmd::cargo::cargo_bin("onus");
        for delay_ms in [150u64, 400, 700, 1000, 1500] {
            let mut child = std::process::Command::new(&bin)
                .args([
                    "audit",
                    "--format",
                    "json",
                    "--store",
                    &store.url,
                    "--inventory",
                ])
                .arg(&inv)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            let out = onus()
                .args([
                    "history", "--check", "--format", "json", "--limit", "100", "--store",
                    &store.url,
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "after a kill at {delay_ms} ms: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let runs: Value = serde_json::from_slice(&out.stdout).unwrap();
            // Every visible run is complete: its report re-renders and its ledger is whole.
            for r in runs.as_array().unwrap() {
                assert_eq!(r["resources"], 6000);
                let id = r["id"].as_str().unwrap();
                let out = onus()
                    .args([
                        "report", "--format", "json", "--store", &store.url, "--run", id,
                    ])
                    .output()
                    .unwrap();
                let report: Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(report["resources"].as_array().unwrap().len(), 6000);
            }
        }
    }
}

#[test]
fn html_report_shows_the_trend_of_stored_runs() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("h.db").display());
    let html = dir.path().join("onus.html");
    for _ in 0..3 {
        onus()
            .args([
                "audit",
                "--inventory",
                "examples/demo/inventory.json",
                "--store",
                &store,
                "--output",
            ])
            .arg(&html)
            .assert()
            .code(1);
    }
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("aria-label=\"trend of the last 3 runs\""),
        "trend chart"
    );
    assert_eq!(page.matches("<polyline class=\"coverage\"").count(), 1);
    assert!(
        page.matches("<rect").count() >= 3 * 9,
        "bars per duty and run"
    );
}

#[test]
fn a_store_failure_still_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let blocker = write(dir.path(), "not-a-dir", "x");
    onus()
        .args([
            "audit",
            "--inventory",
            "examples/demo/inventory.json",
            "--output",
        ])
        .arg(&out)
        .arg("--store")
        .arg(format!("sqlite:{}/h.db", blocker.display()))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the report was written but the run could not be stored",
        ));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("onus.report/v1")
    );
    onus()
        .args(["history", "--store", "mysql://x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unsupported store URL"));
    onus()
        .args([
            "history",
            "--store",
            "postgres://onus:secret-pass@127.0.0.1:1/x",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("postgres://onus:***@127.0.0.1:1/x")
                .and(predicate::str::contains("secret-pass").not()),
        );
}
