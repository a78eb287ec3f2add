//! One HTTP client for the collectors that speak plain REST with a bearer
//! token (Google Cloud, the SaaS APIs): the token goes only to an `https://`
//! endpoint (plain `http://` on loopback, where tests run), no redirect is
//! followed, every body is read within [`Limits`], 429 and 5xx are retried
//! honouring `Retry-After` within the operation timeout, every call passes the
//! run's [`RunBudget`], and the permission each call uses is counted. What an
//! API says in an error body is read by the collector's own [`ErrorReader`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onus_model::GapCause;
use serde_json::Value;
use url::Url;

use crate::{Endpoint, Limits, Outcome, RunBudget, Skipped, Timeouts, TooLarge};

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
    /// A failure without an HTTP status.
    pub fn new(cause: GapCause, message: impl Into<String>) -> ApiError {
        ApiError {
            cause,
            status: None,
            message: message.into(),
        }
    }
}

/// An endpoint a token must not be sent to (plain HTTP off loopback, not a URL).
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{0}: not an https:// URL (plain http:// only on loopback, where tests run): onus sends a token there"
)]
pub struct InsecureEndpoint(pub String);

/// Whether `host` is a loopback name or address.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A URL a token or a signed grant may go to: `https://`, or `http://` on
/// loopback.
pub fn token_url(given: &str) -> Result<Url, InsecureEndpoint> {
    let url = Url::parse(given).map_err(|_| InsecureEndpoint(given.to_owned()))?;
    let loopback_http = url.scheme() == "http" && url.host_str().is_some_and(is_loopback);
    if url.scheme() != "https" && !loopback_http {
        return Err(InsecureEndpoint(given.to_owned()));
    }
    Ok(url)
}

/// An endpoint given on the command line (`--gcp-endpoint`, `--graph-endpoint`):
/// a [`token_url`] whose path ends in `/` so that paths join under it.
pub fn token_endpoint(given: &str) -> Result<Endpoint, InsecureEndpoint> {
    let mut url = token_url(given)?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(Endpoint::new(url))
}

/// The endpoint of a service host (`https://{host}/`).
pub fn host_endpoint(host: &str) -> Endpoint {
    Endpoint::new(
        Url::parse(&format!("https://{host}/"))
            .unwrap_or_else(|_| Url::parse("https://invalid.invalid/").expect("static URL")),
    )
}

/// How a request is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method<'a> {
    /// A GET.
    Get,
    /// A POST of a JSON body (the Dropbox read routes, which are POSTs by design).
    Post(&'a str),
    /// A POST of a form (`application/x-www-form-urlencoded`: an OAuth token
    /// request).
    Form(&'a str),
}

/// What an error body says: the status and the body as received give the
/// failure's cause and message (`HTTP 403: PERMISSION_DENIED: ...`).
pub type ErrorReader = fn(status: u16, body: &[u8]) -> (GapCause, String);

/// The reading of an error body most APIs need: 401 and 403 denied, 429
/// throttled, anything else an API error; the message from `error.code`,
/// `error.status` and `error.message`, else the status alone.
pub fn read_error(status: u16, body: &[u8]) -> (GapCause, String) {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let said = error_fields(&v);
    (
        cause_of(status),
        if said.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status}: {}", said.join(": "))
        },
    )
}

/// What an error body's `error` object says: its `code`, `status` and
/// `message` where they are non-empty strings (Google and Graph shapes).
pub fn error_fields(v: &Value) -> Vec<&str> {
    let e = &v["error"];
    [
        e["code"].as_str(),
        e["status"].as_str(),
        e["message"].as_str(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect()
}

/// The cause of an HTTP error status: 401 and 403 denied, 429 throttled,
/// anything else an API error.
pub fn cause_of(status: u16) -> GapCause {
    match status {
        401 | 403 => GapCause::AccessDenied,
        429 => GapCause::Throttled,
        _ => GapCause::ApiError,
    }
}

/// The client.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    timeouts: Timeouts,
    limits: Limits,
    budget: RunBudget,
    max_retries: u32,
    read_error: ErrorReader,
    calls: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl Client {
    /// A client with these timeouts and limits, retrying a call up to
    /// `max_retries` times, reading error bodies with `read_error`.
    pub fn new(
        timeouts: Timeouts,
        limits: Limits,
        max_retries: u32,
        read_error: ErrorReader,
    ) -> Result<Client, InsecureEndpoint> {
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.attempt)
            // Never follow a redirect: it could carry the token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| InsecureEndpoint(format!("the HTTP client cannot start: {e}")))?;
        Ok(Client {
            http,
            timeouts,
            limits,
            budget: RunBudget::unlimited(),
            max_retries,
            read_error,
            calls: Arc::default(),
        })
    }

    /// This client under the run's `budget` (deadline and breakers).
    #[must_use]
    pub fn with_budget(mut self, budget: RunBudget) -> Client {
        self.budget = budget;
        self
    }

    /// What one response and one listing may hold.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The permissions used so far, with counts.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Call `url` with `method`, counted against `permission` and admitted
    /// by the budget of `service`; `token` gives the bearer token of each
    /// attempt (`None`: the request carries none, as a token request
    /// itself). Retries 429 and 5xx (after `Retry-After` when the answer
    /// gives one, else with a growing backoff) within the operation timeout.
    /// The answer and the size of its body.
    pub async fn call<Fut>(
        &self,
        service: &str,
        permission: &str,
        method: Method<'_>,
        url: &Url,
        token: impl Fn() -> Fut,
    ) -> Result<(Value, usize), ApiError>
    where
        Fut: Future<Output = Result<Option<String>, ApiError>>,
    {
        if let Ok(mut calls) = self.calls.lock() {
            *calls.entry(permission.to_owned()).or_default() += 1;
        }
        tracing::debug!(%url, permission, "API request");
        if let Err(skip) = self.budget.admit(service) {
            return Err(ApiError::new(
                match skip {
                    _ if skip.throttled() => GapCause::Throttled,
                    Skipped::Requests(_) => GapCause::TooLarge,
                    _ => GapCause::TimedOut,
                },
                skip.to_string(),
            ));
        }
        let timeout = self.budget.bound(self.timeouts.operation);
        let started = std::time::Instant::now();
        let throttled = AtomicBool::new(false);
        let attempts = async {
            let mut attempt = 0u32;
            loop {
                let once = match token().await {
                    Ok(t) => self.once(method, url, t.as_deref()).await,
                    Err(e) => Err((e, None)),
                };
                match once {
                    Err((e, retry_after)) if retryable(&e) && attempt < self.max_retries => {
                        attempt += 1;
                        if e.cause == GapCause::Throttled {
                            throttled.store(true, Ordering::Relaxed);
                        }
                        // A wait past what the read has left is throttling now.
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
            Err(_) if throttled.load(Ordering::Relaxed) => Err(ApiError {
                cause: GapCause::Throttled,
                status: Some(429),
                message: format!(
                    "throttled: the API answered 429 (too many requests) until the operation timeout of {}s",
                    timeout.as_secs_f64()
                ),
            }),
            Err(_) if timeout < self.timeouts.operation => Err(ApiError::new(
                GapCause::TimedOut,
                "timed out: the run's deadline (--deadline) passed during this read",
            )),
            Err(_) => Err(ApiError::new(
                GapCause::TimedOut,
                format!(
                    "timed out: no answer within the operation timeout of {}s (--operation-timeout)",
                    self.timeouts.operation.as_secs_f64()
                ),
            )),
        };
        self.budget.record(
            service,
            match &result {
                Err(e) if e.cause == GapCause::TimedOut => Outcome::TimedOut,
                Err(e) if e.cause == GapCause::Throttled => Outcome::Throttled,
                _ => Outcome::Answered,
            },
        );
        result
    }

    /// One attempt: the answer and its size, or the failure with the
    /// `Retry-After` the answer gave.
    async fn once(
        &self,
        method: Method<'_>,
        url: &Url,
        token: Option<&str>,
    ) -> Result<(Value, usize), (ApiError, Option<Duration>)> {
        let post = |kind: &str, body: &str| {
            self.http
                .post(url.clone())
                .header("content-type", kind)
                .body(body.to_owned())
        };
        let mut request = match method {
            Method::Get => self.http.get(url.clone()),
            Method::Post(body) => post("application/json", body),
            Method::Form(body) => post("application/x-www-form-urlencoded", body),
        };
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let mut response = request
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| {
                let cause = if e.is_timeout() {
                    GapCause::TimedOut
                } else {
                    GapCause::Unreachable
                };
                // reqwest's message without the URL names no header either.
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
        let too_large = |e: TooLarge| {
            (
                ApiError {
                    cause: GapCause::TooLarge,
                    status: Some(status),
                    message: e.to_string(),
                },
                None,
            )
        };
        // The body is read as it arrives, at most `response_bytes` of it.
        self.limits
            .declared(response.content_length())
            .map_err(too_large)?;
        let mut body: Vec<u8> = Vec::new();
        loop {
            let chunk = response.chunk().await.map_err(|e| {
                // A body that stops arriving ran out of time; it is not an
                // error the API reported.
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
                .reading(body.len() + chunk.len())
                .map_err(too_large)?;
            body.extend_from_slice(&chunk);
        }
        if !(200..300).contains(&status) {
            let (cause, message) = (self.read_error)(status, &body);
            return Err((
                ApiError {
                    cause,
                    status: Some(status),
                    message,
                },
                retry_after,
            ));
        }
        let value = serde_json::from_slice(&body).map_err(|e| {
            (
                ApiError {
                    cause: GapCause::ApiError,
                    status: Some(status),
                    message: format!("unreadable response: {e}"),
                },
                None,
            )
        })?;
        Ok((value, body.len()))
    }
}

fn retryable(e: &ApiError) -> bool {
    matches!(e.status, Some(429 | 500 | 502 | 503 | 504))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback() {
        for ok in [
            "http://127.0.0.1:9/",
            "http://[::1]:9",
            "http://localhost:1/base",
            "https://private.googleapis.com",
        ] {
            let e = token_endpoint(ok).unwrap_or_else(|e| panic!("{e}"));
            assert!(e.base().path().ends_with('/'), "{ok}");
        }
        for bad in [
            "http://10.0.0.1/",
            "http://example.com/",
            "ftp://x/",
            "not a url",
        ] {
            assert!(token_endpoint(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn error_bodies_name_what_the_api_said() {
        let google =
            br#"{"error": {"code": 403, "status": "PERMISSION_DENIED", "message": "denied"}}"#;
        assert_eq!(
            read_error(403, google),
            (
                GapCause::AccessDenied,
                "HTTP 403: PERMISSION_DENIED: denied".to_owned()
            )
        );
        let graph = br#"{"error": {"code": "TooManyRequests", "message": "slow down"}}"#;
        assert_eq!(
            read_error(429, graph),
            (
                GapCause::Throttled,
                "HTTP 429: TooManyRequests: slow down".to_owned()
            )
        );
        assert_eq!(
            read_error(502, b"<html>"),
            (GapCause::ApiError, "HTTP 502".to_owned())
        );
    }
}
