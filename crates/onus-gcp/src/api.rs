//! The Google REST APIs onus reads: one table of operations (service host,
//! path, IAM permission), GETs only, `nextPageToken` paging, retries on 429 and
//! 5xx honouring `Retry-After`, and every URL kept on the configured host.

use std::collections::BTreeMap;

use onus_endpoint::{Endpoint, Pages, Timeouts};
use onus_model::GapCause;
use serde_json::Value;

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
        "projects.get",
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
    ("clusters.list", "container", "container.clusters.list"),
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

pub use onus_endpoint::http::{ApiError, InsecureEndpoint};

/// The client: one endpoint per service host (or one for all with `--gcp-endpoint`).
#[derive(Debug, Clone)]
pub struct Api {
    client: onus_endpoint::http::Client,
    tokens: TokenSource,
    override_endpoint: Option<Endpoint>,
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
        let override_endpoint = endpoint
            .map(onus_endpoint::http::token_endpoint)
            .transpose()?;
        let client = onus_endpoint::http::Client::new(
            timeouts,
            limits,
            max_retries,
            onus_endpoint::http::read_error,
        )?;
        Ok(Api {
            client,
            tokens,
            override_endpoint,
        })
    }

    /// The permissions used so far, with counts.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        self.client.calls()
    }

    fn endpoint(&self, service: &str) -> Endpoint {
        match &self.override_endpoint {
            Some(e) => e.clone(),
            None => onus_endpoint::http::host_endpoint(&format!("{service}.googleapis.com")),
        }
    }

    /// This client under the run's `budget` (deadline and breakers).
    #[must_use]
    pub fn with_budget(mut self, budget: onus_endpoint::RunBudget) -> Api {
        self.client = self.client.with_budget(budget);
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
            return Err(ApiError::new(
                GapCause::Other,
                format!("{operation} is not in the operation table"),
            ));
        };
        let mut url = self
            .endpoint(service)
            .join(path)
            .map_err(|e| ApiError::new(GapCause::ApiError, e.to_string()))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let token = || {
            let tokens = &self.tokens;
            async move {
                tokens
                    .token()
                    .await
                    .map(Some)
                    .map_err(|e| ApiError::new(GapCause::AccessDenied, e.to_string()))
            }
        };
        self.client
            .call(
                service,
                permission,
                onus_endpoint::http::Method::Get,
                &url,
                token,
            )
            .await
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
        let mut pages = Pages::with_limits(self.client.limits());
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
                    Some(ApiError::new(GapCause::TooLarge, stop.to_string())),
                );
            }
            items.extend(found);
            match page["nextPageToken"].as_str().filter(|t| !t.is_empty()) {
                None => return (items, None),
                Some(t) => {
                    if let Err(stop) = pages.next(t) {
                        return (
                            items,
                            Some(ApiError::new(GapCause::ApiError, stop.to_string())),
                        );
                    }
                    token = Some(t.to_owned());
                }
            }
        }
    }
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
