//! Injected failures: a share of requests answers 500, and every request can be delayed.
//! The dice are a seeded RNG, re-seeded whenever faults are set, so a test that sets the
//! same faults and sends the same requests sees the same failures.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What to inject. `Default` injects nothing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    /// Share of authenticated requests that answer 500, from 0.0 to 1.0.
    pub error_rate: f64,
    /// Added before every store request is answered.
    pub latency: Duration,
}

const SEED: u64 = 0x0b16_c0ff_ee00_5eed;

pub(crate) struct FaultInjector {
    faults: Faults,
    rng: StdRng,
}

impl FaultInjector {
    pub fn new() -> Self {
        Self {
            faults: Faults::default(),
            rng: StdRng::seed_from_u64(SEED),
        }
    }

    /// Replaces the faults; an `error_rate` outside 0..=1 (or NaN) is clamped so a typo
    /// cannot panic the server.
    pub fn set(&mut self, faults: Faults) {
        let error_rate = if faults.error_rate.is_nan() {
            0.0
        } else {
            faults.error_rate.clamp(0.0, 1.0)
        };
        self.faults = Faults {
            error_rate,
            ..faults
        };
        self.rng = StdRng::seed_from_u64(SEED);
    }

    pub fn latency(&self) -> Duration {
        self.faults.latency
    }

    /// Rolls the dice for one request.
    pub fn should_fail(&mut self) -> bool {
        let p = self.faults.error_rate;
        p > 0.0 && self.rng.random_bool(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(rate: f64, n: usize) -> usize {
        let mut f = FaultInjector::new();
        f.set(Faults {
            error_rate: rate,
            latency: Duration::ZERO,
        });
        (0..n).filter(|_| f.should_fail()).count()
    }

    #[test]
    fn rate_is_respected_and_repeatable() {
        assert_eq!(failures(0.0, 1000), 0);
        assert_eq!(failures(1.0, 1000), 1000);
        let n = failures(0.3, 2000);
        assert!((500..700).contains(&n), "{n}");
        assert_eq!(n, failures(0.3, 2000));
    }

    #[test]
    fn bad_rates_are_clamped() {
        assert_eq!(failures(f64::NAN, 10), 0);
        assert_eq!(failures(7.0, 10), 10);
        assert_eq!(failures(-1.0, 10), 0);
    }
}
