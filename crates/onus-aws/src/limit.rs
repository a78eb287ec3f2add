//! A client-side rate limit per (account, region, service): a generic cell rate
//! algorithm allowing a burst of one second's worth of requests.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use tokio::sync::Mutex;

/// Paces requests per key.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    interval: Option<Duration>,
    burst: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl RateLimiter {
    /// `per_second` requests per second per key; 0 disables pacing.
    pub fn new(per_second: u32) -> RateLimiter {
        let interval = (per_second > 0).then(|| Duration::from_secs(1) / per_second);
        RateLimiter {
            interval,
            burst: Duration::from_secs(1),
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Wait until a request under `key` may go.
    pub async fn wait(&self, key: &str) {
        let Some(interval) = self.interval else {
            return;
        };
        let now = Instant::now();
        let start = {
            let mut next = self.next.lock().await;
            let floor = now.checked_sub(self.burst).unwrap_or(now);
            let slot = next.get(key).copied().unwrap_or(floor).max(floor);
            next.insert(key.to_owned(), slot + interval);
            slot
        };
        if start > now {
            tokio::time::sleep(start - now).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn bursts_then_paces() {
        let limiter = RateLimiter::new(10);
        let t0 = Instant::now();
        for _ in 0..10 {
            limiter.wait("ec2").await;
        }
        assert!(
            t0.elapsed() < Duration::from_millis(50),
            "a second's worth goes at once"
        );
        for _ in 0..5 {
            limiter.wait("ec2").await;
        }
        assert!(
            t0.elapsed() >= Duration::from_millis(400),
            "then 10 per second: {:?}",
            t0.elapsed()
        );
        let t1 = Instant::now();
        limiter.wait("s3").await;
        assert!(
            t1.elapsed() < Duration::from_millis(10),
            "keys are independent"
        );
    }

    #[tokio::test]
    async fn zero_disables() {
        let limiter = RateLimiter::new(0);
        // Any limit at all would make a thousand calls take seconds.
        tokio::time::timeout(Duration::from_secs(2), async {
            for _ in 0..1000 {
                limiter.wait("x").await;
            }
        })
        .await
        .expect("a limit of 0 never waits");
    }
}
