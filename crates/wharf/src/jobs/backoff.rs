use std::time::Duration;

use rand::Rng;

const BASE: Duration = Duration::from_secs(2);
const CAP: Duration = Duration::from_secs(60 * 60);

/// Delay before the next try after `attempt` failed: exponential from 2 s, capped at an hour,
/// with ±25% jitter so jobs that failed together (an outage) do not retry in lockstep.
pub fn retry_delay(attempt: i64) -> Duration {
    let exponent = attempt.clamp(1, 32) as u32 - 1;
    let exact = BASE.saturating_mul(2u32.saturating_pow(exponent)).min(CAP);
    let jitter = rand::rng().random_range(0.75..=1.25);
    exact.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_under_the_cap() {
        for attempt in 1..40 {
            let delay = retry_delay(attempt);
            let exact = BASE
                .saturating_mul(2u32.saturating_pow(attempt.clamp(1, 32) as u32 - 1))
                .min(CAP);
            assert!(
                delay >= exact.mul_f64(0.75) && delay <= exact.mul_f64(1.25),
                "attempt {attempt}: {delay:?}"
            );
        }
        assert!(retry_delay(1) < Duration::from_secs(3));
        assert!(retry_delay(50) <= CAP.mul_f64(1.25));
    }
}
