//! DynamoDB: tables (server-side encryption, point-in-time recovery).

use aws_sdk_dynamodb::types::{PointInTimeRecoveryStatus, SseStatus};
use onus_model::{Backup, EncryptionAtRest, KeySource};
use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource, source};

const TABLE: &str = "aws.dynamodb.table";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let ddb = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "dynamodb").await;
    let (pages, err) = pages(ddb.list_tables().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "dynamodb",
            "ListTables",
            &e,
            &[TABLE],
            &[],
            vec![],
        ));
    }
    let items: Vec<_> = pages
        .iter()
        .flat_map(|p| p.table_names())
        .map(ToOwned::to_owned)
        .collect();
    let read = |name: String| {
        let (ddb, account, region, scope) =
            (ddb.clone(), account.clone(), region.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let name = name.as_str();
            let arn = format!("arn:aws:dynamodb:{region}:{}:table/{name}", account.id);
            let mut r = resource(&arn, &account.id, Some(&region), TABLE, Some(name));
            let mut raw = json!({"TableName": name});
            account.pace(Some(&region), "dynamodb").await;
            match ddb.describe_table().table_name(name).send().await {
                Ok(t) => {
                    let sse = t.table().and_then(|t| t.sse_description());
                    raw["SSEDescription"] = json!(sse.map(|s| json!({
                            "Status": s.status().map(|x| x.as_str()), "SSEType": s.sse_type().map(|x| x.as_str()), "KMSMasterKeyArn": s.kms_master_key_arn(),
                        })));
                    // No SSEDescription: encrypted with an AWS owned key (always on).
                    let kms = sse.is_some_and(|s| s.status() == Some(&SseStatus::Enabled));
                    r.facets.encryption_at_rest = Some(EncryptionAtRest {
                        enabled: Some(true),
                        // No SSE description: the AWS owned key. With KMS, the ARN does
                        // not say whether it is the AWS managed `aws/dynamodb` key or a
                        // customer's, so who manages it stays unobserved, not guessed.
                        key_source: (!kms).then_some(KeySource::ProviderManaged),
                        key_id: sse.and_then(|s| s.kms_master_key_arn()).map(str::to_owned),
                        ..Default::default()
                    });
                    source(&mut r, "encryption_at_rest.enabled", "/SSEDescription");
                }
                Err(e) => out.gaps.push(gap(
                    &scope,
                    "dynamodb",
                    "DescribeTable",
                    &e,
                    &[TABLE],
                    &["encryption_at_rest"],
                    vec![arn.clone()],
                )),
            }
            account.pace(Some(&region), "dynamodb").await;
            match ddb
                .describe_continuous_backups()
                .table_name(name)
                .send()
                .await
            {
                Ok(b) => {
                    let status = b
                        .continuous_backups_description()
                        .and_then(|d| d.point_in_time_recovery_description())
                        .and_then(|p| p.point_in_time_recovery_status());
                    raw["ContinuousBackupsDescription"] = json!({"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": status.map(|s| s.as_str())}});
                    if let Some(s) = status {
                        r.facets.backup = Some(Backup {
                            point_in_time_recovery: Some(*s == PointInTimeRecoveryStatus::Enabled),
                            ..Default::default()
                        });
                        source(
                            &mut r,
                            "backup.point_in_time_recovery",
                            "/ContinuousBackupsDescription/PointInTimeRecoveryDescription/PointInTimeRecoveryStatus",
                        );
                    }
                }
                Err(e) => out.gaps.push(gap(
                    &scope,
                    "dynamodb",
                    "DescribeContinuousBackups",
                    &e,
                    &[TABLE],
                    &["backup"],
                    vec![arn.clone()],
                )),
            }
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
