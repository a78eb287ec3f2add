//! The onus SaaS tenant collectors: Microsoft 365 / Entra ID through
//! Microsoft Graph v1.0, Google Workspace through the Admin SDK Directory API
//! and the Cloud Identity Policy API, and Dropbox teams through the Dropbox
//! Business API. The same shape as the cloud collectors: an operation table
//! ([`ops::OPERATIONS`]) from which the read-only guard and the shipped
//! least-privilege lists derive, one client with confined URLs, timeouts,
//! retries and paging guards ([`client::Client`]), every failed read a named
//! gap, and pure mapping functions from the API's payloads (kept in `raw`
//! with the API's field names) to facets, tested on recorded shapes.
//!
//! In SaaS the provider runs almost everything; what stays with the customer
//! is who can get in and what is shared with whom, and the trail of both:
//! those are what the tenant and user resources carry.

pub mod client;
pub mod dropbox;
pub mod m365;
pub mod ops;
mod paging;
pub mod workspace;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use onus_model::{Gap, Inventory, Provider, Resource};

pub use client::{ApiError, Client, InsecureEndpoint};

/// A SaaS API onus reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Api {
    /// Microsoft Graph v1.0 (Microsoft 365, Entra ID).
    Graph,
    /// The Admin SDK Directory API and the Cloud Identity Policy API (Google Workspace).
    Workspace,
    /// The Dropbox Business API.
    Dropbox,
}

impl Api {
    /// The stable name used in gaps and logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Api::Graph => "graph",
            Api::Workspace => "workspace",
            Api::Dropbox => "dropbox",
        }
    }

    const fn provider(self) -> Provider {
        match self {
            Api::Graph => Provider::Microsoft,
            Api::Workspace => Provider::Google,
            Api::Dropbox => Provider::Dropbox,
        }
    }
}

/// A future giving a bearer token.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<String, String>> + Send>>;

/// Where bearer tokens come from: a token given as is (`ONUS_GRAPH_TOKEN`,
/// `ONUS_WORKSPACE_TOKEN`, `ONUS_DROPBOX_TOKEN`), or a credential that
/// fetches and refreshes them (azure_identity, google-cloud-auth). `Debug`
/// never shows a token.
#[derive(Clone)]
pub enum Tokens {
    /// Used as is.
    Fixed(String),
    /// Asked for each request (the credential caches and refreshes).
    Credential(Arc<dyn Fn() -> TokenFuture + Send + Sync>),
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tokens::Fixed(_) => f.write_str("Tokens::Fixed([censored])"),
            Tokens::Credential(_) => f.write_str("Tokens::Credential"),
        }
    }
}

impl Tokens {
    /// A token used as is.
    pub fn fixed(token: &str) -> Tokens {
        Tokens::Fixed(token.trim().to_owned())
    }

    pub(crate) async fn token(&self) -> Result<String, String> {
        match self {
            Tokens::Fixed(t) => Ok(t.clone()),
            Tokens::Credential(f) => f().await,
        }
    }
}

/// Which tenant to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tenant {
    /// A Microsoft 365 tenant (Entra ID tenant ID, or a verified domain).
    M365(String),
    /// A Google Workspace customer ID, or `my_customer` (the token's own).
    Workspace(String),
    /// The Dropbox team the token belongs to.
    Dropbox,
}

impl Tenant {
    /// The API the tenant is read through.
    pub const fn api(&self) -> Api {
        match self {
            Tenant::M365(_) => Api::Graph,
            Tenant::Workspace(_) => Api::Workspace,
            Tenant::Dropbox => Api::Dropbox,
        }
    }
}

/// What to collect, and how.
#[derive(Debug, Clone, Default)]
pub struct SaasOptions {
    /// One base URL replacing the API's hosts (a proxy, a mock on loopback).
    pub endpoint: Option<String>,
    /// Retries per request (429 and 5xx, honouring `Retry-After`).
    pub max_retries: u32,
    /// Shard, timeouts, limits, deadline and breaker.
    pub collector: onus_endpoint::CollectorOptions,
}

/// Why a collection could not start at all.
#[derive(Debug, thiserror::Error)]
pub enum SaasError {
    /// Bad options.
    #[error("{0}")]
    Options(String),
    /// An endpoint a token must not be sent to.
    #[error(transparent)]
    Endpoint(#[from] InsecureEndpoint),
}

/// What one collector gathered.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub(crate) resources: Vec<Resource>,
    pub(crate) gaps: Vec<Gap>,
}

/// Collect `tenant`: its tenant resource and its users, with a gap for each
/// read that failed. Returns the inventory and the permissions used, with
/// counts.
pub async fn collect(
    tenant: &Tenant,
    opts: &SaasOptions,
    tokens: Tokens,
) -> Result<(Inventory, BTreeMap<String, u64>), SaasError> {
    let api = tenant.api();
    let client = Client::new(
        api,
        opts.endpoint.as_deref(),
        tokens,
        &opts.collector,
        opts.max_retries,
    )?;
    let shard_key = match tenant {
        Tenant::M365(t) | Tenant::Workspace(t) => t.clone(),
        Tenant::Dropbox => "dropbox".to_owned(),
    };
    let mut out = Collected::default();
    let in_shard = opts
        .collector
        .shard
        .is_none_or(|(i, n)| onus_model::in_shard(&shard_key, i, n));
    if in_shard {
        out = match tenant {
            Tenant::M365(t) => {
                if !m365::is_tenant(t) {
                    return Err(SaasError::Options(format!(
                        "--tenant {t}: not a tenant ID (a GUID) or a domain name"
                    )));
                }
                m365::collect(&client, t).await
            }
            Tenant::Workspace(c) => {
                if !workspace::is_customer(c) {
                    return Err(SaasError::Options(format!(
                        "--customer {c}: not a customer ID (letters and digits, e.g. C03az79qk) or my_customer"
                    )));
                }
                workspace::collect(&client, c).await
            }
            Tenant::Dropbox => dropbox::collect(&client).await,
        };
    }
    let collector = format!("onus-saas/{}", api.as_str());
    let inventory = Inventory::collected(
        &collector,
        env!("CARGO_PKG_VERSION"),
        out.resources,
        out.gaps,
        Vec::new(),
    );
    Ok((inventory, client.calls()))
}

/// A failed read as a gap: what, where, why, and which kinds and facets it
/// leaves unknown.
pub(crate) fn gap(
    api: Api,
    account: Option<&str>,
    operation: &str,
    err: &ApiError,
    kinds: &[&str],
    facets: &[&str],
) -> Gap {
    let error = onus_model::api_text(&err.message);
    tracing::warn!(api = api.as_str(), account, operation, %error, "collection gap");
    Gap {
        provider: api.provider(),
        account: account.map(str::to_owned),
        region: None,
        service: api.as_str().to_owned(),
        operation: operation.to_owned(),
        cause: err.cause,
        error,
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        facets: facets.iter().map(|f| (*f).to_owned()).collect(),
        resources: Vec::new(),
    }
}

/// A resource of `api` with its raw payload; facets are set by the mappers.
pub(crate) fn resource(
    api: Api,
    id: &str,
    account: &str,
    kind: &str,
    name: &str,
    raw: serde_json::Value,
) -> Resource {
    Resource {
        id: id.to_owned(),
        provider: api.provider(),
        account: account.to_owned(),
        region: None,
        kind: kind.to_owned(),
        name: Some(name.to_owned()),
        tags: BTreeMap::new(),
        facets: onus_model::Facets::default(),
        sources: BTreeMap::new(),
        raw,
        enumerated_only: false,
    }
}
