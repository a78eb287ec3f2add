//! One HTTP client for the SaaS APIs: the bearer token goes only to the
//! configured endpoint (a link from a response elsewhere is refused), no
//! redirect is followed, every body is read within the limits, 429 and 5xx
//! are retried honouring `Retry-After` within the operation timeout, and the
//! only requests it makes are the operations of [`crate::ops::OPERATIONS`]:
//! GETs, and the Dropbox read routes, which are POSTs by design.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onus_endpoint::{Endpoint, Timeouts};
use onus_model::GapCause;
use serde_json::Value;
use url::Url;

use crate::ops::{Method, Operation};
use crate::{Api, Tokens};

/// A failed call.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// What kind of failure.
    pub cause: GapCause,
    /// The HTTP status, when one came back.
    pub status: Option<u16>,
    /// What happened, as the API said it (never the token).
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(cause: GapCause, message: impl Into<String>) -> ApiError {
        ApiError {
            cause,
            status: None,
            message: message.into(),
        }
    }
}

/// An endpoint a token must not be sent to (plain HTTP off loopback, not a URL).
#[derive(Debug, thiserror::Error)]
#[error(
    "{0}: not an https:// URL (plain http:// only on loopback, where tests run): onus sends a token there"
)]
pub struct InsecureEndpoint(pub String);

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The client of one SaaS API.
#[derive(Debug, Clone)]
pub struct Client {
    api: Api,
    http: reqwest::Client,
    tokens: Tokens,
    override_endpoint: Option<Endpoint>,
    timeouts: Timeouts,
    limits: onus_endpoint::Limits,
    budget: onus_endpoint::RunBudget,
    max_retries: u32,
    calls: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl Client {
    /// A client of `api`; `endpoint` replaces every host of the API (a mock,
    /// a proxy); plain HTTP only on loopback.
    pub fn new(
        api: Api,
        endpoint: Option<&str>,
        tokens: Tokens,
        collector: &onus_endpoint::CollectorOptions,
        max_retries: u32,
    ) -> Result<Client, InsecureEndpoint> {
        let override_endpoint = match endpoint {
            None => None,
            Some(e) => {
                let mut url = Url::parse(e).map_err(|_| InsecureEndpoint(e.to_owned()))?;
                let loopback_http =
                    url.scheme() == "http" && url.host_str().is_some_and(is_loopback);
                if url.scheme() != "https" && !loopback_http {
                    return Err(InsecureEndpoint(e.to_owned()));
                }
                if !url.path().ends_with('/') {
                    let path = format!("{}/", url.path());
                    url.set_path(&path);
                }
                Some(Endpoint::new(url))
            }
        };
        let http = reqwest::Client::builder()
            .connect_timeout(collector.timeouts.connect)
            .timeout(collector.timeouts.attempt)
            // Never follow a redirect: it could carry the token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| InsecureEndpoint(e.to_string()))?;
        Ok(Client {
            api,
            http,
            tokens,
            override_endpoint,
            timeouts: collector.timeouts,
            limits: collector.limits,
            budget: collector.budget(),
            max_retries,
            calls: Arc::default(),
        })
    }

    /// The permissions used so far, with counts.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// The limits of one listing.
    pub(crate) fn limits(&self) -> onus_endpoint::Limits {
        self.limits
    }

    fn endpoint(&self, host: &str) -> Endpoint {
        match &self.override_endpoint {
            Some(e) => e.clone(),
            None => {
                Endpoint::new(Url::parse(&format!("https://{host}/")).unwrap_or_else(|_| {
                    Url::parse("https://invalid.invalid/").expect("static URL")
                }))
            }
        }
    }

    fn operation(&self, name: &str) -> Result<&'static Operation, ApiError> {
        crate::ops::OPERATIONS
            .iter()
            .find(|o| o.api == self.api && o.name == name)
            .ok_or_else(|| {
                ApiError::new(
                    GapCause::Other,
                    format!("{name} is not in the operation table: onus does not make this call"),
                )
            })
    }

    /// The URL of `operation` at `path` (ids in it already one clean segment
    /// each), with `query`.
    pub(crate) fn url(
        &self,
        operation: &str,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Url, ApiError> {
        let op = self.operation(operation)?;
        let mut url = self
            .endpoint(op.host)
            .join(path)
            .map_err(|e| ApiError::new(GapCause::ApiError, e.to_string()))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// A link from a response (`@odata.nextLink`), kept on the endpoint.
    pub(crate) fn follow(&self, operation: &str, link: &str) -> Result<Url, ApiError> {
        let op = self.operation(operation)?;
        self.endpoint(op.host)
            .follow(link)
            .map_err(|e| ApiError::new(GapCause::ApiError, e.to_string()))
    }

    /// Call `operation` at `url` (a JSON `body` for the POST routes), with
    /// retries; the answer and the size of its body.
    pub(crate) async fn call(
        &self,
        operation: &str,
        url: Url,
        body: Option<&Value>,
    ) -> Result<(Value, usize), ApiError> {
        let op = self.operation(operation)?;
        // The read-only guard: a GET, or a POST to a route the table lists
        // as a read (Dropbox), at exactly that route.
        if op.method == Method::Post && url.path().trim_end_matches('/') != self.route_path(op) {
            return Err(ApiError::new(
                GapCause::Other,
                format!("onus refused to POST to {}: not a read route", url.path()),
            ));
        }
        if let Ok(mut calls) = self.calls.lock() {
            *calls.entry(op.permission.to_owned()).or_default() += 1;
        }
        tracing::debug!(%url, operation, "SaaS API request");
        let service = self.api.as_str();
        if let Err(skip) = self.budget.admit(service) {
            return Err(ApiError::new(
                match skip {
                    _ if skip.throttled() => GapCause::Throttled,
                    onus_endpoint::Skipped::Requests(_) => GapCause::TooLarge,
                    _ => GapCause::TimedOut,
                },
                skip.to_string(),
            ));
        }
        let timeout = self.budget.bound(self.timeouts.operation);
        let started = std::time::Instant::now();
        let throttled = std::sync::atomic::AtomicBool::new(false);
        let attempts = async {
            let mut attempt = 0u32;
            loop {
                match self.once(op, &url, body).await {
                    Err((e, retry_after)) if retryable(&e) && attempt < self.max_retries => {
                        attempt += 1;
                        if e.cause == GapCause::Throttled {
                            throttled.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        if let Some(wait) = retry_after
                            && started.elapsed() + wait > timeout
                        {
                            return Err(ApiError {
                                message: format!(
                                    "{}; it asks to retry after {}s, more than this read has left",
                                    e.message,
                                    wait.as_secs()
                                ),
                                ..e
                            });
                        }
                        let backoff = retry_after.unwrap_or_else(|| {
                            Duration::from_millis(200u64.saturating_mul(1 << attempt.min(6)))
                        });
                        tokio::time::sleep(backoff.min(Duration::from_secs(30))).await;
                    }
                    other => return other.map_err(|(e, _)| e),
                }
            }
        };
        let result = match tokio::time::timeout(timeout, attempts).await {
            Ok(r) => r,
            Err(_) if throttled.load(std::sync::atomic::Ordering::Relaxed) => Err(ApiError {
                cause: GapCause::Throttled,
                status: Some(429),
                message: format!(
                    "throttled: the API answered 429 (too many requests) until the operation timeout of {}s",
                    timeout.as_secs_f64()
                ),
            }),
            Err(_) => Err(ApiError::new(
                GapCause::TimedOut,
                format!(
                    "timed out: no answer within {}s (--operation-timeout, --deadline)",
                    timeout.as_secs_f64()
                ),
            )),
        };
        self.budget.record(
            service,
            match &result {
                Err(e) if e.cause == GapCause::TimedOut => onus_endpoint::Outcome::TimedOut,
                Err(e) if e.cause == GapCause::Throttled => onus_endpoint::Outcome::Throttled,
                _ => onus_endpoint::Outcome::Answered,
            },
        );
        result
    }

    /// The path a POST route must be called at: the base path of the
    /// endpoint, then the route.
    fn route_path(&self, op: &Operation) -> String {
        let base = self.endpoint(op.host);
        format!(
            "{}{}",
            base.base().path().trim_end_matches('/'),
            op.path.trim_end_matches('/')
        )
    }

    async fn once(
        &self,
        op: &Operation,
        url: &Url,
        body: Option<&Value>,
    ) -> Result<(Value, usize), (ApiError, Option<Duration>)> {
        let token = self.tokens.token().await.map_err(|e| {
            (
                ApiError::new(
                    GapCause::AccessDenied,
                    format!("no token for {}: {e}", self.api.as_str()),
                ),
                None,
            )
        })?;
        let request = match op.method {
            Method::Get => self.http.get(url.clone()),
            Method::Post => self
                .http
                .post(url.clone())
                .header("content-type", "application/json")
                // Dropbox's routes without arguments take the JSON `null`.
                .body(body.map_or_else(|| "null".to_owned(), Value::to_string)),
        };
        let mut response = request
            .bearer_auth(token)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| {
                let cause = if e.is_timeout() {
                    GapCause::TimedOut
                } else {
                    GapCause::Unreachable
                };
                (
                    ApiError::new(cause, format!("request failed: {}", e.without_url())),
                    None,
                )
            })?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let too_large = |e: onus_endpoint::TooLarge| {
            (
                ApiError {
                    cause: GapCause::TooLarge,
                    status: Some(status),
                    message: e.to_string(),
                },
                None,
            )
        };
        self.limits
            .declared(response.content_length())
            .map_err(too_large)?;
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            let chunk = response.chunk().await.map_err(|e| {
                let cause = if e.is_timeout() {
                    GapCause::TimedOut
                } else {
                    GapCause::ApiError
                };
                (
                    ApiError {
                        cause,
                        status: Some(status),
                        message: format!("unreadable response: {}", e.without_url()),
                    },
                    None,
                )
            })?;
            let Some(chunk) = chunk else { break };
            self.limits
                .reading(bytes.len() + chunk.len())
                .map_err(too_large)?;
            bytes.extend_from_slice(&chunk);
        }
        if !(200..300).contains(&status) {
            let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let said = error_text(&v, &bytes);
            let cause = match status {
                401 | 403 => GapCause::AccessDenied,
                429 => GapCause::Throttled,
                // Dropbox: a route's own error (e.g. a missing scope) is a 409
                // with `error_summary`; a missing scope reads as denied.
                409 if said.contains("missing_scope") => GapCause::AccessDenied,
                _ => GapCause::ApiError,
            };
            return Err((
                ApiError {
                    cause,
                    status: Some(status),
                    message: if said.is_empty() {
                        format!("HTTP {status}")
                    } else {
                        format!("HTTP {status}: {said}")
                    },
                },
                retry_after,
            ));
        }
        let value = serde_json::from_slice(&bytes).map_err(|e| {
            (
                ApiError {
                    cause: GapCause::ApiError,
                    status: Some(status),
                    message: format!("unreadable response: {e}"),
                },
                None,
            )
        })?;
        Ok((value, bytes.len()))
    }
}

/// What an error body says, in the shapes of the three APIs: Graph
/// (`error.code`, `error.message`), Google (`error.status`, `error.message`),
/// Dropbox (`error_summary`, or plain text).
fn error_text(v: &Value, bytes: &[u8]) -> String {
    let e = &v["error"];
    let parts: Vec<&str> = [
        e["code"].as_str(),
        e["status"].as_str(),
        e["message"].as_str(),
        v["error_summary"].as_str(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect();
    if !parts.is_empty() {
        return parts.join(": ");
    }
    if v.is_null() && !bytes.is_empty() {
        // Dropbox answers some errors (a bad request) in plain text.
        return String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
    }
    String::new()
}

fn retryable(e: &ApiError) -> bool {
    matches!(e.status, Some(429 | 500 | 502 | 503 | 504))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_of_the_three_apis_are_read() {
        let graph = serde_json::json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges"}});
        assert_eq!(
            error_text(&graph, b"x"),
            "Authorization_RequestDenied: Insufficient privileges"
        );
        let dropbox = serde_json::json!({"error_summary": "too_many_requests/..", "error": {".tag": "too_many_requests"}});
        assert_eq!(error_text(&dropbox, b"x"), "too_many_requests/..");
        assert_eq!(error_text(&Value::Null, b"Error in call"), "Error in call");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let opts = onus_endpoint::CollectorOptions::default();
        let t = || Tokens::fixed("t");
        assert!(Client::new(Api::Graph, Some("http://127.0.0.1:1/"), t(), &opts, 0).is_ok());
        assert!(Client::new(Api::Graph, Some("http://graph.example/"), t(), &opts, 0).is_err());
        assert!(Client::new(Api::Dropbox, Some("https://proxy.example/"), t(), &opts, 0).is_ok());
    }
}
