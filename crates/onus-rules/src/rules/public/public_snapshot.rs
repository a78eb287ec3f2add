use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That an EBS snapshot owned by the account is not shared with every AWS
    /// account (its `createVolumePermission` does not include the group `all`).
    ///
    /// ## Why it matters
    /// Anyone can create a volume from a public snapshot and read every file on
    /// it: researchers routinely find credentials and databases this way. What
    /// the customer shares is the customer's data duty under IaaS.
    ///
    /// ## How to address
    /// `aws ec2 modify-snapshot-attribute --snapshot-id ID --attribute createVolumePermission --operation-type remove --group-names all`,
    /// and turn on block public access for EBS snapshots in every region.
    ///
    /// ## References
    /// - AWS, Share an Amazon EBS snapshot: <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html>
    /// - AWS, Block public access for EBS snapshots: <https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html>
    pub struct PublicSnapshot {
        code: "PUB003",
        title: "Snapshot shared publicly",
        duty: Duty::PublicAccess,
        severity: Severity::Critical,
        facets: &["public_access"],
        remediation: "Remove the `all` group from the snapshot's createVolumePermission and block public snapshot sharing.",
    }
}

impl Rule for PublicSnapshot {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "public_access.shared_publicly",
            resource
                .facets
                .public_access
                .as_ref()
                .and_then(|p| p.shared_publicly),
            false,
            "The snapshot is not shared publicly",
            "Every AWS account can create a volume from this snapshot",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "public",
                Unaddressed,
                "aws.ec2.snapshot",
                json!({"public_access": {"shared_publicly": true}}),
                json!({"public_access.shared_publicly": "/CreateVolumePermissions/0/Group"}),
            ),
            fx(
                "private",
                Addressed,
                "aws.ec2.snapshot",
                json!({"public_access": {"shared_publicly": false}}),
            ),
            fx("attribute-denied", Unknown, "aws.ec2.snapshot", json!({})),
        ]
    }
}
