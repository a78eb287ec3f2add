use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a managed Kubernetes control plane sends its audit log somewhere
    /// (EKS control-plane logging with the `audit` log type enabled).
    ///
    /// ## Why it matters
    /// The Kubernetes audit log is the only record of who called the API server:
    /// who read a secret, created a privileged pod or changed a role binding.
    /// AWS runs the control plane (PaaS), but control-plane logging is off by
    /// default and turning it on is the customer's monitoring duty.
    ///
    /// ## How to address
    /// `aws eks update-cluster-config --name NAME --logging
    /// '{"clusterLogging":[{"types":["audit","authenticator"],"enabled":true}]}'`,
    /// and keep the log group's retention in line with your policy.
    ///
    /// ## References
    /// - AWS, Amazon EKS control plane logging: <https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html>
    /// - CIS Amazon EKS Benchmark 2.1.1
    pub struct ControlPlaneAuditOff {
        code: "LOG003",
        title: "Kubernetes control-plane audit log off",
        duty: Duty::Logging,
        severity: Severity::Medium,
        facets: &["logging"],
        remediation: "Enable the audit (and authenticator) control-plane log types.",
    }
}

impl Rule for ControlPlaneAuditOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "logging.audit_enabled",
            resource
                .facets
                .logging
                .as_ref()
                .and_then(|l| l.audit_enabled),
            true,
            "The control plane's audit log is enabled",
            "The control plane's audit log is off: API server calls leave no record",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"logging.audit_enabled": "/cluster/logging/clusterLogging"});
        vec![
            fx_with(
                "no-audit-log",
                Unaddressed,
                "aws.eks.cluster",
                json!({"logging": {"audit_enabled": false}}),
                src.clone(),
            ),
            fx_with(
                "audit-log",
                Addressed,
                "aws.eks.cluster",
                json!({"logging": {"audit_enabled": true}}),
                src,
            ),
            fx_with("not-read", Unknown, "aws.eks.cluster", json!({}), json!({})),
        ]
    }
}
