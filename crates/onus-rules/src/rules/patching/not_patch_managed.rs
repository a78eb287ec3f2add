use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That a virtual machine's operating system is enrolled in patch management:
    /// an EC2 instance is a Systems Manager managed node (it appears in
    /// `DescribeInstanceInformation`); an Azure VM's patch mode is
    /// `AutomaticByPlatform` or `AutomaticByOS` (not `Manual`); an on-premises
    /// server reports to a patch management system; a VM scale set has automatic
    /// OS image upgrades or the `AutomaticByPlatform` patch mode; a Compute Engine
    /// instance has an OS Config (VM Manager) vulnerability report (no report:
    /// VM Manager is not enabled for it, and the duty is unknown).
    ///
    /// ## Why it matters
    /// Under IaaS the guest operating system is entirely the customer's: the
    /// provider patches the hypervisor and nothing above it. A machine outside
    /// patch management is patched only when someone remembers.
    ///
    /// ## How to address
    /// AWS: install the SSM Agent, give the instance a role with
    /// `AmazonSSMManagedInstanceCore`, and add it to a Patch Manager patch policy.
    /// Azure: set `osProfile.*.patchSettings.patchMode` to `AutomaticByPlatform`
    /// and assign a maintenance configuration in Azure Update Manager.
    ///
    /// ## References
    /// - AWS Systems Manager Patch Manager: <https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager.html>
    /// - Microsoft, Azure Update Manager patch orchestration: <https://learn.microsoft.com/azure/update-manager/prerequisites>
    pub struct NotPatchManaged {
        code: "PAT001",
        title: "Virtual machine not enrolled in patch management",
        duty: Duty::GuestOsPatching,
        severity: Severity::High,
        facets: &["patching"],
        remediation: "Enrol the machine in patch management (SSM Patch Manager, Azure Update Manager with AutomaticByPlatform).",
    }
}

impl Rule for NotPatchManaged {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let patching = resource.facets.patching.as_ref();
        let mut ev = match patching.and_then(|p| p.managed) {
            None => return Outcome::not_observed("patching.managed"),
            Some(managed) => vec![evidence(resource, "patching.managed", managed.into())],
        };
        if let Some(mode) = patching.and_then(|p| p.mode.as_ref()) {
            ev.push(evidence(resource, "patching.mode", mode.clone().into()));
        }
        if patching.and_then(|p| p.managed) == Some(true) {
            Outcome::addressed("The OS is enrolled in patch management", ev)
        } else {
            Outcome::unaddressed("The OS is not enrolled in any patch management", ev)
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "not-ssm-managed",
                Unaddressed,
                "aws.ec2.instance",
                json!({"patching": {"managed": false}}),
            ),
            fx(
                "manual-patch-mode",
                Unaddressed,
                "azure.compute.virtual-machine",
                json!({"patching": {"managed": false, "mode": "Manual"}}),
            ),
            fx(
                "platform-patching",
                Addressed,
                "azure.compute.virtual-machine",
                json!({"patching": {"managed": true, "mode": "AutomaticByPlatform"}}),
            ),
            fx("ssm-unavailable", Unknown, "aws.ec2.instance", json!({})),
        ]
    }
}
