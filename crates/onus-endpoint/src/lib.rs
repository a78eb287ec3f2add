//! Token confinement for the REST collectors (Azure, Google Cloud, SaaS).
//!
//! A collector sends a bearer token with every request. Some request URLs are
//! built from response data: a resource `id` joined onto the endpoint, a
//! `nextLink`, a `selfLink`. Whoever can write to the audited account shapes that
//! data, so a URL built from it must never carry the token to another host.
//! [`Endpoint`] is the one place where such URLs are made: every URL it returns
//! has the configured endpoint's scheme, host and port, or it is refused with
//! [`Refused`], which the collector records as a gap. [`Pages`] stops a paged
//! listing on a repeated link or token, or past [`MAX_PAGES`].

use std::collections::HashSet;

mod budget;
#[cfg(feature = "http")]
pub mod http;
mod ids;
pub use budget::{Breaker, Outcome, RunBudget, Skipped};
pub use ids::{BadId, path, segment};

use url::Url;

/// The most pages one listing follows (a thousand items a page at ARM's usual
/// page size: ten million items), so a hostile or broken server cannot keep a
/// collector paging forever.
pub const MAX_PAGES: usize = 10_000;

/// A URL from a response that would leave the endpoint, refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused a URL from the response that leaves the endpoint {endpoint}: {what}")]
pub struct Refused {
    /// The configured endpoint's origin.
    pub endpoint: String,
    /// What was refused and why.
    pub what: String,
}

/// Why paging stopped early.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingStopped {
    /// The server sent a link or token it had already sent: a loop.
    #[error("paging stopped: the server repeated a page link it had already sent (a loop)")]
    Repeated,
    /// More pages than [`MAX_PAGES`].
    #[error("paging stopped after {0} pages (the most onus follows in one listing)")]
    TooMany(usize),
}

/// The configured endpoint of a REST API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base: Url,
}

impl Endpoint {
    /// An endpoint at `base` (`https://management.azure.com/`). A base without a
    /// trailing slash gets one, so joined paths stay under it.
    pub fn new(mut base: Url) -> Endpoint {
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Endpoint { base }
    }

    /// The base URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The endpoint's origin, for messages (`https://management.azure.com`).
    pub fn origin(&self) -> String {
        self.base.origin().ascii_serialization()
    }

    /// Whether `url` has the endpoint's scheme, host and port.
    pub fn contains(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str().map(str::to_ascii_lowercase)
                == self.base.host_str().map(str::to_ascii_lowercase)
            && url.port_or_known_default() == self.base.port_or_known_default()
            && url.username().is_empty()
            && url.password().is_none()
    }

    fn refuse(&self, what: String) -> Refused {
        Refused {
            endpoint: self.origin(),
            what,
        }
    }

    /// A path from a response (a resource id such as `/subscriptions/…`) joined
    /// onto the endpoint. An absolute URL, a scheme-relative `//host/…` or anything
    /// else that lands on another origin is refused.
    pub fn join(&self, path: &str) -> Result<Url, Refused> {
        if path.contains('\\') || path.chars().any(char::is_control) {
            return Err(self.refuse(format!("path {path:?} has characters no resource path has")));
        }
        // Names from responses are encoded by `segment`; a path that still
        // has a segment the server or the parser would act on is refused.
        if let Some(why) = ids::unsafe_path(path) {
            return Err(self.refuse(format!("path {path:?} would steer the request: {why}")));
        }
        let relative = path.trim_start_matches('/');
        let url = self
            .base
            .join(relative)
            .map_err(|e| self.refuse(format!("path {path:?} is not a URL path ({e})")))?;
        if !self.contains(&url) {
            return Err(self.refuse(format!(
                "path {path:?} resolves to {}",
                url.origin().ascii_serialization()
            )));
        }
        Ok(url)
    }

    /// An absolute link from a response (`nextLink`): followed only when it is on
    /// the endpoint's origin.
    pub fn follow(&self, link: &str) -> Result<Url, Refused> {
        let url = Url::parse(link)
            .map_err(|e| self.refuse(format!("link {link:?} is not a URL ({e})")))?;
        if !self.contains(&url) {
            return Err(self.refuse(format!("link to {}", url.origin().ascii_serialization())));
        }
        Ok(url)
    }
}

/// What onus reads of an API at most, whatever the endpoint sends: past a
/// bound the read stops with [`TooLarge`], a named `too-large` failure, and
/// the run goes on with what it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one response body (`--max-response-mib`, default 32 MiB).
    pub response_bytes: usize,
    /// Bytes of all the pages of one listing together (default 256 MiB).
    pub listing_bytes: usize,
    /// Items of one listing (default 100,000).
    pub listing_items: usize,
}

impl Limits {
    /// The defaults: 32 MiB a response, 256 MiB and 100,000 items a listing.
    pub const DEFAULT: Limits = Limits {
        response_bytes: 32 << 20,
        listing_bytes: 256 << 20,
        listing_items: 100_000,
    };

    /// Whether a body that declares `length` bytes (`Content-Length`) may be read.
    pub fn declared(&self, length: Option<u64>) -> Result<(), TooLarge> {
        match length {
            Some(n) if n > self.response_bytes as u64 => Err(TooLarge::Response {
                limit: self.response_bytes,
            }),
            _ => Ok(()),
        }
    }

    /// Whether a body of which `read` bytes have arrived may be read further.
    pub fn reading(&self, read: usize) -> Result<(), TooLarge> {
        if read > self.response_bytes {
            Err(TooLarge::Response {
                limit: self.response_bytes,
            })
        } else {
            Ok(())
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// More than onus reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TooLarge {
    /// One response body past [`Limits::response_bytes`].
    #[error(
        "too large: the response is larger than {limit} bytes, the most onus reads of one (--max-response-mib); it was not read"
    )]
    Response {
        /// The limit.
        limit: usize,
    },
    /// One listing past its budget.
    #[error(
        "too large: the listing passed its budget of {items} items or {bytes} bytes; the pages before were kept, the rest not read"
    )]
    Listing {
        /// The item budget.
        items: usize,
        /// The byte budget.
        bytes: usize,
    },
}

/// The pages of one listing: each link or continuation token at most once, at
/// most [`MAX_PAGES`] of them, and within the listing's item and byte budget.
#[derive(Debug, Default)]
pub struct Pages {
    seen: HashSet<String>,
    cap: usize,
    limits: Limits,
    bytes: usize,
    items: usize,
}

impl Pages {
    /// A listing capped at [`MAX_PAGES`], with the default budget.
    pub fn new() -> Pages {
        Pages::with_cap(MAX_PAGES)
    }

    /// A listing capped at `cap` pages.
    pub fn with_cap(cap: usize) -> Pages {
        Pages {
            seen: HashSet::new(),
            cap,
            limits: Limits::DEFAULT,
            bytes: 0,
            items: 0,
        }
    }

    /// A listing with `limits`' budget.
    pub fn with_limits(limits: Limits) -> Pages {
        Pages {
            limits,
            ..Pages::new()
        }
    }

    /// Count a page of `bytes` holding `items`; past the listing's budget,
    /// an error says to stop (the page that passed it is not kept).
    pub fn took(&mut self, bytes: usize, items: usize) -> Result<(), TooLarge> {
        self.bytes = self.bytes.saturating_add(bytes);
        self.items = self.items.saturating_add(items);
        if self.bytes > self.limits.listing_bytes || self.items > self.limits.listing_items {
            return Err(TooLarge::Listing {
                items: self.limits.listing_items,
                bytes: self.limits.listing_bytes,
            });
        }
        Ok(())
    }

    /// Record the next page's link or token; an error says why to stop.
    pub fn next(&mut self, link: &str) -> Result<(), PagingStopped> {
        if self.seen.len() >= self.cap {
            return Err(PagingStopped::TooMany(self.cap));
        }
        if !self.seen.insert(link.to_owned()) {
            return Err(PagingStopped::Repeated);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm() -> Endpoint {
        Endpoint::new(Url::parse("https://management.azure.com").unwrap())
    }

    #[test]
    fn ids_join_onto_the_endpoint() {
        let u = arm().join("/subscriptions/s/resourceGroups/rg").unwrap();
        assert_eq!(
            u.as_str(),
            "https://management.azure.com/subscriptions/s/resourceGroups/rg"
        );
        let local = Endpoint::new(Url::parse("http://127.0.0.1:8080/prefix").unwrap());
        assert_eq!(
            local.join("/a/b").unwrap().as_str(),
            "http://127.0.0.1:8080/prefix/a/b"
        );
    }

    #[test]
    fn ids_that_leave_the_endpoint_are_refused() {
        for id in [
            "https://evil.example/subscriptions/s",
            "http://management.azure.com/x",
            "https://management.azure.com:444/x",
            "https://user@management.azure.com/x",
            "\\\\evil.example\\x",
            "/x\r\nHost: evil",
        ] {
            let e = arm().join(id);
            assert!(e.is_err(), "{id} -> {e:?}");
        }
        // Leading slashes are trimmed, so `//host` is a path on the endpoint.
        let u = arm().join("//evil.example/x").unwrap();
        assert_eq!(u.host_str(), Some("management.azure.com"));
        // A dot segment stays on the endpoint but leaves the resource's path:
        // refused too (identifiers are data, never paths).
        assert!(arm().join("/subscriptions/s/providers/x/..").is_err());
        assert!(arm().join("/subscriptions/s/providers/x%2F..%2Fy").is_err());
    }

    #[test]
    fn links_are_followed_only_on_the_endpoint() {
        assert!(
            arm()
                .follow("https://management.azure.com/subs?$skiptoken=a")
                .is_ok()
        );
        assert!(arm().follow("https://MANAGEMENT.azure.com/subs").is_ok());
        assert!(arm().follow("https://127.0.0.2/subs").is_err());
        assert!(arm().follow("not a url").is_err());
    }

    #[test]
    fn bodies_and_listings_stop_past_their_budget() {
        let limits = Limits {
            response_bytes: 10,
            listing_bytes: 25,
            listing_items: 3,
        };
        assert!(limits.declared(Some(10)).is_ok());
        assert!(limits.declared(Some(11)).is_err());
        assert!(limits.declared(None).is_ok());
        assert!(limits.reading(11).is_err());
        let mut pages = Pages::with_limits(limits);
        assert!(pages.took(10, 1).is_ok());
        assert!(pages.took(10, 2).is_ok());
        assert!(pages.took(0, 1).is_err(), "items");
        let mut pages = Pages::with_limits(limits);
        assert!(pages.took(20, 0).is_ok());
        assert!(pages.took(6, 0).is_err(), "bytes");
    }

    #[test]
    fn paging_stops_on_a_loop_or_past_the_cap() {
        let mut p = Pages::with_cap(3);
        assert!(p.next("a").is_ok());
        assert_eq!(p.next("a"), Err(PagingStopped::Repeated));
        assert!(p.next("b").is_ok());
        assert!(p.next("c").is_ok());
        assert_eq!(p.next("d"), Err(PagingStopped::TooMany(3)));
    }
}

/// What every collector takes besides its own scope and credentials: how many
/// reads at once, how long each may take, and which shard of the accounts,
/// subscriptions or projects to collect. Each collector's options carry one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectorOptions {
    /// Concurrent tasks (AWS: per account, region and service; Azure and
    /// Google Cloud: per-resource calls).
    pub concurrency: usize,
    /// Collect only the accounts, subscriptions or projects of shard (index,
    /// count), 1-based.
    pub shard: Option<(u32, u32)>,
    /// Connect, attempt and operation timeouts of every call.
    pub timeouts: Timeouts,
    /// What one response and one listing may hold.
    pub limits: Limits,
    /// The run's deadline (`--deadline`), from the start of collection.
    pub deadline: Option<std::time::Duration>,
    /// The circuit breaker per service.
    pub breaker: Breaker,
}

impl CollectorOptions {
    /// The budget of a collection starting now.
    pub fn budget(&self) -> RunBudget {
        RunBudget::new(self.deadline, self.breaker)
    }
}

impl Default for CollectorOptions {
    fn default() -> Self {
        CollectorOptions {
            concurrency: 16,
            shard: None,
            timeouts: Timeouts::DEFAULT,
            limits: Limits::DEFAULT,
            deadline: None,
            breaker: Breaker::default(),
        }
    }
}

/// How long a cloud call may take, shared by every collector. A call that runs
/// out of time is a gap like any other failure, and the rest of the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection (TCP and TLS).
    pub connect: std::time::Duration,
    /// One attempt of a call: connect, send, and read the whole response.
    pub attempt: std::time::Duration,
    /// One call with every retry and backoff.
    pub operation: std::time::Duration,
}

impl Timeouts {
    /// The defaults: 5 s to connect, 10 s an attempt, 30 s an operation. With the
    /// default three attempts, a black-holed endpoint costs each call 30 s, and
    /// the calls of independent services and regions run concurrently.
    pub const DEFAULT: Timeouts = Timeouts {
        connect: std::time::Duration::from_secs(5),
        attempt: std::time::Duration::from_secs(10),
        operation: std::time::Duration::from_secs(30),
    };

    /// Timeouts from an attempt and an operation limit; the connect limit is the
    /// smaller of 5 s and the attempt limit.
    pub fn new(attempt: std::time::Duration, operation: std::time::Duration) -> Timeouts {
        Timeouts {
            connect: attempt.min(std::time::Duration::from_secs(5)),
            attempt,
            operation: operation.max(attempt),
        }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts::DEFAULT
    }
}
