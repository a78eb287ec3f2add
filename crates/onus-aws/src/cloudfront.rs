//! CloudFront: distributions (a global service, read once per account): the
//! viewer protocol policy of every cache behaviour, the viewer certificate's
//! minimum protocol, and standard logging from the distribution's
//! configuration. Fetch only; the catalog's mappings derive the facets.

use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const DISTRIBUTION: &str = "aws.cloudfront.distribution";

/// CloudFront's API lives in us-east-1 whatever the regions in scope.
const HOME: &str = "us-east-1";

pub(crate) async fn collect(account: Account) -> Collected {
    let config = account.in_region(HOME);
    let client = aws_sdk_cloudfront::Client::from_conf(
        aws_sdk_cloudfront::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(None);
    let mut out = Collected::default();
    account.pace(None, "cloudfront").await;
    let (list, err) = pages(client.list_distributions().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "cloudfront",
            "ListDistributions",
            &e,
            &[DISTRIBUTION],
            &[],
            vec![],
        ));
    }
    let summaries = list
        .iter()
        .filter_map(|p| p.distribution_list())
        .flat_map(|l| l.items());
    for d in summaries {
        let id = d.id();
        let behaviours: Vec<Value> = d
            .cache_behaviors()
            .map(|c| c.items())
            .unwrap_or_default()
            .iter()
            .map(|b| {
                json!({
                    "PathPattern": b.path_pattern(),
                    "ViewerProtocolPolicy": b.viewer_protocol_policy().as_str(),
                })
            })
            .collect();
        let mut raw = json!({
            "Id": id,
            "ARN": d.arn(),
            "DomainName": d.domain_name(),
            "Enabled": d.enabled(),
            "DefaultCacheBehavior": d.default_cache_behavior().map(|b| json!({
                "ViewerProtocolPolicy": b.viewer_protocol_policy().as_str(),
            })),
            "CacheBehaviors": {"Items": behaviours},
            "ViewerCertificate": d.viewer_certificate().map(|v| json!({
                "CloudFrontDefaultCertificate": v.cloud_front_default_certificate(),
                "MinimumProtocolVersion": v.minimum_protocol_version().map(|p| p.as_str()),
                "SSLSupportMethod": v.ssl_support_method().map(|m| m.as_str()),
            })),
            "WebACLId": d.web_acl_id(),
        });
        account.pace(None, "cloudfront").await;
        match client.get_distribution_config().id(id).send().await {
            Ok(c) => {
                raw["Logging"] = c.distribution_config().and_then(|c| c.logging()).map_or(
                    json!({"Enabled": false}),
                    |l| json!({"Enabled": l.enabled(), "Bucket": l.bucket()}),
                );
            }
            Err(e) => {
                raw["Logging"] = Value::Null;
                out.gaps.push(gap(
                    &scope,
                    "cloudfront",
                    "GetDistributionConfig",
                    &e,
                    &[DISTRIBUTION],
                    &["logging"],
                    vec![d.arn().to_owned()],
                ));
            }
        }
        let mut r = resource(d.arn(), &account.id, None, DISTRIBUTION, Some(id));
        r.raw = raw;
        out.resources.push(r);
    }
    out
}
