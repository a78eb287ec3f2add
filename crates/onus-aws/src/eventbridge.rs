//! Amazon EventBridge: event buses (`ListEventBuses`, which returns each
//! bus's resource policy as a JSON document in a string). The policy
//! evaluator reads the policy (`policy::embedded_policy_public`); a bus
//! without one accepts events from its own account only.

use serde_json::json;

use crate::gap::gap;
use crate::ssm::to_chrono;
use crate::{Account, Collected, resource};

pub(crate) const BUS: &str = "aws.events.event-bus";

pub(crate) async fn collect(account: Account, region: String) -> Collected {
    let config = account.in_region(&region);
    let events = aws_sdk_eventbridge::Client::from_conf(
        aws_sdk_eventbridge::config::Builder::from(&config)
            .interceptor(account.guard.clone())
            .interceptor(account.retries.clone())
            .build(),
    );
    let scope = account.scope(Some(&region));
    let mut out = Collected::default();
    // ListEventBuses has no paginator in the SDK.
    let mut buses = Vec::new();
    let listed = crate::token_pages(
        |token| {
            let call = events.list_event_buses().set_next_token(token);
            let pace = account.pace(Some(&region), "events");
            async move {
                pace.await;
                call.send().await
            }
        },
        |page| page.next_token(),
        |page| buses.extend(page.event_buses().iter().cloned()),
    )
    .await;
    match listed {
        Ok(()) => {}
        Err(crate::TokenStop::Failed(e)) => out.gaps.push(gap(
            &scope,
            "events",
            "ListEventBuses",
            &e,
            &[BUS],
            &[],
            vec![],
        )),
        Err(crate::TokenStop::Stopped(why)) => out.gaps.push(crate::gap::recorded(
            &scope,
            "events",
            "ListEventBuses",
            onus_model::GapCause::ApiError,
            why,
            &[BUS],
            &[],
            vec![],
        )),
    }
    for b in &buses {
        let (Some(name), Some(arn)) = (b.name(), b.arn()) else {
            continue;
        };
        let mut r = resource(arn, &account.id, Some(&region), BUS, Some(name));
        r.raw = json!({
            "Name": name,
            "Arn": arn,
            "Description": b.description(),
            "Policy": b.policy(),
            "CreationTime": b.creation_time().and_then(to_chrono),
            "LastModifiedTime": b.last_modified_time().and_then(to_chrono),
        });
        let answer = crate::policy::embedded_policy_public(&r.raw, "", "Policy");
        crate::sqs::set_policy_public(
            &mut r,
            answer,
            &scope,
            &mut out.gaps,
            "events",
            "ListEventBuses",
        );
        out.resources.push(r);
    }
    out
}
