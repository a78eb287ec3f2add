//! RDS snapshots: `DescribeDBSnapshots` (manual and automated, with their
//! encryption) and each snapshot's `DescribeDBSnapshotAttributes`, whose
//! `restore` attribute lists the accounts that may restore it (`all`:
//! everyone); the same for DB cluster (Aurora) snapshots with
//! `DescribeDBClusterSnapshots` and `DescribeDBClusterSnapshotAttributes`.
//! `raw` keeps the API's field names; the catalog maps both facets.

use serde_json::json;

use crate::gap::{Reads, gap};
use crate::{Account, Collected, pages, resource, tag_map};

const SNAPSHOT: &str = "aws.rds.db-snapshot";
const CLUSTER_SNAPSHOT: &str = "aws.rds.cluster-snapshot";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let rds = crate::rds::client(&account, &region);
    let (mut out, clusters) = tokio::join!(
        db_snapshots(&account, &region, &rds),
        cluster_snapshots(&account, &region, &rds)
    );
    out.extend(clusters);
    out
}

async fn db_snapshots(account: &Account, region: &str, rds: &aws_sdk_rds::Client) -> Collected {
    let region = region.to_owned();
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "rds").await;
    let (listed, err) = pages(rds.describe_db_snapshots().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "rds",
            "DescribeDBSnapshots",
            &e,
            &[SNAPSHOT],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_rds::types::DbSnapshot> = listed
        .iter()
        .flat_map(|p| p.db_snapshots())
        .map(ToOwned::to_owned)
        .collect();
    let read = |s: aws_sdk_rds::types::DbSnapshot| {
        let (rds, account, scope, region) =
            (rds.clone(), account.clone(), scope.clone(), region.clone());
        async move {
            let mut out = Collected::default();
            let Some(name) = s.db_snapshot_identifier() else {
                return out;
            };
            let arn = s.db_snapshot_arn().map_or_else(
                || format!("arn:aws:rds:{region}:{}:snapshot:{name}", account.id),
                str::to_owned,
            );
            let mut r = resource(&arn, &account.id, Some(&region), SNAPSHOT, Some(name));
            r.tags = tag_map(s.tag_list().iter().map(|t| (t.key(), t.value())));
            let mut raw = json!({
                "DBSnapshotIdentifier": name,
                "DBInstanceIdentifier": s.db_instance_identifier(),
                "SnapshotType": s.snapshot_type(),
                "Engine": s.engine(),
                "Encrypted": s.encrypted(),
                "KmsKeyId": s.kms_key_id(),
                "SnapshotCreateTime": s.snapshot_create_time().and_then(crate::ssm::to_chrono),
            });
            account.pace(Some(&region), "rds").await;
            match rds
                .describe_db_snapshot_attributes()
                .db_snapshot_identifier(name)
                .send()
                .await
            {
                Ok(a) => {
                    raw["DBSnapshotAttributes"] = attributes(
                        a.db_snapshot_attributes_result()
                            .into_iter()
                            .flat_map(|res| res.db_snapshot_attributes())
                            .map(|at| (at.attribute_name(), at.attribute_values())),
                    );
                }
                Err(e) => out.gaps.push(
                    Reads {
                        scope: &scope,
                        service: "rds",
                        kinds: &[SNAPSHOT],
                        resource: &arn,
                    }
                    .failed(
                        "DescribeDBSnapshotAttributes",
                        &["public_access"],
                        &e,
                    ),
                ),
            }
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}

async fn cluster_snapshots(
    account: &Account,
    region: &str,
    rds: &aws_sdk_rds::Client,
) -> Collected {
    let region = region.to_owned();
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "rds").await;
    let (listed, err) = pages(rds.describe_db_cluster_snapshots().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "rds",
            "DescribeDBClusterSnapshots",
            &e,
            &[CLUSTER_SNAPSHOT],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_rds::types::DbClusterSnapshot> = listed
        .iter()
        .flat_map(|p| p.db_cluster_snapshots())
        .map(ToOwned::to_owned)
        .collect();
    let read = |s: aws_sdk_rds::types::DbClusterSnapshot| {
        let (rds, account, scope, region) =
            (rds.clone(), account.clone(), scope.clone(), region.clone());
        async move {
            let mut out = Collected::default();
            let Some(name) = s.db_cluster_snapshot_identifier() else {
                return out;
            };
            let arn = s.db_cluster_snapshot_arn().map_or_else(
                || {
                    format!(
                        "arn:aws:rds:{region}:{}:cluster-snapshot:{name}",
                        account.id
                    )
                },
                str::to_owned,
            );
            let mut r = resource(
                &arn,
                &account.id,
                Some(&region),
                CLUSTER_SNAPSHOT,
                Some(name),
            );
            r.tags = tag_map(s.tag_list().iter().map(|t| (t.key(), t.value())));
            let mut raw = json!({
                "DBClusterSnapshotIdentifier": name,
                "DBClusterIdentifier": s.db_cluster_identifier(),
                "SnapshotType": s.snapshot_type(),
                "Engine": s.engine(),
                "StorageEncrypted": s.storage_encrypted(),
                "KmsKeyId": s.kms_key_id(),
            });
            account.pace(Some(&region), "rds").await;
            match rds
                .describe_db_cluster_snapshot_attributes()
                .db_cluster_snapshot_identifier(name)
                .send()
                .await
            {
                Ok(a) => {
                    raw["DBClusterSnapshotAttributes"] = attributes(
                        a.db_cluster_snapshot_attributes_result()
                            .into_iter()
                            .flat_map(|res| res.db_cluster_snapshot_attributes())
                            .map(|at| (at.attribute_name(), at.attribute_values())),
                    );
                }
                Err(e) => out.gaps.push(
                    Reads {
                        scope: &scope,
                        service: "rds",
                        kinds: &[CLUSTER_SNAPSHOT],
                        resource: &arn,
                    }
                    .failed(
                        "DescribeDBClusterSnapshotAttributes",
                        &["public_access"],
                        &e,
                    ),
                ),
            }
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}

/// A snapshot's attributes (`restore`: who may restore it) as the API names them.
fn attributes<'a>(
    items: impl Iterator<Item = (Option<&'a str>, &'a [String])>,
) -> serde_json::Value {
    serde_json::Value::Array(
        items
            .map(|(name, values)| json!({"AttributeName": name, "AttributeValues": values}))
            .collect(),
    )
}
