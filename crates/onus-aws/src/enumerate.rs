//! Whole-estate enumeration: every resource in scope, whether or not onus
//! evaluates its kind. Sources: the Resource Groups Tagging API (`GetResources`:
//! every tagged or once-tagged resource of every service, per region), AWS
//! Config where a recorder exists (`SelectResourceConfig`, per region), an
//! organisation's Config aggregator in one query (`--config-aggregator`), and
//! the account's Resource Explorer aggregator index (`ListResources`, every
//! region in one paged call) where one exists.
//! Results merge by ARN with the deep collectors' resources; each source's fate
//! per scope is recorded for the coverage, and a denied or failed source is a gap.

use std::collections::BTreeMap;

use aws_sdk_config::error::ProvideErrorMetadata;
use onus_model::{EnumerationSource, GapCause, Provider, Resource, SourceStatus};
use serde_json::{Value, json};

use crate::gap::gap;
use crate::kinds::{kind_for_arn, kind_for_type, parse_arn};
use crate::{Account, Collected};

/// The pseudo facet enumeration gaps name, so that they explain no facet of any
/// resource (a failed enumeration hides resources, not settings).
const ENUMERATION: &str = "enumeration";

pub(crate) const TAGGING: &str = "resourcegroupstaggingapi";
pub(crate) const CONFIG: &str = "config";

fn source(
    account: &str,
    region: Option<&str>,
    name: &str,
    status: SourceStatus,
    n: usize,
    detail: Option<String>,
) -> EnumerationSource {
    EnumerationSource {
        provider: Provider::Aws,
        account: account.to_owned(),
        region: region.map(str::to_owned),
        source: name.to_owned(),
        status,
        resources: n,
        detail: detail.as_deref().map(onus_model::api_text),
    }
}

fn status_of(cause: GapCause) -> SourceStatus {
    if cause == GapCause::AccessDenied {
        SourceStatus::Denied
    } else {
        SourceStatus::Failed
    }
}

/// Record a source that failed in a scope: its status (denied or failed) with the
/// reason, and the gap.
#[allow(clippy::too_many_arguments)]
fn fail<E>(
    out: &mut Collected,
    scope: &crate::gap::Scope,
    service: &str,
    operation: &str,
    name: &str,
    err: &aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
) where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let g = gap(scope, service, operation, err, &[], &[ENUMERATION], vec![]);
    out.sources.push(source(
        &scope.account,
        scope.region.as_deref(),
        name,
        status_of(g.cause),
        out.resources.len(),
        Some(g.error.clone()),
    ));
    out.gaps.push(g);
}

/// Record a listing whose paging stopped early (a repeated token, or past the
/// page cap): what was read is kept, and the rest is a gap, never a silent end.
fn truncated(
    out: &mut Collected,
    scope: &crate::gap::Scope,
    service: &str,
    operation: &str,
    name: &str,
    why: String,
) {
    out.sources.push(source(
        &scope.account,
        scope.region.as_deref(),
        name,
        SourceStatus::Failed,
        out.resources.len(),
        Some(why.clone()),
    ));
    out.gaps.push(onus_model::Gap {
        provider: Provider::Aws,
        account: Some(scope.account.clone()),
        region: scope.region.clone(),
        service: service.to_owned(),
        operation: operation.to_owned(),
        cause: GapCause::ApiError,
        error: onus_model::api_text(&why),
        kinds: vec![],
        facets: vec![ENUMERATION.to_owned()],
        resources: vec![],
    });
}

/// An enumerated resource: its kind from its ARN (or Config type), its tags, and
/// the source's own record as `raw`.
fn enumerated(
    arn: &str,
    kind: String,
    name: Option<String>,
    account: &str,
    region: Option<&str>,
    tags: BTreeMap<String, String>,
    raw: Value,
) -> Resource {
    let parsed = parse_arn(arn);
    let region = parsed
        .as_ref()
        .map(|a| a.region)
        .filter(|r| !r.is_empty())
        .or(region)
        .map(str::to_owned);
    let account = parsed
        .as_ref()
        .map(|a| a.account)
        .filter(|a| !a.is_empty())
        .unwrap_or(account)
        .to_owned();
    let name = tags.get("Name").cloned().or(name);
    Resource {
        id: arn.to_owned(),
        provider: Provider::Aws,
        account,
        region,
        kind,
        name,
        tags,
        facets: Default::default(),
        sources: Default::default(),
        raw,
        enumerated_only: true,
    }
}

/// Every tagged (or once-tagged) resource of `region` through `GetResources`.
pub(crate) async fn tagging(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let client = aws_sdk_resourcegroupstagging::Client::from_conf(
        aws_sdk_resourcegroupstagging::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), TAGGING).await;
    let (pages, err) = crate::pages(client.get_resources().into_paginator().send()).await;
    for mapping in pages.iter().flat_map(|p| p.resource_tag_mapping_list()) {
        let Some(arn) = mapping.resource_arn() else {
            continue;
        };
        let Some((kind, name)) = kind_for_arn(arn) else {
            continue;
        };
        let tags: BTreeMap<String, String> = mapping
            .tags()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect();
        let raw = json!({
            "ResourceARN": arn,
            "Tags": mapping.tags().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>(),
        });
        out.resources.push(enumerated(
            arn,
            kind,
            Some(name),
            &account.id,
            Some(&region),
            tags,
            raw,
        ));
    }
    match err {
        Some(e) => fail(&mut out, &scope, "tag", "GetResources", TAGGING, &e),
        None => out.sources.push(source(
            &account.id,
            Some(&region),
            TAGGING,
            SourceStatus::Used,
            out.resources.len(),
            None,
        )),
    }
    out
}

/// The query both Config paths run: every resource with its configuration.
const QUERY: &str =
    "SELECT resourceId, resourceName, resourceType, arn, awsRegion, accountId, tags, configuration";

/// Resources from Config's query rows.
fn config_rows(rows: &[String], account: &str, region: Option<&str>) -> Vec<Resource> {
    rows.iter()
        .filter_map(|row| serde_json::from_str::<Value>(row).ok())
        .filter_map(|v| {
            let rtype = v["resourceType"].as_str()?;
            let kind = kind_for_type(rtype)?;
            let id = v["resourceId"].as_str().unwrap_or_default();
            let arn = v["arn"]
                .as_str()
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                // A few types have no ARN: name them by type and id.
                .unwrap_or_else(|| format!("{rtype}/{id}"));
            let tags: BTreeMap<String, String> = v["tags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|t| {
                            Some((
                                t["key"].as_str()?.to_owned(),
                                t["value"].as_str().unwrap_or_default().to_owned(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let account = v["accountId"].as_str().unwrap_or(account).to_owned();
            let name = v["resourceName"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| (!id.is_empty()).then(|| id.to_owned()));
            let region = v["awsRegion"]
                .as_str()
                .filter(|r| !r.is_empty() && *r != "global")
                .or(region)
                .map(str::to_owned);
            Some(enumerated(
                &arn,
                kind,
                name,
                &account,
                region.as_deref(),
                tags,
                v,
            ))
        })
        .collect()
}

fn config_client(account: &Account, region: &str) -> aws_sdk_config::Client {
    let config = account.in_region(region);
    aws_sdk_config::Client::from_conf(
        aws_sdk_config::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    )
}

/// Every resource AWS Config recorded in `region`, when a recorder exists there.
pub(crate) async fn config(account: Account, region: String) -> Collected {
    let client = config_client(&account, &region);
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), CONFIG).await;
    match client.describe_configuration_recorders().send().await {
        Ok(r) if r.configuration_recorders().is_empty() => {
            out.sources.push(source(
                &account.id,
                Some(&region),
                CONFIG,
                SourceStatus::Absent,
                0,
                Some("no configuration recorder in this region".to_owned()),
            ));
            return out;
        }
        Ok(_) => {}
        Err(e) => {
            fail(
                &mut out,
                &scope,
                CONFIG,
                "DescribeConfigurationRecorders",
                CONFIG,
                &e,
            );
            return out;
        }
    }
    let listed = crate::token_pages(
        |token| {
            let call = client
                .select_resource_config()
                .expression(QUERY)
                .set_next_token(token);
            let pace = account.pace(Some(&region), CONFIG);
            async move {
                pace.await;
                call.send().await
            }
        },
        |page| page.next_token(),
        |page| {
            out.resources
                .extend(config_rows(page.results(), &account.id, Some(&region)));
        },
    )
    .await;
    match listed {
        Ok(()) => {}
        Err(crate::TokenStop::Failed(e)) => {
            fail(&mut out, &scope, CONFIG, "SelectResourceConfig", CONFIG, &e);
            return out;
        }
        Err(crate::TokenStop::Stopped(why)) => {
            truncated(
                &mut out,
                &scope,
                CONFIG,
                "SelectResourceConfig",
                CONFIG,
                why,
            );
            return out;
        }
    }
    out.sources.push(source(
        &account.id,
        Some(&region),
        CONFIG,
        SourceStatus::Used,
        out.resources.len(),
        None,
    ));
    out
}

/// Every resource of an organisation's Config aggregator, in one paged query.
pub(crate) async fn aggregator(account: Account, region: String, name: String) -> Collected {
    let client = config_client(&account, &region);
    let scope = account.scope(Some(&region));
    let label = format!("config-aggregator:{name}");
    let mut out = Collected::default();
    let listed = crate::token_pages(
        |token| {
            let call = client
                .select_aggregate_resource_config()
                .configuration_aggregator_name(&name)
                .expression(QUERY)
                .set_next_token(token);
            let pace = account.pace(Some(&region), CONFIG);
            async move {
                pace.await;
                call.send().await
            }
        },
        |page| page.next_token(),
        |page| {
            out.resources
                .extend(config_rows(page.results(), &account.id, None));
        },
    )
    .await;
    let operation = "SelectAggregateResourceConfig";
    match listed {
        Ok(()) => {}
        Err(crate::TokenStop::Failed(e)) => {
            fail(&mut out, &scope, CONFIG, operation, &label, &e);
            return out;
        }
        Err(crate::TokenStop::Stopped(why)) => {
            truncated(&mut out, &scope, CONFIG, operation, &label, why);
            return out;
        }
    }
    out.sources.push(source(
        &account.id,
        Some(&region),
        &label,
        SourceStatus::Used,
        out.resources.len(),
        None,
    ));
    out
}

pub(crate) const RESOURCE_EXPLORER: &str = "resource-explorer-2";

/// A Smithy document as JSON.
fn document_json(d: &aws_smithy_types::Document) -> Value {
    use aws_smithy_types::{Document, Number};
    match d {
        Document::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), document_json(v)))
                .collect(),
        ),
        Document::Array(a) => Value::Array(a.iter().map(document_json).collect()),
        Document::Number(Number::PosInt(n)) => json!(n),
        Document::Number(Number::NegInt(n)) => json!(n),
        Document::Number(Number::Float(f)) => json!(f),
        Document::String(s) => json!(s),
        Document::Bool(b) => json!(b),
        Document::Null => Value::Null,
    }
}

/// The tags a Resource Explorer record carries in its `tags` property.
fn explorer_tags(properties: &Value) -> BTreeMap<String, String> {
    properties
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["Name"] == "tags")
        .flat_map(|p| p["Data"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| {
            Some((
                t["Key"].as_str()?.to_owned(),
                t["Value"].as_str().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

/// Whether an error says the endpoint does not offer the service at all (HTTP
/// 404 with no AWS error code: an emulator or a partition without it).
fn not_offered<E>(
    e: &aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
) -> bool
where
    E: ProvideErrorMetadata,
{
    e.raw_response().is_some_and(|r| r.status().as_u16() == 404)
        && e.as_service_error().is_none_or(|s| s.code().is_none())
}

/// Every resource of the account's Resource Explorer aggregator index, when one
/// exists: one paged `ListResources` in the aggregator's region covers every
/// region; records outside the regions in scope are dropped.
pub(crate) async fn resource_explorer(account: Account, regions: Vec<String>) -> Collected {
    let mut out = Collected::default();
    let Some(home) = regions.first().cloned() else {
        return out;
    };
    let client = |region: &str| {
        let config = account.in_region(region);
        aws_sdk_resourceexplorer2::Client::from_conf(
            aws_sdk_resourceexplorer2::config::Builder::from(&config)
                .interceptor(account.guard.clone())
                .interceptor(account.retries.clone())
                .build(),
        )
    };
    let scope = account.scope(None);
    let absent = |out: &mut Collected, why: &str| {
        out.sources.push(source(
            &account.id,
            None,
            RESOURCE_EXPLORER,
            SourceStatus::Absent,
            0,
            Some(why.to_owned()),
        ));
    };
    account.pace(Some(&home), RESOURCE_EXPLORER).await;
    let listed = client(&home)
        .list_indexes()
        .r#type(aws_sdk_resourceexplorer2::types::IndexType::Aggregator)
        .send()
        .await;
    let aggregator = match listed {
        Ok(l) => l
            .indexes()
            .iter()
            .find_map(|i| i.region().map(str::to_owned)),
        Err(e) if not_offered(&e) => {
            absent(&mut out, "the endpoint does not offer Resource Explorer");
            return out;
        }
        Err(e) => {
            fail(
                &mut out,
                &scope,
                RESOURCE_EXPLORER,
                "ListIndexes",
                RESOURCE_EXPLORER,
                &e,
            );
            return out;
        }
    };
    let Some(region) = aggregator else {
        absent(&mut out, "no aggregator index in this account");
        return out;
    };
    let explorer = client(&region);
    let scope = account.scope(Some(&region));
    let listed = crate::token_pages(
        |token| {
            let call = explorer
                .list_resources()
                .max_results(1000)
                .set_next_token(token);
            let pace = account.pace(Some(&region), RESOURCE_EXPLORER);
            async move {
                pace.await;
                call.send().await
            }
        },
        |page| page.next_token(),
        |page| {
            for r in page.resources() {
                let Some(arn) = r.arn() else { continue };
                let in_scope = r.region().is_none_or(|g| {
                    g.is_empty() || g == "global" || regions.iter().any(|s| s == g)
                });
                let Some((kind, name)) = kind_for_arn(arn).filter(|_| in_scope) else {
                    continue;
                };
                let properties: Vec<Value> = r
                    .properties()
                    .iter()
                    .map(|p| json!({"Name": p.name(), "Data": p.data().map(document_json)}))
                    .collect();
                let properties = Value::Array(properties);
                let tags = explorer_tags(&properties);
                let raw = json!({
                    "Arn": arn,
                    "ResourceType": r.resource_type(),
                    "Service": r.service(),
                    "Region": r.region(),
                    "OwningAccountId": r.owning_account_id(),
                    "Properties": properties,
                });
                let owner = r.owning_account_id().unwrap_or(&account.id).to_owned();
                out.resources.push(enumerated(
                    arn,
                    kind,
                    Some(name),
                    &owner,
                    r.region().filter(|g| !g.is_empty() && *g != "global"),
                    tags,
                    raw,
                ));
            }
        },
    )
    .await;
    let operation = "ListResources";
    match listed {
        Ok(()) => {}
        Err(crate::TokenStop::Failed(e)) => {
            fail(
                &mut out,
                &scope,
                RESOURCE_EXPLORER,
                operation,
                RESOURCE_EXPLORER,
                &e,
            );
            return out;
        }
        Err(crate::TokenStop::Stopped(why)) => {
            truncated(
                &mut out,
                &scope,
                RESOURCE_EXPLORER,
                operation,
                RESOURCE_EXPLORER,
                why,
            );
            return out;
        }
    }
    out.sources.push(source(
        &account.id,
        Some(&region),
        RESOURCE_EXPLORER,
        SourceStatus::Used,
        out.resources.len(),
        None,
    ));
    out
}

/// Merge enumerated resources into the deep collectors' by ARN: a resource the
/// deep collectors read keeps their settings and gains tags it lacked; one seen
/// by several sources is kept once (Config's record, with its configuration,
/// wins over the tagging API's).
pub(crate) fn merge(resources: Vec<Resource>) -> Vec<Resource> {
    let mut by_id: BTreeMap<String, Resource> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for r in resources {
        match by_id.get_mut(&r.id) {
            None => {
                order.push(r.id.clone());
                by_id.insert(r.id.clone(), r);
            }
            Some(existing) => {
                let (keep, other) = match (existing.enumerated_only, r.enumerated_only) {
                    // The deep record stays; the enumerated one lends its tags.
                    (false, true) => (None, r),
                    (true, false) => (Some(r), existing.clone()),
                    // Two enumerations: the one with more to say (Config) wins.
                    (true, true) if r.raw.get("configuration").is_some() => {
                        (Some(r), existing.clone())
                    }
                    _ => (None, r),
                };
                let both_deep = !existing.enumerated_only && !other.enumerated_only;
                if let Some(k) = keep {
                    *existing = k;
                }
                if both_deep {
                    // One resource several services read (the account: IAM,
                    // CloudTrail, GuardDuty): each record adds the facets,
                    // evidence pointers and raw members the first lacks.
                    existing.facets.absorb(other.facets);
                    for (facet, pointer) in other.sources {
                        existing.sources.entry(facet).or_insert(pointer);
                    }
                    if let (Some(into), Value::Object(from)) =
                        (existing.raw.as_object_mut(), other.raw)
                    {
                        for (key, value) in from {
                            into.entry(key).or_insert(value);
                        }
                    }
                }
                for (key, value) in other.tags {
                    existing.tags.entry(key).or_insert(value);
                }
                if existing.name.is_none() {
                    existing.name = other.name;
                }
            }
        }
    }
    order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(id: &str) -> Resource {
        Resource {
            id: id.to_owned(),
            provider: Provider::Aws,
            account: "1".into(),
            region: None,
            kind: "aws.s3.bucket".into(),
            name: Some("b".into()),
            tags: Default::default(),
            facets: Default::default(),
            sources: Default::default(),
            raw: Value::Null,
            enumerated_only: false,
        }
    }

    #[test]
    fn merge_keeps_deep_records_and_lends_tags() {
        let mut seen = deep("arn:aws:s3:::b");
        seen.enumerated_only = true;
        seen.tags.insert("team".into(), "data".into());
        let other = {
            let mut r = deep("arn:aws:sqs:us-east-1:1:q");
            r.enumerated_only = true;
            r.kind = "aws.sqs.queue".into();
            r
        };
        let merged = merge(vec![seen, deep("arn:aws:s3:::b"), other]);
        assert_eq!(merged.len(), 2);
        assert!(!merged[0].enumerated_only, "the deep record wins");
        assert_eq!(merged[0].tags["team"], "data");
        assert!(merged[1].enumerated_only);
    }

    #[test]
    fn config_rows_become_enumerated_resources() {
        let rows = vec![
            r#"{"resourceId":"q1","resourceName":"orders","resourceType":"AWS::SQS::Queue","arn":"arn:aws:sqs:us-east-1:123456789012:orders","awsRegion":"us-east-1","accountId":"123456789012","tags":[{"key":"team","value":"orders"}],"configuration":{"SqsManagedSseEnabled":"true"}}"#.to_owned(),
            r#"{"resourceId":"x","resourceType":"Custom::Thing"}"#.to_owned(),
            "not json".to_owned(),
        ];
        let got = config_rows(&rows, "999", Some("eu-west-1"));
        assert_eq!(got.len(), 1);
        let r = &got[0];
        assert_eq!(
            (r.kind.as_str(), r.account.as_str(), r.region.as_deref()),
            ("aws.sqs.queue", "123456789012", Some("us-east-1"))
        );
        assert_eq!(r.tags["team"], "orders");
        assert!(r.enumerated_only);
        assert_eq!(r.raw["configuration"]["SqsManagedSseEnabled"], "true");
    }
}
