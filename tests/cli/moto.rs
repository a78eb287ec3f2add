//! The AWS emulator harness: `moto_server` from the test venv on a loopback port, seeded through its API, stopped on drop.

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

use crate::util::*;

/// A moto server on loopback, stopped when dropped.
pub(crate) struct Moto {
    pub(crate) child: std::process::Child,
    /// moto itself: seeding and the recorder.
    pub(crate) url: String,
    /// What onus talks to: moto behind a proxy that answers the one AWS API onus
    /// reads and moto lacks, Resource Explorer, as AWS does for an account
    /// without an index (moto answers HTTP 500 "no backend" instead).
    pub(crate) endpoint: String,
    pub(crate) python: PathBuf,
    _explorer: Option<FaultProxy>,
}

/// Resource Explorer's answer for an account without an aggregator index.
pub(crate) const NO_EXPLORER_INDEX: (&str, Fault) = (
    "POST /ListIndexes ",
    Fault::Respond(
        200,
        "Content-Type: application/json\r\n",
        r#"{"Indexes":[]}"#,
    ),
);

impl Moto {
    /// Start moto from `ONUS_MOTO_SERVER` or `.venv/bin/moto_server`. The tests
    /// that call this are `ignore`d where the build found no moto, so a missing
    /// one here is a failure.
    pub(crate) fn start(test: &str) -> Moto {
        let server = tool(
            test,
            std::env::var_os("ONUS_MOTO_SERVER")
                .map(PathBuf::from)
                .unwrap_or_else(|| root().join(".venv/bin/moto_server")),
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .env("MOTO_ENABLE_RECORDING", "True")
            .env(
                "MOTO_RECORDER_FILEPATH",
                std::env::temp_dir().join(format!("onus-moto-{port}.rec")),
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start moto_server");
        let url = format!("http://127.0.0.1:{port}");
        let explorer = FaultProxy::start(&url, vec![NO_EXPLORER_INDEX]);
        let moto = Moto {
            child,
            endpoint: explorer.url.clone(),
            url,
            python: server.with_file_name("python"),
            _explorer: Some(explorer),
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if moto.post("/moto-api/recorder/stop-recording").is_ok() {
                return moto;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("{test}: moto_server did not answer on {}", moto.url);
    }

    pub(crate) fn post(&self, path: &str) -> std::io::Result<()> {
        use std::io::{Read, Write};
        let addr = self.url.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr)?;
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        let mut reply = String::new();
        s.read_to_string(&mut reply)?;
        if reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200") {
            Ok(())
        } else {
            Err(std::io::Error::other(reply))
        }
    }

    pub(crate) fn python(&self, script: &str) -> Value {
        let out = std::process::Command::new(&self.python)
            .arg(root().join("tests/aws").join(script))
            .arg(&self.url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    pub(crate) fn onus(&self) -> Command {
        let mut cmd = onus();
        cmd.env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true");
        cmd
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the fault-injecting proxy does to a matching request.
#[derive(Clone, Debug)]
pub(crate) enum Fault {
    /// Answer with this status, extra header lines and body instead of moto.
    Respond(u16, &'static str, &'static str),
    /// Accept the request and never answer.
    Hang,
}

/// A proxy on loopback in front of moto: requests whose text (request line,
/// headers and body) contains a rule's needle get the rule's fault; every other
/// request is forwarded. Stopped (hanging connections released) when dropped.
pub(crate) struct FaultProxy {
    pub(crate) url: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    pub(crate) hits: std::sync::Arc<std::sync::Mutex<Vec<&'static str>>>,
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    buf.extend(body);
    Some(buf)
}

impl FaultProxy {
    pub(crate) fn start(upstream: &str, rules: Vec<(&'static str, Fault)>) -> FaultProxy {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let hits: std::sync::Arc<std::sync::Mutex<Vec<&'static str>>> = Default::default();
        let (stop2, hits2) = (stop.clone(), hits.clone());
        listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let Ok((mut client, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                let (rules, upstream, stop, hits) = (
                    rules.clone(),
                    upstream.clone(),
                    stop2.clone(),
                    hits2.clone(),
                );
                std::thread::spawn(move || {
                    client.set_nonblocking(false).unwrap();
                    let Some(request) = read_request(&mut client) else {
                        return;
                    };
                    let text = String::from_utf8_lossy(&request).into_owned();
                    match rules.iter().find(|(needle, _)| text.contains(needle)) {
                        Some((needle, Fault::Hang)) => {
                            hits.lock().unwrap().push(needle);
                            while !stop.load(Ordering::Relaxed) {
                                std::thread::sleep(std::time::Duration::from_millis(50));
                            }
                        }
                        Some((needle, Fault::Respond(status, headers, body))) => {
                            hits.lock().unwrap().push(needle);
                            let _ = write!(
                                client,
                                "HTTP/1.1 {status} Fault\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                body.len()
                            );
                        }
                        None => {
                            // Forward with `Connection: close`, so the answer ends at EOF.
                            let head_end = text.find("\r\n\r\n").unwrap_or(text.len());
                            let head: String = text[..head_end]
                                .lines()
                                .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
                                .collect::<Vec<_>>()
                                .join("\r\n");
                            let Ok(mut up) = std::net::TcpStream::connect(&upstream) else {
                                return;
                            };
                            let _ = up.write_all(
                                format!("{head}\r\nConnection: close\r\n\r\n").as_bytes(),
                            );
                            let _ = up.write_all(&request[head_end + 4..]);
                            let mut answer = Vec::new();
                            let _ = up.read_to_end(&mut answer);
                            // Make sure the client does not reuse this connection.
                            let split = answer
                                .windows(4)
                                .position(|w| w == b"\r\n\r\n")
                                .unwrap_or(answer.len());
                            let head = String::from_utf8_lossy(&answer[..split]);
                            let head: Vec<&str> = head
                                .lines()
                                .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
                                .collect();
                            let _ = write!(
                                client,
                                "{}\r\nConnection: close\r\n\r\n",
                                head.join("\r\n")
                            );
                            if split + 4 <= answer.len() {
                                let _ = client.write_all(&answer[split + 4..]);
                            }
                        }
                    }
                });
            }
        });
        FaultProxy { url, stop, hits }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}
