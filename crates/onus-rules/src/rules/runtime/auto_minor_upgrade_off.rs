use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That an RDS instance has auto minor version upgrade on, so engine minor
    /// versions (which carry security fixes) are applied in the maintenance
    /// window; the same for an ElastiCache replication group.
    ///
    /// ## Why it matters
    /// RDS patches the host OS itself, but applies engine minor versions only
    /// when the setting allows it or someone does it by hand. Engine updates are
    /// shared under PaaS: the provider ships them, the customer lets them in.
    ///
    /// ## How to address
    /// `aws rds modify-db-instance --db-instance-identifier ID --auto-minor-version-upgrade --apply-immediately`,
    /// and keep a maintenance window that suits the workload.
    ///
    /// ## References
    /// - AWS, Automatically upgrading the minor engine version: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades>
    pub struct AutoMinorUpgradeOff {
        code: "RUN003",
        title: "Database engine minor upgrades off",
        duty: Duty::RuntimeUpdates,
        severity: Severity::Low,
        facets: &["runtime"],
        remediation: "Turn on auto minor version upgrade and keep a maintenance window.",
    }
}

impl Rule for AutoMinorUpgradeOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "runtime.auto_minor_version_upgrade",
            resource
                .facets
                .runtime
                .as_ref()
                .and_then(|r| r.auto_minor_version_upgrade),
            true,
            "Engine minor versions are upgraded automatically",
            "Engine minor versions are not upgraded automatically",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"runtime.auto_minor_version_upgrade": "/AutoMinorVersionUpgrade"});
        vec![
            fx_with(
                "off",
                Unaddressed,
                "aws.rds.instance",
                json!({"runtime": {"auto_minor_version_upgrade": false}}),
                src.clone(),
            ),
            fx_with(
                "on",
                Addressed,
                "aws.rds.instance",
                json!({"runtime": {"auto_minor_version_upgrade": true}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "aws.rds.instance",
                json!({"runtime": {}}),
                json!({}),
            ),
        ]
    }
}
