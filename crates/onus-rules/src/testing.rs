//! Fixture resources for rule tests.

use onus_model::{Resource, Status};
use serde_json::{Value, json};

/// A resource with the status a rule must give it.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub name: &'static str,
    pub resource: Resource,
    pub expect: Status,
}

/// A fixture of `kind` carrying `facets` (JSON in the inventory's form).
pub(crate) fn fx(name: &'static str, expect: Status, kind: &str, facets: Value) -> Fixture {
    fx_with(name, expect, kind, facets, json!({}))
}

/// A fixture with `sources` (facet path -> JSON Pointer) and a raw payload.
pub(crate) fn fx_with(
    name: &'static str,
    expect: Status,
    kind: &str,
    facets: Value,
    sources: Value,
) -> Fixture {
    let provider = match kind.split('.').next() {
        Some("aws") => "aws",
        Some("azure") => "azure",
        Some("gcp") => "gcp",
        Some("google") => "google",
        Some("microsoft") => "microsoft",
        Some("dropbox") => "dropbox",
        _ => "on-premises",
    };
    let resource = serde_json::from_value(json!({
        "id": format!("fixture/{name}"),
        "provider": provider,
        "account": "111122223333",
        "region": "eu-west-1",
        "kind": kind,
        "facets": facets,
        "sources": sources,
    }))
    .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    Fixture {
        name,
        resource,
        expect,
    }
}

/// The reference time fixtures are evaluated at.
pub(crate) fn reference_time() -> chrono::DateTime<chrono::Utc> {
    "2026-11-20T00:00:00Z".parse().expect("valid time")
}
