//! RDS: database instances and DB clusters (Aurora and Multi-AZ clusters),
//! whose storage encryption and backup retention live on the cluster rather
//! than its instances. Fetch only: each becomes `raw` with the API's field
//! names, and the catalog's mappings derive the facets.

use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource, tag_map};

const DB: &str = "aws.rds.instance";
pub(crate) const CLUSTER: &str = "aws.rds.db-cluster";

/// The RDS client of `region`, with the read-only guard and the retry budget.
pub(crate) fn client(account: &Account, region: &str) -> aws_sdk_rds::Client {
    let config = account.in_region(region);
    aws_sdk_rds::Client::from_conf(
        aws_sdk_rds::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    )
}

/// Database instances (`DescribeDBInstances`).
pub(crate) async fn instances(account: Account, region: String) -> Collected {
    let rds = client(&account, &region);
    let mut out = Collected::default();
    account.pace(Some(&region), "rds").await;
    let (pages, err) = pages(rds.describe_db_instances().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &account.scope(Some(&region)),
            "rds",
            "DescribeDBInstances",
            &e,
            &[DB],
            &[],
            vec![],
        ));
    }
    for db in pages.iter().flat_map(|p| p.db_instances()) {
        let Some(name) = db.db_instance_identifier() else {
            continue;
        };
        let arn = db.db_instance_arn().map_or_else(
            || format!("arn:aws:rds:{region}:{}:db:{name}", account.id),
            str::to_owned,
        );
        let mut r = resource(&arn, &account.id, Some(&region), DB, Some(name));
        r.tags = tag_map(db.tag_list().iter().map(|t| (t.key(), t.value())));
        r.raw = json!({
            "DBInstanceIdentifier": name,
            "DBInstanceArn": db.db_instance_arn(),
            "Engine": db.engine(),
            "EngineVersion": db.engine_version(),
            "StorageEncrypted": db.storage_encrypted(),
            "KmsKeyId": db.kms_key_id(),
            "PubliclyAccessible": db.publicly_accessible(),
            "AutoMinorVersionUpgrade": db.auto_minor_version_upgrade(),
            "BackupRetentionPeriod": db.backup_retention_period(),
        });
        out.resources.push(r);
    }
    out
}

/// DB clusters (`DescribeDBClusters`).
pub(crate) async fn clusters(account: Account, region: String) -> Collected {
    let rds = client(&account, &region);
    let mut out = Collected::default();
    account.pace(Some(&region), "rds").await;
    let (list, err) = pages(rds.describe_db_clusters().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &account.scope(Some(&region)),
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
        r.tags = tag_map(c.tag_list().iter().map(|t| (t.key(), t.value())));
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
