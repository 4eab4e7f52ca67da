//! Injected failures: a share of requests answers 500, a share of successful POSTs lose
//! their response after being applied, successful POSTs can have their response held back,
//! and every request can be delayed.
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
    /// Share of successful store-API POSTs (e.g. `POST /v2/orders/{id}/shipments`)
    /// whose change is **applied** (state changed, webhooks fired) but whose response is
    /// lost: the client gets a `504 Gateway Timeout` (v2 array / v3 problem body) instead
    /// of the 201, as when BigCommerce's edge gives up waiting on a backend that then
    /// commits anyway. From 0.0 to 1.0. A client must treat it as "may or may not have
    /// happened" and re-read before retrying (BigCommerce has no idempotency keys).
    pub drop_response_after_write_rate: f64,
    /// Held back after every successful store-API POST is **applied** (state changed,
    /// webhooks fired) and before its response is sent. Gives a test a window in which
    /// the write has happened but the client has no answer yet, e.g. to kill the client
    /// process between "request sent" and "response stored" and check that it re-reads
    /// instead of writing twice. Zero (the default) holds nothing.
    pub hold_response_after_write: Duration,
    /// Share of store-API POSTs **refused** as invalid, without being applied: v2 answers
    /// `400 [{"status":400,"message":"The field 'quantity' is invalid. …"}]`, v3 a 422
    /// problem. What a client sees when BigCommerce disagrees with data it believed valid;
    /// lets a test show how such a refusal is surfaced and retried. From 0.0 to 1.0.
    pub refuse_write_rate: f64,
    /// Answers that break what a client may assume, as BigCommerce's own OpenAPI examples do
    /// when a mock serves them. Off by default.
    pub misbehaviour: Misbehaviour,
}

/// Answers a careless client would trust: each stands for something a real answer (or the
/// spec's own example answer) can carry, so a client's defences can be tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Misbehaviour {
    /// Every list (v2 and v3) answers its first page, whatever `page` asks for.
    pub repeat_list_pages: bool,
    /// Every v3 list page keeps a `links.next` to the following page, also on and past the
    /// last one (`current_page` ≥ `total_pages`).
    pub next_link_past_end: bool,
    /// Orders come without `consignments` even when `include=consignments…` asked for them
    /// (the spec's example for `GET /v2/orders` has none).
    pub omit_consignments: bool,
    /// Single-object reads (`GET /v2/orders/{id}`, `GET /v3/catalog/products/{id}`,
    /// `GET /v2/orders/{id}/shipments/{id}`) answer with another object's `id`.
    pub answer_other_object: bool,
    /// Each `GET /v3/catalog/products` page carries odd data in its first two products: the
    /// first an inventory level beyond 2,147,483,647, a negative price, a `upc` of `"string"`
    /// (as the spec's examples have) and, with variants inlined, a variant naming another
    /// product as its own; the second a price no decimal type holds (`1e40`).
    pub odd_catalog_data: bool,
    /// Each `GET /v2/orders` page repeats its first order at its end: a list sorted by a key
    /// that moves while it is read can hold one order twice.
    pub repeat_an_order: bool,
    /// Each `GET /v2/orders` page has its first order's `status_id` as text, which no client
    /// reads as the spec's integer: the page can't be read.
    pub unreadable_order: bool,
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

    /// Replaces the faults; a rate outside 0..=1 (or NaN) is clamped so a typo cannot
    /// panic the server.
    pub fn set(&mut self, faults: Faults) {
        let clamp = |rate: f64| {
            if rate.is_nan() {
                0.0
            } else {
                rate.clamp(0.0, 1.0)
            }
        };
        self.faults = Faults {
            error_rate: clamp(faults.error_rate),
            drop_response_after_write_rate: clamp(faults.drop_response_after_write_rate),
            refuse_write_rate: clamp(faults.refuse_write_rate),
            ..faults
        };
        self.rng = StdRng::seed_from_u64(SEED);
    }

    pub fn latency(&self) -> Duration {
        self.faults.latency
    }

    pub fn misbehaviour(&self) -> Misbehaviour {
        self.faults.misbehaviour
    }

    pub fn hold_response_after_write(&self) -> Duration {
        self.faults.hold_response_after_write
    }

    /// Rolls the dice for one request.
    pub fn should_fail(&mut self) -> bool {
        let p = self.faults.error_rate;
        p > 0.0 && self.rng.random_bool(p)
    }

    /// Rolls the dice for one POST about to be applied: refuse it as invalid?
    pub fn should_refuse_write(&mut self) -> bool {
        let p = self.faults.refuse_write_rate;
        p > 0.0 && self.rng.random_bool(p)
    }

    /// Rolls the dice for one applied POST: lose its response?
    pub fn should_drop_response(&mut self) -> bool {
        let p = self.faults.drop_response_after_write_rate;
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
            drop_response_after_write_rate: rate,
            hold_response_after_write: Duration::ZERO,
            refuse_write_rate: 0.0,
            misbehaviour: Misbehaviour::default(),
        });
        let failed = (0..n).filter(|_| f.should_fail()).count();
        let dropped = (0..n).filter(|_| f.should_drop_response()).count();
        assert_eq!(failed == 0, dropped == 0);
        failed
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
