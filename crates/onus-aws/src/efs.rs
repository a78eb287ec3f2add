//! EFS: file systems (encryption) and their backup policies. Fetch only; the
//! catalog maps `Encrypted` and `BackupPolicy.Status` to facets.

use aws_sdk_efs::error::ProvideErrorMetadata;
use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const FILE_SYSTEM: &str = "aws.efs.file-system";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let efs = aws_sdk_efs::Client::from_conf(
        aws_sdk_efs::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "efs").await;
    let (list, err) = pages(efs.describe_file_systems().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "efs",
            "DescribeFileSystems",
            &e,
            &[FILE_SYSTEM],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_efs::types::FileSystemDescription> = list
        .iter()
        .flat_map(|p| p.file_systems())
        .map(ToOwned::to_owned)
        .collect();
    let read = |fs: aws_sdk_efs::types::FileSystemDescription| {
        let (efs, account, region, scope) =
            (efs.clone(), account.clone(), region.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let fs = &fs;
            let id = fs.file_system_id();
            let arn = fs.file_system_arn().map_or_else(
                || {
                    format!(
                        "arn:aws:elasticfilesystem:{region}:{}:file-system/{id}",
                        account.id
                    )
                },
                str::to_owned,
            );
            let mut raw = json!({
                "FileSystemId": id,
                "FileSystemArn": arn,
                "Name": fs.name(),
                "Encrypted": fs.encrypted(),
                "KmsKeyId": fs.kms_key_id(),
                "LifeCycleState": fs.life_cycle_state().as_str(),
            });
            account.pace(Some(&region), "efs").await;
            match efs.describe_backup_policy().file_system_id(id).send().await {
                Ok(p) => {
                    raw["BackupPolicy"] =
                        json!({"Status": p.backup_policy().map(|b| b.status().as_str())});
                }
                // No policy at all: automatic backups are off.
                Err(e) if e.code() == Some("PolicyNotFound") => {
                    raw["BackupPolicy"] = json!({"Status": "DISABLED"});
                }
                Err(e) => {
                    raw["BackupPolicy"] = Value::Null;
                    out.gaps.push(gap(
                        &scope,
                        "efs",
                        "DescribeBackupPolicy",
                        &e,
                        &[FILE_SYSTEM],
                        &["backup"],
                        vec![arn.clone()],
                    ));
                }
            }
            let name = fs.name().unwrap_or(id).to_owned();
            let mut r = resource(&arn, &account.id, Some(&region), FILE_SYSTEM, Some(&name));
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
