use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That the resource policy of an SQS queue or an SNS topic (the `Policy`
    /// attribute), an EventBridge event bus (`Policy` in `ListEventBuses`) or
    /// an AWS Backup vault (`GetBackupVaultAccessPolicy`) has no `Allow`
    /// statement that admits anyone: `"Principal":
    /// "*"` (or `{"AWS": "*"}`, or a `NotPrincipal`) without a condition that
    /// provably narrows the callers (a source account, organisation, ARN, VPC
    /// or VPC endpoint with a specific value, or source addresses narrower
    /// than the internet). A condition onus cannot evaluate makes the policy
    /// unknown, never private; a resource without a policy is private.
    ///
    /// ## Why it matters
    /// Anyone with an AWS account can then read or send messages on a queue,
    /// publish to or subscribe to a topic, put events on a bus that trigger
    /// your rules, or act on a vault's recovery points, without ever being
    /// granted access in your account. The service enforces the policy; writing it is
    /// the customer's duty under every service model.
    ///
    /// ## How to address
    /// Name the principals that need access, or add a condition on
    /// `aws:SourceArn`, `aws:SourceAccount` or `aws:PrincipalOrgID` to the
    /// statement that allows everyone.
    ///
    /// ## References
    /// - AWS, Amazon SQS access policy examples: <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-creating-custom-policies-access-policy-examples.html>
    /// - AWS, Amazon SNS security best practices: <https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html>
    /// - AWS, IAM JSON policy elements, Condition: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>
    pub struct ResourcePolicyPublic {
        code: "PUB007",
        title: "Resource policy allows anyone",
        duty: Duty::PublicAccess,
        severity: Severity::High,
        facets: &["public_access"],
        remediation: "Name the principals, or narrow the statement that allows everyone with aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.",
    }
}

impl Rule for ResourcePolicyPublic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "public_access.policy_public",
            resource
                .facets
                .public_access
                .as_ref()
                .and_then(|p| p.policy_public),
            false,
            "The resource policy admits no one it does not name",
            "The resource policy allows anyone, with no condition that narrows who",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "queue-open",
                Unaddressed,
                "aws.sqs.queue",
                json!({"public_access": {"policy_public": true}}),
                json!({"public_access.policy_public": "/Attributes/Policy"}),
            ),
            fx(
                "topic-narrowed",
                Addressed,
                "aws.sns.topic",
                json!({"public_access": {"policy_public": false}}),
            ),
            fx_with(
                "bus-open-to-every-account",
                Unaddressed,
                "aws.events.event-bus",
                json!({"public_access": {"policy_public": true}}),
                json!({"public_access.policy_public": "/Policy"}),
            ),
            fx_with(
                "vault-without-policy",
                Addressed,
                "aws.backup.backup-vault",
                json!({"public_access": {"policy_public": false}}),
                json!({"public_access.policy_public": "/AccessPolicy"}),
            ),
            fx("policy-unreadable", Unknown, "aws.sqs.queue", json!({})),
        ]
    }
}
