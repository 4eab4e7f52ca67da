//! The per-store request quota: a fixed window, shared by every token of the store, as
//! BigCommerce describes it (facts §2). Pure logic over `Instant`s so it is testable
//! without sleeping; the gateway owns the clock.

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};

/// Requests allowed per window. Global to the simulator; every store gets its own window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub requests: u32,
    pub window: Duration,
}

/// One store's current window.
#[derive(Debug, Clone, Copy)]
pub struct RateWindow {
    started: Instant,
    used: u32,
    /// Requests that arrived in this window, refused ones included.
    arrived: u32,
    /// The most requests that arrived in any one window so far (since the last quota change),
    /// so a test can check that clients kept within their share.
    busiest: u32,
}

/// What a response tells the client about the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateStatus {
    pub quota: Quota,
    pub left: u32,
    pub reset: Duration,
    /// Set when this request was refused.
    pub limited: bool,
}

impl RateWindow {
    pub fn new(now: Instant) -> Self {
        Self {
            started: now,
            used: 0,
            arrived: 0,
            busiest: 0,
        }
    }

    /// Starts a new window when the old one has run out. The window begins at the first
    /// request after expiry (fixed window per store, not aligned to wall-clock boundaries).
    fn roll(&mut self, quota: Quota, now: Instant) {
        if now.saturating_duration_since(self.started) >= quota.window {
            *self = Self {
                busiest: self.busiest,
                ..Self::new(now)
            };
        }
    }

    /// The most requests (refused ones included) that arrived in one window.
    pub fn busiest(&self) -> u32 {
        self.busiest
    }

    fn status(&self, quota: Quota, now: Instant, limited: bool) -> RateStatus {
        let elapsed = now.saturating_duration_since(self.started);
        RateStatus {
            quota,
            left: quota.requests.saturating_sub(self.used),
            reset: quota.window.saturating_sub(elapsed),
            limited,
        }
    }

    /// Spends one request from the window, or refuses it when the quota is used up.
    pub fn admit(&mut self, quota: Quota, now: Instant) -> RateStatus {
        self.roll(quota, now);
        self.arrived += 1;
        self.busiest = self.busiest.max(self.arrived);
        if self.used >= quota.requests {
            return self.status(quota, now, true);
        }
        self.used += 1;
        self.status(quota, now, false)
    }

    /// The window as it stands, without spending anything (for 401 responses).
    pub fn peek(&mut self, quota: Quota, now: Instant) -> RateStatus {
        self.roll(quota, now);
        self.status(quota, now, false)
    }
}

impl RateStatus {
    /// What a caller that has not touched the store yet would see (unknown store hash).
    pub fn fresh(quota: Quota) -> Self {
        Self {
            quota,
            left: quota.requests,
            reset: quota.window,
            limited: false,
        }
    }

    /// Seconds to wait, rounded up, never 0 (a 0 would invite an immediate retry).
    pub fn retry_after_secs(&self) -> u64 {
        self.reset.as_millis().div_ceil(1000).max(1) as u64
    }

    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let mut set = |name: &'static str, value: u128| {
            headers.insert(name, HeaderValue::from(value as u64));
        };
        set("x-rate-limit-time-window-ms", self.quota.window.as_millis());
        set("x-rate-limit-time-reset-ms", self.reset.as_millis());
        set(
            "x-rate-limit-requests-quota",
            u128::from(self.quota.requests),
        );
        set("x-rate-limit-requests-left", u128::from(self.left));
        if self.limited {
            headers.insert("x-retry-after", HeaderValue::from(self.retry_after_secs()));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn remembers_the_busiest_window() {
        let t0 = Instant::now();
        let mut w = RateWindow::new(t0);
        for n in 0..3 {
            w.admit(QUOTA, t0 + Duration::from_millis(n));
        }
        assert_eq!(w.busiest(), 3, "refused requests count too");
        w.admit(QUOTA, t0 + Duration::from_millis(1000));
        assert_eq!(w.busiest(), 3, "a quieter window does not lower it");
    }

    use super::*;

    const QUOTA: Quota = Quota {
        requests: 2,
        window: Duration::from_millis(1000),
    };

    #[test]
    fn spends_the_quota_then_refuses_until_the_window_ends() {
        let t0 = Instant::now();
        let mut w = RateWindow::new(t0);
        assert_eq!(w.admit(QUOTA, t0).left, 1);
        assert_eq!(w.admit(QUOTA, t0 + Duration::from_millis(10)).left, 0);
        let refused = w.admit(QUOTA, t0 + Duration::from_millis(400));
        assert!(refused.limited);
        assert_eq!(refused.reset, Duration::from_millis(600));
        assert_eq!(refused.retry_after_secs(), 1);
        let next = w.admit(QUOTA, t0 + Duration::from_millis(1000));
        assert!(!next.limited);
        assert_eq!(next.left, 1);
        assert_eq!(next.reset, Duration::from_millis(1000));
    }

    #[test]
    fn peeking_spends_nothing() {
        let t0 = Instant::now();
        let mut w = RateWindow::new(t0);
        assert_eq!(w.peek(QUOTA, t0).left, 2);
        assert_eq!(w.admit(QUOTA, t0).left, 1);
    }

    #[test]
    fn retry_after_rounds_up() {
        let status = |ms| RateStatus {
            quota: QUOTA,
            left: 0,
            reset: Duration::from_millis(ms),
            limited: true,
        };
        assert_eq!(status(29_001).retry_after_secs(), 30);
        assert_eq!(status(30_000).retry_after_secs(), 30);
        assert_eq!(status(0).retry_after_secs(), 1);
    }
}
