//! API Gateway (REST APIs): every stage of every API, with the API's own TLS
//! security policy and endpoint settings beside it. Fetch only; the catalog's
//! mappings derive the facets.

use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const STAGE: &str = "aws.apigateway.stage";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let client = aws_sdk_apigateway::Client::from_conf(
        aws_sdk_apigateway::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "apigateway").await;
    let (list, err) = pages(client.get_rest_apis().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "apigateway",
            "GetRestApis",
            &e,
            &[STAGE],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_apigateway::types::RestApi> = list
        .iter()
        .flat_map(|p| p.items())
        .map(ToOwned::to_owned)
        .collect();
    let read = |api: aws_sdk_apigateway::types::RestApi| {
        let (client, account, region, scope) = (
            client.clone(),
            account.clone(),
            region.clone(),
            scope.clone(),
        );
        async move {
            let mut out = Collected::default();
            let api = &api;
            let Some(api_id) = api.id() else {
                return out;
            };
            let rest_api = json!({
                "id": api_id,
                "name": api.name(),
                "securityPolicy": api.security_policy().map(|p| p.as_str()),
                "disableExecuteApiEndpoint": api.disable_execute_api_endpoint(),
                "endpointConfiguration": api.endpoint_configuration().map(|e| json!({
                    "types": e.types().iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                })),
            });
            account.pace(Some(&region), "apigateway").await;
            match client.get_stages().rest_api_id(api_id).send().await {
                Ok(stages) => {
                    for s in stages.item() {
                        let Some(stage) = s.stage_name() else {
                            continue;
                        };
                        let arn = format!(
                            "arn:aws:apigateway:{region}::/restapis/{api_id}/stages/{stage}"
                        );
                        let name = format!("{}/{stage}", api.name().unwrap_or(api_id));
                        let mut r = resource(&arn, &account.id, Some(&region), STAGE, Some(&name));
                        r.raw = json!({
                            "stageName": stage,
                            "deploymentId": s.deployment_id(),
                            "accessLogSettings": s.access_log_settings().map(|a| json!({
                                "destinationArn": a.destination_arn(),
                                "format": a.format(),
                            })),
                            "tracingEnabled": s.tracing_enabled(),
                            "webAclArn": s.web_acl_arn(),
                            "clientCertificateId": s.client_certificate_id(),
                            "restApi": rest_api,
                        });
                        out.resources.push(r);
                    }
                }
                Err(e) => {
                    out.gaps.push(gap(
                        &scope,
                        "apigateway",
                        "GetStages",
                        &e,
                        &[STAGE],
                        &[],
                        vec![format!("arn:aws:apigateway:{region}::/restapis/{api_id}")],
                    ));
                }
            }
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
