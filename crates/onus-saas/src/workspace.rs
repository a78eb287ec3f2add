//! Google Workspace through the Admin SDK Directory API (the customer, its
//! users with their 2-Step Verification state) and the Cloud Identity Policy
//! API (the settings administrators set: 2SV enforcement, less secure apps,
//! Drive external sharing), GET only. The tenant's `raw` holds `customer`
//! and `policies` as the APIs returned them; each user's `raw` is its
//! Directory API record.

use std::collections::BTreeMap;

use onus_model::{Identity, PublicAccess, Resource};
use serde_json::{Value, json};

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
    // The top-level organisational units name the root one (their parent):
    // a setting holds for everyone only where the root's policy says so.
    let path = format!("/admin/directory/v1/customer/{customer}/orgunits");
    let read = match client.url("orgunits.list", &path, &[("type", "children")]) {
        Ok(url) => client
            .call("orgunits.list", url, None)
            .await
            .map(|(v, _)| v),
        Err(e) => Err(e),
    };
    match read {
        Ok(v) => {
            raw.insert("orgUnits".into(), v);
        }
        Err(e) => fail("orgunits.list", &e, &[TENANT], &["public_access"]),
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
    match &err {
        Some(e) => fail("users.list", e, &[USER, TENANT], &["identity"]),
        None => {
            // Each user's effective 2-Step Verification enforcement, whatever
            // the org unit or group that set it: the active users it does
            // not cover (their own records' fields, the first 100).
            let lax: Vec<Value> = users
                .iter()
                .filter(|u| u["suspended"] != true && u["archived"] != true)
                .filter(|u| u["isEnforcedIn2Sv"] != true)
                .take(100)
                .map(|u| json!({"primaryEmail": u["primaryEmail"], "isEnforcedIn2Sv": u["isEnforcedIn2Sv"]}))
                .collect();
            raw.insert("usersNotEnforcedIn2Sv".into(), Value::Array(lax));
        }
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

/// The tenant's facets, worst across the org units and groups the policies
/// name (the Policy API lists only settings someone set):
///
/// - `identity.mfa_required`: false when a 2-Step Verification enforcement
///   policy has no `enforcedFrom` in the past, or an active user is not
///   enforced (`usersNotEnforcedIn2Sv`, from the user list); true only when
///   the whole user list was read and every active user is enforced.
/// - `identity.legacy_auth_blocked`: no less-secure-apps policy allows them.
/// - `public_access.anonymous_links`: true when a Drive external sharing
///   policy allows publishing files to the web or sharing outside with no
///   allowlist (`externalSharingMode` `ALLOWED`); false only when none does
///   and the root org unit's own policy is closed (otherwise not observed).
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
            if let Some((i, _)) = lax {
                identity.mfa_required = Some(false);
                sources.insert(
                    "identity.mfa_required".to_owned(),
                    format!("/policies/{i}/setting/value"),
                );
            }
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
        let open = settings(&raw, "drive_and_docs.external_sharing").find(|(_, v)| {
            v["allowPublishingFiles"] == true || v["externalSharingMode"] == "ALLOWED"
        });
        // Closed only where the root org unit's own policy closes it (and no
        // policy anywhere opens it): an org unit without a policy inherits
        // the root's, and the root without one has Google's default, which
        // allows sharing outside.
        let closed_at_root = root_org_unit(&raw).and_then(|root| {
            settings(&raw, "drive_and_docs.external_sharing")
                .find(|(i, _)| {
                    let q = &raw["policies"][*i]["policyQuery"];
                    q["orgUnit"] == root.as_str() && q["group"].as_str().is_none_or(str::is_empty)
                })
                .map(|(i, _)| i)
        });
        let found = match (open, closed_at_root) {
            (Some((i, _)), _) => Some((true, i)),
            (None, Some(i)) => Some((false, i)),
            (None, None) => None,
        };
        if let Some((is_open, i)) = found {
            r.facets.public_access = Some(PublicAccess {
                anonymous_links: Some(is_open),
                ..PublicAccess::default()
            });
            sources.insert(
                "public_access.anonymous_links".to_owned(),
                format!("/policies/{i}/setting/value"),
            );
        }
    }
    // 2-Step Verification for everyone: no policy leaves it off (above), and
    // the users' own effective enforcement shows every active user covered.
    if identity.mfa_required.is_none()
        && let Some(lax) = raw["usersNotEnforcedIn2Sv"].as_array()
    {
        identity.mfa_required = Some(lax.is_empty());
        sources.insert(
            "identity.mfa_required".to_owned(),
            if lax.is_empty() {
                "/usersNotEnforcedIn2Sv".to_owned()
            } else {
                "/usersNotEnforcedIn2Sv/0/isEnforcedIn2Sv".to_owned()
            },
        );
    }
    if identity != Identity::default() {
        r.facets.identity = Some(identity);
    }
    r.sources = sources;
    r.raw = raw;
}

/// The root org unit as the Policy API names it (`orgUnits/ID`): the parent
/// of the top-level org units; with none, the one org unit the policies
/// without a group name.
fn root_org_unit(raw: &Value) -> Option<String> {
    let units = raw["orgUnits"]
        .get("organizationUnits")
        .and_then(Value::as_array);
    match units {
        Some(units) if !units.is_empty() => units
            .iter()
            .find_map(|u| u["parentOrgUnitId"].as_str())
            .map(|id| format!("orgUnits/{}", id.trim_start_matches("id:"))),
        // No child org unit (or none listed): every policy is the root's.
        _ if raw["orgUnits"].is_object() => {
            let mut named = raw["policies"]
                .as_array()?
                .iter()
                .filter(|p| p["policyQuery"]["group"].as_str().is_none_or(str::is_empty))
                .filter_map(|p| p["policyQuery"]["orgUnit"].as_str());
            let first = named.next()?;
            named.all(|o| o == first).then(|| first.to_owned())
        }
        _ => None,
    }
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
        mapped_with(policies, json!({}))
    }

    /// `policies` under a root org unit `orgUnits/root`, with `extra` reads.
    fn mapped_with(policies: Value, extra: Value) -> Resource {
        let mut r = resource(Api::Workspace, "C1", "C1", TENANT, "x", json!({}));
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
            .unwrap()
            .into();
        let mut raw = json!({"policies": policies, "orgUnits": {"organizationUnits": [
            {"orgUnitId": "id:sales", "orgUnitPath": "/Sales", "parentOrgUnitId": "id:root"}]}});
        for (k, v) in extra.as_object().unwrap() {
            raw[k] = v.clone();
        }
        map_tenant(&mut r, raw, now);
        r
    }

    #[test]
    fn two_step_verification_enforced_in_the_past_everywhere() {
        // Every active user enforced, as the user list shows.
        let r = mapped_with(
            json!([policy(
                "security.two_step_verification_enforcement",
                json!({"enforcedFrom": "2024-01-01T00:00:00Z"})
            )]),
            json!({"usersNotEnforcedIn2Sv": []}),
        );
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
    fn a_policy_is_everyone_only_at_the_root_or_through_every_user() {
        // The policies enforce 2SV, but the user list shows a user it misses
        // (an org unit or group without the policy).
        let enforced = policy(
            "security.two_step_verification_enforcement",
            json!({"enforcedFrom": "2024-01-01T00:00:00Z"}),
        );
        let r = mapped_with(
            json!([enforced.clone()]),
            json!({"usersNotEnforcedIn2Sv": [{"primaryEmail": "x@y", "isEnforcedIn2Sv": false}]}),
        );
        assert_eq!(
            r.facets.identity.as_ref().unwrap().mfa_required,
            Some(false)
        );
        assert_eq!(
            r.source_of("identity.mfa_required"),
            Some("/usersNotEnforcedIn2Sv/0/isEnforcedIn2Sv")
        );
        // Without the user list, the policies alone do not show everyone.
        assert!(mapped(json!([enforced])).facets.identity.is_none());
        // Drive closed in a child org unit only: the root keeps Google's default.
        let mut closed = policy(
            "drive_and_docs.external_sharing",
            json!({"externalSharingMode": "DISALLOWED", "allowPublishingFiles": false}),
        );
        closed["policyQuery"]["orgUnit"] = json!("orgUnits/sales");
        assert!(mapped(json!([closed])).facets.public_access.is_none());
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
