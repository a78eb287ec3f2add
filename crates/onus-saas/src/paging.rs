//! The three APIs' listings, every page through the paging guard: Graph's
//! `@odata.nextLink` (a URL, kept on the endpoint), Google's `nextPageToken`,
//! Dropbox's `cursor` with `has_more`. Each returns what was read and the
//! error that stopped it, if any: what was read before a failure is kept.

use onus_endpoint::Pages;
use onus_model::GapCause;
use serde_json::{Value, json};

use crate::client::{ApiError, Client};

type Listing = (Vec<Value>, Option<ApiError>);

fn stopped(e: impl std::fmt::Display, cause: GapCause) -> ApiError {
    ApiError::new(cause, e.to_string())
}

/// Take `field` out of a page as a list.
fn items(page: &mut Value, field: &str) -> Vec<Value> {
    match page.get_mut(field).map(Value::take) {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    }
}

/// Graph: `value` of each page, following `@odata.nextLink`.
pub(crate) async fn graph(
    client: &Client,
    operation: &str,
    path: &str,
    query: &[(&str, &str)],
) -> Listing {
    let mut out = Vec::new();
    let mut pages = Pages::with_limits(client.limits());
    let mut url = match client.url(operation, path, query) {
        Ok(u) => u,
        Err(e) => return (out, Some(e)),
    };
    loop {
        let (mut page, size) = match client.call(operation, url, None).await {
            Ok(p) => p,
            Err(e) => return (out, Some(e)),
        };
        let found = items(&mut page, "value");
        if let Err(e) = pages.took(size, found.len()) {
            return (out, Some(stopped(e, GapCause::TooLarge)));
        }
        out.extend(found);
        let Some(next) = page["@odata.nextLink"].as_str().filter(|l| !l.is_empty()) else {
            return (out, None);
        };
        if let Err(e) = pages.next(next) {
            return (out, Some(stopped(e, GapCause::ApiError)));
        }
        url = match client.follow(operation, next) {
            Ok(u) => u,
            Err(e) => return (out, Some(e)),
        };
    }
}

/// Google: `field` of each page, following `nextPageToken` as `pageToken`.
pub(crate) async fn google(
    client: &Client,
    operation: &str,
    path: &str,
    query: &[(&str, &str)],
    field: &str,
) -> Listing {
    let mut out = Vec::new();
    let mut pages = Pages::with_limits(client.limits());
    let mut token: Option<String> = None;
    loop {
        let mut q = query.to_vec();
        if let Some(t) = &token {
            q.push(("pageToken", t));
        }
        let url = match client.url(operation, path, &q) {
            Ok(u) => u,
            Err(e) => return (out, Some(e)),
        };
        let (mut page, size) = match client.call(operation, url, None).await {
            Ok(p) => p,
            Err(e) => return (out, Some(e)),
        };
        let found = items(&mut page, field);
        if let Err(e) = pages.took(size, found.len()) {
            return (out, Some(stopped(e, GapCause::TooLarge)));
        }
        out.extend(found);
        match page["nextPageToken"].as_str().filter(|t| !t.is_empty()) {
            None => return (out, None),
            Some(t) => {
                if let Err(e) = pages.next(t) {
                    return (out, Some(stopped(e, GapCause::ApiError)));
                }
                token = Some(t.to_owned());
            }
        }
    }
}

/// Dropbox: `field` of the first route's answer, then of `continue` with the
/// `cursor` while `has_more`.
pub(crate) async fn dropbox(
    client: &Client,
    first: (&str, &str, Value),
    next: (&str, &str),
    field: &str,
) -> Listing {
    let mut out = Vec::new();
    let mut pages = Pages::with_limits(client.limits());
    let (mut operation, mut path, mut body) = first;
    loop {
        let url = match client.url(operation, path, &[]) {
            Ok(u) => u,
            Err(e) => return (out, Some(e)),
        };
        let (mut page, size) = match client.call(operation, url, Some(&body)).await {
            Ok(p) => p,
            Err(e) => return (out, Some(e)),
        };
        let found = items(&mut page, field);
        if let Err(e) = pages.took(size, found.len()) {
            return (out, Some(stopped(e, GapCause::TooLarge)));
        }
        out.extend(found);
        if page["has_more"] != Value::Bool(true) {
            return (out, None);
        }
        let Some(cursor) = page["cursor"].as_str().filter(|c| !c.is_empty()) else {
            return (
                out,
                Some(ApiError::new(
                    GapCause::ApiError,
                    "the listing says it has more but gives no cursor",
                )),
            );
        };
        if let Err(e) = pages.next(cursor) {
            return (out, Some(stopped(e, GapCause::ApiError)));
        }
        (operation, path) = next;
        body = json!({ "cursor": cursor });
    }
}
