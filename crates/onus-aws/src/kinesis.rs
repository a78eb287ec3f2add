//! Kinesis Data Streams: streams and their encryption. Fetch only; the catalog
//! maps `StreamDescriptionSummary.EncryptionType` to the encryption facet.

use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const STREAM: &str = "aws.kinesis.stream";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let kinesis = aws_sdk_kinesis::Client::from_conf(
        aws_sdk_kinesis::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "kinesis").await;
    let (list, err) = pages(kinesis.list_streams().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "kinesis",
            "ListStreams",
            &e,
            &[STREAM],
            &[],
            vec![],
        ));
    }
    let items: Vec<String> = list
        .iter()
        .flat_map(|p| p.stream_names())
        .map(ToOwned::to_owned)
        .collect();
    let read = |name: String| {
        let (kinesis, account, region, scope) = (
            kinesis.clone(),
            account.clone(),
            region.clone(),
            scope.clone(),
        );
        async move {
            let mut out = Collected::default();
            let name = name.as_str();
            let fallback = format!("arn:aws:kinesis:{region}:{}:stream/{name}", account.id);
            account.pace(Some(&region), "kinesis").await;
            let (arn, raw) = match kinesis
                .describe_stream_summary()
                .stream_name(name)
                .send()
                .await
            {
                Ok(d) => match d.stream_description_summary() {
                    Some(s) => (
                        s.stream_arn().to_owned(),
                        json!({"StreamDescriptionSummary": {
                            "StreamName": s.stream_name(),
                            "StreamARN": s.stream_arn(),
                            "StreamStatus": s.stream_status().as_str(),
                            "EncryptionType": s.encryption_type().map(|e| e.as_str()),
                            "KeyId": s.key_id(),
                            "RetentionPeriodHours": s.retention_period_hours(),
                        }}),
                    ),
                    None => (fallback.clone(), json!({"StreamName": name})),
                },
                Err(e) => {
                    out.gaps.push(gap(
                        &scope,
                        "kinesis",
                        "DescribeStreamSummary",
                        &e,
                        &[STREAM],
                        &[],
                        vec![fallback.clone()],
                    ));
                    (fallback, json!({"StreamName": name}))
                }
            };
            let mut r = resource(&arn, &account.id, Some(&region), STREAM, Some(name));
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
