use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That a Lambda function URL requires IAM authentication (`AuthType` is
    /// `AWS_IAM`, not `NONE`). Functions without a URL are not concerned.
    ///
    /// ## Why it matters
    /// A function URL with `AuthType NONE` lets anyone on the internet invoke the
    /// function with the permissions of its execution role. Lambda runs the
    /// endpoint (PaaS); who may call it is the customer's identity duty.
    ///
    /// ## How to address
    /// Set the URL's auth type to `AWS_IAM` and sign requests, or put the function
    /// behind API Gateway with an authorizer; delete URLs nobody uses.
    ///
    /// ## References
    /// - AWS, Control access to Lambda function URLs: <https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html>
    pub struct UnauthenticatedFunctionUrl {
        code: "IAM005",
        title: "Function URL without authentication",
        duty: Duty::IdentityAccess,
        severity: Severity::High,
        facets: &["identity", "network"],
        remediation: "Set the function URL's auth type to AWS_IAM, or front the function with an authorizing API gateway.",
    }
}

impl Rule for UnauthenticatedFunctionUrl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        match resource
            .facets
            .network
            .as_ref()
            .and_then(|n| n.public_endpoint)
        {
            None => return Outcome::not_observed("network.public_endpoint"),
            Some(false) => return Outcome::not_applicable("the function has no function URL"),
            Some(true) => {}
        }
        let url = evidence(resource, "network.public_endpoint", true.into());
        match resource
            .facets
            .identity
            .as_ref()
            .and_then(|i| i.endpoint_auth_required)
        {
            None => Outcome::not_observed("identity.endpoint_auth_required"),
            Some(true) => Outcome::addressed(
                "The function URL requires IAM authentication",
                vec![
                    url,
                    evidence(resource, "identity.endpoint_auth_required", true.into()),
                ],
            ),
            Some(false) => Outcome::unaddressed(
                "Anyone on the internet can invoke the function through its URL",
                vec![
                    url,
                    evidence(resource, "identity.endpoint_auth_required", false.into()),
                ],
            ),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "auth-none",
                Unaddressed,
                "aws.lambda.function",
                json!({"network": {"public_endpoint": true}, "identity": {"endpoint_auth_required": false}}),
            ),
            fx(
                "auth-iam",
                Addressed,
                "aws.lambda.function",
                json!({"network": {"public_endpoint": true}, "identity": {"endpoint_auth_required": true}}),
            ),
            fx(
                "url-config-denied",
                Unknown,
                "aws.lambda.function",
                json!({}),
            ),
            fx(
                "no-url",
                NotApplicable,
                "aws.lambda.function",
                json!({"network": {"public_endpoint": false}}),
            ),
        ]
    }
}
