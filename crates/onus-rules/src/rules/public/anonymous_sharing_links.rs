use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a SaaS tenant does not let users create anyone-with-the-link sharing
    /// links: Google Drive link sharing "Anyone with the link" off, SharePoint and
    /// OneDrive "Anyone" links off, Dropbox shared links restricted to team
    /// members or invited people.
    ///
    /// ## Why it matters
    /// Anonymous links are forwarded, indexed and never expire by default; the
    /// data behind them is readable by whoever holds the URL. In SaaS the provider
    /// runs the service; what users may share is the customer's data duty.
    ///
    /// ## How to address
    /// Restrict external sharing to authenticated guests, or require expiry and
    /// passwords on anonymous links where the business needs them.
    ///
    /// ## References
    /// - Google Workspace, Manage external sharing: <https://support.google.com/a/answer/60781>
    /// - Microsoft, Manage sharing settings for SharePoint and OneDrive: <https://learn.microsoft.com/sharepoint/turn-external-sharing-on-or-off>
    /// - Dropbox, Shared link settings for teams: <https://help.dropbox.com/share/team-link-settings>
    pub struct AnonymousSharingLinks {
        code: "PUB005",
        title: "Anyone-with-the-link sharing allowed",
        duty: Duty::PublicAccess,
        severity: Severity::Medium,
        facets: &["public_access"],
        remediation: "Restrict sharing to authenticated guests, or require expiry and passwords on anonymous links.",
    }
}

impl Rule for AnonymousSharingLinks {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "public_access.anonymous_links",
            resource
                .facets
                .public_access
                .as_ref()
                .and_then(|p| p.anonymous_links),
            false,
            "Anonymous sharing links are not allowed",
            "Users can share data with anyone who has the link",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "anyone-links",
                Unaddressed,
                "google.workspace.tenant",
                json!({"public_access": {"anonymous_links": true}}),
            ),
            fx(
                "guests-only",
                Addressed,
                "microsoft.m365.tenant",
                json!({"public_access": {"anonymous_links": false}}),
            ),
            fx("not-read", Unknown, "dropbox.business.team", json!({})),
        ]
    }
}
