use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That EBS encryption by default is on in the region
    /// (`GetEbsEncryptionByDefault`), so every new volume and snapshot copy is
    /// encrypted whoever creates it.
    ///
    /// ## Why it matters
    /// Without the default, encryption depends on every person and template
    /// remembering a flag, and unencrypted volumes keep appearing. Encrypting
    /// stored data is the customer's duty under IaaS.
    ///
    /// ## How to address
    /// `aws ec2 enable-ebs-encryption-by-default --region REGION` in every region
    /// you use (and in the others, so nothing can be created unencrypted there).
    ///
    /// ## References
    /// - AWS, Enable Amazon EBS encryption by default: <https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html>
    /// - CIS AWS Foundations Benchmark 2.2.1
    pub struct EbsDefaultEncryptionOff {
        code: "ENC002",
        title: "EBS encryption by default is off",
        duty: Duty::EncryptionAtRest,
        severity: Severity::Medium,
        facets: &["encryption_at_rest"],
        remediation: "Run `aws ec2 enable-ebs-encryption-by-default` in every region.",
    }
}

impl Rule for EbsDefaultEncryptionOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let region = resource.region.as_deref().unwrap_or("this region");
        flag(
            resource,
            "encryption_at_rest.by_default",
            resource
                .facets
                .encryption_at_rest
                .as_ref()
                .and_then(|e| e.by_default),
            true,
            format!("New EBS volumes in {region} are encrypted by default"),
            format!("EBS encryption by default is off in {region}"),
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"encryption_at_rest.by_default": "/EbsEncryptionByDefault"});
        vec![
            fx_with(
                "off",
                Unaddressed,
                "aws.ec2.ebs-encryption-default",
                json!({"encryption_at_rest": {"by_default": false}}),
                src.clone(),
            ),
            fx_with(
                "on",
                Addressed,
                "aws.ec2.ebs-encryption-default",
                json!({"encryption_at_rest": {"by_default": true}}),
                src,
            ),
            fx_with(
                "denied",
                Unknown,
                "aws.ec2.ebs-encryption-default",
                json!({}),
                json!({}),
            ),
        ]
    }
}
