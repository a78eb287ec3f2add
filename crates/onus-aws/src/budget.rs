//! Retries that end before the operation timeout does.
//!
//! The SDK's operation timeout covers every attempt of an operation. Without
//! this interceptor, an operation throttled again and again ends when that
//! timeout cuts into the adaptive retry's wait, and the SDK reports only
//! "timed out": the throttling that used the time up is lost. With it, once
//! the next retry's longest wait would not fit in what is left of the
//! operation timeout, no further attempt is made, and the last answer (a
//! throttling error, a 500) is what the collection failure names.

use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextMut,
};
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::retry::{RetryConfig, RetryMode};
use aws_smithy_types::timeout::TimeoutConfig;

/// When the operation began (its first attempt, before any retry).
#[derive(Debug, Clone, Copy)]
struct Began(Instant);

impl Storable for Began {
    type Storer = StoreReplace<Self>;
}

/// The interceptor every SDK client carries beside the read-only guard. It
/// also keeps the run's deadline: past it no operation starts (the failure
/// says it was skipped), and retries stop as they would at the operation
/// timeout.
#[derive(Debug, Clone, Default)]
pub(crate) struct RetryBudget {
    run: onus_endpoint::RunBudget,
}

impl RetryBudget {
    /// Retries under the run's `budget`.
    pub(crate) fn new(run: onus_endpoint::RunBudget) -> RetryBudget {
        RetryBudget { run }
    }
}

/// The longest wait the standard retry strategy may take before attempt
/// `attempts + 1`: the exponential backoff's bound, capped.
pub(crate) fn longest_wait(retry: &RetryConfig, attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1));
    retry
        .initial_backoff()
        .saturating_mul(factor)
        .min(retry.max_backoff())
}

/// Whether another attempt still fits: `left` is what remains of the
/// operation timeout.
pub(crate) fn retry_fits(retry: &RetryConfig, attempts: u32, left: Duration) -> bool {
    longest_wait(retry, attempts) < left
}

/// The retry configuration for what is left of an operation after `attempts`
/// attempts, or `None` to keep it. The adaptive mode's client-side rate
/// limiter may ask for a wait as long as the longest backoff (20 s by default)
/// whatever the attempt, which no bound predicts: once that much no longer
/// fits, the operation's last retries use the standard mode's exponential
/// backoff, and once even its next wait does not fit, no retry is made.
pub(crate) fn tightened(retry: &RetryConfig, attempts: u32, left: Duration) -> Option<RetryConfig> {
    let mut next = retry.clone();
    if next.mode() == RetryMode::Adaptive && next.max_backoff() >= left {
        next = next.with_retry_mode(RetryMode::Standard);
    }
    if !retry_fits(&next, attempts, left) {
        next = next.with_max_attempts(attempts);
    }
    (next != *retry).then_some(next)
}

/// Cap the next attempt's timeout at `left` (the SDK reads it per attempt).
fn cap_attempt(cfg: &mut ConfigBag, left: Duration) {
    let Some(timeouts) = cfg.load::<TimeoutConfig>().cloned() else {
        return;
    };
    let capped = timeouts
        .operation_attempt_timeout()
        .map_or(left, |a| a.min(left));
    if timeouts.operation_attempt_timeout() != Some(capped) {
        let mut b = timeouts.to_builder();
        b.set_operation_attempt_timeout(Some(capped));
        cfg.interceptor_state().store_put(b.build());
    }
}

impl Intercept for RetryBudget {
    fn name(&self) -> &'static str {
        "onus-retry-budget"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Past the run's deadline no operation starts; before it, no attempt
        // outlasts it.
        if let Some(left) = self.run.left() {
            if left == Duration::ZERO {
                self.run.admit("aws")?;
            }
            cap_attempt(cfg, left);
        }
        cfg.interceptor_state().store_put(Began(Instant::now()));
        Ok(())
    }

    // A retry after an attempt cut by the deadline does not start.
    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.run.left() == Some(Duration::ZERO) {
            self.run.admit("aws")?;
        }
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Only an answer the service gave (a throttle, a 5xx) is worth keeping
        // over "timed out"; a failed connection or a hung attempt is not.
        let answered_with_error =
            context.response().is_some() && context.output_or_error().is_some_and(|r| r.is_err());
        if !answered_with_error {
            return Ok(());
        }
        let (Some(began), Some(retry), Some(attempts)) = (
            cfg.load::<Began>().copied(),
            cfg.load::<RetryConfig>().cloned(),
            cfg.load::<RequestAttempts>().map(RequestAttempts::attempts),
        ) else {
            return Ok(());
        };
        let Some(limit) = cfg
            .load::<TimeoutConfig>()
            .and_then(TimeoutConfig::operation_timeout)
        else {
            return Ok(());
        };
        if let Some(run_left) = self.run.left() {
            cap_attempt(cfg, run_left.max(Duration::from_millis(1)));
        }
        let left = self.run.bound(limit.saturating_sub(began.0.elapsed()));
        if let Some(retry) = tightened(&retry, attempts, left) {
            tracing::debug!(
                attempts,
                ?left,
                "retries tightened to fit the operation timeout"
            );
            cfg.interceptor_state().store_put(retry);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap() {
        let retry = RetryConfig::adaptive()
            .with_initial_backoff(Duration::from_millis(200))
            .with_max_backoff(Duration::from_secs(20));
        assert_eq!(longest_wait(&retry, 1), Duration::from_millis(200));
        assert_eq!(longest_wait(&retry, 2), Duration::from_millis(400));
        assert_eq!(
            longest_wait(&retry, 8),
            Duration::from_millis(25_600).min(Duration::from_secs(20))
        );
        assert_eq!(longest_wait(&retry, 40), Duration::from_secs(20));
    }

    #[test]
    fn adaptive_waits_give_way_near_the_deadline_then_retries_stop() {
        let retry = RetryConfig::adaptive()
            .with_max_attempts(100)
            .with_initial_backoff(Duration::from_millis(200))
            .with_max_backoff(Duration::from_secs(20));
        // Plenty of time: unchanged.
        assert_eq!(tightened(&retry, 1, Duration::from_secs(25)), None);
        // Less than the rate limiter might ask for: standard backoff.
        let t = tightened(&retry, 1, Duration::from_secs(4)).unwrap();
        assert_eq!(t.mode(), RetryMode::Standard);
        assert_eq!(t.max_attempts(), 100);
        // Not even the next backoff fits: this attempt is the last.
        let t = tightened(&retry, 5, Duration::from_secs(3)).unwrap();
        assert_eq!(t.max_attempts(), 5);
    }

    #[test]
    fn a_retry_fits_only_with_time_left_for_its_wait() {
        let retry = RetryConfig::adaptive().with_initial_backoff(Duration::from_secs(1));
        assert!(retry_fits(&retry, 1, Duration::from_secs(2)));
        assert!(!retry_fits(&retry, 3, Duration::from_secs(4)));
        assert!(!retry_fits(&retry, 1, Duration::ZERO));
    }
}
