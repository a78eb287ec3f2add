//! RDS DB clusters (Aurora and Multi-AZ clusters): storage encryption and
//! backup retention, which live on the cluster rather than its instances.
//! Fetch only; the catalog's mappings derive the facets.

use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const CLUSTER: &str = "aws.rds.db-cluster";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let rds = aws_sdk_rds::Client::from_conf(
        aws_sdk_rds::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "rds").await;
    let (list, err) = pages(rds.describe_db_clusters().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "rds",
            "DescribeDBClusters",
            &e,
            &[CLUSTER],
            &[],
            vec![],
        ));
    }
    for c in list.iter().flat_map(|p| p.db_clusters()) {
        let Some(id) = c.db_cluster_identifier() else {
            continue;
        };
        let arn = c.db_cluster_arn().map_or_else(
            || format!("arn:aws:rds:{region}:{}:cluster:{id}", account.id),
            str::to_owned,
        );
        let mut r = resource(&arn, &account.id, Some(&region), CLUSTER, Some(id));
        r.raw = json!({
            "DBClusterIdentifier": id,
            "DBClusterArn": c.db_cluster_arn(),
            "Engine": c.engine(),
            "EngineVersion": c.engine_version(),
            "StorageEncrypted": c.storage_encrypted(),
            "KmsKeyId": c.kms_key_id(),
            "BackupRetentionPeriod": c.backup_retention_period(),
            "DeletionProtection": c.deletion_protection(),
        });
        out.resources.push(r);
    }
    out
}
