//! ARM REST through the azure_core 1.x HTTP pipeline: reads only (GET, plus the
//! Resource Graph query, a POST that reads), nextLink and `$skipToken` paging,
//! retries honouring `Retry-After`, and a bearer-token policy.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use azure_core::credentials::TokenCredential;
use azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{
    ClientOptions, Context, ExponentialRetryOptions, Method, Pipeline, PipelineStreamOptions,
    Request, RetryOptions, Url,
};
use azure_core::time::Duration;
use futures_util::StreamExt as _;
use onus_endpoint::{Endpoint, Pages};
use onus_model::GapCause;
use serde_json::Value;

/// The scope of an ARM token.
pub const ARM_SCOPE: &str = "https://management.azure.com/.default";

/// Every ARM read the collector makes: (resource type or sub-resource, api-version,
/// Azure RBAC action). `config/azure-reader-role.json` lists exactly these actions.
pub const API: &[(&str, &str, &str)] = &[
    (
        "Microsoft.Security/pricings",
        "2024-01-01",
        "Microsoft.Security/pricings/read",
    ),
    (
        "subscriptions",
        "2022-12-01",
        "Microsoft.Resources/subscriptions/read",
    ),
    (
        "Microsoft.Compute/virtualMachines",
        "2024-07-01",
        "Microsoft.Compute/virtualMachines/read",
    ),
    (
        "Microsoft.Compute/virtualMachines/instanceView",
        "2024-07-01",
        "Microsoft.Compute/virtualMachines/instanceView/read",
    ),
    (
        "Microsoft.Compute/disks",
        "2024-03-02",
        "Microsoft.Compute/disks/read",
    ),
    (
        "Microsoft.Network/networkSecurityGroups",
        "2024-05-01",
        "Microsoft.Network/networkSecurityGroups/read",
    ),
    (
        "Microsoft.Storage/storageAccounts",
        "2023-05-01",
        "Microsoft.Storage/storageAccounts/read",
    ),
    (
        "Microsoft.Web/sites",
        "2023-12-01",
        "Microsoft.Web/sites/Read",
    ),
    (
        "Microsoft.Web/sites/config",
        "2023-12-01",
        "Microsoft.Web/sites/config/Read",
    ),
    (
        "Microsoft.Sql/servers",
        "2023-08-01",
        "Microsoft.Sql/servers/read",
    ),
    (
        "Microsoft.Sql/servers/firewallRules",
        "2023-08-01",
        "Microsoft.Sql/servers/firewallRules/read",
    ),
    (
        "Microsoft.Network/networkInterfaces",
        "2024-05-01",
        "Microsoft.Network/networkInterfaces/read",
    ),
    (
        "Microsoft.ResourceGraph/resources",
        "2022-10-01",
        "Microsoft.ResourceGraph/resources/read",
    ),
    (
        "Microsoft.Resources/resources",
        "2021-04-01",
        "Microsoft.Resources/subscriptions/resources/read",
    ),
    (
        "Microsoft.KeyVault/vaults",
        "2023-07-01",
        "Microsoft.KeyVault/vaults/read",
    ),
    (
        "Microsoft.DocumentDB/databaseAccounts",
        "2024-11-15",
        "Microsoft.DocumentDB/databaseAccounts/read",
    ),
    (
        "Microsoft.DBforPostgreSQL/flexibleServers",
        "2024-08-01",
        "Microsoft.DBforPostgreSQL/flexibleServers/read",
    ),
    (
        "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
        "2024-08-01",
        "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read",
    ),
    (
        "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
        "2024-08-01",
        "Microsoft.DBforPostgreSQL/flexibleServers/configurations/read",
    ),
    (
        "Microsoft.DBforMySQL/flexibleServers",
        "2023-12-30",
        "Microsoft.DBforMySQL/flexibleServers/read",
    ),
    (
        "Microsoft.DBforMySQL/flexibleServers/firewallRules",
        "2023-12-30",
        "Microsoft.DBforMySQL/flexibleServers/firewallRules/read",
    ),
    (
        "Microsoft.DBforMySQL/flexibleServers/configurations",
        "2023-12-30",
        "Microsoft.DBforMySQL/flexibleServers/configurations/read",
    ),
    (
        "Microsoft.Cache/redis",
        "2024-03-01",
        "Microsoft.Cache/redis/read",
    ),
    (
        "Microsoft.ContainerRegistry/registries",
        "2023-07-01",
        "Microsoft.ContainerRegistry/registries/read",
    ),
    (
        "Microsoft.EventHub/namespaces",
        "2024-01-01",
        "Microsoft.EventHub/namespaces/read",
    ),
    (
        "Microsoft.EventHub/namespaces/networkRuleSets",
        "2024-01-01",
        "Microsoft.EventHub/namespaces/networkRuleSets/read",
    ),
    (
        "Microsoft.ServiceBus/namespaces",
        "2021-11-01",
        "Microsoft.ServiceBus/namespaces/read",
    ),
    (
        "Microsoft.ServiceBus/namespaces/networkRuleSets",
        "2021-11-01",
        "Microsoft.ServiceBus/namespaces/networkRuleSets/read",
    ),
    (
        "Microsoft.ContainerService/managedClusters",
        "2024-09-01",
        "Microsoft.ContainerService/managedClusters/read",
    ),
    (
        "Microsoft.Network/applicationGateways",
        "2024-05-01",
        "Microsoft.Network/applicationGateways/read",
    ),
    (
        "Microsoft.Compute/virtualMachineScaleSets",
        "2024-07-01",
        "Microsoft.Compute/virtualMachineScaleSets/read",
    ),
];

/// The api-version of a resource type from [`API`].
pub fn api_version(resource_type: &str) -> &'static str {
    API.iter()
        .find(|(t, _, _)| *t == resource_type)
        .map_or("2022-12-01", |(_, v, _)| *v)
}

/// A failed ARM call.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ArmError {
    /// The kind of failure.
    pub cause: GapCause,
    /// Status, ARM error code and message (never the token).
    pub message: String,
}

/// A bearer-token policy for plain-HTTP loopback endpoints (emulators and tests).
/// azure_core's [`BearerTokenAuthorizationPolicy`] refuses any URL that is not HTTPS, which is
/// right for real clouds and is what onus uses for them; this policy is installed
/// only when the endpoint is `http://` on a loopback address.
#[derive(Debug)]
struct LoopbackBearerPolicy {
    credential: Arc<dyn TokenCredential>,
}

#[async_trait]
impl Policy for LoopbackBearerPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let host_is_loopback = request.url().host_str().is_some_and(is_loopback);
        if request.url().scheme() != "http" || !host_is_loopback {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Other,
                "plain-HTTP bearer tokens are sent to loopback addresses only",
            ));
        }
        let token = self.credential.get_token(&[ARM_SCOPE], None).await?;
        request.insert_header("authorization", format!("Bearer {}", token.token.secret()));
        next[0].send(ctx, request, &next[1..]).await
    }
}

/// Bounds one attempt of a request (connect, send, read the whole answer): a
/// per-try policy, so the retry policy sees a timed-out attempt like any other
/// transport failure and tries again, within the operation timeout.
#[derive(Debug)]
struct AttemptTimeout(std::time::Duration);

#[async_trait]
impl Policy for AttemptTimeout {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        match tokio::time::timeout(self.0, next[0].send(ctx, request, &next[1..])).await {
            Ok(result) => result,
            Err(_) => Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Io,
                format!(
                    "timed out: no answer within the attempt timeout of {}s (--timeout)",
                    self.0.as_secs_f64()
                ),
            )),
        }
    }
}

/// The HTTP status of the latest answer to one request (0 before any), so a
/// request that runs out of time after being throttled says `throttled`.
#[derive(Debug, Default)]
struct LastStatus(std::sync::atomic::AtomicU16);

/// When the current read must end (its operation timeout, or the run's deadline).
#[derive(Debug, Clone, Copy)]
struct OperationEnds(std::time::Instant);

/// Records each attempt's HTTP status in the request's [`LastStatus`].
#[derive(Debug)]
struct RecordStatus;

#[async_trait]
impl Policy for RecordStatus {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let result = next[0].send(ctx, request, &next[1..]).await;
        if let (Ok(response), Some(last)) = (&result, ctx.value::<Arc<LastStatus>>()) {
            last.0.store(
                u16::from(response.status()),
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        // A 429 asking for a wait longer than the read has left is throttling
        // now: waiting would only end in a timeout.
        if let (Ok(response), Some(OperationEnds(ends))) = (&result, ctx.value::<OperationEnds>())
            && u16::from(response.status()) == 429
            && let Some(wait) = response
                .headers()
                .get_optional_str(&azure_core::http::headers::RETRY_AFTER)
                .and_then(|v| v.trim().parse::<u64>().ok())
            && std::time::Instant::now() + std::time::Duration::from_secs(wait) > *ends
        {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::HttpResponse {
                    status: azure_core::http::StatusCode::TooManyRequests,
                    error_code: None,
                    raw_response: None,
                },
                format!(
                    "throttled: the API answered 429 and asks to retry after {wait}s, more than this read has left"
                ),
            ));
        }
        result
    }
}

/// Whether `host` is a loopback address or `localhost`.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A request that got no HTTP answer: name the innermost cause (the retry policy's
/// "expired" message alone hides a refused connection).
fn transport_error(e: azure_core::Error) -> ArmError {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    chain.dedup();
    let text = chain.join(": ");
    let lower = text.to_ascii_lowercase();
    let cause = if matches!(
        e.kind(),
        azure_core::error::ErrorKind::HttpResponse {
            status: azure_core::http::StatusCode::TooManyRequests,
            ..
        }
    ) {
        GapCause::Throttled
    } else if matches!(e.kind(), azure_core::error::ErrorKind::Credential) {
        GapCause::AccessDenied
    } else if lower.contains("timed out") {
        GapCause::TimedOut
    } else if matches!(e.kind(), azure_core::error::ErrorKind::Io)
        || [
            "connect",
            "connection",
            "dns",
            "timed out",
            "retry policy expired",
        ]
        .iter()
        .any(|w| lower.contains(w))
    {
        GapCause::Unreachable
    } else {
        GapCause::ApiError
    };
    ArmError {
        cause,
        message: text,
    }
}

/// An endpoint a bearer token must not be sent to.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}: ARM endpoints must be https:// (plain http:// only on a loopback address)")]
pub struct InsecureEndpoint(pub Url);

/// An ARM client: GETs against one endpoint, counting the actions it performs.
#[derive(Debug, Clone)]
pub struct Arm {
    pipeline: Arc<Pipeline>,
    endpoint: Endpoint,
    operation_timeout: std::time::Duration,
    limits: onus_endpoint::Limits,
    budget: onus_endpoint::RunBudget,
    calls: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl Arm {
    /// A client for `endpoint` authenticating with `credential`. Plain HTTP is
    /// accepted only for loopback endpoints.
    pub fn new(
        endpoint: Url,
        credential: Arc<dyn TokenCredential>,
        max_retries: u32,
        timeouts: onus_endpoint::Timeouts,
        limits: onus_endpoint::Limits,
    ) -> Result<Arm, InsecureEndpoint> {
        let loopback_http =
            endpoint.scheme() == "http" && endpoint.host_str().is_some_and(is_loopback);
        if endpoint.scheme() != "https" && !loopback_http {
            return Err(InsecureEndpoint(endpoint));
        }
        let auth: Arc<dyn Policy> = if loopback_http {
            Arc::new(LoopbackBearerPolicy { credential })
        } else {
            Arc::new(BearerTokenAuthorizationPolicy::new(credential, [ARM_SCOPE]))
        };
        let options = ClientOptions {
            retry: RetryOptions::exponential(ExponentialRetryOptions {
                initial_delay: Duration::milliseconds(200),
                max_retries,
                max_total_elapsed: Duration::seconds(
                    i64::try_from(timeouts.operation.as_secs()).unwrap_or(i64::MAX),
                ),
                max_delay: Duration::seconds(30),
            }),
            ..Default::default()
        };
        let pipeline = Pipeline::new(
            Some("onus-azure"),
            Some(env!("CARGO_PKG_VERSION")),
            options,
            Vec::new(),
            vec![
                auth,
                Arc::new(AttemptTimeout(timeouts.attempt)),
                Arc::new(RecordStatus),
            ],
            None,
        );
        Ok(Arm {
            pipeline: Arc::new(pipeline),
            endpoint: Endpoint::new(endpoint),
            operation_timeout: timeouts.operation,
            limits,
            budget: onus_endpoint::RunBudget::unlimited(),
            calls: Arc::default(),
        })
    }

    /// This client under the run's `budget` (deadline and breakers).
    #[must_use]
    pub fn with_budget(mut self, budget: onus_endpoint::RunBudget) -> Arm {
        self.budget = budget;
        self
    }

    /// The RBAC actions performed so far, with counts.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// A request URL from a path, which may come from response data (a resource
    /// id): it stays on the endpoint or is refused, and the refusal is a gap.
    fn url(&self, path: &str, api: &str) -> Result<Url, ArmError> {
        let mut url = self.endpoint.join(path).map_err(refused)?;
        url.query_pairs_mut()
            .append_pair("api-version", api_version(api));
        Ok(url)
    }

    async fn get_url(&self, url: Url, api: &str) -> Result<Value, ArmError> {
        self.send(url, api, None).await
    }

    /// Send a GET, or (with a body) the one POST onus makes: a Resource Graph query,
    /// which reads and changes nothing.
    async fn send(&self, url: Url, api: &str, query: Option<&Value>) -> Result<Value, ArmError> {
        self.send_sized(url, api, query).await.map(|(v, _)| v)
    }

    /// [`Arm::send`], with the size of the body read. The body is read as it
    /// arrives, within the operation timeout and at most
    /// [`Limits::response_bytes`](onus_endpoint::Limits) of it: a larger one is a
    /// `too-large` failure, never a whole body in memory.
    async fn send_sized(
        &self,
        url: Url,
        api: &str,
        query: Option<&Value>,
    ) -> Result<(Value, usize), ArmError> {
        let action = API
            .iter()
            .find(|(t, _, _)| *t == api)
            .map_or("unknown", |(_, _, a)| *a);
        if let Ok(mut calls) = self.calls.lock() {
            *calls.entry(action.to_owned()).or_default() += 1;
        }
        tracing::debug!(%url, action, "ARM request");
        let mut request = Request::new(
            url,
            if query.is_some() {
                Method::Post
            } else {
                Method::Get
            },
        );
        request.insert_header("accept", "application/json");
        if let Some(q) = query {
            request.insert_header("content-type", "application/json");
            request.set_body(q.to_string());
        }
        // The breaker counts per resource provider (`Microsoft.Compute`).
        let service = api.split('/').next().unwrap_or(api);
        if let Err(skip) = self.budget.admit(service) {
            return Err(ArmError {
                cause: match skip {
                    _ if skip.throttled() => GapCause::Throttled,
                    onus_endpoint::Skipped::Requests(_) => GapCause::TooLarge,
                    _ => GapCause::TimedOut,
                },
                message: skip.to_string(),
            });
        }
        let timeout = self.budget.bound(self.operation_timeout);
        let cut_by_deadline = timeout < self.operation_timeout;
        let last = Arc::new(LastStatus::default());
        let ctx = Context::new()
            .with_value(last.clone())
            .with_value(OperationEnds(std::time::Instant::now() + timeout));
        let limits = self.limits;
        let read = async {
            let response = self
                .pipeline
                .stream(
                    &ctx,
                    &mut request,
                    Some(PipelineStreamOptions {
                        skip_checks: true,
                        ..Default::default()
                    }),
                )
                .await
                .map_err(Read::Transport)?;
            let (status, headers, mut body) = response.deconstruct();
            let declared = headers
                .get_optional_str(&azure_core::http::headers::CONTENT_LENGTH)
                .and_then(|v| v.parse::<u64>().ok());
            limits.declared(declared).map_err(Read::TooLarge)?;
            let mut bytes: Vec<u8> = Vec::new();
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(Read::Transport)?;
                limits
                    .reading(bytes.len() + chunk.len())
                    .map_err(Read::TooLarge)?;
                bytes.extend_from_slice(&chunk);
            }
            Ok::<_, Read>((u16::from(status), bytes))
        };
        let result = self.finish(
            tokio::time::timeout(timeout, read).await,
            &last,
            cut_by_deadline,
        );
        let outcome = match &result {
            Err(e) if e.cause == GapCause::TimedOut => onus_endpoint::Outcome::TimedOut,
            Err(e) if e.cause == GapCause::Throttled => onus_endpoint::Outcome::Throttled,
            _ => onus_endpoint::Outcome::Answered,
        };
        self.budget.record(service, outcome);
        result
    }

    /// The value of a read, or the failure it ended in.
    fn finish(
        &self,
        sent: Result<Result<(u16, Vec<u8>), Read>, tokio::time::error::Elapsed>,
        last: &LastStatus,
        cut_by_deadline: bool,
    ) -> Result<(Value, usize), ArmError> {
        let sent = sent
        .map_err(|_| {
            // Retries after 429s that spend the whole operation timeout are
            // throttling, not an endpoint that never answered.
            if last.0.load(std::sync::atomic::Ordering::Relaxed) == 429 {
                ArmError {
                    cause: GapCause::Throttled,
                    message: format!(
                        "throttled: the API answered 429 (too many requests) until the operation timeout of {}s (--operation-timeout)",
                        self.operation_timeout.as_secs_f64()
                    ),
                }
            } else if cut_by_deadline {
                ArmError {
                    cause: GapCause::TimedOut,
                    message: "timed out: the run's deadline (--deadline) passed during this read"
                        .to_owned(),
                }
            } else {
                ArmError {
                    cause: GapCause::TimedOut,
                    message: format!(
                        "timed out: no answer within the operation timeout of {}s (--operation-timeout)",
                        self.operation_timeout.as_secs_f64()
                    ),
                }
            }
        })?;
        let (status, body) = match sent {
            Ok(read) => read,
            Err(Read::Transport(e)) => return Err(transport_error(e)),
            Err(Read::TooLarge(e)) => {
                return Err(ArmError {
                    cause: GapCause::TooLarge,
                    message: e.to_string(),
                });
            }
        };
        let size = body.len();
        let body = body.as_slice();
        if !(200..300).contains(&status) {
            let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let code = v["error"]["code"].as_str().unwrap_or("");
            let message = v["error"]["message"].as_str().unwrap_or("");
            let cause = match status {
                401 | 403 => GapCause::AccessDenied,
                429 => GapCause::Throttled,
                _ => GapCause::ApiError,
            };
            let text = if code.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status} {code}: {message}")
            };
            return Err(ArmError {
                cause,
                message: text,
            });
        }
        let value = serde_json::from_slice(body).map_err(|e| ArmError {
            cause: GapCause::ApiError,
            message: format!("unreadable response: {e}"),
        })?;
        Ok((value, size))
    }

    /// GET one ARM resource.
    pub async fn get(&self, path: &str, api: &str) -> Result<Value, ArmError> {
        let url = self.url(path, api)?;
        self.get_url(url, api).await
    }

    /// Run a Resource Graph query over `subscriptions`, following `$skipToken`.
    pub async fn resource_graph(
        &self,
        subscriptions: &[String],
        query: &str,
    ) -> (Vec<Value>, Option<ArmError>) {
        let api = "Microsoft.ResourceGraph/resources";
        let mut rows = Vec::new();
        let mut skip: Option<String> = None;
        let mut pages = Pages::with_limits(self.limits);
        loop {
            if let Err(stop) = pages.next(skip.as_deref().unwrap_or("")) {
                return (rows, Some(paging(stop)));
            }
            let url = match self.url("providers/Microsoft.ResourceGraph/resources", api) {
                Ok(u) => u,
                Err(e) => return (rows, Some(e)),
            };
            let mut options = serde_json::json!({"$top": 1000, "resultFormat": "objectArray"});
            if let Some(t) = &skip {
                options["$skipToken"] = Value::String(t.clone());
            }
            let body = serde_json::json!({"subscriptions": subscriptions, "query": query, "options": options});
            let (mut page, size) = match self.send_sized(url, api, Some(&body)).await {
                Ok(p) => p,
                Err(e) => return (rows, Some(e)),
            };
            let data = match page.get_mut("data").map(Value::take) {
                Some(Value::Array(v)) => v,
                _ => Vec::new(),
            };
            if let Err(stop) = pages.took(size, data.len()) {
                return (rows, Some(too_large(&stop)));
            }
            rows.extend(data);
            match page["$skipToken"].as_str().filter(|t| !t.is_empty()) {
                Some(t) => skip = Some(t.to_owned()),
                None => return (rows, None),
            }
        }
    }

    /// GET a list, following `nextLink` on the endpoint's origin only, each link
    /// once, at most [`onus_endpoint::MAX_PAGES`] pages. Returns the items read
    /// and the error that stopped paging, if any.
    pub async fn list(&self, path: &str, api: &str) -> (Vec<Value>, Option<ArmError>) {
        let mut items = Vec::new();
        let mut url = match self.url(path, api) {
            Ok(u) => u,
            Err(e) => return (items, Some(e)),
        };
        let mut pages = Pages::with_limits(self.limits);
        loop {
            if let Err(stop) = pages.next(url.as_str()) {
                return (items, Some(paging(stop)));
            }
            let (mut page, size) = match self.send_sized(url.clone(), api, None).await {
                Ok(p) => p,
                Err(e) => return (items, Some(e)),
            };
            let values = match page.get_mut("value").map(Value::take) {
                Some(Value::Array(v)) => v,
                _ => Vec::new(),
            };
            if let Err(stop) = pages.took(size, values.len()) {
                return (items, Some(too_large(&stop)));
            }
            items.extend(values);
            let Some(next) = page["nextLink"].as_str().filter(|s| !s.is_empty()) else {
                return (items, None);
            };
            // Never send the token to another host than the endpoint's.
            match self.endpoint.follow(next) {
                Ok(n) => url = n,
                Err(e) => return (items, Some(refused(e))),
            }
        }
    }
}

fn refused(e: onus_endpoint::Refused) -> ArmError {
    ArmError {
        cause: GapCause::ApiError,
        message: e.to_string(),
    }
}

fn too_large(e: &onus_endpoint::TooLarge) -> ArmError {
    ArmError {
        cause: GapCause::TooLarge,
        message: e.to_string(),
    }
}

/// Why reading a response stopped.
enum Read {
    Transport(azure_core::Error),
    TooLarge(onus_endpoint::TooLarge),
}

fn paging(e: onus_endpoint::PagingStopped) -> ArmError {
    ArmError {
        cause: GapCause::ApiError,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_role_lists_exactly_these_actions() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../config/azure-reader-role.json"
        );
        let role: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut shipped: Vec<&str> = role["Actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        shipped.sort_unstable();
        let mut used: Vec<&str> = API.iter().map(|(_, _, a)| *a).collect();
        used.sort_unstable();
        used.dedup();
        assert_eq!(
            shipped, used,
            "config/azure-reader-role.json is out of step with the collector's ARM reads"
        );
        assert!(
            used.iter()
                .all(|a| a.to_ascii_lowercase().ends_with("/read")),
            "reads only"
        );
        assert!(role["DataActions"].as_array().unwrap().is_empty());
    }

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("127.0.0.1") && is_loopback("localhost") && is_loopback("[::1]"));
        assert!(!is_loopback("management.azure.com") && !is_loopback("10.0.0.1"));
    }
}
