//! ElastiCache: replication groups (Redis OSS and Valkey) as
//! `DescribeReplicationGroups` describes them: encryption at rest and in
//! transit, the transit mode, AUTH and snapshots. Fetch only; the catalog's
//! mappings derive the facets.

use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const REPLICATION_GROUP: &str = "aws.elasticache.replication-group";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let client = aws_sdk_elasticache::Client::from_conf(
        aws_sdk_elasticache::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "elasticache").await;
    let (list, err) = pages(client.describe_replication_groups().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "elasticache",
            "DescribeReplicationGroups",
            &e,
            &[REPLICATION_GROUP],
            &[],
            vec![],
        ));
    }
    for g in list.iter().flat_map(|p| p.replication_groups()) {
        let Some(id) = g.replication_group_id() else {
            continue;
        };
        let arn = g.arn().map_or_else(
            || {
                format!(
                    "arn:aws:elasticache:{region}:{}:replicationgroup:{id}",
                    account.id
                )
            },
            str::to_owned,
        );
        let mut r = resource(
            &arn,
            &account.id,
            Some(&region),
            REPLICATION_GROUP,
            Some(id),
        );
        r.raw = json!({
            "ReplicationGroupId": id,
            "ARN": g.arn(),
            "Engine": g.engine(),
            "AtRestEncryptionEnabled": g.at_rest_encryption_enabled(),
            "KmsKeyId": g.kms_key_id(),
            "TransitEncryptionEnabled": g.transit_encryption_enabled(),
            "TransitEncryptionMode": g.transit_encryption_mode().map(|m| m.as_str()),
            "AuthTokenEnabled": g.auth_token_enabled(),
            "SnapshotRetentionLimit": g.snapshot_retention_limit(),
            "AutoMinorVersionUpgrade": g.auto_minor_version_upgrade(),
        });
        out.resources.push(r);
    }
    out
}
