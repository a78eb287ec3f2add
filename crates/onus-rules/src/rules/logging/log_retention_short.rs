use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

/// The shortest retention that meets the rule: a year, as AWS Foundational
/// Security Best Practices (CloudWatch.16) and most audit regimes ask.
const MIN_DAYS: u32 = 365;

declare_rule! {
    /// ## What it checks
    /// That a log store keeps its entries for at least a year: a CloudWatch Logs
    /// log group's retention is "never expire" or 365 days or more.
    ///
    /// ## Why it matters
    /// Intrusions are found months after they begin; logs that expired before
    /// the investigation starts are logs that were never kept. CloudWatch Logs
    /// stores and encrypts the entries (PaaS); how long they are kept is the
    /// customer's monitoring decision.
    ///
    /// ## How to address
    /// `aws logs put-retention-policy --log-group-name NAME --retention-in-days 365`
    /// (or longer), or export older entries to S3 with a lifecycle policy.
    ///
    /// ## References
    /// - AWS, Change log data retention in CloudWatch Logs: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention>
    /// - AWS Foundational Security Best Practices, CloudWatch.16
    pub struct LogRetentionShort {
        code: "LOG004",
        title: "Log retention shorter than a year",
        duty: Duty::Logging,
        severity: Severity::Low,
        facets: &["logging"],
        remediation: "Keep log entries for at least 365 days (or never expire them), or export them to cheaper storage.",
    }
}

impl Rule for LogRetentionShort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        match resource
            .facets
            .logging
            .as_ref()
            .and_then(|l| l.retention_days)
        {
            None => Outcome::not_observed("logging.retention_days"),
            Some(days) if days >= MIN_DAYS => Outcome::addressed(
                if days >= 36_500 {
                    "Entries never expire".to_owned()
                } else {
                    format!("Entries are kept {days} days")
                },
                vec![evidence(resource, "logging.retention_days", days.into())],
            ),
            Some(days) => Outcome::unaddressed(
                format!("Entries are kept only {days} days (less than {MIN_DAYS})"),
                vec![evidence(resource, "logging.retention_days", days.into())],
            ),
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"logging.retention_days": "/retentionInDays"});
        vec![
            fx_with(
                "a-week",
                Unaddressed,
                "aws.logs.log-group",
                json!({"logging": {"retention_days": 7}}),
                src.clone(),
            ),
            fx_with(
                "a-year",
                Addressed,
                "aws.logs.log-group",
                json!({"logging": {"retention_days": 365}}),
                src.clone(),
            ),
            fx_with(
                "forever",
                Addressed,
                "aws.logs.log-group",
                json!({"logging": {"retention_days": 36500}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "aws.logs.log-group",
                json!({}),
                json!({}),
            ),
        ]
    }
}
