use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That a managed database's backups are copied to the paired region:
    /// Azure Database for PostgreSQL and MySQL flexible servers with
    /// `backup.geoRedundantBackup` `Enabled`.
    ///
    /// ## Why it matters
    /// Locally redundant backups share the fate of their region: a regional
    /// outage or a mistake that takes the region's storage leaves nothing to
    /// restore. The provider takes the backups; their redundancy is chosen by the
    /// customer, and only when the server is created.
    ///
    /// ## How to address
    /// Geo-redundant backup can only be set at creation: restore the server (or
    /// create a new one) with `--geo-redundant-backup Enabled` and move the
    /// application to it.
    ///
    /// ## References
    /// - Microsoft, Backup and restore in Azure Database for PostgreSQL flexible server: <https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore>
    /// - Microsoft, Backup and restore in Azure Database for MySQL flexible server: <https://learn.microsoft.com/azure/mysql/flexible-server/concepts-backup-restore>
    pub struct BackupNotGeoRedundant {
        code: "BAK004",
        title: "Backups not copied to another region",
        duty: Duty::Backup,
        severity: Severity::Low,
        facets: &["backup"],
        remediation: "Recreate or restore the server with geo-redundant backup enabled.",
    }
}

impl Rule for BackupNotGeoRedundant {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "backup.geo_redundant",
            resource
                .facets
                .backup
                .as_ref()
                .and_then(|b| b.geo_redundant),
            true,
            "Backups are copied to the paired region",
            "Backups stay in the server's own region",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"backup.geo_redundant": "/properties/backup/geoRedundantBackup"});
        vec![
            fx_with(
                "local",
                Unaddressed,
                "azure.dbforpostgresql.flexible-server",
                json!({"backup": {"geo_redundant": false}}),
                src.clone(),
            ),
            fx_with(
                "geo",
                Addressed,
                "azure.dbformysql.flexible-server",
                json!({"backup": {"geo_redundant": true}}),
                src,
            ),
            fx_with(
                "not-read",
                Unknown,
                "azure.dbformysql.flexible-server",
                json!({}),
                json!({}),
            ),
        ]
    }
}
