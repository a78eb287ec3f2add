//! CloudWatch Logs: log groups as `DescribeLogGroups` describes them
//! (retention, KMS key). Fetch only; the catalog maps `retentionInDays`.

use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const LOG_GROUP: &str = "aws.logs.log-group";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let logs = aws_sdk_cloudwatchlogs::Client::from_conf(
        aws_sdk_cloudwatchlogs::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "logs").await;
    let (list, err) = pages(logs.describe_log_groups().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "logs",
            "DescribeLogGroups",
            &e,
            &[LOG_GROUP],
            &[],
            vec![],
        ));
    }
    for g in list.iter().flat_map(|p| p.log_groups()) {
        let Some(name) = g.log_group_name() else {
            continue;
        };
        // The API's `arn` ends in `:*`; the tagging API names the group without it.
        let arn = g.arn().map_or_else(
            || format!("arn:aws:logs:{region}:{}:log-group:{name}", account.id),
            |a| a.trim_end_matches(":*").to_owned(),
        );
        let mut r = resource(&arn, &account.id, Some(&region), LOG_GROUP, Some(name));
        r.raw = json!({
            "logGroupName": name,
            "arn": g.arn(),
            // Absent when the group never expires its entries.
            "retentionInDays": g.retention_in_days(),
            "kmsKeyId": g.kms_key_id(),
            "storedBytes": g.stored_bytes(),
        });
        out.resources.push(r);
    }
    out
}
