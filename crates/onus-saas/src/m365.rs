//! Microsoft 365 / Entra ID through Microsoft Graph v1.0, GET only.
//!
//! Reads the organization, security defaults, Conditional Access policies,
//! the authorization policy (guest invitations), SharePoint's tenant sharing
//! settings, the authentication methods registration report (each user's MFA
//! state and whether they are an administrator) and the users (enabled or
//! not). The tenant resource keeps what each read returned in `raw` under
//! `organization`, `securityDefaults`, `conditionalAccessPolicies`,
//! `authorizationPolicy` and `sharepoint`; each user's `raw` holds its
//! `registration` record and its `user` record.

use std::collections::BTreeMap;

use onus_model::{Identity, PublicAccess, Resource};
use serde_json::Value;

use crate::client::Client;
use crate::{Api, Collected, gap, paging, resource};

/// The tenant's kind.
pub const TENANT: &str = "microsoft.m365.tenant";
/// A user's kind.
pub const USER: &str = "microsoft.entra.user";

/// A tenant ID (a GUID) or a domain name: safe in a URL, never a path.
pub(crate) fn is_tenant(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 253
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

async fn get(client: &Client, operation: &str, path: &str) -> Result<Value, crate::ApiError> {
    let url = client.url(operation, path, &[])?;
    client.call(operation, url, None).await.map(|(v, _)| v)
}

pub(crate) async fn collect(client: &Client, tenant: &str) -> Collected {
    let mut out = Collected::default();
    let mut raw = serde_json::Map::new();
    let mut fail = |op: &str, e: &crate::ApiError, kinds: &[&str], facets: &[&str]| {
        out.gaps
            .push(gap(Api::Graph, Some(tenant), op, e, kinds, facets));
    };

    let (orgs, err) = paging::graph(client, "organization.list", "/v1.0/organization", &[]).await;
    if let Some(e) = &err {
        fail("organization.list", e, &[TENANT], &[]);
    }
    if let Some(org) = orgs.into_iter().next() {
        raw.insert("organization".into(), org);
    }
    match get(
        client,
        "identitySecurityDefaultsEnforcementPolicy.get",
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
    )
    .await
    {
        Ok(v) => {
            raw.insert("securityDefaults".into(), v);
        }
        Err(e) => fail(
            "identitySecurityDefaultsEnforcementPolicy.get",
            &e,
            &[TENANT],
            &["identity"],
        ),
    }
    let (policies, err) = paging::graph(
        client,
        "conditionalAccessPolicies.list",
        "/v1.0/identity/conditionalAccess/policies",
        &[],
    )
    .await;
    match err {
        // A part of the policies is no account of them: not kept.
        Some(e) => fail(
            "conditionalAccessPolicies.list",
            &e,
            &[TENANT],
            &["identity"],
        ),
        None => {
            raw.insert("conditionalAccessPolicies".into(), Value::Array(policies));
        }
    }
    match get(
        client,
        "authorizationPolicy.get",
        "/v1.0/policies/authorizationPolicy",
    )
    .await
    {
        Ok(v) => {
            raw.insert("authorizationPolicy".into(), v);
        }
        Err(e) => fail("authorizationPolicy.get", &e, &[TENANT], &["identity"]),
    }
    match get(
        client,
        "sharepointSettings.get",
        "/v1.0/admin/sharepoint/settings",
    )
    .await
    {
        Ok(v) => {
            raw.insert("sharepoint".into(), v);
        }
        Err(e) => fail("sharepointSettings.get", &e, &[TENANT], &["public_access"]),
    }
    let (registrations, reg_err) = paging::graph(
        client,
        "userRegistrationDetails.list",
        "/v1.0/reports/authenticationMethods/userRegistrationDetails",
        &[],
    )
    .await;
    if let Some(e) = &reg_err {
        fail("userRegistrationDetails.list", e, &[USER], &["identity"]);
    }
    let (users, users_err) = paging::graph(
        client,
        "users.list",
        "/v1.0/users",
        &[(
            "$select",
            "id,userPrincipalName,displayName,accountEnabled,userType",
        )],
    )
    .await;
    if let Some(e) = &users_err {
        // Without it a disabled account cannot be told from an enabled one:
        // such users are judged as if they could sign in.
        fail("users.list", e, &[USER], &["identity"]);
    }

    let raw = Value::Object(raw);
    let id = raw["organization"]["id"]
        .as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or(tenant)
        .to_owned();
    let domain = raw["organization"]["verifiedDomains"]
        .as_array()
        .and_then(|ds| ds.iter().find(|d| d["isDefault"] == true))
        .and_then(|d| d["name"].as_str())
        .unwrap_or(&id)
        .to_owned();
    let mut t = resource(
        Api::Graph,
        &id,
        tenant,
        TENANT,
        &format!("{domain} (Microsoft 365)"),
        Value::Null,
    );
    map_tenant(&mut t, raw);
    out.resources.push(t);
    out.resources.extend(users_of(tenant, registrations, users));
    out
}

/// The tenant's facets from what the reads returned (`raw`).
///
/// - `identity.mfa_required`: security defaults on, or an enabled (not
///   report-only) Conditional Access policy for all users and all
///   applications that grants with `mfa` or an authentication strength.
/// - `identity.legacy_auth_blocked`: security defaults on, or an enabled
///   policy for all users that blocks the `exchangeActiveSync` and `other`
///   client app types.
/// - `identity.guest_invites_restricted`: `allowInvitesFrom` is not `everyone`.
/// - `public_access.anonymous_links`: SharePoint's `sharingCapability` is
///   `externalUserAndGuestSharing` ("Anyone" links).
///
/// A value is set only from reads that succeeded: with security defaults
/// off and the policies unread, MFA is not observed.
pub fn map_tenant(r: &mut Resource, raw: Value) {
    let defaults = raw["securityDefaults"]["isEnabled"].as_bool();
    let policies = raw["conditionalAccessPolicies"].as_array();
    let mut identity = Identity::default();
    let mut sources = BTreeMap::new();
    // Only an enabled policy for everyone and every app, narrowed by nothing
    // onus does not weigh, counts.
    let enforcing = |test: &dyn Fn(&Value) -> bool| -> Option<usize> {
        policies?
            .iter()
            .position(|p| p["state"] == "enabled" && for_everyone(p) && test(p))
    };
    let mfa_policy = enforcing(&|p| {
        let apps = p["conditions"]["clientAppTypes"].as_array();
        let every_client = apps.is_none_or(|a| a.is_empty() || a.iter().any(|x| x == "all"));
        let grant = &p["grantControls"];
        let c = controls(p);
        let asks_mfa = c.contains(&"mfa") || grant["authenticationStrength"].is_object();
        // With `OR`, any other control (a compliant device, an approved app)
        // lets a user in without a second factor.
        let mfa_always = grant["operator"] == "AND" || c.iter().all(|x| *x == "mfa");
        every_client && asks_mfa && mfa_always
    });
    let legacy_policy = enforcing(&|p| {
        let types = p["conditions"]["clientAppTypes"].as_array();
        controls(p).contains(&"block")
            && ["exchangeActiveSync", "other"]
                .iter()
                .all(|t| types.is_some_and(|ts| ts.iter().any(|x| x == *t)))
    });
    let mut decide = |facet: &str, policy: Option<usize>| -> Option<bool> {
        if defaults == Some(true) {
            sources.insert(facet.to_owned(), "/securityDefaults/isEnabled".to_owned());
            return Some(true);
        }
        if let Some(i) = policy {
            sources.insert(facet.to_owned(), format!("/conditionalAccessPolicies/{i}"));
            return Some(true);
        }
        // Off only when both were read: defaults off and no policy does it.
        if defaults == Some(false) && policies.is_some() {
            sources.insert(facet.to_owned(), "/conditionalAccessPolicies".to_owned());
            return Some(false);
        }
        None
    };
    identity.mfa_required = decide("identity.mfa_required", mfa_policy);
    identity.legacy_auth_blocked = decide("identity.legacy_auth_blocked", legacy_policy);
    // `authorizationPolicy` is one object in v1.0 (a collection under `value` in older answers).
    let authz = if raw["authorizationPolicy"]["value"].is_array() {
        (
            "/authorizationPolicy/value/0",
            &raw["authorizationPolicy"]["value"][0],
        )
    } else {
        ("/authorizationPolicy", &raw["authorizationPolicy"])
    };
    if let Some(who) = authz.1["allowInvitesFrom"].as_str() {
        identity.guest_invites_restricted = Some(!who.eq_ignore_ascii_case("everyone"));
        sources.insert(
            "identity.guest_invites_restricted".to_owned(),
            format!("{}/allowInvitesFrom", authz.0),
        );
    }
    if identity != Identity::default() {
        r.facets.identity = Some(identity);
    }
    if let Some(cap) = raw["sharepoint"]["sharingCapability"].as_str() {
        r.facets.public_access = Some(PublicAccess {
            anonymous_links: Some(cap.eq_ignore_ascii_case("externalUserAndGuestSharing")),
            ..PublicAccess::default()
        });
        sources.insert(
            "public_access.anonymous_links".to_owned(),
            "/sharepoint/sharingCapability".to_owned(),
        );
    }
    r.sources = sources;
    r.raw = raw;
}

/// The grant controls a Conditional Access policy names (`mfa`, `block`...).
fn controls(p: &Value) -> Vec<&str> {
    p["grantControls"]["builtInControls"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether a Conditional Access policy applies to every user and every
/// application with nothing narrowing it: no excluded user, group, role,
/// guest or application, and no other condition (locations, platforms, risk
/// levels, device filters, client applications, authentication flows) set.
/// A condition onus does not weigh makes the policy not count, so an
/// exclusion (even of an emergency-access account) is never read as
/// "everyone"; IAM015 judges each user.
fn for_everyone(p: &Value) -> bool {
    let c = &p["conditions"];
    let has = |v: &Value, x: &str| v.as_array().is_some_and(|a| a.iter().any(|y| y == x));
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o
            .values()
            .all(|x| x.is_null() || x.as_array().is_some_and(Vec::is_empty)),
        Value::String(s) => s.is_empty(),
        _ => false,
    };
    let users = &c["users"];
    let apps = &c["applications"];
    has(&users["includeUsers"], "All")
        && [
            "excludeUsers",
            "excludeGroups",
            "excludeRoles",
            "excludeGuestsOrExternalUsers",
        ]
        .iter()
        .all(|k| empty(&users[*k]))
        && has(&apps["includeApplications"], "All")
        && empty(&apps["excludeApplications"])
        && c.as_object().is_some_and(|o| {
            o.iter().all(|(k, v)| {
                matches!(
                    k.as_str(),
                    "users" | "applications" | "clientAppTypes" | "@odata.type"
                ) || empty(v)
            })
        })
}

/// Each user the registration report or the user list names (by user
/// principal name), with the records of both.
fn users_of(tenant: &str, registrations: Vec<Value>, users: Vec<Value>) -> Vec<Resource> {
    let mut by_upn: BTreeMap<String, (Option<Value>, Option<Value>)> = BTreeMap::new();
    for r in registrations {
        if let Some(upn) = r["userPrincipalName"]
            .as_str()
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
        {
            by_upn.entry(upn).or_default().0 = Some(r);
        }
    }
    for u in users {
        if let Some(upn) = u["userPrincipalName"]
            .as_str()
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
        {
            by_upn.entry(upn).or_default().1 = Some(u);
        }
    }
    by_upn
        .into_iter()
        .map(|(upn, (registration, user))| {
            let mut raw = serde_json::Map::new();
            if let Some(v) = registration {
                raw.insert("registration".into(), v);
            }
            if let Some(v) = user {
                raw.insert("user".into(), v);
            }
            let mut r = resource(Api::Graph, &upn, tenant, USER, &upn, Value::Null);
            map_user(&mut r, Value::Object(raw));
            r
        })
        .collect()
}

/// A user's facets: `identity.mfa_enabled` from `isMfaRegistered`,
/// `identity.admin` from `isAdmin` (the registration report), and
/// `identity.console_access` from `accountEnabled` (the user list).
pub fn map_user(r: &mut Resource, raw: Value) {
    let mut identity = Identity::default();
    let mut set = |facet: &str, pointer: &str, value: Option<bool>, slot: &mut Option<bool>| {
        if let Some(v) = value {
            *slot = Some(v);
            r.sources.insert(facet.to_owned(), pointer.to_owned());
        }
    };
    set(
        "identity.mfa_enabled",
        "/registration/isMfaRegistered",
        raw["registration"]["isMfaRegistered"].as_bool(),
        &mut identity.mfa_enabled,
    );
    set(
        "identity.admin",
        "/registration/isAdmin",
        raw["registration"]["isAdmin"].as_bool(),
        &mut identity.admin,
    );
    set(
        "identity.console_access",
        "/user/accountEnabled",
        raw["user"]["accountEnabled"].as_bool(),
        &mut identity.console_access,
    );
    if identity != Identity::default() {
        r.facets.identity = Some(identity);
    }
    r.raw = raw;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn blank(kind: &str) -> Resource {
        resource(Api::Graph, "t", "t", kind, "t", json!({}))
    }

    fn policy(state: &str, controls: Value, apps: Value) -> Value {
        json!({"id": "p", "displayName": "Require MFA", "state": state,
            "conditions": {"users": {"includeUsers": ["All"], "excludeUsers": []},
                "applications": {"includeApplications": apps}, "clientAppTypes": ["all"]},
            "grantControls": {"operator": "OR", "builtInControls": controls}})
    }

    fn tenant(raw: Value) -> Identity {
        let mut r = blank(TENANT);
        map_tenant(&mut r, raw);
        r.facets.identity.unwrap_or_default()
    }

    #[test]
    fn a_report_only_policy_with_defaults_off_is_no_mfa_requirement() {
        let raw = json!({"securityDefaults": {"isEnabled": false},
            "conditionalAccessPolicies": [policy("enabledForReportingButNotEnforced", json!(["mfa"]), json!(["All"]))]});
        assert_eq!(tenant(raw).mfa_required, Some(false));
    }

    #[test]
    fn an_enabled_policy_for_everyone_and_every_app_requires_mfa() {
        let raw = json!({"securityDefaults": {"isEnabled": false},
            "conditionalAccessPolicies": [
                policy("enabled", json!(["mfa"]), json!(["00000003-0000-0ff1-ce00-000000000000"])),
                policy("enabled", json!(["mfa"]), json!(["All"]))]});
        let mut r = blank(TENANT);
        map_tenant(&mut r, raw);
        assert_eq!(r.facets.identity.as_ref().unwrap().mfa_required, Some(true));
        assert_eq!(
            r.source_of("identity.mfa_required"),
            Some("/conditionalAccessPolicies/1")
        );
    }

    #[test]
    fn a_narrowed_policy_is_not_everyone() {
        let off = json!({"isEnabled": false});
        let base = policy("enabled", json!(["mfa"]), json!(["All"]));
        let narrowed = |edit: &dyn Fn(&mut Value)| {
            let mut p = base.clone();
            edit(&mut p);
            tenant(json!({"securityDefaults": off, "conditionalAccessPolicies": [p]})).mfa_required
        };
        assert_eq!(narrowed(&|_| {}), Some(true));
        assert_eq!(
            narrowed(&|p| p["conditions"]["users"]["excludeUsers"] = json!(["breakglass"])),
            Some(false)
        );
        assert_eq!(
            narrowed(&|p| p["conditions"]["users"]["excludeGroups"] = json!(["g"])),
            Some(false)
        );
        assert_eq!(
            narrowed(&|p| p["conditions"]["locations"] =
                json!({"includeLocations": ["All"], "excludeLocations": ["AllTrusted"]})),
            Some(false)
        );
        assert_eq!(
            narrowed(&|p| p["conditions"]["signInRiskLevels"] = json!(["high"])),
            Some(false)
        );
        assert_eq!(
            narrowed(&|p| p["conditions"]["clientAppTypes"] = json!(["browser"])),
            Some(false)
        );
        // MFA or a compliant device: the device alone lets a user in.
        assert_eq!(
            narrowed(&|p| p["grantControls"]["builtInControls"] = json!(["mfa", "compliantDevice"])),
            Some(false)
        );
        assert_eq!(
            narrowed(&|p| {
                p["grantControls"]["builtInControls"] = json!(["mfa", "compliantDevice"]);
                p["grantControls"]["operator"] = json!("AND");
            }),
            Some(true)
        );
        // Graph's empty conditions (null risk levels, empty lists) narrow nothing.
        assert_eq!(
            narrowed(&|p| {
                p["conditions"]["signInRiskLevels"] = json!([]);
                p["conditions"]["locations"] = Value::Null;
                p["conditions"]["users"]["excludeGuestsOrExternalUsers"] = Value::Null;
            }),
            Some(true)
        );
    }

    #[test]
    fn security_defaults_require_mfa_and_block_legacy_authentication() {
        let i = tenant(json!({"securityDefaults": {"isEnabled": true}}));
        assert_eq!(
            (i.mfa_required, i.legacy_auth_blocked),
            (Some(true), Some(true))
        );
    }

    #[test]
    fn unread_policies_leave_mfa_unobserved() {
        let i = tenant(json!({"securityDefaults": {"isEnabled": false}}));
        assert_eq!(i.mfa_required, None);
        assert_eq!(
            tenant(json!({"conditionalAccessPolicies": []})).mfa_required,
            None
        );
    }

    #[test]
    fn legacy_authentication_blocked_by_an_enabled_policy() {
        let mut p = policy("enabled", json!(["block"]), json!(["All"]));
        p["conditions"]["clientAppTypes"] = json!(["exchangeActiveSync", "other"]);
        let i = tenant(
            json!({"securityDefaults": {"isEnabled": false}, "conditionalAccessPolicies": [p]}),
        );
        assert_eq!(i.legacy_auth_blocked, Some(true));
        assert_eq!(i.mfa_required, Some(false));
    }

    #[test]
    fn guests_and_sharing() {
        let mut r = blank(TENANT);
        map_tenant(
            &mut r,
            json!({"authorizationPolicy": {"allowInvitesFrom": "everyone"},
                "sharepoint": {"sharingCapability": "externalUserAndGuestSharing"}}),
        );
        assert_eq!(
            r.facets.identity.as_ref().unwrap().guest_invites_restricted,
            Some(false)
        );
        assert_eq!(
            r.facets.public_access.as_ref().unwrap().anonymous_links,
            Some(true)
        );
        let mut r = blank(TENANT);
        map_tenant(
            &mut r,
            json!({"authorizationPolicy": {"value": [{"allowInvitesFrom": "adminsAndGuestInviters"}]},
                "sharepoint": {"sharingCapability": "existingExternalUserSharingOnly"}}),
        );
        assert_eq!(
            r.facets.identity.as_ref().unwrap().guest_invites_restricted,
            Some(true)
        );
        assert_eq!(
            r.source_of("identity.guest_invites_restricted"),
            Some("/authorizationPolicy/value/0/allowInvitesFrom")
        );
        assert_eq!(
            r.facets.public_access.as_ref().unwrap().anonymous_links,
            Some(false)
        );
    }

    #[test]
    fn users_join_the_report_and_the_list() {
        let users = users_of(
            "t",
            vec![
                json!({"userPrincipalName": "admin@x", "isAdmin": true, "isMfaRegistered": false}),
            ],
            vec![
                json!({"userPrincipalName": "admin@x", "accountEnabled": true}),
                json!({"userPrincipalName": "gone@x", "accountEnabled": false}),
            ],
        );
        assert_eq!(users.len(), 2);
        let admin = users[0].facets.identity.as_ref().unwrap();
        assert_eq!(
            (admin.admin, admin.mfa_enabled, admin.console_access),
            (Some(true), Some(false), Some(true))
        );
        assert_eq!(
            users[0].source_of("identity.mfa_enabled"),
            Some("/registration/isMfaRegistered")
        );
        let gone = users[1].facets.identity.as_ref().unwrap();
        assert_eq!((gone.mfa_enabled, gone.console_access), (None, Some(false)));
    }
}
