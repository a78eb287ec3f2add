//! The AWS emulator harness: `moto_server` from the test venv on a loopback port, seeded through its API, stopped on drop.

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

use crate::fault::*;
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
