use onus_model::{Duty, Resource, Severity};

use crate::rule::{Context, Outcome, Rule, RuleMeta, declare_rule, flag};

declare_rule! {
    /// ## What it checks
    /// That an AWS Backup vault is locked (AWS Backup Vault Lock, `Locked` in
    /// `ListBackupVaults`), so its recovery points cannot be deleted or their
    /// retention shortened before it ends, by anyone, the account's
    /// administrators included.
    ///
    /// ## Why it matters
    /// Ransomware operators and insiders with administrator rights delete
    /// backups first. A backup that the same credentials can delete protects
    /// against mistakes, not attacks. Keeping backups recoverable is the
    /// customer's duty under every service model.
    ///
    /// ## How to address
    /// Put a vault lock configuration on the vault
    /// (`PutBackupVaultLockConfiguration` with a minimum and maximum
    /// retention). In governance mode privileged users can still remove it; a
    /// compliance-mode lock becomes immutable once its grace time passes, so
    /// test the retention first.
    ///
    /// ## References
    /// - AWS, AWS Backup Vault Lock: <https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html>
    pub struct VaultNotLocked {
        code: "BAK005",
        title: "Backup vault not locked",
        duty: Duty::Backup,
        severity: Severity::Medium,
        facets: &["backup"],
        remediation: "Add a vault lock (PutBackupVaultLockConfiguration) with the retention the backups need.",
    }
}

impl Rule for VaultNotLocked {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, resource: &Resource, _ctx: &Context) -> Outcome {
        flag(
            resource,
            "backup.immutable",
            resource.facets.backup.as_ref().and_then(|b| b.immutable),
            true,
            "A vault lock keeps the recovery points from early deletion",
            "No vault lock: whoever can administer the account can delete the recovery points",
        )
    }

    #[cfg(test)]
    fn fixtures(&self) -> Vec<crate::testing::Fixture> {
        use crate::testing::fx_with;
        use onus_model::Status::*;
        use serde_json::json;
        let src = json!({"backup.immutable": "/Locked"});
        vec![
            fx_with(
                "locked",
                Addressed,
                "aws.backup.backup-vault",
                json!({"backup": {"immutable": true}}),
                src.clone(),
            ),
            fx_with(
                "unlocked",
                Unaddressed,
                "aws.backup.backup-vault",
                json!({"backup": {"immutable": false}}),
                src,
            ),
            fx_with(
                "listing-failed",
                Unknown,
                "aws.backup.backup-vault",
                json!({}),
                json!({}),
            ),
        ]
    }
}
