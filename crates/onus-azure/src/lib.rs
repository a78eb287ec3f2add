//! The onus Azure collector.
//!
//! Reads Azure Resource Manager with plain REST through the supported
//! azure_core 1.x HTTP pipeline (retry honouring `Retry-After`, bearer-token
//! policy) and azure_identity 1.x credentials, modelling only the fields onus
//! reads. The frozen `azure_mgmt_*` crates are not used. Only reads are made
//! (GET, and the Resource Graph query's POST); every failed call becomes a
//! [`onus_model::Gap`].

pub mod arm;
pub mod credential;
pub mod defender;
pub mod kinds;
pub mod map;
pub mod types;

use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_core::http::Url;
use onus_model::{EnumerationSource, Gap, GapCause, Inventory, Provider, Resource, SourceStatus};
use serde_json::Value;
use tokio::sync::Semaphore;

pub use arm::{API, Arm, ArmError};

/// What to collect, and how.
#[derive(Debug, Clone)]
pub struct AzureOptions {
    /// Subscriptions; empty: every subscription the identity can list.
    pub subscriptions: Vec<String>,
    /// The ARM endpoint (sovereign clouds, tests).
    pub endpoint: String,
    /// Retries per request (429 and 5xx, honouring `Retry-After`).
    pub max_retries: u32,
    /// Enumerate through Resource Graph (one paged query over every
    /// subscription), falling back to the generic ARM list when it is denied or
    /// unavailable; `false`: the ARM list only.
    pub resource_graph: bool,
    /// Concurrent per-resource calls, shard, and the attempt and operation
    /// timeouts of every call (the attempt timeout also bounds connecting).
    pub collector: onus_endpoint::CollectorOptions,
}

impl Default for AzureOptions {
    fn default() -> Self {
        AzureOptions {
            subscriptions: Vec::new(),
            endpoint: "https://management.azure.com/".to_owned(),
            max_retries: 3,
            resource_graph: true,
            collector: onus_endpoint::CollectorOptions::default(),
        }
    }
}

/// Why a collection could not start at all.
#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    /// Bad options (endpoint, subscription).
    #[error("{0}")]
    Options(String),
    /// An endpoint a token must not be sent to.
    #[error(transparent)]
    Endpoint(#[from] arm::InsecureEndpoint),
    /// No subscription could be listed.
    #[error("cannot list Azure subscriptions at {endpoint}: {message}")]
    Subscriptions {
        /// The ARM endpoint.
        endpoint: String,
        /// The error.
        message: String,
    },
}

fn gap(
    subscription: Option<&str>,
    service: &str,
    operation: &str,
    err: &ArmError,
    kinds: &[&str],
    facets: &[&str],
    resources: Vec<String>,
) -> Gap {
    let error = onus_model::api_text(&err.message);
    tracing::warn!(subscription, service, operation, %error, "collection gap");
    Gap {
        provider: Provider::Azure,
        account: subscription.map(str::to_owned),
        region: None,
        service: service.to_owned(),
        operation: operation.to_owned(),
        cause: err.cause,
        error,
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        facets: facets.iter().map(|f| (*f).to_owned()).collect(),
        resources,
    }
}

/// Collect an inventory from ARM with `credential`. Returns the inventory and the
/// RBAC actions performed, with counts.
pub async fn collect(
    opts: &AzureOptions,
    credential: Arc<dyn TokenCredential>,
) -> Result<(Inventory, std::collections::BTreeMap<String, u64>), AzureError> {
    let mut endpoint = Url::parse(&opts.endpoint)
        .map_err(|e| AzureError::Options(format!("--azure-endpoint {}: {e}", opts.endpoint)))?;
    if !endpoint.path().ends_with('/') {
        let path = format!("{}/", endpoint.path());
        endpoint.set_path(&path);
    }
    let arm = Arm::new(
        endpoint.clone(),
        credential,
        opts.max_retries,
        opts.collector.timeouts,
        opts.collector.limits,
    )?
    .with_budget(opts.collector.budget());
    for s in &opts.subscriptions {
        if !is_subscription_id(s) {
            return Err(AzureError::Options(format!(
                "--subscription {s}: not a subscription ID (a GUID)"
            )));
        }
    }
    let mut resources: Vec<Resource> = Vec::new();
    let mut gaps: Vec<Gap> = Vec::new();
    let subscriptions = if opts.subscriptions.is_empty() {
        let (subs, err) = arm.list("subscriptions", "subscriptions").await;
        if let Some(e) = err {
            if subs.is_empty() {
                return Err(AzureError::Subscriptions {
                    endpoint: endpoint.to_string(),
                    message: onus_model::api_text(&e.message),
                });
            }
            gaps.push(gap(
                None,
                "Microsoft.Resources",
                "subscriptions/list",
                &e,
                &[],
                &[],
                vec![],
            ));
        }
        let mut listed = Vec::new();
        for s in subs.iter().filter_map(|s| s["subscriptionId"].as_str()) {
            if is_subscription_id(s) {
                listed.push(s.to_owned());
            } else {
                // An id that is not a GUID would become part of every path
                // read for that subscription: refused, and said.
                gaps.push(gap(
                    None,
                    "Microsoft.Resources",
                    "subscriptions/list",
                    &ArmError {
                        cause: GapCause::ApiError,
                        message: onus_endpoint::BadId::new(s, "a subscription ID is a GUID")
                            .to_string(),
                    },
                    &[],
                    &[],
                    vec![],
                ));
            }
        }
        listed
    } else {
        opts.subscriptions.clone()
    };
    let mut subscriptions = subscriptions;
    if let Some((i, n)) = opts.collector.shard {
        subscriptions.retain(|id| onus_model::in_shard(id, i, n));
    }
    let limit = Arc::new(Semaphore::new(opts.collector.concurrency.max(1)));
    let mut sources: Vec<EnumerationSource> = Vec::new();
    // Resource Graph: one paged query lists every resource of every subscription.
    let mut graph: Option<std::collections::HashMap<String, Vec<Value>>> = None;
    if opts.resource_graph && !subscriptions.is_empty() {
        let (rows, err) = arm.resource_graph(&subscriptions, GRAPH_QUERY).await;
        match err {
            None => {
                let mut by: std::collections::HashMap<String, Vec<Value>> = subscriptions
                    .iter()
                    .map(|s| (s.to_ascii_lowercase(), Vec::new()))
                    .collect();
                for row in rows {
                    // The row's subscription, or the one its id names.
                    let sub = row["subscriptionId"]
                        .as_str()
                        .map(str::to_owned)
                        .or_else(|| subscription_of(&row))
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    if let Some(list) = by.get_mut(&sub) {
                        list.push(row);
                    }
                }
                for sub in &subscriptions {
                    let n = by.get(&sub.to_ascii_lowercase()).map_or(0, Vec::len);
                    sources.push(source(sub, GRAPH, SourceStatus::Used, n, None));
                }
                graph = Some(by);
            }
            // Denied or unavailable: every subscription falls back to the ARM
            // list, which serves the same estate; the coverage says so.
            Some(e) => {
                tracing::warn!(error = %e.message, "Resource Graph unavailable; listing through ARM");
                let status = if e.cause == GapCause::AccessDenied {
                    SourceStatus::Denied
                } else {
                    SourceStatus::Failed
                };
                for sub in &subscriptions {
                    sources.push(source(
                        sub,
                        GRAPH,
                        status,
                        0,
                        Some(format!("{}; the ARM list served instead", e.message)),
                    ));
                }
            }
        }
    }
    let graph = Arc::new(graph);
    let mut tasks = tokio::task::JoinSet::new();
    for sub in subscriptions {
        let (arm, limit, graph) = (arm.clone(), limit.clone(), graph.clone());
        tasks.spawn(async move {
            let rows = graph.as_ref().as_ref().map(|g| {
                g.get(&sub.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or_default()
            });
            subscription(&arm, &sub, &limit, rows).await
        });
    }
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(out) => {
                resources.extend(out.resources);
                gaps.extend(out.gaps);
                sources.extend(out.sources);
            }
            Err(e) => gaps.push(Gap::task_failed(Provider::Azure, e)),
        }
    }
    let inventory = Inventory::collected(
        "onus-azure",
        env!("CARGO_PKG_VERSION"),
        resources,
        gaps,
        sources,
    );
    Ok((inventory, arm.calls()))
}

/// The enumeration sources, as the coverage names them.
const GRAPH: &str = "resource-graph";
const ARM_LIST: &str = "arm-resources";
/// The per-type lists of the types onus reads, when the generic list failed.
const ARM_PER_TYPE: &str = "arm-per-type";

/// The one Resource Graph query: every resource, typed and filtered client-side
/// (types come back lower-cased), so one code path serves every type.
const GRAPH_QUERY: &str = "Resources | project id, name, type, location, tags, properties, kind, sku, identity, subscriptionId";

/// The pseudo facet enumeration gaps name: a failed listing hides resources,
/// not settings.
const ENUMERATION: &str = "enumeration";

fn source(
    subscription: &str,
    name: &str,
    status: SourceStatus,
    n: usize,
    detail: Option<String>,
) -> EnumerationSource {
    EnumerationSource {
        provider: Provider::Azure,
        account: subscription.to_owned(),
        region: None,
        source: name.to_owned(),
        status,
        resources: n,
        detail: detail.as_deref().map(onus_model::api_text),
    }
}

/// What one subscription yielded.
#[derive(Default)]
struct Collected {
    resources: Vec<Resource>,
    gaps: Vec<Gap>,
    sources: Vec<EnumerationSource>,
}

/// Whether `s` has the shape of a subscription ID (hex digits and dashes).
fn is_subscription_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// The request path of an ARM resource id from a response, in `subscription`:
/// `/subscriptions/{subscription}/resourceGroups/{group}/providers/{namespace}`
/// followed by one or more `{type}/{name}` pairs, every segment checked and
/// percent-encoded ([`onus_endpoint::segment`]). Anything else is refused, so
/// a follow-up read never leaves the resource's own path.
pub fn resource_path(id: &str, subscription: &str) -> Result<String, onus_endpoint::BadId> {
    use onus_endpoint::BadId;
    let Some(rest) = id.strip_prefix('/') else {
        return Err(BadId::new(id, "an ARM id starts with /subscriptions/"));
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let keyword = |i: usize, word: &str| parts.get(i).is_some_and(|p| p.eq_ignore_ascii_case(word));
    if !(keyword(0, "subscriptions") && keyword(2, "resourceGroups") && keyword(4, "providers")) {
        return Err(BadId::new(
            id,
            "not /subscriptions/{id}/resourceGroups/{group}/providers/{namespace}/{type}/{name}",
        ));
    }
    if !parts[1].eq_ignore_ascii_case(subscription) {
        return Err(BadId::new(id, "the id names another subscription"));
    }
    // namespace, then {type}/{name} pairs
    let tail = parts.len() - 5;
    if tail < 3 || tail.is_multiple_of(2) {
        return Err(BadId::new(
            id,
            "the id does not end in a {type}/{name} pair",
        ));
    }
    onus_endpoint::path(id)
}

/// Fetch `{id}/{suffix}` for every item concurrently, under the semaphore. An
/// id that is not one of `subscription`'s resource ids is a failure of that
/// item, never a request.
async fn per_item(
    arm: &Arm,
    limit: &Arc<Semaphore>,
    subscription: &str,
    items: &[Value],
    suffix: &str,
    api: &'static str,
    list: bool,
) -> Vec<Result<Value, ArmError>> {
    let mut set = tokio::task::JoinSet::new();
    for (i, item) in items.iter().enumerate() {
        let (arm, limit) = (arm.clone(), limit.clone());
        let path = resource_path(item["id"].as_str().unwrap_or_default(), subscription)
            .map(|p| format!("{p}/{suffix}"));
        set.spawn(async move {
            let path = match path {
                Ok(p) => p,
                Err(e) => {
                    return (
                        i,
                        Err(ArmError {
                            cause: GapCause::ApiError,
                            message: e.to_string(),
                        }),
                    );
                }
            };
            let _permit = limit.acquire_owned().await;
            let result = if list {
                match arm.list(&path, api).await {
                    (items, None) => Ok(Value::Array(items)),
                    (_, Some(e)) => Err(e),
                }
            } else {
                arm.get(&path, api).await
            };
            (i, result)
        });
    }
    let mut out: Vec<Option<Result<Value, ArmError>>> = (0..items.len()).map(|_| None).collect();
    while let Some(Ok((i, r))) = set.join_next().await {
        out[i] = Some(r);
    }
    out.into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                Err(ArmError {
                    cause: GapCause::Other,
                    message: "task failed".into(),
                })
            })
        })
        .collect()
}

/// The subscription an ARM id names (`/subscriptions/{id}/…`).
fn subscription_of(row: &Value) -> Option<String> {
    let id = row["id"].as_str()?;
    let mut parts = id.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some(s), Some(sub)) if s.eq_ignore_ascii_case("subscriptions") && !sub.is_empty() => {
            Some(sub.to_owned())
        }
        _ => None,
    }
}

/// The id of a row, for matching across sources (ARM ids are case-insensitive).
fn id_key(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_ascii_lowercase()
}

/// One subscription: its rows (from Resource Graph, or else the generic ARM
/// list), the types read in depth mapped with their deepening reads, every
/// other row enumerated.
async fn subscription(
    arm: &Arm,
    sub: &str,
    limit: &Arc<Semaphore>,
    graph: Option<Vec<Value>>,
) -> Collected {
    let mut out = Collected::default();
    let s = Some(sub);
    let from_graph = graph.is_some();
    let mut generic_failed = false;
    // Types whose listing failed: whether the subscription holds any is not
    // known, so their Defender plan must not be taken as unneeded.
    let mut unlisted: std::collections::BTreeSet<String> = Default::default();
    let mut rows = match graph {
        Some(rows) => rows,
        None => {
            let (rows, err) = arm
                .list(
                    &format!("subscriptions/{sub}/resources"),
                    "Microsoft.Resources/resources",
                )
                .await;
            match err {
                Some(e) => {
                    generic_failed = true;
                    let status = if e.cause == GapCause::AccessDenied {
                        SourceStatus::Denied
                    } else {
                        SourceStatus::Failed
                    };
                    out.sources.push(source(
                        sub,
                        ARM_LIST,
                        status,
                        rows.len(),
                        Some(e.message.clone()),
                    ));
                    out.gaps.push(gap(
                        s,
                        "Microsoft.Resources",
                        "resources/list",
                        &e,
                        &[],
                        &[ENUMERATION],
                        vec![],
                    ));
                }
                None => {
                    out.sources
                        .push(source(sub, ARM_LIST, SourceStatus::Used, rows.len(), None))
                }
            }
            rows
        }
    };

    // Without Resource Graph the generic list carries no properties: the types
    // read in depth (and their helpers) are listed per type, where present;
    // every one of them when the generic list failed, so an outage of both
    // enumeration sources still leaves the types onus reads.
    if !from_graph {
        let types: std::collections::HashSet<String> = rows
            .iter()
            .filter_map(|r| r["type"].as_str().map(str::to_ascii_lowercase))
            .collect();
        let present = |t: &str| generic_failed || types.contains(&t.to_ascii_lowercase());
        let mut per_type = 0;
        let wanted: Vec<&'static str> = types::TYPES
            .iter()
            .map(|t| t.resource_type)
            .chain(types::HELPERS.iter().copied())
            .filter(|t| present(t))
            .collect();
        let mut set = tokio::task::JoinSet::new();
        for t in wanted {
            let (arm, limit) = (arm.clone(), limit.clone());
            let path = format!("subscriptions/{sub}/providers/{t}");
            set.spawn(async move {
                let _permit = limit.acquire_owned().await;
                (t, arm.list(&path, t).await)
            });
        }
        while let Some(Ok((t, (listed, err)))) = set.join_next().await {
            if let Some(e) = err {
                unlisted.insert(t.to_owned());
                let (service, resource) = t.split_once('/').unwrap_or((t, t));
                let kind = types::row(t).map(|r| r.kind);
                out.gaps.push(gap(
                    s,
                    service,
                    &format!("{resource}/list"),
                    &e,
                    &kind.into_iter().collect::<Vec<_>>(),
                    &[],
                    vec![],
                ));
            }
            // The per-type answer replaces the property-less generic rows it covers.
            per_type += listed.len();
            let fresh: std::collections::HashSet<String> = listed.iter().map(id_key).collect();
            rows.retain(|r| !fresh.contains(&id_key(r)));
            rows.extend(listed.into_iter().map(|mut v| {
                if v["type"].is_null() {
                    v["type"] = Value::String(t.to_owned());
                }
                v
            }));
        }
        if generic_failed {
            out.sources.push(source(
                sub,
                ARM_PER_TYPE,
                SourceStatus::Used,
                per_type,
                Some(
                    "the generic list failed: only the types onus reads in depth were listed"
                        .to_owned(),
                ),
            ));
        }
    }

    // Defender for Cloud: the plans the present types need, on the
    // subscription resource (threat detection is judged there).
    let present: std::collections::BTreeSet<String> = rows
        .iter()
        .filter_map(|r| r["type"].as_str().map(str::to_owned))
        .collect();
    let (pricings, err) = arm
        .list(
            &format!("subscriptions/{sub}/providers/Microsoft.Security/pricings"),
            "Microsoft.Security/pricings",
        )
        .await;
    let pricings = match err {
        Some(e) => {
            out.gaps.push(gap(
                s,
                "Microsoft.Security",
                "pricings/list",
                &e,
                &[defender::SUBSCRIPTION],
                &["threat_detection"],
                vec![],
            ));
            Err(e.message)
        }
        None => Ok(pricings),
    };
    out.resources
        .push(defender::subscription(sub, &present, &unlisted, pricings));

    // Rows by type: the evaluated types, the helpers' rows, and the rest.
    let mut deep: std::collections::BTreeMap<&'static str, Vec<Value>> = Default::default();
    let mut nics: Vec<Value> = Vec::new();
    for row in rows {
        let t = row["type"].as_str().unwrap_or_default().to_owned();
        if types::HELPERS.iter().any(|h| h.eq_ignore_ascii_case(&t)) {
            out.resources.extend(map::enumerated(sub, &row));
            nics.push(row);
            continue;
        }
        match types::row(&t) {
            Some(r) => deep.entry(r.resource_type).or_default().push(row),
            None => out.resources.extend(map::enumerated(sub, &row)),
        }
    }
    for t in types::TYPES {
        let Some(items) = deep.get(t.resource_type) else {
            continue;
        };
        let mut more: Vec<types::Deepened> = items.iter().map(|_| Default::default()).collect();
        for d in t.deepen {
            let results = per_item(arm, limit, sub, items, d.suffix, d.api, d.list).await;
            for ((item, result), extra) in items.iter().zip(results).zip(more.iter_mut()) {
                match result {
                    Ok(v) => {
                        extra.insert(d.key, v);
                    }
                    Err(e) => {
                        let (service, _) = t.resource_type.split_once('/').unwrap_or_default();
                        out.gaps.push(gap(
                            s,
                            service,
                            d.operation,
                            &e,
                            &[t.kind],
                            d.facets,
                            vec![item["id"].as_str().unwrap_or_default().to_owned()],
                        ));
                    }
                }
            }
        }
        for (item, extra) in items.iter().zip(&more) {
            if let Some(mut r) = (t.map)(sub, t.kind, item, extra) {
                if t.kind == "azure.compute.virtual-machine" {
                    map::attach_network(&mut r, &nics);
                }
                out.resources.push(r);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "7f3c2a1e-5b4d-4c8e-9a6f-2d1b0c9e8a7f";

    #[test]
    fn resource_ids_become_paths_under_their_own_id_or_are_refused() {
        let id =
            format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/sql 1");
        assert_eq!(
            resource_path(&id, SUB).unwrap(),
            format!(
                "/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/sql%201"
            )
        );
        let nested = format!(
            "/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/s/databases/d"
        );
        assert!(resource_path(&nested, SUB).is_ok());
        for bad in [
            "/etc/passwd".to_owned(),
            format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/.."),
            format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/%2e%2e"),
            format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/x?only=query"),
            format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/x#"),
            format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers"),
            format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/x/"),
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Sql/servers/x".to_owned(),
            format!("subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/x"),
        ] {
            assert!(resource_path(&bad, SUB).is_err(), "{bad} accepted");
        }
    }

    proptest::proptest! {
        /// Whatever the name, the follow-up read of an id is refused or stays
        /// under that id's own path on the endpoint.
        #[test]
        fn follow_up_reads_stay_under_the_resource(name in "\\PC{0,10}|[./%?#a-z]{1,6}|\\.\\.|%2[eE]%2[eE]") {
            let id = format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/{name}");
            let endpoint = onus_endpoint::Endpoint::new(Url::parse("https://management.azure.com/").unwrap());
            if let Ok(p) = resource_path(&id, SUB) {
                let url = endpoint.join(&format!("{p}/instanceView")).unwrap();
                let own = format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/");
                proptest::prop_assert!(url.path().starts_with(&own), "{}", url);
                proptest::prop_assert!(url.path().ends_with("/instanceView"), "{}", url);
                // One more segment than the id (nested ids such as
                // `servers/s/databases/d` are resource ids too): nothing
                // the name holds adds, removes or climbs a segment.
                proptest::prop_assert_eq!(url.path().matches('/').count(), id.matches('/').count() + 1, "{}", url);
                proptest::prop_assert!(url.query().is_none() && url.fragment().is_none());
            }
        }
    }

    #[test]
    fn a_row_without_subscription_id_belongs_to_the_subscription_its_id_names() {
        let row = serde_json::json!({"id": "/subscriptions/ABC-1/resourceGroups/rg/providers/Microsoft.Cache/redis/r"});
        assert_eq!(subscription_of(&row).as_deref(), Some("ABC-1"));
        assert_eq!(
            subscription_of(&serde_json::json!({"id": "/providers/x"})),
            None
        );
        assert_eq!(subscription_of(&serde_json::json!({})), None);
    }
}
