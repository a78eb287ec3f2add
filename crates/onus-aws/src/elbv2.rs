//! Elastic Load Balancing v2: application and network load balancers, their
//! listeners (protocol, TLS policy, default action) and, for plain-HTTP
//! listeners, their rules: a listener whose default action redirects to HTTPS
//! can still forward some paths in clear text through a rule. Fetch only; the
//! catalog maps the listeners to the transport facet.

use serde_json::{Value, json};

use crate::gap::gap;
use crate::{Account, Collected, pages, resource};

pub(crate) const LOAD_BALANCER: &str = "aws.elasticloadbalancingv2.load-balancer";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let elb = aws_sdk_elasticloadbalancingv2::Client::from_conf(
        aws_sdk_elasticloadbalancingv2::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    account.pace(Some(&region), "elbv2").await;
    let (list, err) = pages(elb.describe_load_balancers().into_paginator().send()).await;
    if let Some(e) = err {
        out.gaps.push(gap(
            &scope,
            "elasticloadbalancing",
            "DescribeLoadBalancers",
            &e,
            &[LOAD_BALANCER],
            &[],
            vec![],
        ));
    }
    let items: Vec<aws_sdk_elasticloadbalancingv2::types::LoadBalancer> = list
        .iter()
        .flat_map(|p| p.load_balancers())
        .map(ToOwned::to_owned)
        .collect();
    let read = |lb: aws_sdk_elasticloadbalancingv2::types::LoadBalancer| {
        let (elb, account, region, scope) =
            (elb.clone(), account.clone(), region.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let lb = &lb;
            let Some(arn) = lb.load_balancer_arn() else {
                return out;
            };
            let name = lb.load_balancer_name().unwrap_or(arn);
            let mut raw = json!({
                "LoadBalancerArn": arn,
                "LoadBalancerName": name,
                "Type": lb.r#type().map(|t| t.as_str()),
                "Scheme": lb.scheme().map(|s| s.as_str()),
            });
            account.pace(Some(&region), "elbv2").await;
            let (listeners, err) = pages(
                elb.describe_listeners()
                    .load_balancer_arn(arn)
                    .into_paginator()
                    .send(),
            )
            .await;
            match err {
                Some(e) => out.gaps.push(gap(
                    &scope,
                    "elasticloadbalancing",
                    "DescribeListeners",
                    &e,
                    &[LOAD_BALANCER],
                    &["transport"],
                    vec![arn.to_owned()],
                )),
                None => {
                    let mut listeners: Vec<Value> = listeners
                            .iter()
                            .flat_map(|p| p.listeners())
                            .map(|l| {
                                json!({
                                    "ListenerArn": l.listener_arn(),
                                    "Protocol": l.protocol().map(|p| p.as_str()),
                                    "Port": l.port(),
                                    "SslPolicy": l.ssl_policy(),
                                    "DefaultActions": l.default_actions().iter().map(|a| json!({
                                        "Type": a.r#type().map(|t| t.as_str()),
                                        "RedirectConfig": a.redirect_config().map(|r| json!({"Protocol": r.protocol(), "Port": r.port()})),
                                    })).collect::<Vec<_>>(),
                                })
                            })
                            .collect();
                    for l in &mut listeners {
                        if l["Protocol"] != "HTTP" {
                            continue;
                        }
                        let Some(listener) = l["ListenerArn"].as_str().map(str::to_owned) else {
                            continue;
                        };
                        account.pace(Some(&region), "elbv2").await;
                        let (rules, err) = pages(
                            elb.describe_rules()
                                .listener_arn(&listener)
                                .into_paginator()
                                .send(),
                        )
                        .await;
                        match err {
                            // Without its rules the listener stays unjudged (`Rules` absent).
                            Some(e) => out.gaps.push(gap(
                                &scope,
                                "elasticloadbalancing",
                                "DescribeRules",
                                &e,
                                &[LOAD_BALANCER],
                                &["transport"],
                                vec![arn.to_owned()],
                            )),
                            None => {
                                l["Rules"] = rules
                                        .iter()
                                        .flat_map(|p| p.rules())
                                        .map(|r| {
                                            json!({
                                                "RuleArn": r.rule_arn(),
                                                "Priority": r.priority(),
                                                "IsDefault": r.is_default(),
                                                "Actions": r.actions().iter().map(|a| json!({
                                                    "Type": a.r#type().map(|t| t.as_str()),
                                                    "RedirectConfig": a.redirect_config().map(|c| json!({"Protocol": c.protocol(), "Port": c.port()})),
                                                })).collect::<Vec<_>>(),
                                            })
                                        })
                                        .collect();
                            }
                        }
                    }
                    raw["Listeners"] = Value::Array(listeners);
                }
            }
            let mut r = resource(arn, &account.id, Some(&region), LOAD_BALANCER, Some(name));
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
