//! SQS: queues and their attributes. Fetch only: `raw` keeps the API's field
//! names (`Attributes.SqsManagedSseEnabled`, `Attributes.KmsMasterKeyId`); the
//! catalog's mappings derive the facets.

use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::{Map, Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const QUEUE: &str = "aws.sqs.queue";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let sqs = aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "sqs").await;
    let (list, err) = pages(sqs.list_queues().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps
            .push(gap(&scope, "sqs", "ListQueues", &e, &[QUEUE], &[], vec![]));
    }
    for url in list.iter().flat_map(|p| p.queue_urls()) {
        let name = url.rsplit('/').next().unwrap_or(url);
        let fallback = format!("arn:aws:sqs:{region}:{}:{name}", account.id);
        account.pace(Some(&region), "sqs").await;
        let mut raw = json!({"QueueUrl": url});
        let arn = match sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::All)
            .send()
            .await
        {
            Ok(a) => {
                let attributes: Map<String, Value> = a
                    .attributes()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.as_str().to_owned(), Value::String(v.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                let arn = attributes
                    .get("QueueArn")
                    .and_then(Value::as_str)
                    .map_or(fallback.clone(), str::to_owned);
                raw["Attributes"] = Value::Object(attributes);
                arn
            }
            Err(e) => {
                out.gaps.push(gap(
                    &scope,
                    "sqs",
                    "GetQueueAttributes",
                    &e,
                    &[QUEUE],
                    &[],
                    vec![fallback.clone()],
                ));
                fallback
            }
        };
        let mut r = resource(&arn, &account.id, Some(&region), QUEUE, Some(name));
        r.raw = raw;
        out.resources.push(r);
    }
    out
}
