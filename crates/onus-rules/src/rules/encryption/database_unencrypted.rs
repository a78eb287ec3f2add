use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a managed database encrypts its storage: RDS `StorageEncrypted`,
    /// Azure SQL transparent data encryption, DynamoDB server-side encryption,
    /// Redshift cluster `Encrypted`, RDS DB cluster (Aurora) `StorageEncrypted`.
    ///
    /// ## Why it matters
    /// A database's storage, automated backups, read replicas and snapshots all
    /// inherit its encryption; an unencrypted RDS instance cannot be encrypted in
    /// place. Under PaaS the provider runs the engine but the data layer stays
    /// the customer's (DynamoDB encrypts every table regardless, so there the
    /// catalog gives the duty to the provider).
    ///
    /// ## How to address
    /// RDS: snapshot the instance, copy the snapshot with encryption, restore from
    /// the copy, and switch over. Azure SQL: keep TDE on (the default for new
    /// databases).
    ///
    /// ## References
    /// - AWS, Encrypting Amazon RDS resources: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html>
    /// - Microsoft, Transparent data encryption for SQL Database: <https://learn.microsoft.com/azure/azure-sql/database/transparent-data-encryption-tde-overview>
    /// - CIS AWS Foundations Benchmark 2.3.1
    pub struct DatabaseUnencrypted {
        code: "ENC003",
        title: "Database storage not encrypted",
        duty: Duty::EncryptionAtRest,
        severity: Severity::High,
        facets: &["encryption_at_rest"],
        remediation: "Restore the database from an encrypted snapshot copy (RDS) or turn on transparent data encryption (Azure SQL).",
    }
}

impl Rule for DatabaseUnencrypted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "encryption_at_rest.enabled",
            resource
                .facets
                .encryption_at_rest
                .as_ref()
                .and_then(|e| e.enabled),
            true,
            "Database storage is encrypted",
            "Database storage is not encrypted; backups and snapshots inherit this",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::{fx, fx_with};
        use onus_model::Status::*;
        use serde_json::json;
        vec![
            fx_with(
                "rds-unencrypted",
                Unaddressed,
                "aws.rds.instance",
                json!({"encryption_at_rest": {"enabled": false}}),
                json!({"encryption_at_rest.enabled": "/StorageEncrypted"}),
            ),
            fx(
                "rds-kms",
                Addressed,
                "aws.rds.instance",
                json!({"encryption_at_rest": {"enabled": true, "key_source": "customer-managed"}}),
            ),
            fx("sql-tde-not-read", Unknown, "azure.sql.server", json!({})),
        ]
    }
}
