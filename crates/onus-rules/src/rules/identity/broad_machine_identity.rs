use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a virtual machine does not act with a broad default identity: a
    /// Compute Engine instance attached to the project's default compute
    /// service account (`PROJECT_NUMBER-compute@developer.gserviceaccount.com`,
    /// which holds the Editor role unless the organisation policy stopped the
    /// grant), or given the `cloud-platform` access scope (every API the
    /// account's roles allow).
    ///
    /// ## Why it matters
    /// Anyone who runs code on the VM (a web shell, a compromised package) gets
    /// its identity from the metadata server. With the default account or the
    /// full scope, one compromised VM can read and change most of the project.
    /// Google provides the identities; choosing a narrow one is the customer's
    /// identity duty.
    ///
    /// ## How to address
    /// Create a dedicated service account with only the roles the workload needs,
    /// attach it to the VM, and grant scopes narrowly (or rely on IAM roles with
    /// the default scopes).
    ///
    /// ## References
    /// - Google, Service accounts for Compute Engine instances: <https://cloud.google.com/compute/docs/access/service-accounts>
    /// - CIS Google Cloud Platform Foundation Benchmark 4.1 and 4.2
    pub struct BroadMachineIdentity {
        code: "IAM011",
        title: "VM acts with a broad default identity",
        duty: Duty::IdentityAccess,
        severity: Severity::High,
        facets: &["identity"],
        remediation: "Attach a dedicated least-privilege service account instead of the default compute account or the cloud-platform scope.",
    }
}

impl Rule for BroadMachineIdentity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.broad_machine_identity",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.broad_machine_identity),
            false,
            "The VM acts with a dedicated identity and narrow scopes",
            "The VM acts with the default compute service account or the cloud-platform scope",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"identity.broad_machine_identity": "/serviceAccounts"});
        vec![
            fx_with(
                "default-account",
                Unaddressed,
                "gcp.compute.instance",
                json!({"identity": {"broad_machine_identity": true}}),
                src.clone(),
            ),
            fx_with(
                "dedicated",
                Addressed,
                "gcp.compute.instance",
                json!({"identity": {"broad_machine_identity": false}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "gcp.compute.instance",
                json!({}),
                json!({}),
            ),
        ]
    }
}
