use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That point-in-time recovery is on for a DynamoDB table
    /// (`ContinuousBackupsDescription.PointInTimeRecoveryDescription`).
    ///
    /// ## Why it matters
    /// Without it, an accidental delete or a bad write can be undone only from
    /// whatever on-demand backup happens to exist. DynamoDB keeps the service
    /// running; the table's history is the customer's data duty under PaaS.
    ///
    /// ## How to address
    /// `aws dynamodb update-continuous-backups --table-name T --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`.
    ///
    /// ## References
    /// - AWS, Point-in-time recovery for DynamoDB: <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html>
    pub struct PointInTimeRecoveryOff {
        code: "BAK002",
        title: "Point-in-time recovery off",
        duty: Duty::Backup,
        severity: Severity::Medium,
        facets: &["backup"],
        remediation: "Turn on point-in-time recovery for the table.",
    }
}

impl Rule for PointInTimeRecoveryOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "backup.point_in_time_recovery",
            resource
                .facets
                .backup
                .as_ref()
                .and_then(|b| b.point_in_time_recovery),
            true,
            "Point-in-time recovery is on",
            "Point-in-time recovery is off",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx;
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx(
                "pitr-off",
                Unaddressed,
                "aws.dynamodb.table",
                json!({"backup": {"point_in_time_recovery": false}}),
            ),
            fx(
                "pitr-on",
                Addressed,
                "aws.dynamodb.table",
                json!({"backup": {"point_in_time_recovery": true}}),
            ),
            fx(
                "continuous-backups-denied",
                Unknown,
                "aws.dynamodb.table",
                json!({}),
            ),
        ]
    }
}
