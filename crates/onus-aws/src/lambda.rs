//! Lambda: functions (runtime, function URL authentication).

use aws_sdk_lambda::error::ProvideErrorMetadata;
use aws_sdk_lambda::types::{FunctionUrlAuthType, PackageType};
use onus_model::Runtime;
use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource, source};

const FUNCTION: &str = "aws.lambda.function";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let lambda = aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "lambda").await;
    let (pages_fn, err) = pages(lambda.list_functions().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "lambda",
            "ListFunctions",
            &e,
            &[FUNCTION],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_lambda::types::FunctionConfiguration> = pages_fn
        .iter()
        .flat_map(|p| p.functions())
        .map(ToOwned::to_owned)
        .collect();
    let read = |f: aws_sdk_lambda::types::FunctionConfiguration| {
        let (lambda, account, region, scope) = (
            lambda.clone(),
            account.clone(),
            region.clone(),
            scope.clone(),
        );
        async move {
            let mut out = Collected::default();
            let f = &f;
            let Some(name) = f.function_name() else {
                return out;
            };
            let arn = f.function_arn().map(str::to_owned).unwrap_or_else(|| {
                format!("arn:aws:lambda:{region}:{}:function:{name}", account.id)
            });
            let mut r = resource(&arn, &account.id, Some(&region), FUNCTION, Some(name));
            let image = f.package_type() == Some(&PackageType::Image);
            let runtime = f.runtime().map(|x| x.as_str().to_owned());
            let mut raw = json!({"FunctionName": name, "Runtime": runtime, "PackageType": f.package_type().map(|p| p.as_str())});
            // An image function has no managed runtime: an empty name tells RUN001 so.
            let runtime_name = if image { Some(String::new()) } else { runtime };
            if runtime_name.is_some() {
                r.facets.runtime = Some(Runtime {
                    name: runtime_name,
                    ..Default::default()
                });
                source(&mut r, "runtime.name", "/Runtime");
            }
            account.pace(Some(&region), "lambda").await;
            match lambda
                .get_function_url_config()
                .function_name(name)
                .send()
                .await
            {
                Ok(u) => {
                    raw["FunctionUrlConfig"] = json!({"FunctionUrl": u.function_url(), "AuthType": u.auth_type().as_str()});
                    r.facets.network = Some(onus_model::Network {
                        public_endpoint: Some(true),
                        ..Default::default()
                    });
                    r.facets.identity = Some(onus_model::Identity {
                        endpoint_auth_required: Some(*u.auth_type() == FunctionUrlAuthType::AwsIam),
                        ..Default::default()
                    });
                    source(&mut r, "network.public_endpoint", "/FunctionUrlConfig");
                    source(
                        &mut r,
                        "identity.endpoint_auth_required",
                        "/FunctionUrlConfig/AuthType",
                    );
                }
                Err(e) if e.code() == Some("ResourceNotFoundException") => {
                    raw["FunctionUrlConfig"] = Value::Null;
                    r.facets.network = Some(onus_model::Network {
                        public_endpoint: Some(false),
                        ..Default::default()
                    });
                    source(&mut r, "network.public_endpoint", "/FunctionUrlConfig");
                }
                Err(e) => out.gaps.push(gap(
                    &scope,
                    "lambda",
                    "GetFunctionUrlConfig",
                    &e,
                    &[FUNCTION],
                    &["identity", "network"],
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
