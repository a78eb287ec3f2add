use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That an Elastic Beanstalk environment has managed platform updates on
    /// (`aws:elasticbeanstalk:managedactions` `ManagedActionsEnabled`), so patch
    /// and minor platform versions are applied in a weekly window; that an AKS
    /// cluster has an auto-upgrade channel other than `none`.
    ///
    /// ## Why it matters
    /// Beanstalk publishes patched platform versions, but applies them only when
    /// told to. Under PaaS the provider maintains the platform; turning the
    /// updates on and choosing the window is the customer's part of the shared
    /// runtime duty.
    ///
    /// ## How to address
    /// Enable managed actions with `UpdateLevel` `minor` (or `patch`) and a
    /// `PreferredStartTime` maintenance window.
    ///
    /// ## References
    /// - AWS, Managed platform updates: <https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environment-platform-update-managed.html>
    pub struct ManagedUpdatesOff {
        code: "RUN002",
        title: "Managed platform updates off",
        duty: Duty::RuntimeUpdates,
        severity: Severity::Medium,
        facets: &["runtime"],
        remediation: "Enable managed platform updates with a weekly maintenance window.",
    }
}

impl Rule for ManagedUpdatesOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "runtime.managed_updates",
            resource
                .facets
                .runtime
                .as_ref()
                .and_then(|r| r.managed_updates),
            true,
            "Managed platform updates are on",
            "Managed platform updates are off; platform patches wait for someone to apply them",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "off",
                Unaddressed,
                "aws.elasticbeanstalk.environment",
                json!({"runtime": {"managed_updates": false}}),
            ),
            fx(
                "on",
                Addressed,
                "aws.elasticbeanstalk.environment",
                json!({"runtime": {"managed_updates": true}}),
            ),
            fx(
                "settings-denied",
                Unknown,
                "aws.elasticbeanstalk.environment",
                json!({}),
            ),
        ]
    }
}
