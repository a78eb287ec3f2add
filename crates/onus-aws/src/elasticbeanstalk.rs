//! Elastic Beanstalk: environments (managed platform updates, HTTPS listener, platform lifecycle).

use onus_model::{Runtime, Transport};
use serde_json::json;

use crate::gap::gap;
use crate::{Account, Collected, resource, source};

/// The configuration options onus reads (namespace, option name); the only
/// ones kept in `raw`.
const READ_OPTIONS: &[(&str, &str)] = &[
    (
        "aws:elasticbeanstalk:managedactions",
        "ManagedActionsEnabled",
    ),
    ("aws:elbv2:listener:443", "Protocol"),
    ("aws:elbv2:listener:443", "ListenerEnabled"),
    ("aws:elb:listener:443", "ListenerProtocol"),
];

const ENV: &str = "aws.elasticbeanstalk.environment";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let eb = aws_sdk_elasticbeanstalk::Client::from_conf(
        aws_sdk_elasticbeanstalk::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    let mut environments = Vec::new();
    // DescribeEnvironments has no SDK paginator.
    let listed = crate::token_pages(
        |token| {
            let call = eb
                .describe_environments()
                .include_deleted(false)
                .set_next_token(token);
            let pace = account.pace(Some(&region), "elasticbeanstalk");
            async move {
                pace.await;
                call.send().await
            }
        },
        |page| page.next_token(),
        |page| environments.extend(page.environments().iter().cloned()),
    )
    .await;
    match listed {
        Ok(()) => {}
        Err(crate::TokenStop::Failed(e)) => out.gaps.push(gap(
            &scope,
            "elasticbeanstalk",
            "DescribeEnvironments",
            &e,
            &[ENV],
            &[],
            vec![],
        )),
        Err(crate::TokenStop::Stopped(why)) => out.gaps.push(crate::gap::recorded(
            &scope,
            "elasticbeanstalk",
            "DescribeEnvironments",
            onus_model::GapCause::ApiError,
            why,
            &[ENV],
            &[],
            vec![],
        )),
    }
    let items: Vec<aws_sdk_elasticbeanstalk::types::EnvironmentDescription> = environments;
    let read = |env: aws_sdk_elasticbeanstalk::types::EnvironmentDescription| {
        let (eb, account, region, scope) =
            (eb.clone(), account.clone(), region.clone(), scope.clone());
        async move {
            let mut out = Collected::default();
            let env = &env;
            let (Some(name), Some(app)) = (env.environment_name(), env.application_name()) else {
                return out;
            };
            let arn = env.environment_arn().map(str::to_owned).unwrap_or_else(|| {
                format!(
                    "arn:aws:elasticbeanstalk:{region}:{}:environment/{app}/{name}",
                    account.id
                )
            });
            let mut r = resource(&arn, &account.id, Some(&region), ENV, Some(name));
            let mut raw = json!({"EnvironmentName": name, "ApplicationName": app, "PlatformArn": env.platform_arn(), "SolutionStackName": env.solution_stack_name()});
            let mut runtime = Runtime {
                name: env
                    .solution_stack_name()
                    .or(env.platform_arn())
                    .map(str::to_owned),
                ..Default::default()
            };
            account.pace(Some(&region), "elasticbeanstalk").await;
            match eb
                .describe_configuration_settings()
                .application_name(app)
                .environment_name(name)
                .send()
                .await
            {
                Ok(c) => {
                    let settings: Vec<_> = c
                        .configuration_settings()
                        .iter()
                        .flat_map(|s| s.option_settings())
                        .collect();
                    // Only the options onus reads are kept, as the API returned them:
                    // others (environment properties) may hold secrets.
                    let kept: Vec<_> = settings
                        .iter()
                        .filter(|o| {
                            READ_OPTIONS.iter().any(|(ns, opt)| {
                                o.namespace() == Some(*ns) && o.option_name() == Some(*opt)
                            })
                        })
                        .collect();
                    raw["OptionSettings"] = json!(kept
                            .iter()
                            .map(|o| json!({"Namespace": o.namespace(), "OptionName": o.option_name(), "Value": o.value()}))
                            .collect::<Vec<_>>());
                    let get = |ns: &str, opt: &str| {
                        kept.iter()
                            .position(|o| o.namespace() == Some(ns) && o.option_name() == Some(opt))
                            .and_then(|i| {
                                Some((kept[i].value()?, format!("/OptionSettings/{i}/Value")))
                            })
                    };
                    let managed = get(
                        "aws:elasticbeanstalk:managedactions",
                        "ManagedActionsEnabled",
                    );
                    let https = get("aws:elbv2:listener:443", "Protocol")
                        .or(get("aws:elb:listener:443", "ListenerProtocol"));
                    // An ALB listener is enabled unless ListenerEnabled says false.
                    let disabled = get("aws:elbv2:listener:443", "ListenerEnabled")
                        .filter(|(v, _)| v.eq_ignore_ascii_case("false"));
                    runtime.managed_updates = Some(
                        managed
                            .as_ref()
                            .is_some_and(|(v, _)| v.eq_ignore_ascii_case("true")),
                    );
                    source(
                        &mut r,
                        "runtime.managed_updates",
                        managed.as_ref().map_or("/OptionSettings", |(_, p)| p),
                    );
                    let tls = disabled.is_none()
                        && https
                            .as_ref()
                            .is_some_and(|(p, _)| p.eq_ignore_ascii_case("HTTPS"));
                    r.facets.transport = Some(Transport {
                        tls_enforced: Some(tls),
                        ..Default::default()
                    });
                    let pointer = match (&disabled, &https) {
                        (Some((_, p)), _) | (None, Some((_, p))) => p.as_str(),
                        (None, None) => "/OptionSettings",
                    };
                    source(&mut r, "transport.tls_enforced", pointer);
                }
                Err(e) => out.gaps.push(gap(
                    &scope,
                    "elasticbeanstalk",
                    "DescribeConfigurationSettings",
                    &e,
                    &[ENV],
                    &["runtime", "transport"],
                    vec![arn.clone()],
                )),
            }
            if let Some(platform) = env.platform_arn() {
                account.pace(Some(&region), "elasticbeanstalk").await;
                match eb
                    .describe_platform_version()
                    .platform_arn(platform)
                    .send()
                    .await
                {
                    Ok(p) => {
                        let d = p.platform_description();
                        let branch = d.and_then(|d| d.platform_branch_lifecycle_state());
                        let state = d.and_then(|d| d.platform_lifecycle_state());
                        raw["PlatformDescription"] = json!({
                            "PlatformBranchLifecycleState": branch,
                            "PlatformLifecycleState": state,
                        });
                        if let Some(b) = branch {
                            runtime.deprecated = Some(matches!(b, "Deprecated" | "Retired"));
                            source(
                                &mut r,
                                "runtime.deprecated",
                                "/PlatformDescription/PlatformBranchLifecycleState",
                            );
                        } else if let Some(s) = state {
                            runtime.deprecated = Some(s != "Recommended" && s != "Supported");
                            source(
                                &mut r,
                                "runtime.deprecated",
                                "/PlatformDescription/PlatformLifecycleState",
                            );
                        }
                    }
                    Err(e) => out.gaps.push(gap(
                        &scope,
                        "elasticbeanstalk",
                        "DescribePlatformVersion",
                        &e,
                        &[ENV],
                        &["runtime"],
                        vec![arn.clone()],
                    )),
                }
            }
            r.facets.runtime = Some(runtime);
            r.raw = raw;
            out.resources.push(r);
            out
        }
    };
    out.extend(crate::each(items, read).await);
    out
}
