//! SQS: queues and their attributes. `raw` keeps the API's field names
//! (`Attributes.SqsManagedSseEnabled`, `Attributes.KmsMasterKeyId`,
//! `Attributes.Policy`); the catalog's mappings derive the encryption facets,
//! and the policy evaluator (`policy::attribute_policy_public`, a pure function
//! over that `raw`) the public-access one.

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
            .interceptor(account.retries.clone())
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
    let items: Vec<_> = list
        .iter()
        .flat_map(|p| p.queue_urls())
        .map(ToOwned::to_owned)
        .collect();
    let read = |url: String| {
        let (sqs, account, region, scope) =
            (sqs.clone(), account.clone(), region.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let url = url.as_str();
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
                        &["encryption_at_rest", "public_access"],
                        vec![fallback.clone()],
                    ));
                    fallback
                }
            };
            let mut r = resource(&arn, &account.id, Some(&region), QUEUE, Some(name));
            r.raw = raw;
            read_policy(&mut r, &scope, &mut out, "sqs", "GetQueueAttributes");
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}

/// The `public_access.policy_public` facet of a queue or topic, read from the
/// `Policy` attribute in its `raw` by [`crate::policy::attribute_policy_public`].
pub(crate) fn read_policy(
    r: &mut onus_model::Resource,
    scope: &crate::gap::Scope,
    out: &mut Collected,
    service: &str,
    operation: &str,
) {
    let answer = crate::policy::attribute_policy_public(&r.raw);
    set_policy_public(r, answer, scope, &mut out.gaps, service, operation);
}

/// Set the `public_access.policy_public` facet from the policy evaluator's
/// answer; a policy that cannot be evaluated is a `mapping` gap of the
/// resource, never a pass.
pub(crate) fn set_policy_public(
    r: &mut onus_model::Resource,
    answer: Result<Option<(bool, String)>, String>,
    scope: &crate::gap::Scope,
    gaps: &mut Vec<onus_model::Gap>,
    service: &str,
    operation: &str,
) {
    match answer {
        Ok(Some((public, pointer))) => {
            r.facets
                .public_access
                .get_or_insert_with(Default::default)
                .policy_public = Some(public);
            crate::source(r, "public_access.policy_public", &pointer);
        }
        Ok(None) => {}
        Err(why) => gaps.push(crate::gap::mapping_gap(
            scope,
            service,
            operation,
            &r.kind,
            &["public_access"],
            &r.id,
            &why,
        )),
    }
}
