//! Turning SDK failures into inventory gaps.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use onus_model::{Gap, GapCause, Provider};

/// Where a call was made.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub account: String,
    pub region: Option<String>,
}

/// The cause and a one-line message for an SDK error. Never includes credentials:
/// only the service's error code and message, or the transport failure's kind.
pub(crate) fn describe<E>(err: &SdkError<E, HttpResponse>) -> (GapCause, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    // A read the run's budget refused (its deadline passed) was never sent.
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if let Some(skip) = s.downcast_ref::<onus_endpoint::Skipped>() {
            let cause = match skip {
                _ if skip.throttled() => GapCause::Throttled,
                onus_endpoint::Skipped::Requests(_) => GapCause::TooLarge,
                _ => GapCause::TimedOut,
            };
            return (cause, skip.to_string());
        }
        source = s.source();
    }
    match err {
        SdkError::TimeoutError(_) => (
            GapCause::TimedOut,
            "timed out: no answer within the operation timeout (--operation-timeout)".to_owned(),
        ),
        SdkError::DispatchFailure(d) => {
            let (cause, what) = if d.is_timeout() {
                (
                    GapCause::TimedOut,
                    "timed out: no answer within the attempt timeout (--timeout)",
                )
            } else if d.is_io() {
                (GapCause::Unreachable, "connection failed")
            } else {
                (GapCause::Unreachable, "request could not be sent")
            };
            (
                cause,
                format!(
                    "{what}: {}",
                    aws_smithy_types::error::display::DisplayErrorContext(err)
                ),
            )
        }
        SdkError::ResponseError(_) => (
            GapCause::ApiError,
            format!(
                "the response could not be read: {}",
                aws_smithy_types::error::display::DisplayErrorContext(err)
            ),
        ),
        SdkError::ConstructionFailure(_)
            if std::error::Error::source(err)
                .and_then(|s| s.downcast_ref::<onus_endpoint::PagingStopped>())
                .is_some() =>
        {
            // The listing's pages were cut off by the paging guard (a loop, or
            // more pages than onus follows): what the API did, named as such.
            let stop = std::error::Error::source(err)
                .map(ToString::to_string)
                .unwrap_or_default();
            (GapCause::ApiError, stop)
        }
        SdkError::ConstructionFailure(_) => (
            GapCause::Other,
            format!(
                "request not built: {}",
                aws_smithy_types::error::display::DisplayErrorContext(err)
            ),
        ),
        _ => {
            let code = err.code().unwrap_or("");
            let message = err.message().unwrap_or("");
            let status = err.raw_response().map(|r| r.status().as_u16());
            let cause = classify(code);
            let text = match (code.is_empty(), message.is_empty()) {
                (false, false) => format!("{code}: {message}"),
                (false, true) => code.to_owned(),
                _ => match status {
                    Some(s) if (200..300).contains(&s) => {
                        format!("the response could not be read (HTTP {s})")
                    }
                    Some(s) => format!("HTTP {s} without an error code"),
                    None => aws_smithy_types::error::display::DisplayErrorContext(err).to_string(),
                },
            };
            (cause, text)
        }
    }
}

/// The cause an AWS error code stands for.
pub(crate) fn classify(code: &str) -> GapCause {
    let c = code.to_ascii_lowercase();
    if c.contains("accessdenied")
        || c.contains("unauthorized")
        || c.contains("authorizationerror")
        || c == "forbidden"
    {
        GapCause::AccessDenied
    } else if c.contains("throttl")
        || c.contains("requestlimitexceeded")
        || c.contains("toomanyrequests")
        || c == "slowdown"
    {
        GapCause::Throttled
    } else if c.contains("optinrequired")
        || c.contains("unrecognizedclient")
        || c.contains("invalidclienttokenid")
        || c.contains("authfailure")
    {
        GapCause::RegionUnavailable
    } else {
        GapCause::ApiError
    }
}

/// A gap for a failed call.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gap<E>(
    scope: &Scope,
    service: &str,
    operation: &str,
    err: &SdkError<E, HttpResponse>,
    kinds: &[&str],
    facets: &[&str],
    resources: Vec<String>,
) -> Gap
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let (cause, error) = describe(err);
    recorded(
        scope, service, operation, cause, error, kinds, facets, resources,
    )
}

/// The reads of one resource: a failed read becomes a named collection
/// failure with one call, naming the scope, service, kinds and resource, so a
/// fetch function states only the operation and the facets it fed.
pub(crate) struct Reads<'a> {
    /// Where the reads go.
    pub scope: &'a Scope,
    /// The service, as gaps name it.
    pub service: &'a str,
    /// The kinds the reads feed.
    pub kinds: &'a [&'a str],
    /// The resource (its id) the reads are about.
    pub resource: &'a str,
}

impl Reads<'_> {
    /// The collection failure of `operation`, which fed `facets`.
    pub fn failed<E>(
        &self,
        operation: &str,
        facets: &[&str],
        err: &SdkError<E, HttpResponse>,
    ) -> Gap
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        gap(
            self.scope,
            self.service,
            operation,
            err,
            self.kinds,
            facets,
            vec![self.resource.to_owned()],
        )
    }
}

/// A read that succeeded but whose answer onus could not interpret for one
/// resource (a policy document it cannot evaluate): the facets it feeds are
/// unknown for that resource, with the reason, never a pass.
pub(crate) fn mapping_gap(
    scope: &Scope,
    service: &str,
    operation: &str,
    kind: &str,
    facets: &[&str],
    resource: &str,
    why: &str,
) -> Gap {
    recorded(
        scope,
        service,
        operation,
        GapCause::Mapping,
        why.to_owned(),
        &[kind],
        facets,
        vec![resource.to_owned()],
    )
}

/// The gap, logged once as it is recorded.
#[allow(clippy::too_many_arguments)]
pub(crate) fn recorded(
    scope: &Scope,
    service: &str,
    operation: &str,
    cause: GapCause,
    error: String,
    kinds: &[&str],
    facets: &[&str],
    resources: Vec<String>,
) -> Gap {
    let error = onus_model::api_text(&error);
    tracing::warn!(account = %scope.account, region = ?scope.region, service, operation, cause = cause.as_str(), %error, "collection gap");
    Gap {
        provider: Provider::Aws,
        account: Some(scope.account.clone()),
        region: scope.region.clone(),
        service: service.to_owned(),
        operation: operation.to_owned(),
        cause,
        error,
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        facets: facets.iter().map(|f| (*f).to_owned()).collect(),
        resources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A listing cut off by the paging guard is named as what the API did.
    #[test]
    fn paging_stopped_is_an_api_error_saying_why() {
        let err: SdkError<aws_sdk_sqs::operation::list_queues::ListQueuesError, HttpResponse> =
            SdkError::construction_failure(onus_endpoint::PagingStopped::TooMany(10_000));
        let (cause, message) = describe(&err);
        assert_eq!(cause, GapCause::ApiError);
        assert_eq!(
            message,
            "paging stopped after 10000 pages (the most onus follows in one listing)"
        );
    }

    #[test]
    fn codes_map_to_causes() {
        assert_eq!(classify("AccessDenied"), GapCause::AccessDenied);
        assert_eq!(classify("AccessDeniedException"), GapCause::AccessDenied);
        assert_eq!(classify("UnauthorizedOperation"), GapCause::AccessDenied);
        assert_eq!(classify("ThrottlingException"), GapCause::Throttled);
        assert_eq!(classify("RequestLimitExceeded"), GapCause::Throttled);
        assert_eq!(classify("OptInRequired"), GapCause::RegionUnavailable);
        assert_eq!(classify("InternalFailure"), GapCause::ApiError);
        assert_eq!(classify(""), GapCause::ApiError);
    }
}
