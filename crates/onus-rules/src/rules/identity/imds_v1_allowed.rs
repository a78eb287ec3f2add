use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence, flag};

declare_rule! {
    /// ## What it checks
    /// That an EC2 instance requires IMDSv2 session tokens for its instance
    /// metadata (`MetadataOptions.HttpTokens` is `required`).
    ///
    /// ## Why it matters
    /// With IMDSv1 allowed, one server-side request forgery in any application on
    /// the instance hands an attacker the instance role's temporary credentials,
    /// as in the Capital One breach. The instance's credentials are the customer's
    /// identity duty under IaaS.
    ///
    /// ## How to address
    /// `aws ec2 modify-instance-metadata-options --instance-id ID --http-tokens required`,
    /// and set the account default (`modify-instance-metadata-defaults`) and launch
    /// templates to require tokens.
    ///
    /// ## References
    /// - AWS, Use IMDSv2: <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html>
    /// - CIS AWS Foundations Benchmark 5.6
    pub struct ImdsV1Allowed {
        code: "IAM001",
        title: "Instance metadata allows IMDSv1",
        duty: Duty::IdentityAccess,
        severity: Severity::High,
        facets: &["identity"],
        remediation: "Require IMDSv2: `aws ec2 modify-instance-metadata-options --http-tokens required`.",
    }
}

impl Rule for ImdsV1Allowed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let identity = resource.facets.identity.as_ref();
        if identity.and_then(|i| i.imds_enabled) == Some(false) {
            return Outcome::addressed(
                "The instance metadata service is disabled: no request reaches it, with or without a token",
                vec![evidence(resource, "identity.imds_enabled", false.into())],
            );
        }
        flag(
            resource,
            "identity.imds_v2_required",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.imds_v2_required),
            true,
            "Instance metadata requires IMDSv2 tokens",
            "Instance metadata accepts IMDSv1 requests without a session token",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "optional-tokens",
                Unaddressed,
                "aws.ec2.instance",
                json!({"identity": {"imds_v2_required": false}}),
                json!({"identity.imds_v2_required": "/MetadataOptions/HttpTokens"}),
            ),
            fx(
                "required-tokens",
                Addressed,
                "aws.ec2.instance",
                json!({"identity": {"imds_v2_required": true}}),
            ),
            fx_with(
                "metadata-disabled",
                Addressed,
                "aws.ec2.instance",
                // Found by review: HttpEndpoint=disabled with optional tokens
                // was reported as "IMDSv1 allowed"; nothing is allowed.
                json!({"identity": {"imds_enabled": false, "imds_v2_required": false}}),
                json!({"identity.imds_enabled": "/MetadataOptions/HttpEndpoint"}),
            ),
            fx(
                "not-observed",
                Unknown,
                "aws.ec2.instance",
                json!({"identity": {}}),
            ),
        ]
    }
}
