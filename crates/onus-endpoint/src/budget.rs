//! A budget for the whole run: a deadline every read respects, and a circuit
//! breaker per service.
//!
//! Per-call timeouts bound one read, not the run: slow or throttling
//! endpoints could cost 30 s a read, hours for an estate. A [`RunBudget`]
//! admits a read only before the run's deadline (`--deadline`) and while its
//! service has not timed out or throttled [`Breaker::trip_after`] times in a
//! row; a read it refuses is [`Skipped`], a named failure made at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a read was not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skipped {
    /// The run's deadline passed.
    #[error("skipped: the run's deadline ({0}, --deadline) passed before this read")]
    Deadline(String),
    /// The run made as many reads as it may.
    #[error("skipped: the run made its {0} reads (--max-requests) before this one")]
    Requests(u64),
    /// The service's breaker is open.
    #[error(
        "skipped: {service} {what} {count} times in a row, so its remaining reads were not made"
    )]
    Breaker {
        /// The service.
        service: String,
        /// `timed out` or `throttled`.
        what: &'static str,
        /// Consecutive failures that opened the breaker.
        count: u32,
    },
}

impl Skipped {
    /// Whether the skip stands for throttling (else for time running out).
    pub fn throttled(&self) -> bool {
        matches!(
            self,
            Skipped::Breaker {
                what: "throttled",
                ..
            }
        )
    }
}

/// How a read ended, for the breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An answer (success or any error the API gave).
    Answered,
    /// No answer in time.
    TimedOut,
    /// Throttled beyond the retries.
    Throttled,
}

/// The breaker and request budget settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breaker {
    /// Consecutive timeouts or throttles of one service that open its breaker
    /// (0: never).
    pub trip_after: u32,
    /// Reads the whole run may start (0: no limit).
    pub max_requests: u64,
}

impl Default for Breaker {
    fn default() -> Self {
        Breaker {
            trip_after: 5,
            max_requests: 1_000_000,
        }
    }
}

#[derive(Debug)]
struct Inner {
    deadline: Option<(Instant, String)>,
    breaker: Breaker,
    /// service → (consecutive failures, last failure was a throttle)
    streaks: Mutex<HashMap<String, (u32, bool)>>,
    /// Reads admitted so far.
    requests: std::sync::atomic::AtomicU64,
}

/// The run's budget, shared by every read of one collection.
#[derive(Debug, Clone)]
pub struct RunBudget(Arc<Inner>);

impl RunBudget {
    /// A budget ending `deadline` from now (none: no deadline).
    pub fn new(deadline: Option<Duration>, breaker: Breaker) -> RunBudget {
        RunBudget(Arc::new(Inner {
            deadline: deadline.map(|d| {
                (
                    Instant::now() + d,
                    humantime::format_duration(d).to_string(),
                )
            }),
            breaker,
            streaks: Mutex::new(HashMap::new()),
            requests: std::sync::atomic::AtomicU64::new(0),
        }))
    }

    /// No deadline and no breaker.
    pub fn unlimited() -> RunBudget {
        RunBudget::new(
            None,
            Breaker {
                trip_after: 0,
                max_requests: 0,
            },
        )
    }

    /// Time left before the deadline (`None`: no deadline).
    pub fn left(&self) -> Option<Duration> {
        self.0
            .deadline
            .as_ref()
            .map(|(at, _)| at.saturating_duration_since(Instant::now()))
    }

    /// `timeout`, shortened to what is left of the run.
    pub fn bound(&self, timeout: Duration) -> Duration {
        self.left().map_or(timeout, |left| timeout.min(left))
    }

    /// Whether a read of `service` may start now.
    pub fn admit(&self, service: &str) -> Result<(), Skipped> {
        if let Some((_, text)) = &self.0.deadline
            && self.left() == Some(Duration::ZERO)
        {
            return Err(Skipped::Deadline(text.clone()));
        }
        let max = self.0.breaker.max_requests;
        if max > 0
            && self
                .0
                .requests
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                >= max
        {
            return Err(Skipped::Requests(max));
        }
        let trip = self.0.breaker.trip_after;
        if trip > 0
            && let Ok(streaks) = self.0.streaks.lock()
            && let Some(&(count, throttled)) = streaks.get(service)
            && count >= trip
        {
            return Err(Skipped::Breaker {
                service: service.to_owned(),
                what: if throttled { "throttled" } else { "timed out" },
                count,
            });
        }
        Ok(())
    }

    /// Record how a read of `service` ended: a timeout or a throttle extends
    /// the service's streak, an answer ends it.
    pub fn record(&self, service: &str, outcome: Outcome) {
        if let Ok(mut streaks) = self.0.streaks.lock() {
            match outcome {
                Outcome::Answered => {
                    streaks.remove(service);
                }
                Outcome::TimedOut | Outcome::Throttled => {
                    let e = streaks.entry(service.to_owned()).or_insert((0, false));
                    e.0 += 1;
                    e.1 = outcome == Outcome::Throttled;
                }
            }
        }
    }
}

impl Default for RunBudget {
    fn default() -> Self {
        RunBudget::unlimited()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breaker_opens_after_a_streak_and_an_answer_closes_it() {
        let b = RunBudget::new(
            None,
            Breaker {
                trip_after: 3,
                max_requests: 0,
            },
        );
        for _ in 0..2 {
            b.record("compute", Outcome::TimedOut);
        }
        assert!(b.admit("compute").is_ok());
        b.record("compute", Outcome::Answered);
        for _ in 0..3 {
            b.record("compute", Outcome::Throttled);
        }
        let e = b.admit("compute").unwrap_err();
        assert!(e.throttled(), "{e}");
        assert!(e.to_string().contains("throttled 3 times in a row"), "{e}");
        assert!(b.admit("storage").is_ok(), "per service");
    }

    #[test]
    fn the_run_stops_reading_at_its_request_budget() {
        let b = RunBudget::new(
            None,
            Breaker {
                trip_after: 0,
                max_requests: 3,
            },
        );
        for _ in 0..3 {
            assert!(b.admit("x").is_ok());
        }
        assert_eq!(b.admit("y"), Err(Skipped::Requests(3)));
    }

    #[test]
    fn past_the_deadline_nothing_is_admitted_and_timeouts_shrink() {
        let b = RunBudget::new(Some(Duration::ZERO), Breaker::default());
        assert!(matches!(b.admit("x"), Err(Skipped::Deadline(_))));
        assert_eq!(b.bound(Duration::from_secs(30)), Duration::ZERO);
        let b = RunBudget::new(Some(Duration::from_secs(3600)), Breaker::default());
        assert!(b.admit("x").is_ok());
        assert_eq!(b.bound(Duration::from_secs(30)), Duration::from_secs(30));
        let u = RunBudget::unlimited();
        for _ in 0..100 {
            u.record("x", Outcome::TimedOut);
        }
        assert!(u.admit("x").is_ok(), "no breaker");
    }
}
