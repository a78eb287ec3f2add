//! The client of one SaaS API: the only requests it makes are the operations
//! of [`crate::ops::OPERATIONS`] (GETs, and the Dropbox read routes, which are
//! POSTs by design, at exactly their route), on the API's host or the one
//! endpoint given; a link from a response elsewhere is refused. Sending is
//! [`onus_endpoint::http::Client`]'s: no redirect followed, every body read
//! within the limits, 429 and 5xx retried honouring `Retry-After` within the
//! operation timeout.

use std::collections::BTreeMap;

use onus_endpoint::Endpoint;
pub use onus_endpoint::http::{ApiError, InsecureEndpoint};
use onus_model::GapCause;
use serde_json::Value;
use url::Url;

use crate::ops::{Method, Operation};
use crate::{Api, Tokens};

/// The client of one SaaS API.
#[derive(Debug, Clone)]
pub struct Client {
    api: Api,
    client: onus_endpoint::http::Client,
    tokens: Tokens,
    override_endpoint: Option<Endpoint>,
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
        let override_endpoint = endpoint
            .map(onus_endpoint::http::token_endpoint)
            .transpose()?;
        let client = onus_endpoint::http::Client::new(
            collector.timeouts,
            collector.limits,
            max_retries,
            read_error,
        )?
        .with_budget(collector.budget());
        Ok(Client {
            api,
            client,
            tokens,
            override_endpoint,
        })
    }

    /// The permissions used so far, with counts.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.client.calls()
    }

    /// The limits of one listing.
    pub(crate) fn limits(&self) -> onus_endpoint::Limits {
        self.client.limits()
    }

    fn endpoint(&self, host: &str) -> Endpoint {
        match &self.override_endpoint {
            Some(e) => e.clone(),
            None => onus_endpoint::http::host_endpoint(host),
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
        let body = body.map_or_else(|| "null".to_owned(), Value::to_string);
        let method = match op.method {
            Method::Get => onus_endpoint::http::Method::Get,
            // Dropbox's routes without arguments take the JSON `null`.
            Method::Post => onus_endpoint::http::Method::Post(&body),
        };
        let (tokens, api) = (&self.tokens, self.api);
        let token = || async move {
            tokens.token().await.map(Some).map_err(|e| {
                ApiError::new(
                    GapCause::AccessDenied,
                    format!("no token for {}: {e}", api.as_str()),
                )
            })
        };
        self.client
            .call(self.api.as_str(), op.permission, method, &url, token)
            .await
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
}

/// What an error body says, in the shapes of the three APIs: Graph
/// (`error.code`, `error.message`), Google (`error.status`, `error.message`),
/// Dropbox (`error_summary`, or plain text).
fn error_text(v: &Value, bytes: &[u8]) -> String {
    let mut parts = onus_endpoint::http::error_fields(v);
    parts.extend(v["error_summary"].as_str().filter(|s| !s.is_empty()));
    if !parts.is_empty() {
        return parts.join(": ");
    }
    if v.is_null() && !bytes.is_empty() {
        // Dropbox answers some errors (a bad request) in plain text.
        return String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
    }
    String::new()
}

/// An error body of the three APIs: 401 and 403 denied, 429 throttled;
/// Dropbox's route errors are 409s, and a missing scope among them reads as
/// denied.
fn read_error(status: u16, body: &[u8]) -> (GapCause, String) {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let said = error_text(&v, body);
    let cause = match status {
        409 if said.contains("missing_scope") => GapCause::AccessDenied,
        _ => onus_endpoint::http::cause_of(status),
    };
    let message = if said.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {said}")
    };
    (cause, message)
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
        // A Dropbox route's missing scope is a 409 that reads as denied.
        let (cause, message) = read_error(
            409,
            br#"{"error_summary": "missing_scope/..", "error": {".tag": "missing_scope"}}"#,
        );
        assert_eq!(cause, GapCause::AccessDenied);
        assert_eq!(message, "HTTP 409: missing_scope/..");
        assert_eq!(read_error(409, b"{}").0, GapCause::ApiError);
        assert_eq!(read_error(503, b"").1, "HTTP 503");
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
