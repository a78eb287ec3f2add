use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a managed database does not accept connections from the internet: RDS
    /// and Redshift `PubliclyAccessible` false; Azure SQL `publicNetworkAccess`
    /// `Disabled`; an OpenSearch domain outside a VPC whose access policy admits
    /// any principal with no condition.
    ///
    /// ## Why it matters
    /// A publicly accessible database endpoint turns every weak password and
    /// engine vulnerability into an internet-facing one. The provider runs the
    /// engine (PaaS); whether the data is reachable from the internet is the
    /// customer's decision.
    ///
    /// ## How to address
    /// RDS: modify the instance with `--no-publicly-accessible` and place it in
    /// private subnets. Azure SQL: disable public network access and connect
    /// through a private endpoint.
    ///
    /// ## References
    /// - AWS, Working with a DB instance in a VPC: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html>
    /// - Microsoft, Azure SQL connectivity settings: <https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings>
    /// - CIS AWS Foundations Benchmark 2.3.3
    pub struct DatabaseInternetReachable {
        code: "PUB004",
        title: "Database publicly accessible",
        duty: Duty::PublicAccess,
        severity: Severity::High,
        facets: &["public_access"],
        remediation: "Make the database private: RDS --no-publicly-accessible in private subnets; Azure SQL public network access disabled with a private endpoint.",
    }
}

impl Rule for DatabaseInternetReachable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "public_access.internet_reachable",
            resource
                .facets
                .public_access
                .as_ref()
                .and_then(|p| p.internet_reachable),
            false,
            "The database does not accept connections from the internet",
            "The database endpoint is publicly accessible",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "rds-public",
                Unaddressed,
                "aws.rds.instance",
                json!({"public_access": {"internet_reachable": true}}),
                json!({"public_access.internet_reachable": "/PubliclyAccessible"}),
            ),
            fx(
                "sql-private",
                Addressed,
                "azure.sql.server",
                json!({"public_access": {"internet_reachable": false}}),
            ),
            fx("not-read", Unknown, "aws.rds.instance", json!({})),
        ]
    }
}
