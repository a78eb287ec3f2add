//! AWS Backup: vaults (`ListBackupVaults`, which reports each vault's lock)
//! and each vault's access policy (`GetBackupVaultAccessPolicy`, a JSON
//! document in a string; `ResourceNotFoundException` is a vault without one).
//! The catalog maps `Locked` to the backup facet; the policy evaluator reads
//! the access policy (`policy::embedded_policy_public`).

use aws_sdk_backup::error::ProvideErrorMetadata as _;
use serde_json::json;

use crate::gap::{Reads, gap};
use crate::ssm::to_chrono;
use crate::{Account, Collected, pages, resource};

pub(crate) const VAULT: &str = "aws.backup.backup-vault";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let backup = aws_sdk_backup::Client::from_conf(
        aws_sdk_backup::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "backup").await;
    let (list, err) = pages(backup.list_backup_vaults().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "backup",
            "ListBackupVaults",
            &e,
            &[VAULT],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_backup::types::BackupVaultListMember> = list
        .iter()
        .flat_map(|p| p.backup_vault_list())
        .map(ToOwned::to_owned)
        .collect();
    let read = |v: aws_sdk_backup::types::BackupVaultListMember| {
        let (backup, account, region, scope) = (
            backup.clone(),
            account.clone(),
            region.clone(),
            scope.clone(),
        );
        async move {
            let mut out = Collected::default();
            let (Some(name), Some(arn)) = (v.backup_vault_name(), v.backup_vault_arn()) else {
                return out;
            };
            let mut r = resource(arn, &account.id, Some(&region), VAULT, Some(name));
            r.raw = json!({
                "BackupVaultName": name,
                "BackupVaultArn": arn,
                "VaultType": v.vault_type().map(|t| t.as_str()),
                "EncryptionKeyArn": v.encryption_key_arn(),
                "CreationDate": v.creation_date().and_then(to_chrono),
                "NumberOfRecoveryPoints": v.number_of_recovery_points(),
                "Locked": v.locked(),
                "MinRetentionDays": v.min_retention_days(),
                "MaxRetentionDays": v.max_retention_days(),
                "LockDate": v.lock_date().and_then(to_chrono),
            });
            account.pace(Some(&region), "backup").await;
            match backup
                .get_backup_vault_access_policy()
                .backup_vault_name(name)
                .send()
                .await
            {
                Ok(p) => r.raw["AccessPolicy"] = json!({"Policy": p.policy()}),
                Err(e)
                    if e.as_service_error().and_then(|s| s.code())
                        == Some("ResourceNotFoundException") =>
                {
                    // The vault has no access policy: only the account's own
                    // identities reach it.
                    r.raw["AccessPolicy"] = json!({});
                }
                Err(e) => out.gaps.push(
                    Reads {
                        scope: &scope,
                        service: "backup",
                        kinds: &[VAULT],
                        resource: arn,
                    }
                    .failed(
                        "GetBackupVaultAccessPolicy",
                        &["public_access"],
                        &e,
                    ),
                ),
            }
            let answer = crate::policy::embedded_policy_public(&r.raw, "/AccessPolicy", "Policy");
            crate::sqs::set_policy_public(
                &mut r,
                answer,
                &scope,
                &mut out.gaps,
                "backup",
                "GetBackupVaultAccessPolicy",
            );
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
