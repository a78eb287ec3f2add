//! SNS: topics and their attributes. Fetch only; the catalog maps
//! `Attributes.KmsMasterKeyId` to the encryption facet.

use serde_json::{Map, Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const TOPIC: &str = "aws.sns.topic";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let sns = aws_sdk_sns::Client::from_conf(
        aws_sdk_sns::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "sns").await;
    let (list, err) = pages(sns.list_topics().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps
            .push(gap(&scope, "sns", "ListTopics", &e, &[TOPIC], &[], vec![]));
    }
    let items: Vec<_> = list
        .iter()
        .flat_map(|p| p.topics())
        .filter_map(|t| t.topic_arn())
        .map(ToOwned::to_owned)
        .collect();
    let read = |arn: String| {
        let (sns, account, region, scope) =
            (sns.clone(), account.clone(), region.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let arn = arn.as_str();
            let name = arn.rsplit(':').next().unwrap_or(arn);
            let mut raw = json!({"TopicArn": arn});
            account.pace(Some(&region), "sns").await;
            match sns.get_topic_attributes().topic_arn(arn).send().await {
                Ok(a) => {
                    let attributes: Map<String, Value> = a
                        .attributes()
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                                .collect()
                        })
                        .unwrap_or_default();
                    raw["Attributes"] = Value::Object(attributes);
                }
                Err(e) => out.gaps.push(gap(
                    &scope,
                    "sns",
                    "GetTopicAttributes",
                    &e,
                    &[TOPIC],
                    &["encryption_at_rest", "public_access"],
                    vec![arn.to_owned()],
                )),
            }
            let mut r = resource(arn, &account.id, Some(&region), TOPIC, Some(name));
            r.raw = raw;
            crate::sqs::read_policy(&mut r, &scope, &mut out, "sns", "GetTopicAttributes");
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
