use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That no bucket ACL grants access to everyone (`AllUsers`) or to every AWS
    /// account (`AuthenticatedUsers`), and that the bucket policy is not public
    /// (`GetBucketPolicyStatus` `IsPublic`). Either one observed as public is a
    /// gap; both must be observed for the bucket to pass.
    ///
    /// ## Why it matters
    /// Public buckets are the classic cloud data leak. S3 stores and serves the
    /// objects; who may read them is entirely the customer's duty.
    ///
    /// ## How to address
    /// Remove the public grants from the ACL (or disable ACLs with Object
    /// Ownership "bucket owner enforced") and remove `"Principal": "*"`
    /// statements without restrictive conditions from the policy.
    ///
    /// ## References
    /// - AWS, The meaning of "public": <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status>
    /// - AWS, Controlling ownership of objects and disabling ACLs: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html>
    pub struct PublicGrant {
        code: "PUB002",
        title: "Bucket readable by anyone (ACL or policy)",
        duty: Duty::PublicAccess,
        severity: Severity::Critical,
        facets: &["public_access"],
        remediation: "Remove public ACL grants (disable ACLs) and public policy statements.",
    }
}

impl Rule for PublicGrant {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let p = resource.facets.public_access.as_ref();
        let acl = p.and_then(|p| p.acl_grants_public);
        let policy = p.and_then(|p| p.policy_public);
        let mut public = Vec::new();
        if acl == Some(true) {
            public.push(evidence(
                resource,
                "public_access.acl_grants_public",
                true.into(),
            ));
        }
        if policy == Some(true) {
            public.push(evidence(
                resource,
                "public_access.policy_public",
                true.into(),
            ));
        }
        if !public.is_empty() {
            let what = if public.len() == 2 {
                "its ACL and its policy"
            } else if acl == Some(true) {
                "its ACL"
            } else {
                "its policy"
            };
            return Outcome::unaddressed(format!("The bucket is public through {what}"), public);
        }
        match (acl, policy) {
            (Some(false), Some(false)) => Outcome::addressed(
                "Neither the ACL nor the policy grants public access",
                vec![
                    evidence(resource, "public_access.acl_grants_public", false.into()),
                    evidence(resource, "public_access.policy_public", false.into()),
                ],
            ),
            (None, _) => Outcome::not_observed("public_access.acl_grants_public"),
            (_, _) => Outcome::not_observed("public_access.policy_public"),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "public-policy",
                Unaddressed,
                "aws.s3.bucket",
                json!({"public_access": {"acl_grants_public": false, "policy_public": true}}),
            ),
            fx(
                "public-acl-policy-unread",
                Unaddressed,
                "aws.s3.bucket",
                json!({"public_access": {"acl_grants_public": true}}),
            ),
            fx(
                "private",
                Addressed,
                "aws.s3.bucket",
                json!({"public_access": {"acl_grants_public": false, "policy_public": false}}),
            ),
            fx(
                "policy-status-denied",
                Unknown,
                "aws.s3.bucket",
                json!({"public_access": {"acl_grants_public": false}}),
            ),
        ]
    }
}
