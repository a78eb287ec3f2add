//! Loopback mocks of Microsoft Graph v1.0, the Google Workspace Admin SDK and
//! Cloud Identity Policy APIs, and the Dropbox Business API, paths and
//! payload shapes as the official references give them (our own payloads):
//! paging (`@odata.nextLink`, `nextPageToken`, `cursor`/`has_more`),
//! throttling (Graph 429 with `Retry-After`, Dropbox `too_many_requests`),
//! and a denied permission where asked.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use crate::util::*;

pub(crate) const TENANT: &str = "5f1c3c9e-2b4d-4e6f-8a1b-9c0d1e2f3a4b";
pub(crate) const CUSTOMER: &str = "C03az79qk";
pub(crate) const TEAM: &str = "dbtid:AAC-team-4b2f";

pub(crate) struct Mock {
    pub(crate) url: String,
    pub(crate) requests: RequestLog,
}

fn graph_error(status: u16, code: &str, message: &str) -> (u16, &'static str, Value) {
    (
        status,
        "",
        json!({"error": {"code": code, "message": message, "innerError": {"request-id": "r"}}}),
    )
}

/// Microsoft Graph: one tenant whose only MFA policy is report-only with
/// security defaults off; anyone may invite guests; SharePoint allows
/// "Anyone" links (or denies the read, with `deny_sharepoint`); three users
/// over two pages of the registration report.
pub(crate) fn graph(deny_sharepoint: bool) -> Mock {
    let throttled = AtomicBool::new(false);
    let (url, requests) = serve_mock("127.0.0.1:0", move |base, req| {
        let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
        if req.method != "GET" {
            return graph_error(405, "Request_BadRequest", "reads only");
        }
        match path {
            "/v1.0/organization" => (
                200,
                "",
                json!({"@odata.context": "x", "value": [{
                "id": TENANT, "displayName": "Contoso <b>Ltd</b>",
                "verifiedDomains": [
                    {"name": "contoso.example", "isDefault": false, "isInitial": false},
                    {"name": "contoso.onmicrosoft.com", "isDefault": true, "isInitial": true}]}]}),
            ),
            "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy" => (
                200,
                "",
                json!({
                "id": "00000000-0000-0000-0000-000000000005", "displayName": "Security Defaults",
                "isEnabled": false}),
            ),
            "/v1.0/identity/conditionalAccess/policies" => {
                // Throttled once, as Graph does under load.
                if !throttled.swap(true, Ordering::SeqCst) {
                    return (
                        429,
                        "Retry-After: 1\r\n",
                        json!({"error": {"code": "TooManyRequests", "message": "Too many requests"}}),
                    );
                }
                (
                    200,
                    "",
                    json!({"value": [{
                    "id": "c1", "displayName": "Require MFA for everyone (pilot)",
                    "state": "enabledForReportingButNotEnforced",
                    "conditions": {"users": {"includeUsers": ["All"], "excludeUsers": []},
                        "applications": {"includeApplications": ["All"]}, "clientAppTypes": ["all"]},
                    "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}}]}),
                )
            }
            "/v1.0/policies/authorizationPolicy" => (
                200,
                "",
                json!({
                "id": "authorizationPolicy", "allowInvitesFrom": "everyone",
                "guestUserRoleId": "10dae51f-b6af-4016-8d66-8c2a99b929b3"}),
            ),
            "/v1.0/admin/sharepoint/settings" if deny_sharepoint => graph_error(
                403,
                "accessDenied",
                "Either scp or roles claim need to be present in the token.",
            ),
            "/v1.0/admin/sharepoint/settings" => (
                200,
                "",
                json!({
                "sharingCapability": "externalUserAndGuestSharing", "isResharingByExternalUsersEnabled": true}),
            ),
            "/v1.0/reports/authenticationMethods/userRegistrationDetails" => {
                if query.contains("skiptoken=page2") {
                    (
                        200,
                        "",
                        json!({"value": [
                        {"id": "3", "userPrincipalName": "former@contoso.example", "userType": "member",
                         "isAdmin": false, "isMfaRegistered": false, "isMfaCapable": false, "methodsRegistered": []}]}),
                    )
                } else {
                    (
                        200,
                        "",
                        json!({"value": [
                        {"id": "1", "userPrincipalName": "admin@contoso.example", "userDisplayName": "Admin",
                         "userType": "member", "isAdmin": true, "isMfaRegistered": false, "isMfaCapable": false,
                         "methodsRegistered": []},
                        {"id": "2", "userPrincipalName": "alice@contoso.example", "userType": "member",
                         "isAdmin": false, "isMfaRegistered": true, "isMfaCapable": true,
                         "methodsRegistered": ["microsoftAuthenticatorPush"]}],
                        "@odata.nextLink": format!("{base}v1.0/reports/authenticationMethods/userRegistrationDetails?$skiptoken=page2")}),
                    )
                }
            }
            "/v1.0/users" => (
                200,
                "",
                json!({"value": [
                {"id": "1", "userPrincipalName": "admin@contoso.example", "accountEnabled": true, "userType": "Member"},
                {"id": "2", "userPrincipalName": "alice@contoso.example", "accountEnabled": true, "userType": "Member"},
                {"id": "3", "userPrincipalName": "former@contoso.example", "accountEnabled": false, "userType": "Member"}]}),
            ),
            _ => graph_error(404, "Request_ResourceNotFound", path),
        }
    });
    Mock { url, requests }
}

fn google_error(status: u16, code: &str, message: &str) -> (u16, &'static str, Value) {
    (
        status,
        "",
        json!({"error": {"code": status, "status": code, "message": message}}),
    )
}

/// Google Workspace: 2-Step Verification enforced, Drive sharing restricted,
/// three users over two pages (an admin without 2SV, a user with it, a
/// suspended user).
pub(crate) fn workspace() -> Mock {
    let (url, requests) = serve_mock("127.0.0.1:0", move |_, req| {
        let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
        if req.method != "GET" {
            return google_error(405, "INVALID_ARGUMENT", "reads only");
        }
        let policy = |name: &str, setting: &str, value: Value| {
            json!({"name": format!("policies/{name}"), "customer": format!("customers/{CUSTOMER}"),
                "policyQuery": {"orgUnit": "orgUnits/03ph8a2z1", "query": "true", "sortOrder": 1},
                "setting": {"type": format!("settings/{setting}"), "value": value}, "type": "ADMIN"})
        };
        match path {
            "/admin/directory/v1/customers/my_customer" => (
                200,
                "",
                json!({
                "kind": "admin#directory#customer", "id": CUSTOMER, "customerDomain": "example.org"}),
            ),
            "/admin/directory/v1/users" => {
                assert!(query.contains("customer=my_customer"), "{query}");
                if query.contains("pageToken=p2") {
                    (
                        200,
                        "",
                        json!({"kind": "admin#directory#users", "users": [
                        {"primaryEmail": "left@example.org", "isAdmin": false, "isDelegatedAdmin": false,
                         "isEnrolledIn2Sv": false, "isEnforcedIn2Sv": true, "suspended": true, "archived": false}]}),
                    )
                } else {
                    (
                        200,
                        "",
                        json!({"kind": "admin#directory#users", "nextPageToken": "p2", "users": [
                        {"primaryEmail": "boss@example.org", "isAdmin": true, "isDelegatedAdmin": false,
                         "isEnrolledIn2Sv": false, "isEnforcedIn2Sv": true, "suspended": false, "archived": false},
                        {"primaryEmail": "dev@example.org", "isAdmin": false, "isDelegatedAdmin": false,
                         "isEnrolledIn2Sv": true, "isEnforcedIn2Sv": true, "suspended": false, "archived": false}]}),
                    )
                }
            }
            // One top-level org unit under the root the policies are set at.
            "/admin/directory/v1/customer/my_customer/orgunits" => {
                assert!(query.contains("type=children"), "{query}");
                (
                    200,
                    "",
                    json!({"kind": "admin#directory#orgUnits", "organizationUnits": [
                    {"name": "Engineering", "orgUnitPath": "/Engineering", "orgUnitId": "id:03ph8a2z2",
                     "parentOrgUnitPath": "/", "parentOrgUnitId": "id:03ph8a2z1"}]}),
                )
            }
            "/v1/policies" => (
                200,
                "",
                json!({"policies": [
                policy("a1", "security.two_step_verification_enforcement", json!({"enforcedFrom": "2024-03-01T00:00:00Z"})),
                policy("a2", "drive_and_docs.external_sharing", json!({
                    "externalSharingMode": "ALLOWLISTED_DOMAINS", "allowPublishingFiles": false,
                    "warnForExternalSharing": true, "allowNonGoogleInvites": false}))]}),
            ),
            _ => google_error(404, "NOT_FOUND", path),
        }
    });
    Mock { url, requests }
}

/// Dropbox: a team whose links are team-only, two members over two pages,
/// the first listing throttled once with `too_many_requests`.
pub(crate) fn dropbox() -> Mock {
    let throttled = AtomicBool::new(false);
    let (url, requests) = serve_mock("127.0.0.1:0", move |_, req| {
        if req.method != "POST" {
            return (
                400,
                "",
                json!({"error_summary": "bad_request/", "error": {".tag": "other"}}),
            );
        }
        let member = |email: &str, role: &str, status: &str| {
            json!({"profile": {"team_member_id": format!("dbmid:{email}"), "email": email,
                "email_verified": true, "status": {".tag": status},
                "name": {"display_name": email}, "membership_type": {".tag": "full"}},
                "roles": [{"role_id": format!("pid_dbtmr:{role}"), "name": role, "description": role}]})
        };
        match req.target.as_str() {
            "/2/team/get_info" => (
                200,
                "",
                json!({"name": "Acme design", "team_id": TEAM,
                "num_licensed_users": 5, "num_provisioned_users": 2,
                "policies": {"sharing": {
                    "shared_folder_member_policy": {".tag": "team"},
                    "shared_folder_join_policy": {".tag": "from_team_only"},
                    "shared_link_create_policy": {".tag": "default_team_only"}},
                    "emm_state": {".tag": "disabled"}, "office_addin": {".tag": "disabled"}}}),
            ),
            "/2/team/members/list_v2" => {
                if !throttled.swap(true, Ordering::SeqCst) {
                    return (
                        429,
                        "Retry-After: 1\r\n",
                        json!({"error_summary": "too_many_requests/..", "error": {"reason": {".tag": "too_many_requests"}, "retry_after": 1}}),
                    );
                }
                assert!(req.body.contains("\"limit\""), "{}", req.body);
                (
                    200,
                    "",
                    json!({"members": [member("owner@acme.example", "Team admin", "active")],
                    "cursor": "c-1", "has_more": true}),
                )
            }
            "/2/team/members/list/continue_v2" => {
                assert!(req.body.contains("c-1"), "{}", req.body);
                (
                    200,
                    "",
                    json!({"members": [member("designer@acme.example", "Member", "active")],
                    "cursor": "c-2", "has_more": false}),
                )
            }
            other => (
                409,
                "",
                json!({"error_summary": format!("path/not_found/{other}")}),
            ),
        }
    });
    Mock { url, requests }
}
