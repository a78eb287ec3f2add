//! Google Workspace through the Admin SDK Directory API (the customer, its
//! users with their 2-Step Verification state) and the Cloud Identity Policy
//! API (the settings administrators set: 2SV enforcement, less secure apps,
//! Drive external sharing), GET only. The tenant's `raw` holds `customer`
//! and `policies` as the APIs returned them; each user's `raw` is its
//! Directory API record.

use std::collections::BTreeMap;

use onus_model::{Identity, PublicAccess, Resource};
use serde_json::Value;

use crate::client::Client;
use crate::{Api, Collected, gap, paging, resource};

/// The tenant's kind.
pub const TENANT: &str = "google.workspace.tenant";
/// A user's kind.
pub const USER: &str = "google.workspace.user";

/// A customer ID (letters and digits) or `my_customer`: one clean path segment.
pub(crate) fn is_customer(c: &str) -> bool {
    !c.is_empty() && c.len() <= 64 && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

pub(crate) async fn collect(client: &Client, customer: &str) -> Collected {
    let mut out = Collected::default();
    let mut raw = serde_json::Map::new();
    let mut fail = |op: &str, e: &crate::ApiError, kinds: &[&str], facets: &[&str]| {
        out.gaps
            .push(gap(Api::Workspace, Some(customer), op, e, kinds, facets));
    };
    let path = format!("/admin/directory/v1/customers/{customer}");
    let read = match client.url("customers.get", &path, &[]) {
        Ok(url) => client
            .call("customers.get", url, None)
            .await
            .map(|(v, _)| v),
        Err(e) => Err(e),
    };
    match read {
        Ok(v) => {
            raw.insert("customer".into(), v);
        }
        Err(e) => fail("customers.get", &e, &[TENANT], &[]),
    }
    // The customer's ID, as the Policy API and the user list name it.
    let id = raw
        .get("customer")
        .and_then(|c| c["id"].as_str())
        .filter(|s| is_customer(s))
        .unwrap_or(customer)
        .to_owned();
    let (policies, err) = paging::google(
        client,
        "policies.list",
        "/v1/policies",
        &[("pageSize", "100")],
        "policies",
    )
    .await;
    match err {
        Some(e) => fail(
            "policies.list",
            &e,
            &[TENANT],
            &["identity", "public_access"],
        ),
        None => {
            raw.insert("policies".into(), Value::Array(policies));
        }
    }
    let (users, err) = paging::google(
        client,
        "users.list",
        "/admin/directory/v1/users",
        &[
            ("customer", customer),
            ("maxResults", "500"),
            ("projection", "basic"),
        ],
        "users",
    )
    .await;
    if let Some(e) = &err {
        fail("users.list", e, &[USER], &["identity"]);
    }
    let raw = Value::Object(raw);
    let domain = raw["customer"]["customerDomain"]
        .as_str()
        .unwrap_or(&id)
        .to_owned();
    let mut t = resource(
        Api::Workspace,
        &id,
        customer,
        TENANT,
        &format!("{domain} (Google Workspace)"),
        Value::Null,
    );
    map_tenant(&mut t, raw, chrono::Utc::now());
    out.resources.push(t);
    for u in users {
        let Some(email) = u["primaryEmail"].as_str().filter(|e| !e.is_empty()) else {
            continue;
        };
        let mut r = resource(Api::Workspace, email, customer, USER, email, Value::Null);
        map_user(&mut r, u);
        out.resources.push(r);
    }
    out
}

/// The settings of `policies` of one type (`security.two_step_verification_enforcement`,
/// with or without the `settings/` prefix the API gives), with their index.
fn settings<'a>(raw: &'a Value, setting: &'a str) -> impl Iterator<Item = (usize, &'a Value)> + 'a {
    raw["policies"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter(move |(_, p)| {
            p["setting"]["type"]
                .as_str()
                .is_some_and(|t| t.trim_start_matches("settings/") == setting)
        })
        .map(|(i, p)| (i, &p["setting"]["value"]))
}

/// The tenant's facets from the policies, worst across the org units and
/// groups they name (the Policy API lists only settings someone set, with
/// Google's own as `SYSTEM` policies):
///
/// - `identity.mfa_required`: every 2-Step Verification enforcement policy
///   has `enforcedFrom` in the past (none listed: not observed).
/// - `identity.legacy_auth_blocked`: no less-secure-apps policy allows them.
/// - `public_access.anonymous_links`: a Drive external sharing policy allows
///   publishing files to the web, or sharing outside the organisation with
///   no allowlist (`externalSharingMode` `ALLOWED`).
pub fn map_tenant(r: &mut Resource, raw: Value, now: chrono::DateTime<chrono::Utc>) {
    let mut identity = Identity::default();
    let mut sources = BTreeMap::new();
    if raw["policies"].is_array() {
        let mut enforcement =
            settings(&raw, "security.two_step_verification_enforcement").peekable();
        if enforcement.peek().is_some() {
            let lax = enforcement.find(|(_, v)| {
                v["enforcedFrom"]
                    .as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .is_none_or(|t| t > now)
            });
            let (ok, at) = match lax {
                Some((i, _)) => (false, format!("/policies/{i}/setting/value")),
                None => (true, "/policies".to_owned()),
            };
            identity.mfa_required = Some(ok);
            sources.insert("identity.mfa_required".to_owned(), at);
        }
        let mut lsa = settings(&raw, "security.less_secure_apps").peekable();
        if lsa.peek().is_some() {
            let allowed = lsa.find(|(_, v)| v["allowLessSecureApps"] == true);
            identity.legacy_auth_blocked = Some(allowed.is_none());
            sources.insert(
                "identity.legacy_auth_blocked".to_owned(),
                allowed.map_or("/policies".to_owned(), |(i, _)| {
                    format!("/policies/{i}/setting/value/allowLessSecureApps")
                }),
            );
        }
        let mut sharing = settings(&raw, "drive_and_docs.external_sharing").peekable();
        if sharing.peek().is_some() {
            let open = sharing.find(|(_, v)| {
                v["allowPublishingFiles"] == true || v["externalSharingMode"] == "ALLOWED"
            });
            r.facets.public_access = Some(PublicAccess {
                anonymous_links: Some(open.is_some()),
                ..PublicAccess::default()
            });
            sources.insert(
                "public_access.anonymous_links".to_owned(),
                open.map_or("/policies".to_owned(), |(i, _)| {
                    format!("/policies/{i}/setting/value")
                }),
            );
        }
    }
    if identity != Identity::default() {
        r.facets.identity = Some(identity);
    }
    r.sources = sources;
    r.raw = raw;
}

/// A user's facets: `identity.mfa_enabled` from `isEnrolledIn2Sv`,
/// `identity.admin` from `isAdmin` or `isDelegatedAdmin`, and
/// `identity.console_access` false when `suspended` or `archived`.
pub fn map_user(r: &mut Resource, raw: Value) {
    let mut identity = Identity::default();
    if let Some(v) = raw["isEnrolledIn2Sv"].as_bool() {
        identity.mfa_enabled = Some(v);
        r.sources
            .insert("identity.mfa_enabled".into(), "/isEnrolledIn2Sv".into());
    }
    match (raw["isAdmin"].as_bool(), raw["isDelegatedAdmin"].as_bool()) {
        (Some(true), _) => {
            identity.admin = Some(true);
            r.sources.insert("identity.admin".into(), "/isAdmin".into());
        }
        (_, Some(true)) => {
            identity.admin = Some(true);
            r.sources
                .insert("identity.admin".into(), "/isDelegatedAdmin".into());
        }
        (Some(false), _) => {
            identity.admin = Some(false);
            r.sources.insert("identity.admin".into(), "/isAdmin".into());
        }
        _ => {}
    }
    if raw["suspended"] == true {
        identity.console_access = Some(false);
        r.sources
            .insert("identity.console_access".into(), "/suspended".into());
    } else if raw["archived"] == true {
        identity.console_access = Some(false);
        r.sources
            .insert("identity.console_access".into(), "/archived".into());
    } else if raw["suspended"] == false {
        identity.console_access = Some(true);
        r.sources
            .insert("identity.console_access".into(), "/suspended".into());
    }
    if identity != Identity::default() {
        r.facets.identity = Some(identity);
    }
    r.raw = raw;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(setting: &str, value: Value) -> Value {
        json!({"name": "policies/x", "customer": "customers/C1", "type": "ADMIN",
            "policyQuery": {"orgUnit": "orgUnits/root", "query": "entity.org_units.exists(org_unit, org_unit.org_unit_id == orgUnitId('root'))"},
            "setting": {"type": format!("settings/{setting}"), "value": value}})
    }

    fn mapped(policies: Value) -> Resource {
        let mut r = resource(Api::Workspace, "C1", "C1", TENANT, "x", json!({}));
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
            .unwrap()
            .into();
        map_tenant(&mut r, json!({"policies": policies}), now);
        r
    }

    #[test]
    fn two_step_verification_enforced_in_the_past_everywhere() {
        let r = mapped(json!([policy(
            "security.two_step_verification_enforcement",
            json!({"enforcedFrom": "2024-01-01T00:00:00Z"})
        )]));
        assert_eq!(r.facets.identity.unwrap().mfa_required, Some(true));
        let r = mapped(json!([
            policy(
                "security.two_step_verification_enforcement",
                json!({"enforcedFrom": "2024-01-01T00:00:00Z"})
            ),
            policy(
                "security.two_step_verification_enforcement",
                json!({"enforcedFrom": "2027-06-01T00:00:00Z"})
            )
        ]));
        assert_eq!(
            r.facets.identity.as_ref().unwrap().mfa_required,
            Some(false)
        );
        assert_eq!(
            r.source_of("identity.mfa_required"),
            Some("/policies/1/setting/value")
        );
        let r = mapped(json!([policy(
            "security.two_step_verification_enforcement",
            json!({})
        )]));
        assert_eq!(r.facets.identity.unwrap().mfa_required, Some(false));
        assert!(
            mapped(json!([])).facets.identity.is_none(),
            "nothing listed: not observed"
        );
    }

    #[test]
    fn drive_sharing_and_less_secure_apps() {
        let r = mapped(json!([
            policy(
                "drive_and_docs.external_sharing",
                json!({"externalSharingMode": "ALLOWLISTED_DOMAINS", "allowPublishingFiles": true})
            ),
            policy(
                "security.less_secure_apps",
                json!({"allowLessSecureApps": false})
            )
        ]));
        assert_eq!(r.facets.public_access.unwrap().anonymous_links, Some(true));
        assert_eq!(r.facets.identity.unwrap().legacy_auth_blocked, Some(true));
        let r = mapped(json!([policy(
            "drive_and_docs.external_sharing",
            json!({"externalSharingMode": "DISALLOWED", "allowPublishingFiles": false})
        )]));
        assert_eq!(r.facets.public_access.unwrap().anonymous_links, Some(false));
    }

    #[test]
    fn users() {
        let mut r = resource(Api::Workspace, "a@x", "C1", USER, "a@x", json!({}));
        map_user(
            &mut r,
            json!({"primaryEmail": "a@x", "isAdmin": true, "isEnrolledIn2Sv": false, "suspended": false}),
        );
        let i = r.facets.identity.unwrap();
        assert_eq!(
            (i.admin, i.mfa_enabled, i.console_access),
            (Some(true), Some(false), Some(true))
        );
        let mut r = resource(Api::Workspace, "b@x", "C1", USER, "b@x", json!({}));
        map_user(
            &mut r,
            json!({"primaryEmail": "b@x", "isAdmin": false, "isEnrolledIn2Sv": false, "suspended": true}),
        );
        assert_eq!(r.facets.identity.unwrap().console_access, Some(false));
    }
}
