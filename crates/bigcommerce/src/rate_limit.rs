//! The per-store rate-limit gate.
//!
//! A store's quota is shared by every app and client on it, so our own request count says little;
//! the response headers are the truth. Each gate remembers what the last response said, keeps a
//! local estimate in between (minus requests still in flight), and holds new requests once the
//! estimate reaches the low-water mark, until the window resets. Waiters are admitted against the
//! refreshed budget one at a time, so a crowd of waiting tasks doesn't fire all at once.

use std::num::NonZeroU32;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Jitter, Quota};
use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// What the store last told us about its quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimitStatus {
    /// Requests allowed per window (`X-Rate-Limit-Requests-Quota`).
    pub quota: Option<u32>,
    /// Requests left in the window when the last response was sent (`X-Rate-Limit-Requests-Left`).
    pub left: Option<u32>,
    /// Time until that window resets, counted from now (`X-Rate-Limit-Time-Reset-Ms`).
    pub reset_in: Option<Duration>,
    /// Window length (`X-Rate-Limit-Time-Window-Ms`).
    pub window: Option<Duration>,
}

/// The rate-limit headers of one response; any may be missing (a 429 under load has none).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RateLimitHeaders {
    pub quota: Option<u32>,
    pub left: Option<u32>,
    pub reset: Option<Duration>,
    pub window: Option<Duration>,
    /// `X-Retry-After`, in whole seconds on the wire.
    pub retry_after: Option<Duration>,
}

impl RateLimitHeaders {
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        // HeaderMap lookups are case-insensitive, as BigCommerce's header names are.
        let number = |name: &str| -> Option<f64> {
            let value = headers
                .get(name)?
                .to_str()
                .ok()?
                .trim()
                .parse::<f64>()
                .ok()?;
            (value.is_finite() && value >= 0.0).then_some(value)
        };
        let count = |name: &str| number(name).map(|n| n.min(f64::from(u32::MAX)) as u32);
        let millis = |name: &str| number(name).map(|n| Duration::from_secs_f64(n / 1000.0));
        RateLimitHeaders {
            quota: count("x-rate-limit-requests-quota"),
            left: count("x-rate-limit-requests-left"),
            reset: millis("x-rate-limit-time-reset-ms"),
            window: millis("x-rate-limit-time-window-ms"),
            retry_after: number("x-retry-after").map(Duration::from_secs_f64),
        }
    }

    /// How long a 429 asks us to wait: the longer of `X-Retry-After` and the window reset, as
    /// BigCommerce's migration guide says. `None` when the 429 carried neither (load shedding).
    pub(crate) fn wait_after_429(&self) -> Option<Duration> {
        match (self.retry_after, self.reset) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or_default().max(b.unwrap_or_default())),
        }
    }
}

pub(crate) struct RateGate {
    low_water_mark: u32,
    /// The share of the reported quota our own requests may take per window.
    quota_share: Option<f64>,
    /// The operator's optional share of the quota, enforced locally.
    ceiling: Option<DefaultDirectRateLimiter>,
    state: Mutex<GateState>,
}

#[derive(Default)]
struct GateState {
    /// Last values seen in headers, for `RateLimitStatus`.
    seen_quota: Option<u32>,
    seen_left: Option<u32>,
    seen_reset_at: Option<Instant>,
    seen_window: Option<Duration>,
    /// Estimated requests left in the current window; `None` = unknown, so don't hold anyone.
    budget: Option<u32>,
    /// Estimated end of the current window.
    reset_at: Option<Instant>,
    /// Admitted requests whose response has not been recorded yet.
    in_flight: u32,
    /// Our own requests admitted in the current window (for the quota share).
    spent: u32,
}

impl GateState {
    /// Once the window has reset, assume the full quota again (minus what is already on the
    /// wire) and estimate the next reset; the next response corrects both.
    fn roll_window(&mut self, now: Instant) {
        let Some(reset_at) = self.reset_at else {
            return;
        };
        if reset_at > now {
            return;
        }
        self.budget = self
            .seen_quota
            .map(|quota| quota.saturating_sub(self.in_flight));
        self.spent = self.in_flight;
        self.reset_at = self.seen_window.and_then(|window| {
            let periods = now.duration_since(reset_at).as_nanos() / window.as_nanos().max(1) + 1;
            reset_at.checked_add(window.checked_mul(u32::try_from(periods).ok()?)?)
        });
    }
}

/// One admitted request; record the response's headers through it. Dropping it without a
/// response (transport error) just frees its in-flight slot.
pub(crate) struct Permit<'a> {
    gate: &'a RateGate,
}

impl Permit<'_> {
    pub(crate) fn record(self, headers: &RateLimitHeaders) {
        let mut state = self.gate.lock();
        let now = Instant::now();
        if headers.quota.is_some() {
            state.seen_quota = headers.quota;
        }
        if headers.window.is_some() {
            state.seen_window = headers.window;
        }
        if let Some(reset) = headers.reset {
            // A reset well past the one we expected means the store started a new window
            // before our clock said so: count our share afresh.
            let new_window = state
                .reset_at
                .is_some_and(|expected| now + reset > expected + Duration::from_millis(500));
            if new_window {
                state.spent = state.in_flight;
            }
            state.seen_reset_at = Some(now + reset);
            state.reset_at = Some(now + reset);
        }
        if let Some(left) = headers.left {
            state.seen_left = Some(left);
            // Requests still on the wire will spend from the same budget.
            let others = state.in_flight.saturating_sub(1);
            state.budget = Some(left.saturating_sub(others));
        }
    }

    /// Gives back a permit whose request was never sent (the shared budget said to wait).
    pub(crate) fn cancel(self) {
        let mut state = self.gate.lock();
        state.spent = state.spent.saturating_sub(1);
        state.budget = state.budget.map(|left| left.saturating_add(1));
        // The in-flight slot is freed by `Drop`, after this guard is released.
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.gate.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
    }
}

impl RateGate {
    pub(crate) fn new(low_water_mark: u32, ceiling: Option<(NonZeroU32, Duration)>) -> Self {
        let ceiling = ceiling.and_then(|(requests, window)| {
            let quota = Quota::with_period(window / requests.get())?.allow_burst(requests);
            Some(DefaultDirectRateLimiter::direct(quota))
        });
        RateGate {
            low_water_mark,
            quota_share: None,
            ceiling,
            state: Mutex::new(GateState::default()),
        }
    }

    pub(crate) fn with_quota_share(mut self, share: Option<f64>) -> Self {
        self.quota_share = share;
        self
    }

    fn lock(&self) -> MutexGuard<'_, GateState> {
        // The state is plain numbers: a panic elsewhere cannot leave it inconsistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until this store may take one more request.
    pub(crate) async fn acquire(&self) -> Permit<'_> {
        if let Some(ceiling) = &self.ceiling {
            ceiling
                .until_ready_with_jitter(Jitter::up_to(Duration::from_millis(50)))
                .await;
        }
        loop {
            let hold_until = {
                let mut state = self.lock();
                let now = Instant::now();
                state.roll_window(now);
                // Never hold back the whole quota, or a tiny quota would stall us forever.
                let threshold = match state.seen_quota {
                    Some(quota) => self.low_water_mark.min(quota.saturating_sub(1)),
                    None => self.low_water_mark,
                };
                // Our share of the quota, at least one request per window.
                let share_spent = match (self.quota_share, state.seen_quota) {
                    (Some(share), Some(quota)) => {
                        state.spent >= ((f64::from(quota) * share).floor() as u32).max(1)
                    }
                    _ => false,
                };
                match (state.budget, state.reset_at) {
                    (Some(left), Some(reset_at)) if left <= threshold && reset_at > now => {
                        Some(reset_at)
                    }
                    (_, Some(reset_at)) if share_spent && reset_at > now => Some(reset_at),
                    _ => {
                        state.budget = state.budget.map(|left| left.saturating_sub(1));
                        state.in_flight += 1;
                        state.spent += 1;
                        None
                    }
                }
            };
            match hold_until {
                None => return Permit { gate: self },
                Some(until) => {
                    tracing::debug!(
                        wait_ms =
                            until.saturating_duration_since(Instant::now()).as_millis() as u64,
                        "store is low on API quota; holding request until the window resets"
                    );
                    tokio::time::sleep_until(until).await;
                }
            }
        }
    }

    /// After a 429, hold every request to this store (not just the one that was refused).
    pub(crate) fn hold_for(&self, wait: Duration) {
        let mut state = self.lock();
        let until = Instant::now() + wait;
        state.budget = Some(0);
        state.reset_at = Some(state.reset_at.map_or(until, |at| at.max(until)));
    }

    /// The store's quota as the last response reported it, once both parts were seen.
    pub(crate) fn seen_quota(&self) -> Option<crate::budget::Quota> {
        let state = self.lock();
        Some(crate::budget::Quota {
            requests: state.seen_quota?,
            window: state.seen_window?,
        })
    }

    pub(crate) fn status(&self) -> RateLimitStatus {
        let state = self.lock();
        let now = Instant::now();
        RateLimitStatus {
            quota: state.seen_quota,
            left: state.seen_left,
            reset_in: state
                .seen_reset_at
                .map(|at| at.saturating_duration_since(now)),
            window: state.seen_window,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> RateLimitHeaders {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        RateLimitHeaders::from_headers(&map)
    }

    #[test]
    fn parses_headers_case_insensitively() {
        let h = headers(&[
            ("X-Rate-Limit-Requests-Left", "35"),
            ("x-rate-limit-requests-quota", "150"),
            ("X-RATE-LIMIT-TIME-RESET-MS", "15000"),
            ("X-Rate-Limit-Time-Window-Ms", "30000"),
            ("X-Retry-After", "2"),
        ]);
        assert_eq!(h.left, Some(35));
        assert_eq!(h.quota, Some(150));
        assert_eq!(h.reset, Some(Duration::from_secs(15)));
        assert_eq!(h.window, Some(Duration::from_secs(30)));
        assert_eq!(h.retry_after, Some(Duration::from_secs(2)));
    }

    #[test]
    fn a_429_waits_the_longer_of_retry_after_and_reset() {
        let h = headers(&[
            ("x-retry-after", "3"),
            ("x-rate-limit-time-reset-ms", "1500"),
        ]);
        assert_eq!(h.wait_after_429(), Some(Duration::from_secs(3)));
        let h = headers(&[
            ("x-retry-after", "1"),
            ("x-rate-limit-time-reset-ms", "2500"),
        ]);
        assert_eq!(h.wait_after_429(), Some(Duration::from_millis(2500)));
        assert_eq!(headers(&[]).wait_after_429(), None);
    }

    #[tokio::test]
    async fn waiters_are_admitted_against_the_refreshed_budget() {
        let gate = RateGate::new(2, None);
        gate.acquire().await.record(&headers(&[
            ("x-rate-limit-requests-left", "1"),
            ("x-rate-limit-requests-quota", "5"),
            ("x-rate-limit-time-reset-ms", "150"),
            ("x-rate-limit-time-window-ms", "150"),
        ]));
        let start = Instant::now();
        // Quota 5 above a low-water mark of 2 admits 3 per window: 6 waiters need two windows.
        let mut admitted = Vec::new();
        for _ in 0..6 {
            drop(gate.acquire().await);
            admitted.push(start.elapsed());
        }
        assert!(admitted[0] >= Duration::from_millis(140), "{admitted:?}");
        assert!(admitted[3] >= Duration::from_millis(290), "{admitted:?}");
    }

    #[tokio::test]
    async fn a_hold_after_429_applies_to_everyone() {
        let gate = RateGate::new(10, None);
        gate.hold_for(Duration::from_millis(150));
        let start = Instant::now();
        drop(gate.acquire().await);
        assert!(start.elapsed() >= Duration::from_millis(140));
        // No quota seen: after the hold, nothing is known, so requests flow freely.
        let again = Instant::now();
        drop(gate.acquire().await);
        assert!(again.elapsed() < Duration::from_millis(100));
    }

    #[tokio::test]
    async fn a_quota_share_caps_our_requests_per_window() {
        let gate = RateGate::new(0, None).with_quota_share(Some(0.5));
        // The store allows 10 per 200 ms window and has plenty left: still, only 5 are ours.
        gate.acquire().await.record(&headers(&[
            ("x-rate-limit-requests-left", "9"),
            ("x-rate-limit-requests-quota", "10"),
            ("x-rate-limit-time-reset-ms", "200"),
            ("x-rate-limit-time-window-ms", "200"),
        ]));
        let start = Instant::now();
        let mut admitted = Vec::new();
        for _ in 0..8 {
            drop(gate.acquire().await);
            admitted.push(start.elapsed());
        }
        // 1 + 4 more in the first window, the rest in the next one.
        assert!(admitted[3] < Duration::from_millis(100), "{admitted:?}");
        assert!(admitted[4] >= Duration::from_millis(190), "{admitted:?}");
    }
}
