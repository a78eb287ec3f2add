//! Every call the SaaS collectors make, with the permission or scope it needs.
//! The shipped least-privilege lists (`config/m365-graph-permissions.txt`,
//! `config/workspace-scopes.txt`, `config/dropbox-scopes.txt`) list exactly
//! these (a test keeps them equal), and the client refuses any call not here.

use crate::Api;

/// An HTTP method the collectors use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A read.
    Get,
    /// A Dropbox read route: RPC-style, POST by design, listed route by route.
    Post,
}

/// One call.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The API.
    pub api: Api,
    /// The operation's name, as the gaps name it.
    pub name: &'static str,
    /// The host it is served from (replaced by `--*-endpoint`).
    pub host: &'static str,
    /// GET, or POST for a Dropbox read route.
    pub method: Method,
    /// The path, as on the real host (`{...}` for an id).
    pub path: &'static str,
    /// The application permission (Graph) or OAuth scope it needs.
    pub permission: &'static str,
}

const GRAPH: &str = "graph.microsoft.com";
const ADMIN: &str = "admin.googleapis.com";
const CLOUD_IDENTITY: &str = "cloudidentity.googleapis.com";
const DROPBOX: &str = "api.dropboxapi.com";

/// The table.
pub const OPERATIONS: &[Operation] = &[
    op(
        Api::Graph,
        "organization.list",
        GRAPH,
        Method::Get,
        "/v1.0/organization",
        "Organization.Read.All",
    ),
    op(
        Api::Graph,
        "identitySecurityDefaultsEnforcementPolicy.get",
        GRAPH,
        Method::Get,
        "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
        "Policy.Read.All",
    ),
    op(
        Api::Graph,
        "conditionalAccessPolicies.list",
        GRAPH,
        Method::Get,
        "/v1.0/identity/conditionalAccess/policies",
        "Policy.Read.All",
    ),
    op(
        Api::Graph,
        "authorizationPolicy.get",
        GRAPH,
        Method::Get,
        "/v1.0/policies/authorizationPolicy",
        "Policy.Read.All",
    ),
    op(
        Api::Graph,
        "sharepointSettings.get",
        GRAPH,
        Method::Get,
        "/v1.0/admin/sharepoint/settings",
        "SharePointTenantSettings.Read.All",
    ),
    op(
        Api::Graph,
        "userRegistrationDetails.list",
        GRAPH,
        Method::Get,
        "/v1.0/reports/authenticationMethods/userRegistrationDetails",
        "AuditLog.Read.All",
    ),
    op(
        Api::Graph,
        "users.list",
        GRAPH,
        Method::Get,
        "/v1.0/users",
        "User.Read.All",
    ),
    op(
        Api::Workspace,
        "customers.get",
        ADMIN,
        Method::Get,
        "/admin/directory/v1/customers/{customer}",
        "https://www.googleapis.com/auth/admin.directory.customer.readonly",
    ),
    op(
        Api::Workspace,
        "orgunits.list",
        ADMIN,
        Method::Get,
        "/admin/directory/v1/customer/{customer}/orgunits",
        "https://www.googleapis.com/auth/admin.directory.orgunit.readonly",
    ),
    op(
        Api::Workspace,
        "users.list",
        ADMIN,
        Method::Get,
        "/admin/directory/v1/users",
        "https://www.googleapis.com/auth/admin.directory.user.readonly",
    ),
    op(
        Api::Workspace,
        "policies.list",
        CLOUD_IDENTITY,
        Method::Get,
        "/v1/policies",
        "https://www.googleapis.com/auth/cloud-identity.policies.readonly",
    ),
    op(
        Api::Dropbox,
        "team/get_info",
        DROPBOX,
        Method::Post,
        "/2/team/get_info",
        "team_info.read",
    ),
    op(
        Api::Dropbox,
        "team/members/list_v2",
        DROPBOX,
        Method::Post,
        "/2/team/members/list_v2",
        "members.read",
    ),
    op(
        Api::Dropbox,
        "team/members/list/continue_v2",
        DROPBOX,
        Method::Post,
        "/2/team/members/list/continue_v2",
        "members.read",
    ),
];

const fn op(
    api: Api,
    name: &'static str,
    host: &'static str,
    method: Method,
    path: &'static str,
    permission: &'static str,
) -> Operation {
    Operation {
        api,
        name,
        host,
        method,
        path,
        permission,
    }
}

/// The permissions or scopes `api` needs, sorted, once each.
pub fn permissions(api: Api) -> Vec<&'static str> {
    let mut p: Vec<&str> = OPERATIONS
        .iter()
        .filter(|o| o.api == api)
        .map(|o| o.permission)
        .collect();
    p.sort_unstable();
    p.dedup();
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_and_the_dropbox_read_routes() {
        for o in OPERATIONS {
            match o.method {
                Method::Get => assert_ne!(o.api, Api::Dropbox, "{}", o.name),
                Method::Post => assert!(
                    o.api == Api::Dropbox
                        && [
                            "/2/team/get_info",
                            "/2/team/members/list_v2",
                            "/2/team/members/list/continue_v2"
                        ]
                        .contains(&o.path),
                    "{} is a POST that is not a listed read route",
                    o.name
                ),
            }
            // Read permissions and scopes only.
            assert!(
                o.permission.contains(".Read.")
                    || o.permission.ends_with("readonly")
                    || o.permission.ends_with(".read"),
                "{}",
                o.permission
            );
        }
    }

    #[test]
    fn shipped_lists_are_exactly_what_the_code_calls() {
        for (api, file) in [
            (Api::Graph, "m365-graph-permissions.txt"),
            (Api::Workspace, "workspace-scopes.txt"),
            (Api::Dropbox, "dropbox-scopes.txt"),
        ] {
            let path = format!("{}/../../config/{file}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            let mut shipped: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect();
            shipped.sort_unstable();
            assert_eq!(
                shipped,
                permissions(api),
                "config/{file} is out of step with the code"
            );
        }
    }
}
