//! The Google REST APIs onus reads: one table of operations (service host,
//! path, IAM permission), GETs only, `nextPageToken` paging, retries on 429 and
//! 5xx honouring `Retry-After`, and every URL kept on the configured host.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onus_endpoint::{Endpoint, Pages, Timeouts};
use onus_model::GapCause;
use serde_json::Value;
use url::Url;

use crate::credential::TokenSource;

/// One operation: (name, service host prefix, IAM permission).
pub type Operation = (&'static str, &'static str, &'static str);

/// Every read the collector makes. `config/gcp-reader-role.yaml` lists exactly
/// these permissions (a test keeps it equal).
pub const OPERATIONS: &[Operation] = &[
    (
        "projects.list",
        "cloudresourcemanager",
        "resourcemanager.projects.get",
    ),
    (
        "assets.list",
        "cloudasset",
        "cloudasset.assets.listResource",
    ),
    (
        "instances.aggregatedList",
        "compute",
        "compute.instances.list",
    ),
    ("disks.aggregatedList", "compute", "compute.disks.list"),
    ("firewalls.list", "compute", "compute.firewalls.list"),
    (
        "vulnerabilityReports.get",
        "osconfig",
        "osconfig.vulnerabilityReports.get",
    ),
    ("buckets.list", "storage", "storage.buckets.list"),
    (
        "buckets.getIamPolicy",
        "storage",
        "storage.buckets.getIamPolicy",
    ),
    ("instances.list", "sqladmin", "cloudsql.instances.list"),
    ("apps.get", "appengine", "appengine.applications.get"),
    ("services.list", "appengine", "appengine.services.list"),
    ("versions.list", "appengine", "appengine.versions.list"),
    ("versions.get", "appengine", "appengine.versions.get"),
    (
        "securityCenterServices.list",
        "securitycentermanagement",
        "securitycentermanagement.securityCenterServices.list",
    ),
];

/// A failed call.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// The kind of failure.
    pub cause: GapCause,
    /// HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// Status, Google's error status and message (never the token).
    pub message: String,
}

/// An endpoint a bearer token must not be sent to.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}: Google API endpoints must be https:// (plain http:// only on a loopback address)")]
pub struct InsecureEndpoint(pub String);

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The client: one endpoint per service host (or one for all with `--gcp-endpoint`).
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    tokens: TokenSource,
    override_endpoint: Option<Endpoint>,
    timeouts: Timeouts,
    limits: onus_endpoint::Limits,
    budget: onus_endpoint::RunBudget,
    max_retries: u32,
    calls: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl Api {
    /// A client. `endpoint` replaces every Google API host (private service
    /// connect, emulators); plain HTTP only on loopback.
    pub fn new(
        endpoint: Option<&str>,
        tokens: TokenSource,
        timeouts: Timeouts,
        limits: onus_endpoint::Limits,
        max_retries: u32,
    ) -> Result<Api, InsecureEndpoint> {
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
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.attempt)
            // Never follow a redirect: it could carry the token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| InsecureEndpoint(e.to_string()))?;
        Ok(Api {
            http,
            tokens,
            override_endpoint,
            timeouts,
            limits,
            budget: onus_endpoint::RunBudget::unlimited(),
            max_retries,
            calls: Arc::default(),
        })
    }

    /// The permissions used so far, with counts.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    fn endpoint(&self, service: &str) -> Endpoint {
        match &self.override_endpoint {
            Some(e) => e.clone(),
            None => Endpoint::new(
                Url::parse(&format!("https://{service}.googleapis.com/"))
                    .unwrap_or_else(|_| Url::parse("https://googleapis.com/").expect("static URL")),
            ),
        }
    }

    /// This client under the run's `budget` (deadline and breakers).
    #[must_use]
    pub fn with_budget(mut self, budget: onus_endpoint::RunBudget) -> Api {
        self.budget = budget;
        self
    }

    /// GET `path` (which may hold names from responses: it stays on the
    /// service's endpoint or is refused) with `query`.
    pub async fn get(
        &self,
        operation: &str,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, ApiError> {
        self.get_sized(operation, path, query).await.map(|(v, _)| v)
    }

    /// [`Api::get`], with the size of the body read.
    async fn get_sized(
        &self,
        operation: &str,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<(Value, usize), ApiError> {
        let Some((_, service, permission)) = OPERATIONS.iter().find(|(o, _, _)| *o == operation)
        else {
            return Err(ApiError {
                cause: GapCause::Other,
                status: None,
                message: format!("{operation} is not in the operation table"),
            });
        };
        let mut url = self.endpoint(service).join(path).map_err(|e| ApiError {
            cause: GapCause::ApiError,
            status: None,
            message: e.to_string(),
        })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        if let Ok(mut calls) = self.calls.lock() {
            *calls.entry((*permission).to_owned()).or_default() += 1;
        }
        tracing::debug!(%url, permission, "Google API request");
        if let Err(skip) = self.budget.admit(service) {
            return Err(ApiError {
                cause: match skip {
                    _ if skip.throttled() => GapCause::Throttled,
                    onus_endpoint::Skipped::Requests(_) => GapCause::TooLarge,
                    _ => GapCause::TimedOut,
                },
                status: None,
                message: skip.to_string(),
            });
        }
        let timeout = self.budget.bound(self.timeouts.operation);
        let started = std::time::Instant::now();
        let throttled = std::sync::atomic::AtomicBool::new(false);
        let attempt_all = async {
            let mut attempt = 0u32;
            loop {
                match self.once(&url).await {
                    Err((e, retry_after)) if retryable(&e) && attempt < self.max_retries => {
                        attempt += 1;
                        if e.cause == GapCause::Throttled {
                            throttled.store(true, std::sync::atomic::Ordering::Relaxed);
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
        let result = match tokio::time::timeout(timeout, attempt_all).await {
            Ok(r) => r,
            Err(_) if throttled.load(std::sync::atomic::Ordering::Relaxed) => Err(ApiError {
                cause: GapCause::Throttled,
                status: Some(429),
                message: format!(
                    "throttled: the API answered 429 (too many requests) until the operation timeout of {}s",
                    timeout.as_secs_f64()
                ),
            }),
            Err(_) if timeout < self.timeouts.operation => Err(ApiError {
                cause: GapCause::TimedOut,
                status: None,
                message: "timed out: the run's deadline (--deadline) passed during this read"
                    .to_owned(),
            }),
            Err(_) => Err(ApiError {
                cause: GapCause::TimedOut,
                status: None,
                message: format!(
                    "timed out: no answer within the operation timeout of {}s (--operation-timeout)",
                    self.timeouts.operation.as_secs_f64()
                ),
            }),
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

    async fn once(&self, url: &Url) -> Result<(Value, usize), (ApiError, Option<Duration>)> {
        let token = self.tokens.token().await.map_err(|e| {
            (
                ApiError {
                    cause: GapCause::AccessDenied,
                    status: None,
                    message: e.to_string(),
                },
                None,
            )
        })?;
        let mut response = self
            .http
            .get(url.clone())
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
                // reqwest's message names the URL, never the headers.
                (
                    ApiError {
                        cause,
                        status: None,
                        message: format!("request failed: {}", e.without_url()),
                    },
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
        // The body is read as it arrives, at most `response_bytes` of it.
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
        let mut body: Vec<u8> = Vec::new();
        loop {
            let chunk = response.chunk().await.map_err(|e| {
                // A body that stops arriving ran out of time; it is not an error
                // the API reported.
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
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let code = v["error"]["status"].as_str().unwrap_or("");
            let message = v["error"]["message"].as_str().unwrap_or("");
            let cause = match status {
                401 | 403 => GapCause::AccessDenied,
                429 => GapCause::Throttled,
                _ => GapCause::ApiError,
            };
            let text = if code.is_empty() && message.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status} {code}: {message}")
            };
            return Err((
                ApiError {
                    cause,
                    status: Some(status),
                    message: text,
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

    /// Every page of a listing: `field` of each page, following `nextPageToken`
    /// (each token once, at most [`onus_endpoint::MAX_PAGES`] pages). Returns
    /// what was read and the error that stopped it, if any.
    pub async fn list(
        &self,
        operation: &str,
        path: &str,
        query: &[(&str, &str)],
        field: &str,
    ) -> (Vec<Value>, Option<ApiError>) {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = Pages::with_limits(self.limits);
        loop {
            let mut q: Vec<(&str, &str)> = query.to_vec();
            if let Some(t) = &token {
                q.push(("pageToken", t));
            }
            let (mut page, size) = match self.get_sized(operation, path, &q).await {
                Ok(p) => p,
                Err(e) => return (items, Some(e)),
            };
            let mut found = Vec::new();
            match page.get_mut(field).map(Value::take) {
                Some(Value::Array(a)) => found = a,
                // Aggregated lists: `items` maps a scope (zone) to `{field: [...]}`.
                Some(Value::Object(scopes)) => {
                    for (_, scoped) in scopes {
                        if let Value::Object(lists) = scoped {
                            for (_, list) in lists {
                                if let Value::Array(a) = list {
                                    found.extend(a);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            if let Err(stop) = pages.took(size, found.len()) {
                return (
                    items,
                    Some(ApiError {
                        cause: GapCause::TooLarge,
                        status: None,
                        message: stop.to_string(),
                    }),
                );
            }
            items.extend(found);
            match page["nextPageToken"].as_str().filter(|t| !t.is_empty()) {
                None => return (items, None),
                Some(t) => {
                    if let Err(stop) = pages.next(t) {
                        return (
                            items,
                            Some(ApiError {
                                cause: GapCause::ApiError,
                                status: None,
                                message: stop.to_string(),
                            }),
                        );
                    }
                    token = Some(t.to_owned());
                }
            }
        }
    }
}

fn retryable(e: &ApiError) -> bool {
    matches!(e.status, Some(429 | 500 | 502 | 503 | 504))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_role_lists_exactly_these_permissions() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../config/gcp-reader-role.yaml"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let mut shipped: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("includedPermissions:"))
            .skip(1)
            .filter_map(|l| l.trim().strip_prefix("- "))
            .collect();
        shipped.sort_unstable();
        let mut used: Vec<&str> = OPERATIONS.iter().map(|(_, _, p)| *p).collect();
        used.sort_unstable();
        used.dedup();
        assert_eq!(
            shipped, used,
            "config/gcp-reader-role.yaml is out of step with the operation table"
        );
        // Reads only: get, list and the asset inventory's listResource.
        assert!(used.iter().all(|p| {
            let verb = p.rsplit('.').next().unwrap_or_default();
            verb.starts_with("get") || verb.starts_with("list")
        }));
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let api = |url: &str| {
            Api::new(
                Some(url),
                TokenSource::Static("t".into()),
                Timeouts::DEFAULT,
                onus_endpoint::Limits::DEFAULT,
                0,
            )
        };
        assert!(api("http://127.0.0.1:9/").is_ok());
        assert!(api("http://[::1]:9/").is_ok());
        assert!(api("http://example.com/").is_err());
        assert!(api("https://private.googleapis.com/").is_ok());
    }
}
