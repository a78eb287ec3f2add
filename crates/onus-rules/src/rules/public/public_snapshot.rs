use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a snapshot or machine image owned by the account is not shared with
    /// every AWS account: an EBS snapshot's `createVolumePermission`, an AMI's
    /// launch permission (`Public`) and an RDS snapshot's `restore` attribute
    /// do not include the group `all`.
    ///
    /// ## Why it matters
    /// Anyone can create a volume, launch an instance or restore a database
    /// from a public snapshot or image and read every file on it: researchers
    /// routinely find credentials and databases this way. What the customer
    /// shares is the customer's data duty under every service model.
    ///
    /// ## How to address
    /// `aws ec2 modify-snapshot-attribute --snapshot-id ID --attribute createVolumePermission --operation-type remove --group-names all`,
    /// `aws ec2 modify-image-attribute --image-id ID --launch-permission "Remove=[{Group=all}]"`,
    /// `aws rds modify-db-snapshot-attribute --db-snapshot-identifier ID --attribute-name restore --values-to-remove all`,
    /// and turn on block public access for EBS snapshots and AMIs in every region.
    ///
    /// ## References
    /// - AWS, Share an Amazon EBS snapshot: <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html>
    /// - AWS, Block public access for EBS snapshots: <https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html>
    /// - AWS, Make an AMI public: <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html>
    /// - AWS, Sharing a DB snapshot: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html>
    pub struct PublicSnapshot {
        code: "PUB003",
        title: "Snapshot or image shared publicly",
        duty: Duty::PublicAccess,
        severity: Severity::Critical,
        facets: &["public_access"],
        remediation: "Remove the `all` group from the snapshot's or image's permissions and block public sharing.",
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
            "The snapshot or image is not shared publicly",
            "Every AWS account can use this snapshot or image: it is shared with the group all",
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
            fx_with(
                "public-image",
                Unaddressed,
                "aws.ec2.image",
                json!({"public_access": {"shared_publicly": true}}),
                json!({"public_access.shared_publicly": "/Public"}),
            ),
            fx_with(
                "public-db-snapshot",
                Unaddressed,
                "aws.rds.db-snapshot",
                json!({"public_access": {"shared_publicly": true}}),
                json!({"public_access.shared_publicly": "/DBSnapshotAttributes"}),
            ),
            fx_with(
                "public-cluster-snapshot",
                Unaddressed,
                "aws.rds.cluster-snapshot",
                json!({"public_access": {"shared_publicly": true}}),
                json!({"public_access.shared_publicly": "/DBClusterSnapshotAttributes"}),
            ),
        ]
    }
}
