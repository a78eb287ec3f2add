//! The onus Google Cloud collector.
//!
//! Enumerates every resource of each project through Cloud Asset Inventory
//! (`ListAssets`, `contentType=RESOURCE`: each asset's REST representation in
//! `resource.data`), and deepens the kinds onus evaluates with the service APIs
//! where the inventory lacks the data (a bucket's IAM policy, a VM's OS Config
//! vulnerability report, an App Engine version's handlers). When Cloud Asset
//! Inventory is denied or not enabled, the evaluated kinds are listed through
//! their service APIs instead, and the coverage and a gap say that the other
//! kinds went unseen. Plain REST over one HTTP client, GETs only, Google's
//! `google-cloud-auth` for Application Default Credentials.

pub mod api;
pub mod credential;
pub mod delegation;
pub mod kinds;
pub mod map;
pub mod scc;

use std::collections::BTreeMap;
use std::sync::Arc;

use onus_model::{
    EnumerationSource, Gap, GapCause, IngressRule, Inventory, Provider, Resource, SourceStatus,
};
use serde_json::Value;
use tokio::sync::Semaphore;

pub use api::{Api, ApiError, InsecureEndpoint, OPERATIONS};
pub use credential::{CredentialError, TokenSource};

/// What to collect, and how.
#[derive(Debug, Clone)]
pub struct GcpOptions {
    /// Projects; empty: every active project the identity can list.
    pub projects: Vec<String>,
    /// One base URL replacing every Google API host (private service connect, emulators).
    pub endpoint: Option<String>,
    /// Retries per request (429 and 5xx, honouring `Retry-After`).
    pub max_retries: u32,
    /// Enumerate through Cloud Asset Inventory (else the service APIs only).
    pub asset_inventory: bool,
    /// Concurrent per-resource calls, shard, and the timeouts of every call.
    pub collector: onus_endpoint::CollectorOptions,
}

impl Default for GcpOptions {
    fn default() -> Self {
        GcpOptions {
            projects: Vec::new(),
            endpoint: None,
            max_retries: 3,
            asset_inventory: true,
            collector: onus_endpoint::CollectorOptions::default(),
        }
    }
}

/// Why a collection could not start at all.
#[derive(Debug, thiserror::Error)]
pub enum GcpError {
    /// Bad options.
    #[error("{0}")]
    Options(String),
    /// An endpoint a token must not be sent to.
    #[error(transparent)]
    Endpoint(#[from] InsecureEndpoint),
    /// No project could be listed.
    #[error("cannot list Google Cloud projects: {0}")]
    Projects(String),
}

/// The asset types onus evaluates in depth, and their kinds.
pub const TYPES: &[(&str, &str)] = &[
    ("compute.googleapis.com/Instance", "gcp.compute.instance"),
    ("compute.googleapis.com/Disk", "gcp.compute.disk"),
    ("compute.googleapis.com/Firewall", "gcp.compute.firewall"),
    ("storage.googleapis.com/Bucket", "gcp.storage.bucket"),
    ("sqladmin.googleapis.com/Instance", "gcp.sql.instance"),
    ("appengine.googleapis.com/Version", "gcp.appengine.version"),
    (scc::PROJECT_TYPE, PROJECT_KIND),
];

/// The kind of the project resource itself, which carries the project-wide
/// duties (threat detection through Security Command Center).
pub const PROJECT_KIND: &str = "gcp.cloudresourcemanager.project";

const ASSET_INVENTORY: &str = "cloudasset";
const SERVICE_APIS: &str = "service-apis";
const ENUMERATION: &str = "enumeration";

/// One resource as the inventory (or a service API) describes it.
#[derive(Debug, Clone)]
struct Row {
    asset_type: String,
    name: String,
    location: Option<String>,
    data: Value,
}

#[derive(Default)]
struct Collected {
    resources: Vec<Resource>,
    gaps: Vec<Gap>,
    sources: Vec<EnumerationSource>,
    /// Asset types whose listing failed: whether the project has any is not
    /// known (the project's threat detection must not assume none).
    unlisted: std::collections::BTreeSet<String>,
}

fn gap(
    project: Option<&str>,
    service: &str,
    operation: &str,
    err: &ApiError,
    kinds: &[&str],
    facets: &[&str],
    resources: Vec<String>,
) -> Gap {
    let error = onus_model::api_text(&err.message);
    tracing::warn!(project, service, operation, %error, "collection gap");
    Gap {
        provider: Provider::Gcp,
        account: project.map(str::to_owned),
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

fn source(
    project: &str,
    name: &str,
    status: SourceStatus,
    n: usize,
    detail: Option<String>,
) -> EnumerationSource {
    EnumerationSource {
        provider: Provider::Gcp,
        account: project.to_owned(),
        region: None,
        source: name.to_owned(),
        status,
        resources: n,
        detail: detail.as_deref().map(onus_model::api_text),
    }
}

fn status_of(e: &ApiError) -> SourceStatus {
    if e.cause == GapCause::AccessDenied {
        SourceStatus::Denied
    } else {
        SourceStatus::Failed
    }
}

/// A path segment from response data, percent-encoded, or refused when it
/// could steer the request ([`onus_endpoint::segment`]).
fn seg(s: &str) -> Result<String, ApiError> {
    onus_endpoint::segment(s).map_err(refused_id)
}

/// A refused identifier as a failure of the read it would have made.
fn refused_id(e: onus_endpoint::BadId) -> ApiError {
    ApiError {
        cause: GapCause::ApiError,
        status: None,
        message: e.to_string(),
    }
}

/// Whether `p` is a project ID onus reads (lower-case letters, digits,
/// hyphens; `:` and `.` for domain-scoped projects), safe as a path segment.
fn is_project_id(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 100
        && p.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b':' || b == b'.'
        })
        && onus_endpoint::segment(p).is_ok()
}

/// Collect an inventory. Returns it and the IAM permissions used, with counts.
pub async fn collect(
    opts: &GcpOptions,
    tokens: TokenSource,
) -> Result<(Inventory, BTreeMap<String, u64>), GcpError> {
    for p in &opts.projects {
        if !is_project_id(p) {
            return Err(GcpError::Options(format!(
                "--project {p}: not a project ID (lower-case letters, digits and hyphens)"
            )));
        }
    }
    let api = Api::new(
        opts.endpoint.as_deref(),
        tokens,
        opts.collector.timeouts,
        opts.collector.limits,
        opts.max_retries,
    )?
    .with_budget(opts.collector.budget());
    let mut gaps = Vec::new();
    let projects: Vec<String> = if opts.projects.is_empty() {
        let (list, err) = api
            .list(
                "projects.list",
                "v1/projects",
                &[("filter", "lifecycleState:ACTIVE")],
                "projects",
            )
            .await;
        if let Some(e) = err {
            if list.is_empty() {
                return Err(GcpError::Projects(onus_model::api_text(&e.message)));
            }
            gaps.push(gap(
                None,
                "cloudresourcemanager",
                "projects.list",
                &e,
                &[],
                &[],
                vec![],
            ));
        }
        let mut listed = Vec::new();
        for p in list.iter().filter_map(|p| p["projectId"].as_str()) {
            if is_project_id(p) {
                listed.push(p.to_owned());
            } else {
                // It would become part of every path read for the project.
                gaps.push(gap(
                    None,
                    "cloudresourcemanager",
                    "projects.list",
                    &refused_id(onus_endpoint::BadId::new(p, "not a project ID")),
                    &[],
                    &[],
                    vec![],
                ));
            }
        }
        listed
    } else {
        opts.projects.clone()
    };
    let mut projects = projects;
    if let Some((i, n)) = opts.collector.shard {
        projects.retain(|id| onus_model::in_shard(id, i, n));
    }
    let limit = Arc::new(Semaphore::new(opts.collector.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for p in projects {
        let (api, limit, cai) = (api.clone(), limit.clone(), opts.asset_inventory);
        tasks.spawn(async move { project(&api, &p, &limit, cai).await });
    }
    let (mut resources, mut sources) = (Vec::new(), Vec::new());
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(out) => {
                resources.extend(out.resources);
                gaps.extend(out.gaps);
                sources.extend(out.sources);
            }
            Err(e) => gaps.push(Gap::task_failed(Provider::Gcp, e)),
        }
    }
    let inventory = Inventory::collected(
        "onus-gcp",
        env!("CARGO_PKG_VERSION"),
        resources,
        gaps,
        sources,
    );
    Ok((inventory, api.calls()))
}

/// Every resource of `project`: Cloud Asset Inventory, else the service APIs.
async fn project(api: &Api, p: &str, limit: &Arc<Semaphore>, cai: bool) -> Collected {
    let mut out = Collected::default();
    // Every project here passed `is_project_id`, so it is one clean segment.
    let ps = match seg(p) {
        Ok(s) => s,
        Err(e) => {
            out.gaps.push(gap(
                Some(p),
                "cloudresourcemanager",
                "projects.list",
                &e,
                &[],
                &[],
                vec![],
            ));
            return out;
        }
    };
    let mut rows = None;
    if cai {
        let (assets, err) = api
            .list(
                "assets.list",
                &format!("v1/projects/{ps}/assets"),
                &[("contentType", "RESOURCE"), ("pageSize", "1000")],
                "assets",
            )
            .await;
        match err {
            None => {
                let list: Vec<Row> = assets
                    .iter()
                    .filter_map(|a| {
                        Some(Row {
                            asset_type: a["assetType"].as_str()?.to_owned(),
                            name: a["name"].as_str()?.to_owned(),
                            location: a["resource"]["location"].as_str().map(str::to_owned),
                            data: a["resource"]["data"].clone(),
                        })
                    })
                    .collect();
                out.sources.push(source(
                    p,
                    ASSET_INVENTORY,
                    SourceStatus::Used,
                    list.len(),
                    None,
                ));
                rows = Some(list);
            }
            Some(e) => {
                // The service APIs below still see the evaluated kinds; every
                // other kind went unseen, which is a gap, not a silent end.
                out.sources.push(source(
                    p,
                    ASSET_INVENTORY,
                    status_of(&e),
                    0,
                    Some(format!(
                        "{}; the service APIs served the evaluated kinds only",
                        e.message
                    )),
                ));
                out.gaps.push(gap(
                    Some(p),
                    "cloudasset",
                    "assets.list",
                    &e,
                    &[],
                    &[ENUMERATION],
                    vec![],
                ));
            }
        }
    }
    let rows = match rows {
        Some(r) => r,
        None => {
            let r = service_rows(api, p, &ps, &mut out).await;
            out.sources
                .push(source(p, SERVICE_APIS, SourceStatus::Used, r.len(), None));
            r
        }
    };
    let mut rows = rows;
    // The project itself: Cloud Asset Inventory lists it; the service APIs
    // do not, and the project's own duties still need their resource, under
    // the asset name the inventory gives it (by project number).
    if !rows.iter().any(|r| r.asset_type == scc::PROJECT_TYPE) {
        let (number, data) = match api
            .get("projects.get", &format!("v1/projects/{ps}"), &[])
            .await
        {
            Ok(v) => (
                v["projectNumber"]
                    .as_str()
                    .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                    .map(str::to_owned),
                v,
            ),
            Err(e) => {
                out.gaps.push(gap(
                    Some(p),
                    "cloudresourcemanager",
                    "projects.get",
                    &e,
                    &[PROJECT_KIND],
                    &[],
                    vec![],
                ));
                (None, serde_json::json!({ "projectId": p }))
            }
        };
        rows.push(Row {
            asset_type: scc::PROJECT_TYPE.to_owned(),
            name: format!(
                "//cloudresourcemanager.googleapis.com/projects/{}",
                number.as_deref().unwrap_or(p)
            ),
            location: None,
            data,
        });
    }
    let present: std::collections::BTreeSet<String> =
        rows.iter().map(|r| r.asset_type.clone()).collect();
    deepen_and_map(api, p, limit, rows, &mut out).await;
    within_networks(&mut out.resources);
    let unlisted = std::mem::take(&mut out.unlisted);
    threat_detection(api, p, &ps, present, unlisted, &mut out).await;
    out
}

/// Security Command Center's threat detection services for the project
/// (their effective state, which folds in the organisation's), recorded on
/// the project resource with the asset types present ([`scc`]).
async fn threat_detection(
    api: &Api,
    p: &str,
    ps: &str,
    present: std::collections::BTreeSet<String>,
    unlisted: std::collections::BTreeSet<String>,
    out: &mut Collected,
) {
    const OP: &str = "securityCenterServices.list";
    let (services, err) = api
        .list(
            OP,
            &format!("v1/projects/{ps}/locations/global/securityCenterServices"),
            &[("pageSize", "1000")],
            "securityCenterServices",
        )
        .await;
    let Some(project) = out
        .resources
        .iter_mut()
        .find(|r| r.kind == PROJECT_KIND && !r.enumerated_only)
    else {
        return;
    };
    if let Some(e) = &err {
        out.gaps.push(gap(
            Some(p),
            "securitycentermanagement",
            OP,
            e,
            &[PROJECT_KIND],
            &["threat_detection"],
            vec![project.id.clone()],
        ));
    }
    if !project.raw.is_object() {
        project.raw = Value::Object(Default::default());
    }
    let read = err.is_none() || !services.is_empty();
    if let Some(obj) = project.raw.as_object_mut() {
        obj.insert(
            "presentAssetTypes".to_owned(),
            Value::Array(present.into_iter().map(Value::String).collect()),
        );
        if !unlisted.is_empty() {
            obj.insert(
                "unlistedAssetTypes".to_owned(),
                Value::Array(unlisted.into_iter().map(Value::String).collect()),
            );
        }
        if read {
            obj.insert("securityCenterServices".to_owned(), Value::Array(services));
        }
        if let Some(e) = &err {
            obj.insert(
                "securityCenterServicesError".to_owned(),
                Value::String(onus_model::api_text(&e.message)),
            );
        }
    }
    project.facets.threat_detection = Some(scc::threat_detection(&project.raw));
    project.sources.insert(
        "threat_detection.coverage".to_owned(),
        if read {
            "/securityCenterServices"
        } else {
            "/securityCenterServicesError"
        }
        .to_owned(),
    );
}

/// Google Cloud evaluates the firewall rules of a VPC network together, by
/// priority: a deny of higher priority (a lower number, or the same number)
/// that applies to every instance a rule targets shadows that rule's allows.
/// Each firewall resource's `network.ingress` gains those denies ahead of its
/// own rules, and its `raw` gains them as `networkDenyRules`: the deciding
/// fields of the other firewall resources as the API returned them
/// ([`map::DECIDING_FIELDS`]), so the evidence pointers resolve.
fn within_networks(resources: &mut [Resource]) {
    const FIREWALL: &str = "gcp.compute.firewall";
    let is_firewall = |r: &Resource| r.kind == FIREWALL && !r.enumerated_only;
    // The deny rules, reduced to the fields that decide shadowing: only they
    // are copied, once, whatever the number of rules they shadow.
    let denies: Vec<(usize, Value)> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| is_firewall(r) && r.raw["denied"].is_array())
        .map(|(i, r)| {
            let kept: serde_json::Map<String, Value> = map::DECIDING_FIELDS
                .iter()
                .filter_map(|k| Some(((*k).to_owned(), r.raw.get(*k)?.clone())))
                .collect();
            (i, Value::Object(kept))
        })
        .collect();
    if denies.is_empty() {
        return;
    }
    for (i, r) in resources.iter_mut().enumerate() {
        if !is_firewall(r) {
            continue;
        }
        let denies: Vec<&Value> = denies
            .iter()
            .filter(|(j, deny)| *j != i && map::shadows(deny, &r.raw))
            .map(|(_, deny)| deny)
            .collect();
        if denies.is_empty() {
            continue;
        }
        let Some(network) = r.facets.network.as_mut() else {
            continue;
        };
        let mut ingress: Vec<IngressRule> = Vec::new();
        let mut pointers = Vec::new();
        for (k, deny) in denies.iter().enumerate() {
            for rule in map::firewall_ingress(deny) {
                pointers.push(format!("/networkDenyRules/{k}/denied"));
                ingress.push(rule);
            }
        }
        let own = network.ingress.take().unwrap_or_default();
        let offset = ingress.len();
        ingress.extend(own);
        network.ingress = Some(ingress);
        for (n, pointer) in pointers.into_iter().enumerate() {
            r.sources.insert(format!("network.ingress[{n}]"), pointer);
        }
        // The rule's own entries keep pointing at its own allowed/denied list.
        if let Some(own) = r.sources.get("network.ingress").cloned() {
            let total = r
                .facets
                .network
                .as_ref()
                .and_then(|n| n.ingress.as_ref())
                .map_or(0, Vec::len);
            for n in offset..total {
                r.sources
                    .insert(format!("network.ingress[{n}]"), own.clone());
            }
        }
        if let Some(obj) = r.raw.as_object_mut() {
            obj.insert(
                "networkDenyRules".to_owned(),
                Value::Array(denies.into_iter().cloned().collect()),
            );
        }
    }
}

/// The evaluated kinds through their own APIs, in the inventory's row shape.
async fn service_rows(api: &Api, p: &str, ps: &str, out: &mut Collected) -> Vec<Row> {
    let mut rows = Vec::new();
    let compute = [
        (
            "instances.aggregatedList",
            format!("compute/v1/projects/{ps}/aggregated/instances"),
            "compute.googleapis.com/Instance",
        ),
        (
            "disks.aggregatedList",
            format!("compute/v1/projects/{ps}/aggregated/disks"),
            "compute.googleapis.com/Disk",
        ),
        (
            "firewalls.list",
            format!("compute/v1/projects/{ps}/global/firewalls"),
            "compute.googleapis.com/Firewall",
        ),
    ];
    for (op, path, asset_type) in compute {
        let (items, err) = api.list(op, &path, &[], "items").await;
        if let Some(e) = err {
            out.unlisted.insert(asset_type.to_owned());
            let kind = kind_of(asset_type);
            out.gaps.push(gap(
                Some(p),
                "compute",
                op,
                &e,
                &[kind.as_str()],
                &[],
                vec![],
            ));
        }
        rows.extend(items.into_iter().filter_map(|v| {
            Some(Row {
                asset_type: asset_type.to_owned(),
                name: map::compute_asset_name(&v)?,
                location: v["zone"].as_str().map(|z| map::last_segment(z).to_owned()),
                data: v,
            })
        }));
    }
    // GKE clusters: onus does not evaluate them, but Security Command Center
    // must watch them (Container Threat Detection) when there are any.
    let (clusters, err) = api
        .list(
            "clusters.list",
            &format!("v1/projects/{ps}/locations/-/clusters"),
            &[],
            "clusters",
        )
        .await;
    if let Some(e) = err {
        out.unlisted.insert(scc::CLUSTER_TYPE.to_owned());
        out.gaps.push(gap(
            Some(p),
            "container",
            "clusters.list",
            &e,
            &["gcp.container.cluster"],
            &[],
            vec![],
        ));
    }
    rows.extend(clusters.into_iter().filter_map(|v| {
        Some(Row {
            asset_type: scc::CLUSTER_TYPE.to_owned(),
            name: format!(
                "//container.googleapis.com/projects/{p}/locations/{}/clusters/{}",
                v["location"].as_str()?,
                v["name"].as_str()?
            ),
            location: v["location"].as_str().map(str::to_owned),
            data: v,
        })
    }));
    let (buckets, err) = api
        .list("buckets.list", "storage/v1/b", &[("project", p)], "items")
        .await;
    if let Some(e) = err {
        out.gaps.push(gap(
            Some(p),
            "storage",
            "buckets.list",
            &e,
            &["gcp.storage.bucket"],
            &[],
            vec![],
        ));
    }
    rows.extend(buckets.into_iter().filter_map(|v| {
        Some(Row {
            asset_type: "storage.googleapis.com/Bucket".into(),
            name: format!("//storage.googleapis.com/{}", v["name"].as_str()?),
            location: v["location"].as_str().map(str::to_lowercase),
            data: v,
        })
    }));
    let (sql, err) = api
        .list(
            "instances.list",
            &format!("v1/projects/{ps}/instances"),
            &[],
            "items",
        )
        .await;
    if let Some(e) = err {
        out.gaps.push(gap(
            Some(p),
            "sqladmin",
            "instances.list",
            &e,
            &["gcp.sql.instance"],
            &[],
            vec![],
        ));
    }
    rows.extend(sql.into_iter().filter_map(|v| {
        Some(Row {
            asset_type: "sqladmin.googleapis.com/Instance".into(),
            name: format!(
                "//cloudsql.googleapis.com/projects/{p}/instances/{}",
                v["name"].as_str()?
            ),
            location: v["region"].as_str().map(str::to_owned),
            data: v,
        })
    }));
    // App Engine: the application (none is not a failure), its services and versions.
    match api.get("apps.get", &format!("v1/apps/{ps}"), &[]).await {
        Err(e) if e.status == Some(404) => {}
        Err(e) => out.gaps.push(gap(
            Some(p),
            "appengine",
            "apps.get",
            &e,
            &["gcp.appengine.version"],
            &[],
            vec![],
        )),
        Ok(app) => {
            let location = app["locationId"].as_str().map(str::to_owned);
            rows.push(Row {
                asset_type: "appengine.googleapis.com/Application".into(),
                name: format!("//appengine.googleapis.com/apps/{p}"),
                location: location.clone(),
                data: app,
            });
            let (services, err) = api
                .list(
                    "services.list",
                    &format!("v1/apps/{ps}/services"),
                    &[],
                    "services",
                )
                .await;
            if let Some(e) = err {
                out.gaps.push(gap(
                    Some(p),
                    "appengine",
                    "services.list",
                    &e,
                    &["gcp.appengine.version"],
                    &[],
                    vec![],
                ));
            }
            for s in services {
                let Some(sid) = s["id"].as_str().map(str::to_owned) else {
                    continue;
                };
                rows.push(Row {
                    asset_type: "appengine.googleapis.com/Service".into(),
                    name: format!("//appengine.googleapis.com/apps/{p}/services/{sid}"),
                    location: location.clone(),
                    data: s.clone(),
                });
                let (versions, err) = match seg(&sid) {
                    Ok(ss) => {
                        api.list(
                            "versions.list",
                            &format!("v1/apps/{ps}/services/{ss}/versions"),
                            &[],
                            "versions",
                        )
                        .await
                    }
                    Err(e) => (Vec::new(), Some(e)),
                };
                if let Some(e) = err {
                    out.gaps.push(gap(
                        Some(p),
                        "appengine",
                        "versions.list",
                        &e,
                        &["gcp.appengine.version"],
                        &[],
                        vec![],
                    ));
                }
                rows.extend(versions.into_iter().filter_map(|v| {
                    Some(Row {
                        asset_type: "appengine.googleapis.com/Version".into(),
                        name: format!(
                            "//appengine.googleapis.com/apps/{p}/services/{sid}/versions/{}",
                            v["id"].as_str()?
                        ),
                        location: location.clone(),
                        data: v,
                    })
                }));
            }
        }
    }
    rows
}

fn kind_of(asset_type: &str) -> String {
    kinds::kind_for_asset_type(asset_type).unwrap_or_else(|| "gcp.unknown.resource".to_owned())
}

/// A per-resource read that deepens a row.
struct Deepen {
    operation: &'static str,
    /// Its path, or why the resource's names cannot make one.
    path: Result<String, ApiError>,
    query: Vec<(&'static str, &'static str)>,
    /// The `raw` key it lands under; empty: it replaces the representation.
    key: &'static str,
    /// The facets it feeds.
    facets: &'static [&'static str],
}

/// The per-resource read that deepens a row, if its type has one.
fn deepening(p: &str, row: &Row) -> Option<Deepen> {
    let d = &row.data;
    match row.asset_type.as_str() {
        "compute.googleapis.com/Instance" => {
            let zone = map::last_segment(d["zone"].as_str()?);
            let name = d["name"].as_str()?;
            Some(Deepen {
                operation: "vulnerabilityReports.get",
                path: (|| {
                    Ok(format!(
                        "v1/projects/{}/locations/{}/instances/{}/vulnerabilityReport",
                        seg(p)?,
                        seg(zone)?,
                        seg(name)?
                    ))
                })(),
                query: vec![],
                key: "vulnerabilityReport",
                facets: &["patching"],
            })
        }
        "storage.googleapis.com/Bucket" => Some(Deepen {
            operation: "buckets.getIamPolicy",
            path: seg(d["name"].as_str()?).map(|b| format!("storage/v1/b/{b}/iam")),
            query: vec![],
            key: "iamPolicy",
            facets: &["public_access"],
        }),
        "appengine.googleapis.com/Version" => {
            // `apps/P/services/S/versions/V`
            let name = d["name"].as_str()?;
            let parts: Vec<&str> = name.split('/').collect();
            let [_, _, _, service, _, version] = parts.as_slice() else {
                return None;
            };
            Some(Deepen {
                operation: "versions.get",
                path: (|| {
                    Ok(format!(
                        "v1/apps/{}/services/{}/versions/{}",
                        // The project in scope, never one the data names.
                        seg(p)?,
                        seg(service)?,
                        seg(version)?
                    ))
                })(),
                query: vec![("view", "FULL")],
                key: "",
                facets: &["transport", "runtime"],
            })
        }
        _ => None,
    }
}

async fn deepen_and_map(
    api: &Api,
    p: &str,
    limit: &Arc<Semaphore>,
    rows: Vec<Row>,
    out: &mut Collected,
) {
    let mut set = tokio::task::JoinSet::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(Deepen {
            operation: op,
            path,
            query,
            key,
            facets,
        }) = deepening(p, row)
        else {
            continue;
        };
        let (api, limit) = (api.clone(), limit.clone());
        set.spawn(async move {
            let result = match path {
                Ok(path) => {
                    let _permit = limit.acquire_owned().await;
                    let q: Vec<(&str, &str)> = query.to_vec();
                    api.get(op, &path, &q).await
                }
                // A name that would steer the read is a failure of this resource.
                Err(e) => Err(e),
            };
            (i, op, key, facets, result)
        });
    }
    let mut extra: BTreeMap<usize, (&'static str, Value)> = BTreeMap::new();
    while let Some(Ok((i, op, key, facets, result))) = set.join_next().await {
        match result {
            Ok(v) => {
                extra.insert(i, (key, v));
            }
            // No vulnerability report: VM Manager is not enabled for the VM; its
            // patch state is not observed (unknown), which is not a failure.
            Err(e) if op == "vulnerabilityReports.get" && e.status == Some(404) => {}
            Err(e) => {
                let service = OPERATIONS
                    .iter()
                    .find(|(o, _, _)| *o == op)
                    .map_or("google", |(_, s, _)| *s);
                let kind = kind_of(&rows[i].asset_type);
                out.gaps.push(gap(
                    Some(p),
                    service,
                    op,
                    &e,
                    &[kind.as_str()],
                    facets,
                    vec![rows[i].name.clone()],
                ));
            }
        }
    }
    for (i, row) in rows.into_iter().enumerate() {
        let mut data = row.data;
        if let Some((key, v)) = extra.remove(&i) {
            if key.is_empty() {
                // A fuller representation replaces the inventory's.
                data = v;
            } else if let Some(obj) = data.as_object_mut() {
                obj.insert(key.to_owned(), v);
            }
        }
        let kind = kind_of(&row.asset_type);
        let evaluated = TYPES.iter().any(|(t, _)| *t == row.asset_type);
        // A project's `name` is its display name; the id being audited names
        // it everywhere else.
        let name = if row.asset_type == scc::PROJECT_TYPE {
            Some(p.to_owned())
        } else {
            data["name"]
                .as_str()
                .map(|n| map::last_segment(n).to_owned())
        }
        .or_else(|| Some(map::last_segment(&row.name).to_owned()));
        let tags = data["labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let mut r = Resource {
            id: row.name,
            provider: Provider::Gcp,
            account: p.to_owned(),
            region: row.location,
            kind,
            name,
            tags,
            facets: Default::default(),
            // The asset's data holds its labels when it has any.
            sources: [(
                "tags".to_owned(),
                if data.get("labels").is_some() {
                    "/labels"
                } else {
                    ""
                }
                .to_owned(),
            )]
            .into(),
            raw: data,
            enumerated_only: !evaluated,
        };
        match row.asset_type.as_str() {
            "compute.googleapis.com/Firewall" => {
                r.facets.network = Some(onus_model::Network {
                    ingress: Some(map::firewall_ingress(&r.raw)),
                    ..Default::default()
                });
                let pointer = if r.raw["allowed"].is_array() {
                    "/allowed"
                } else {
                    "/denied"
                };
                r.sources.insert("network.ingress".into(), pointer.into());
            }
            "sqladmin.googleapis.com/Instance" => {
                if let Some(ranges) = map::authorized_ranges(&r.raw) {
                    r.facets.network = Some(onus_model::Network {
                        firewall_ranges: Some(ranges),
                        ..Default::default()
                    });
                    r.sources.insert(
                        "network.firewall_ranges".into(),
                        "/settings/ipConfiguration".into(),
                    );
                }
            }
            _ => {}
        }
        out.resources.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_responses_stay_one_path_segment_or_are_refused() {
        assert_eq!(seg("with space").unwrap(), "with%20space");
        assert_eq!(seg("my.bucket").unwrap(), "my.bucket");
        for bad in ["a/../b?c=d#e", "..", ".", "%2e%2e", "x#", "x?y", ""] {
            assert!(seg(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_bucket_named_dot_dot_is_a_failure_of_that_bucket_not_a_read() {
        let row = Row {
            asset_type: "storage.googleapis.com/Bucket".into(),
            name: "//storage.googleapis.com/..".into(),
            location: None,
            data: serde_json::json!({"name": ".."}),
        };
        let d = deepening("p", &row).unwrap();
        assert!(d.path.unwrap_err().message.contains("dot segment"));
        assert!(!is_project_id(".."));
        assert!(is_project_id("example.com:proj-1"));
    }

    #[test]
    fn evaluated_types_have_the_kinds_their_asset_types_give() {
        for (t, k) in TYPES {
            assert_eq!(kinds::kind_for_asset_type(t).as_deref(), Some(*k), "{t}");
        }
    }
}
