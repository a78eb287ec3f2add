//! A fault-injecting proxy for every collector's tests: in front of moto, the
//! mock ARM server or the mock Google APIs, it hangs, denies, fails or
//! throttles the requests a test names and forwards the rest.

use std::collections::BTreeMap;

use serde_json::Value;

/// What the fault-injecting proxy does to a matching request.
#[derive(Clone, Debug)]
pub(crate) enum Fault {
    /// Answer with this status, extra header lines and body instead of the upstream.
    Respond(u16, &'static str, &'static str),
    /// Accept the request and never answer.
    Hang,
}

/// A proxy on loopback in front of an emulator or mock: requests whose text (request line,
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

/// A report's ledger: (resource id, duty) → status.
pub(crate) fn ledger(report: &Value) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for r in report["resources"].as_array().unwrap() {
        for (duty, e) in r["duties"].as_object().unwrap() {
            out.insert(
                (r["id"].as_str().unwrap().to_owned(), duty.clone()),
                e["status"].as_str().unwrap().to_owned(),
            );
        }
    }
    out
}

/// Every duty of the faulted run either kept its clean status or became
/// `unknown`: nothing turned into a pass or a fail because data was missing.
/// A resource absent from the faulted run must be one `may_vanish` allows (by
/// id: it came only from a faulted listing). Returns how many duties became
/// unknown.
pub(crate) fn assert_no_status_flips(
    clean: &Value,
    faulted: &Value,
    may_vanish: impl Fn(&str) -> bool,
) -> usize {
    let (before, after) = (ledger(clean), ledger(faulted));
    let mut changed = 0;
    for (key, status) in &after {
        let was = before
            .get(key)
            .unwrap_or_else(|| panic!("{key:?} appeared only in the faulted run"));
        if was != status {
            changed += 1;
            assert_eq!(status, "unknown", "{key:?}: {was} became {status}");
        }
    }
    for (id, _) in before.keys().filter(|k| !after.contains_key(*k)) {
        assert!(may_vanish(id), "{id} vanished without a faulted listing");
    }
    changed
}

/// The faulted run names a failure of `operation` with `cause`.
pub(crate) fn assert_named(report: &Value, operation: &str, cause: &str) {
    let gaps = report["gaps"].as_array().unwrap();
    assert!(
        gaps.iter()
            .any(|g| g["operation"] == operation && g["cause"] == cause),
        "no {cause} failure of {operation}: {gaps:#?}"
    );
}
