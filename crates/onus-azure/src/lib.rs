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
pub mod map;

use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_core::http::Url;
use onus_model::{CollectorInfo, Gap, GapCause, INVENTORY_SCHEMA, Inventory, Provider, Resource};
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
    /// Concurrent per-resource calls.
    pub concurrency: usize,
    /// Retries per request (429 and 5xx, honouring `Retry-After`).
    pub max_retries: u32,
    /// List resources through Resource Graph (one paged query) instead of the ARM list calls.
    pub resource_graph: bool,
    /// Collect only the subscriptions in shard (index, count), 1-based.
    pub shard: Option<(u32, u32)>,
    /// Attempt and operation timeouts of every call (the attempt timeout also
    /// bounds connecting).
    pub timeouts: onus_endpoint::Timeouts,
}

impl Default for AzureOptions {
    fn default() -> Self {
        AzureOptions {
            subscriptions: Vec::new(),
            endpoint: "https://management.azure.com/".to_owned(),
            concurrency: 16,
            max_retries: 3,
            resource_graph: false,
            shard: None,
            timeouts: onus_endpoint::Timeouts::DEFAULT,
        }
    }
}

/// Why a collection could not start at all.
#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    /// Bad options (endpoint, subscription).
    #[error("{0}")]
    Options(String),
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
    tracing::warn!(subscription, service, operation, error = %err.message, "collection gap");
    Gap {
        provider: Provider::Azure,
        account: subscription.map(str::to_owned),
        region: None,
        service: service.to_owned(),
        operation: operation.to_owned(),
        cause: err.cause,
        error: err.message.clone(),
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
        opts.timeouts,
    )
    .map_err(AzureError::Options)?;
    for s in &opts.subscriptions {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
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
                    message: e.message,
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
        subs.iter()
            .filter_map(|s| s["subscriptionId"].as_str().map(str::to_owned))
            .collect()
    } else {
        opts.subscriptions.clone()
    };
    let subscriptions: Vec<String> = match opts.shard {
        Some((i, n)) => subscriptions
            .into_iter()
            .filter(|s| onus_model::in_shard(s, i, n))
            .collect(),
        None => subscriptions,
    };
    let limit = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    // The Resource Graph fast path: one paged query lists every type in every subscription.
    let mut graph: Option<std::collections::HashMap<(String, String), Vec<Value>>> = None;
    if opts.resource_graph && !subscriptions.is_empty() {
        let types: Vec<String> = TYPES
            .iter()
            .map(|t| format!("'{}'", t.to_ascii_lowercase()))
            .collect();
        let query = format!(
            "Resources | where type in~ ({}) | project id, name, type, location, tags, properties, subscriptionId",
            types.join(", ")
        );
        let (rows, err) = arm.resource_graph(&subscriptions, &query).await;
        match err {
            Some(e) => gaps.push(gap(
                None,
                "Microsoft.ResourceGraph",
                "resources/query",
                &e,
                &[VM, DISK, NSG, STORAGE, SITE, SQL],
                &[],
                vec![],
            )),
            None => {
                let mut by: std::collections::HashMap<(String, String), Vec<Value>> =
                    std::collections::HashMap::new();
                for row in rows {
                    let key = (
                        row["subscriptionId"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        row["type"]
                            .as_str()
                            .unwrap_or_default()
                            .to_ascii_lowercase(),
                    );
                    by.entry(key).or_default().push(row);
                }
                graph = Some(by);
            }
        }
    }
    let graph = Arc::new(graph);
    let mut tasks = tokio::task::JoinSet::new();
    for sub in subscriptions {
        let (arm, limit, graph) = (arm.clone(), limit.clone(), graph.clone());
        tasks.spawn(async move { subscription(&arm, &sub, &limit, graph.as_ref().as_ref()).await });
    }
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((r, g)) => {
                resources.extend(r);
                gaps.extend(g);
            }
            Err(e) => gaps.push(Gap {
                provider: Provider::Azure,
                account: None,
                region: None,
                service: "onus".into(),
                operation: "collect".into(),
                cause: GapCause::Other,
                error: format!("a collection task failed: {e}"),
                kinds: vec![],
                facets: vec![],
                resources: vec![],
            }),
        }
    }
    resources.sort_by(|a, b| (&a.account, &a.kind, &a.id).cmp(&(&b.account, &b.kind, &b.id)));
    gaps.sort_by(|a, b| {
        (&a.account, &a.service, &a.operation).cmp(&(&b.account, &b.service, &b.operation))
    });
    let inventory = Inventory {
        schema: INVENTORY_SCHEMA.to_owned(),
        collected_at: Some(chrono::Utc::now()),
        collector: Some(CollectorInfo {
            name: "onus-azure".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        resources,
        gaps,
        sources: Vec::new(),
    };
    Ok((inventory, arm.calls()))
}

const VM: &str = "azure.compute.virtual-machine";
const DISK: &str = "azure.compute.disk";
const NSG: &str = "azure.network.network-security-group";
const STORAGE: &str = "azure.storage.storage-account";
const SITE: &str = "azure.web.site";
const SQL: &str = "azure.sql.server";

/// The resource types listed per subscription.
const TYPES: [&str; 7] = [
    "Microsoft.Compute/virtualMachines",
    "Microsoft.Compute/disks",
    "Microsoft.Network/networkSecurityGroups",
    "Microsoft.Storage/storageAccounts",
    "Microsoft.Web/sites",
    "Microsoft.Sql/servers",
    "Microsoft.Network/networkInterfaces",
];

/// Fetch `{id}/{suffix}` for every item concurrently, under the semaphore.
async fn per_item(
    arm: &Arm,
    limit: &Arc<Semaphore>,
    items: &[Value],
    suffix: &str,
    api: &'static str,
    list: bool,
) -> Vec<Result<Value, ArmError>> {
    let mut set = tokio::task::JoinSet::new();
    for (i, item) in items.iter().enumerate() {
        let (arm, limit) = (arm.clone(), limit.clone());
        let path = format!("{}/{suffix}", item["id"].as_str().unwrap_or_default());
        set.spawn(async move {
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

type Graph = std::collections::HashMap<(String, String), Vec<Value>>;

async fn subscription(
    arm: &Arm,
    sub: &str,
    limit: &Arc<Semaphore>,
    graph: Option<&Graph>,
) -> (Vec<Resource>, Vec<Gap>) {
    let base = format!("subscriptions/{sub}/providers");
    let list = |t: &'static str| {
        let path = format!("{base}/{t}");
        let rows = graph.map(|g| {
            g.get(&(sub.to_owned(), t.to_ascii_lowercase()))
                .cloned()
                .unwrap_or_default()
        });
        async move {
            match rows {
                Some(rows) => (t, (rows, None)),
                None => (t, arm.list(&path, t).await),
            }
        }
    };
    let (vms, disks, nsgs, storage, sites, sql, nics) = tokio::join!(
        list("Microsoft.Compute/virtualMachines"),
        list("Microsoft.Compute/disks"),
        list("Microsoft.Network/networkSecurityGroups"),
        list("Microsoft.Storage/storageAccounts"),
        list("Microsoft.Web/sites"),
        list("Microsoft.Sql/servers"),
        list("Microsoft.Network/networkInterfaces"),
    );
    let mut resources = Vec::new();
    let mut gaps = Vec::new();
    let s = Some(sub);
    if let Some(e) = &nics.1.1 {
        gaps.push(gap(
            s,
            "Microsoft.Network",
            "networkInterfaces/list",
            e,
            &[VM],
            &["network"],
            vec![],
        ));
    }
    for ((t, (_, err)), kind) in [
        (&vms, VM),
        (&disks, DISK),
        (&nsgs, NSG),
        (&storage, STORAGE),
        (&sites, SITE),
        (&sql, SQL),
    ]
    .into_iter()
    .map(|((t, r), k)| ((t, r), k))
    {
        if let Some(e) = err {
            let (service, resource) = t.split_once('/').unwrap_or((t, t));
            gaps.push(gap(
                s,
                service,
                &format!("{resource}/list"),
                e,
                &[kind],
                &[],
                vec![],
            ));
        }
    }

    let views = per_item(
        arm,
        limit,
        &vms.1.0,
        "instanceView",
        "Microsoft.Compute/virtualMachines/instanceView",
        false,
    )
    .await;
    for (v, view) in vms.1.0.iter().zip(&views) {
        let view = match view {
            Ok(x) => Some(x),
            Err(e) => {
                let id = v["id"].as_str().unwrap_or_default().to_owned();
                gaps.push(gap(
                    s,
                    "Microsoft.Compute",
                    "virtualMachines/instanceView/read",
                    e,
                    &[VM],
                    &["patching"],
                    vec![id],
                ));
                None
            }
        };
        if let Some(mut vm) = map::virtual_machine(sub, v, view) {
            map::attach_network(&mut vm, &nics.1.0);
            resources.push(vm);
        }
    }
    resources.extend(disks.1.0.iter().filter_map(|v| map::disk(sub, v)));
    resources.extend(
        nsgs.1
            .0
            .iter()
            .filter_map(|v| map::network_security_group(sub, v)),
    );
    resources.extend(
        storage
            .1
            .0
            .iter()
            .filter_map(|v| map::storage_account(sub, v)),
    );

    let configs = per_item(
        arm,
        limit,
        &sites.1.0,
        "config/web",
        "Microsoft.Web/sites/config",
        false,
    )
    .await;
    for (v, config) in sites.1.0.iter().zip(&configs) {
        let config = match config {
            Ok(x) => Some(x),
            Err(e) => {
                let id = v["id"].as_str().unwrap_or_default().to_owned();
                gaps.push(gap(
                    s,
                    "Microsoft.Web",
                    "sites/config/read",
                    e,
                    &[SITE],
                    &["transport", "runtime"],
                    vec![id],
                ));
                None
            }
        };
        resources.extend(map::site(sub, v, config));
    }
    let rules = per_item(
        arm,
        limit,
        &sql.1.0,
        "firewallRules",
        "Microsoft.Sql/servers/firewallRules",
        true,
    )
    .await;
    for (v, fw) in sql.1.0.iter().zip(&rules) {
        let fw = match fw {
            Ok(Value::Array(a)) => Some(a.as_slice()),
            Ok(_) => None,
            Err(e) => {
                let id = v["id"].as_str().unwrap_or_default().to_owned();
                gaps.push(gap(
                    s,
                    "Microsoft.Sql",
                    "servers/firewallRules/read",
                    e,
                    &[SQL],
                    &["network"],
                    vec![id],
                ));
                None
            }
        };
        resources.extend(map::sql_server(sub, v, fw));
    }
    (resources, gaps)
}
