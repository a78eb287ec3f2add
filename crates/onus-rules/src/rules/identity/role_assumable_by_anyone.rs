use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That an IAM role's trust policy does not let any principal assume it: no
    /// `Allow` of `sts:AssumeRole` to `"*"` or `{"AWS": "*"}` (or to everyone
    /// but a `NotPrincipal`) without a condition that provably narrows who,
    /// such as `aws:PrincipalOrgID` or `aws:SourceAccount`. A condition onus
    /// cannot evaluate makes the status unknown, never addressed.
    ///
    /// ## Why it matters
    /// A role anyone can assume hands its permissions to every AWS account in
    /// the world: it is how data leaks through a forgotten test role. AWS runs
    /// STS; who may assume a role is the customer's identity duty under every
    /// service model.
    ///
    /// ## How to address
    /// Name the accounts, roles or services that may assume the role in
    /// `Principal`, or add a condition on `aws:PrincipalOrgID` (your
    /// organisation) or `sts:ExternalId` (a third party).
    ///
    /// ## References
    /// - AWS, Roles terms and concepts (trust policy): <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html>
    /// - AWS, The confused deputy problem: <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>
    pub struct RoleAssumableByAnyone {
        code: "IAM012",
        title: "Role assumable by anyone",
        duty: Duty::IdentityAccess,
        severity: Severity::Critical,
        facets: &["identity"],
        remediation: "Name who may assume the role in its trust policy, or narrow it with aws:PrincipalOrgID or sts:ExternalId.",
    }
}

impl Rule for RoleAssumableByAnyone {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "identity.trust_allows_anyone",
            resource
                .facets
                .identity
                .as_ref()
                .and_then(|i| i.trust_allows_anyone),
            false,
            "The trust policy names who may assume the role",
            "Any AWS principal can assume the role: its trust policy allows everyone with no narrowing condition",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"identity.trust_allows_anyone": "/AssumeRolePolicyDocument"});
        vec![
            fx_with(
                "open-trust",
                Unaddressed,
                "aws.iam.role",
                json!({"identity": {"trust_allows_anyone": true}}),
                src.clone(),
            ),
            fx_with(
                "service-principal",
                Addressed,
                "aws.iam.role",
                json!({"identity": {"trust_allows_anyone": false}}),
                src,
            ),
            fx_with(
                "trust-not-evaluated",
                Unknown,
                "aws.iam.role",
                json!({}),
                json!({}),
            ),
        ]
    }
}
