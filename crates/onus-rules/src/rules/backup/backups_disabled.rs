use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, evidence};

declare_rule! {
    /// ## What it checks
    /// That automated backups are taken: an RDS instance's backup retention
    /// period is above zero; a volume, disk or on-premises server is covered by a
    /// backup plan or policy; an ElastiCache replication group keeps automatic
    /// snapshots (`SnapshotRetentionLimit` above zero); a Key Vault keeps deleted
    /// keys and secrets recoverable (soft delete and purge protection both on); a
    /// Cosmos DB account has a backup policy (periodic or continuous).
    ///
    /// ## Why it matters
    /// Ransomware, a bad migration or a dropped table is recoverable only from a
    /// backup. The provider keeps its infrastructure available, not your data's
    /// history: backup is the customer's data duty under IaaS and PaaS alike.
    ///
    /// ## How to address
    /// Set the RDS backup retention period to 7 days or more; put volumes and
    /// disks in an AWS Backup plan or an Azure Backup policy.
    ///
    /// ## References
    /// - AWS, Introduction to backups (RDS): <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html>
    /// - AWS Backup: <https://docs.aws.amazon.com/aws-backup/latest/devguide/whatisbackup.html>
    pub struct BackupsDisabled {
        code: "BAK001",
        title: "Automated backups disabled",
        duty: Duty::Backup,
        severity: Severity::High,
        facets: &["backup"],
        remediation: "Turn on automated backups: RDS retention of 7 days or more, an AWS Backup plan or Azure Backup policy for volumes and disks.",
    }
}

impl Rule for BackupsDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        let backup = resource.facets.backup.as_ref();
        let retention = backup.and_then(|b| b.retention_days);
        let enabled = backup.and_then(|b| b.enabled).or(retention.map(|d| d > 0));
        match enabled {
            None => Outcome::not_observed("backup.enabled"),
            Some(false) => {
                let ev = match retention {
                    Some(days) => evidence(resource, "backup.retention_days", days.into()),
                    None => evidence(resource, "backup.enabled", false.into()),
                };
                Outcome::unaddressed("No automated backups are taken", vec![ev])
            }
            Some(true) => {
                let mut ev = vec![evidence(resource, "backup.enabled", true.into())];
                let mut message = "Automated backups are taken".to_owned();
                if let Some(days) = retention {
                    ev.push(evidence(resource, "backup.retention_days", days.into()));
                    message = format!("Automated backups are kept {days} day(s)");
                }
                Outcome::addressed(message, ev)
            }
        }
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"backup.retention_days": "/BackupRetentionPeriod"});
        vec![
            fx_with(
                "rds-retention-zero",
                Unaddressed,
                "aws.rds.instance",
                json!({"backup": {"retention_days": 0}}),
                src.clone(),
            ),
            fx_with(
                "rds-seven-days",
                Addressed,
                "aws.rds.instance",
                json!({"backup": {"retention_days": 7}}),
                src.clone(),
            ),
            fx_with(
                "volume-not-in-plan-unknown",
                Unknown,
                "aws.ec2.volume",
                json!({"backup": {}}),
                json!({}),
            ),
        ]
    }
}
