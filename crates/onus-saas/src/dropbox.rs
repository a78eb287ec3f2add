//! Dropbox teams through the Dropbox Business API's read routes (POSTs by
//! design, each listed in the operation table): the team and its sharing
//! policies (`/2/team/get_info`) and its members (`/2/team/members/list_v2`,
//! then `.../list/continue_v2` with the cursor). The team's `raw` is the
//! `get_info` answer; each member's `raw` is its `members` record.
//!
//! The API does not show members' two-step verification, nor the team's
//! requirement of it: identity-access stays unknown, with what to check by
//! hand (the catalog's note), never guessed.

use onus_model::{Identity, PublicAccess, Resource};
use serde_json::{Value, json};

use crate::client::Client;
use crate::{Api, Collected, gap, paging, resource};

/// The team's kind.
pub const TEAM: &str = "dropbox.business.team";
/// A member's kind.
pub const MEMBER: &str = "dropbox.business.member";

pub(crate) async fn collect(client: &Client) -> Collected {
    let mut out = Collected::default();
    let info = match client.url("team/get_info", "/2/team/get_info", &[]) {
        Ok(url) => client
            .call("team/get_info", url, None)
            .await
            .map(|(v, _)| v),
        Err(e) => Err(e),
    };
    let info = match info {
        Ok(v) => Some(v),
        Err(e) => {
            out.gaps
                .push(gap(Api::Dropbox, None, "team/get_info", &e, &[TEAM], &[]));
            None
        }
    };
    let team_id = info
        .as_ref()
        .and_then(|i| i["team_id"].as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let account = team_id.clone().unwrap_or_else(|| "dropbox".to_owned());
    let (members, err) = paging::dropbox(
        client,
        (
            "team/members/list_v2",
            "/2/team/members/list_v2",
            json!({"limit": 1000, "include_removed": false}),
        ),
        (
            "team/members/list/continue_v2",
            "/2/team/members/list/continue_v2",
        ),
        "members",
    )
    .await;
    if let Some(e) = &err {
        out.gaps.push(gap(
            Api::Dropbox,
            Some(&account),
            "team/members/list_v2",
            e,
            &[MEMBER],
            &["identity"],
        ));
    }
    if let (Some(info), Some(id)) = (info, team_id) {
        let name = info["name"].as_str().unwrap_or(&id).to_owned();
        let mut t = resource(
            Api::Dropbox,
            &id,
            &id,
            TEAM,
            &format!("{name} (Dropbox)"),
            Value::Null,
        );
        map_team(&mut t, info);
        out.resources.push(t);
    }
    for m in members {
        let Some(email) = m["profile"]["email"].as_str().filter(|e| !e.is_empty()) else {
            continue;
        };
        let mut r = resource(Api::Dropbox, email, &account, MEMBER, email, Value::Null);
        map_member(&mut r, m);
        out.resources.push(r);
    }
    out
}

/// The team's facets: `public_access.anonymous_links` when new shared links
/// are public by default (`shared_link_create_policy` `default_public`) or
/// shared folders can be joined by anyone with the link from outside the
/// team (`shared_folder_join_policy` `from_anyone`).
pub fn map_team(r: &mut Resource, raw: Value) {
    let sharing = &raw["policies"]["sharing"];
    let links = sharing["shared_link_create_policy"][".tag"].as_str();
    let join = sharing["shared_folder_join_policy"][".tag"].as_str();
    if links.is_some() || join.is_some() {
        let public_links = links == Some("default_public");
        let anyone_joins = join == Some("from_anyone");
        let pointer = if anyone_joins && !public_links {
            "/policies/sharing/shared_folder_join_policy"
        } else {
            "/policies/sharing/shared_link_create_policy"
        };
        // Both must be read to say neither is open.
        let open = public_links || anyone_joins;
        if open || (links.is_some() && join.is_some()) {
            r.facets.public_access = Some(PublicAccess {
                anonymous_links: Some(open),
                ..PublicAccess::default()
            });
            r.sources
                .insert("public_access.anonymous_links".into(), pointer.into());
        }
    }
    r.raw = raw;
}

/// A member's facets: `identity.admin` from its roles (or the legacy
/// `admin_level`), `identity.console_access` false when suspended. MFA is
/// not in the API.
pub fn map_member(r: &mut Resource, raw: Value) {
    let mut identity = Identity::default();
    if let Some(roles) = raw["roles"].as_array() {
        identity.admin = Some(roles.iter().any(|x| {
            x["role_id"].as_str().is_some_and(|id| !id.is_empty())
                && x["name"]
                    .as_str()
                    .is_some_and(|n| n.to_ascii_lowercase().contains("admin"))
        }));
        r.sources.insert("identity.admin".into(), "/roles".into());
    }
    match raw["profile"]["status"][".tag"].as_str() {
        Some("suspended" | "removed") => {
            identity.console_access = Some(false);
            r.sources
                .insert("identity.console_access".into(), "/profile/status".into());
        }
        Some("active") => {
            identity.console_access = Some(true);
            r.sources
                .insert("identity.console_access".into(), "/profile/status".into());
        }
        _ => {}
    }
    if identity != Identity::default() {
        r.facets.identity = Some(identity);
    }
    r.raw = raw;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(links: &str, join: &str) -> Resource {
        let mut r = resource(Api::Dropbox, "dbtid:1", "dbtid:1", TEAM, "t", json!({}));
        map_team(
            &mut r,
            json!({"name": "t", "team_id": "dbtid:1", "policies": {"sharing": {
                "shared_folder_member_policy": {".tag": "team"},
                "shared_folder_join_policy": {".tag": join},
                "shared_link_create_policy": {".tag": links}}}}),
        );
        r
    }

    #[test]
    fn public_links_or_open_folders_are_anonymous_sharing() {
        let open = team("default_public", "from_team_only");
        assert_eq!(
            open.facets.public_access.unwrap().anonymous_links,
            Some(true)
        );
        let joinable = team("team_only", "from_anyone");
        assert_eq!(
            joinable
                .facets
                .public_access
                .as_ref()
                .unwrap()
                .anonymous_links,
            Some(true)
        );
        assert_eq!(
            joinable.source_of("public_access.anonymous_links"),
            Some("/policies/sharing/shared_folder_join_policy")
        );
        let closed = team("default_team_only", "from_team_only");
        assert_eq!(
            closed.facets.public_access.unwrap().anonymous_links,
            Some(false)
        );
    }

    #[test]
    fn members() {
        let mut r = resource(Api::Dropbox, "a@x", "t", MEMBER, "a@x", json!({}));
        map_member(
            &mut r,
            json!({"profile": {"email": "a@x", "status": {".tag": "active"}},
                "roles": [{"role_id": "pid_dbtmr:1", "name": "Team", "description": "Team admin"}]}),
        );
        let i = r.facets.identity.unwrap();
        assert_eq!(
            (i.admin, i.console_access, i.mfa_enabled),
            (Some(false), Some(true), None)
        );
        let mut r = resource(Api::Dropbox, "b@x", "t", MEMBER, "b@x", json!({}));
        map_member(
            &mut r,
            json!({"profile": {"email": "b@x", "status": {".tag": "suspended"}},
                "roles": [{"role_id": "pid_dbtmr:2", "name": "Team admin"}]}),
        );
        let i = r.facets.identity.unwrap();
        assert_eq!((i.admin, i.console_access), (Some(true), Some(false)));
    }
}
