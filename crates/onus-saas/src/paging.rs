//! The three APIs' listings, one loop through the paging guard: Graph's
//! `@odata.nextLink` (a URL, kept on the endpoint), Google's `nextPageToken`,
//! Dropbox's `cursor` with `has_more`. Each returns what was read and the
//! error that stopped it, if any: what was read before a failure is kept.

use onus_endpoint::Pages;
use onus_model::GapCause;
use serde_json::{Value, json};
use url::Url;

use crate::client::{ApiError, Client};

type Listing = (Vec<Value>, Option<ApiError>);

/// One request of a listing: the operation, its URL and its body (Dropbox).
type Request = (&'static str, Url, Option<Value>);

/// Every page from `first`: `field` of each, then the request `next` makes
/// from the page's continuation token (`None`: the last page), each token
/// once and within the listing's budget.
async fn walk(
    client: &Client,
    first: Result<Request, ApiError>,
    field: &str,
    next: impl Fn(&Value) -> Option<(String, Result<Request, ApiError>)>,
) -> Listing {
    let mut out = Vec::new();
    let mut pages = Pages::with_limits(client.limits());
    let mut request = first;
    loop {
        let (operation, url, body) = match request {
            Ok(r) => r,
            Err(e) => return (out, Some(e)),
        };
        let (mut page, size) = match client.call(operation, url, body.as_ref()).await {
            Ok(p) => p,
            Err(e) => return (out, Some(e)),
        };
        let found = match page.get_mut(field).map(Value::take) {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        };
        if let Err(e) = pages.took(size, found.len()) {
            return (out, Some(ApiError::new(GapCause::TooLarge, e.to_string())));
        }
        out.extend(found);
        let Some((token, following)) = next(&page) else {
            return (out, None);
        };
        if let Err(e) = pages.next(&token) {
            return (out, Some(ApiError::new(GapCause::ApiError, e.to_string())));
        }
        request = following;
    }
}

/// Graph: `value` of each page, following `@odata.nextLink`.
pub(crate) async fn graph(
    client: &Client,
    operation: &'static str,
    path: &str,
    query: &[(&str, &str)],
) -> Listing {
    let first = client
        .url(operation, path, query)
        .map(|u| (operation, u, None));
    walk(client, first, "value", |page| {
        let link = page["@odata.nextLink"].as_str().filter(|l| !l.is_empty())?;
        let request = client.follow(operation, link).map(|u| (operation, u, None));
        Some((link.to_owned(), request))
    })
    .await
}

/// Google: `field` of each page, following `nextPageToken` as `pageToken`.
pub(crate) async fn google(
    client: &Client,
    operation: &'static str,
    path: &str,
    query: &[(&str, &str)],
    field: &str,
) -> Listing {
    let first = client
        .url(operation, path, query)
        .map(|u| (operation, u, None));
    walk(client, first, field, |page| {
        let token = page["nextPageToken"].as_str().filter(|t| !t.is_empty())?;
        let mut q = query.to_vec();
        q.push(("pageToken", token));
        let request = client
            .url(operation, path, &q)
            .map(|u| (operation, u, None));
        Some((token.to_owned(), request))
    })
    .await
}

/// Dropbox: `field` of the first route's answer, then of `continue` with the
/// `cursor` while `has_more`.
pub(crate) async fn dropbox(
    client: &Client,
    first: (&'static str, &str, Value),
    next: (&'static str, &str),
    field: &str,
) -> Listing {
    let (operation, path, body) = first;
    let start = client
        .url(operation, path, &[])
        .map(|u| (operation, u, Some(body)));
    walk(client, start, field, |page| {
        if page["has_more"] != Value::Bool(true) {
            return None;
        }
        let Some(cursor) = page["cursor"].as_str().filter(|c| !c.is_empty()) else {
            // Said to have more with no way to ask: a failure, never an end.
            let e = ApiError::new(
                GapCause::ApiError,
                "the listing says it has more but gives no cursor",
            );
            return Some((String::new(), Err(e)));
        };
        let request = client
            .url(next.0, next.1, &[])
            .map(|u| (next.0, u, Some(json!({ "cursor": cursor }))));
        Some((cursor.to_owned(), request))
    })
    .await
}
