//! Redshift: provisioned clusters (encryption, public accessibility) and their
//! audit logging status. Fetch only; the catalog's mappings derive the facets.

use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const CLUSTER: &str = "aws.redshift.cluster";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let redshift = aws_sdk_redshift::Client::from_conf(
        aws_sdk_redshift::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "redshift").await;
    let (list, err) = pages(redshift.describe_clusters().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "redshift",
            "DescribeClusters",
            &e,
            &[CLUSTER],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_redshift::types::Cluster> = list
        .iter()
        .flat_map(|p| p.clusters())
        .map(ToOwned::to_owned)
        .collect();
    let read = |c: aws_sdk_redshift::types::Cluster| {
        let (redshift, account, region, scope) = (
            redshift.clone(),
            account.clone(),
            region.clone(),
            scope.clone(),
        );
        async move {
            let mut out = Collected::default();
            let c = &c;
            let Some(id) = c.cluster_identifier() else {
                return out;
            };
            let arn = format!("arn:aws:redshift:{region}:{}:cluster:{id}", account.id);
            let mut raw = json!({
                "ClusterIdentifier": id,
                "Encrypted": c.encrypted(),
                "KmsKeyId": c.kms_key_id(),
                "PubliclyAccessible": c.publicly_accessible(),
                "ClusterVersion": c.cluster_version(),
            });
            account.pace(Some(&region), "redshift").await;
            match redshift
                .describe_logging_status()
                .cluster_identifier(id)
                .send()
                .await
            {
                Ok(l) => {
                    raw["LoggingStatus"] = json!({
                        "LoggingEnabled": l.logging_enabled(),
                        "LogDestinationType": l.log_destination_type().map(|d| d.as_str()),
                    });
                }
                Err(e) => {
                    raw["LoggingStatus"] = Value::Null;
                    out.gaps.push(gap(
                        &scope,
                        "redshift",
                        "DescribeLoggingStatus",
                        &e,
                        &[CLUSTER],
                        &["logging"],
                        vec![arn.clone()],
                    ));
                }
            }
            let mut r = resource(&arn, &account.id, Some(&region), CLUSTER, Some(id));
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
