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

/// A tool a test needs. The test runs only where the build script found the
/// tool (it is `ignore`d, with the reason, elsewhere), so a tool missing now is
/// a failure, never a silent pass.
pub(crate) fn tool(test: &str, path: PathBuf) -> PathBuf {
    assert!(
        path.exists(),
        "{test}: {} not found, though the build found it: run scripts/test, which installs it",
        path.display()
    );
    path
}

/// Every evidence pointer of a collected inventory resolves in its resource's
/// `raw` (the Rust mappers' and the catalog's declarative mappings' alike), and
/// there are more than `at_least` of them.
#[cfg(any(feature = "aws", feature = "azure", feature = "gcp", feature = "saas"))]
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

/// Requests a mock server received: (method, target, Authorization header).
#[cfg(any(feature = "azure", feature = "gcp", feature = "saas"))]
pub(crate) type RequestLog =
    std::sync::Arc<std::sync::Mutex<Vec<(String, String, Option<String>)>>>;

/// One request to a loopback mock.
#[cfg(any(feature = "azure", feature = "gcp", feature = "saas"))]
pub(crate) struct MockRequest {
    pub(crate) method: String,
    pub(crate) target: String,
    /// Read by the Azure mock (Resource Graph queries are POSTed).
    #[cfg_attr(not(feature = "azure"), allow(dead_code))]
    pub(crate) body: String,
}

/// A minimal HTTP server on `bind` for the cloud mocks: one request per
/// connection, answered by `route(base URL, request)` with (status, extra header
/// lines, JSON body); every request logged. Runs until the test process ends.
#[cfg(any(feature = "azure", feature = "gcp", feature = "saas"))]
pub(crate) fn serve_mock(
    bind: &str,
    mut route: impl FnMut(&str, &MockRequest) -> (u16, &'static str, Value) + Send + 'static,
) -> (String, RequestLog) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind(bind).unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let requests: RequestLog = Default::default();
    let (log, base) = (requests.clone(), url.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (method, target) = (
                parts.next().unwrap_or("").to_owned(),
                parts.next().unwrap_or("").to_owned(),
            );
            let (mut auth, mut length, mut host) = (None, 0usize, None);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
                let (name, value) = h.split_once(':').unwrap_or((&h, ""));
                if name.eq_ignore_ascii_case("authorization") {
                    auth = Some(value.trim().to_owned());
                }
                if name.eq_ignore_ascii_case("host") {
                    host = Some(format!("http://{}/", value.trim()));
                }
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let request = MockRequest {
                method,
                target,
                body: String::from_utf8_lossy(&body).into_owned(),
            };
            log.lock()
                .unwrap()
                .push((request.method.clone(), request.target.clone(), auth));
            // Links point where the client sent the request (through a proxy
            // in front of the mock, at the proxy).
            let here = host.unwrap_or_else(|| base.clone());
            let (status, extra, body) = route(&here, &request);
            let text = body.to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
        }
    });
    (url, requests)
}

/// The resources each of two shards (`--shard 1/2`, `--shard 2/2`) reports
/// for `onus audit <args>` with `env` set; each run must exit 0.
#[cfg(any(feature = "azure", feature = "gcp", feature = "saas"))]
pub(crate) fn shard_resource_counts(env: (&str, &str), args: &[&str]) -> Vec<usize> {
    ["1/2", "2/2"]
        .iter()
        .map(|shard| {
            let out = onus()
                .env(env.0, env.1)
                .arg("audit")
                .args(args)
                .args(["--shard", shard, "--format", "json", "--fail-on", "never"])
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            report["resources"].as_array().unwrap().len()
        })
        .collect()
}
