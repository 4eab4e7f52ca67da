//! Webhook deliveries as BigCommerce sends them to wharf: a JSON event naming the store, with
//! the secret header wharf registered its hooks with, each a new event (its own `hash`). Shared
//! by the benchmarks that post them (`login-flood`, `webhook-intake`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde_json::{Value, json};

use wharf::channels::bigcommerce::webhooks::SECRET_HEADER;

use crate::harness::BenchWharf;

/// The secret the benchmarks give the store's hooks.
pub(crate) const WEBHOOK_SECRET: &str = "bench-webhook-secret";

/// What a delivery makes wharf do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Delivery {
    /// A wrong secret: refused (401) after reading the store's secret, before any write.
    Refused,
    /// `store/product/updated`: the event stored, no job (sales stores follow no catalog hints).
    Stored,
    /// `store/order/statusUpdated` of a new order each time: stored, and a re-read of the
    /// order queued, which the workers then run (the order is not in the simulator: a 404).
    Queued,
}

impl Delivery {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Delivery::Refused => "refused (wrong secret)",
            Delivery::Stored => "stored, no job",
            Delivery::Queued => "stored + order re-read queued",
        }
    }

    fn expected_status(self) -> u16 {
        match self {
            Delivery::Refused => 401,
            Delivery::Stored | Delivery::Queued => 200,
        }
    }
}

/// Gives the bench store's hooks their secret, as registering them would.
pub(crate) async fn give_webhook_secret(bench: &BenchWharf) -> anyhow::Result<()> {
    let sealed = bench.app.cipher.seal(
        wharf::app::webhooks::SECRET_PURPOSE,
        &SecretString::from(WEBHOOK_SECRET),
    );
    wharf::db::webhooks::set_secret(&bench.app.db, bench.store_id, &sealed).await?;
    Ok(())
}

/// Posts deliveries of one kind to one store's receiver; clones share the event sequence, so
/// every delivery is a new event.
#[derive(Clone)]
pub(crate) struct Poster {
    http: reqwest::Client,
    url: String,
    delivery: Delivery,
    sequence: Arc<AtomicU64>,
}

impl Poster {
    pub(crate) fn new(address: &str, store_id: i64, delivery: Delivery) -> Self {
        Poster {
            http: reqwest::Client::new(),
            url: format!("{address}/webhooks/bigcommerce/{store_id}"),
            delivery,
            sequence: Arc::new(AtomicU64::new(0)),
        }
    }

    fn event(&self, n: u64) -> Value {
        let (scope, data) = match self.delivery {
            Delivery::Refused | Delivery::Stored => (
                "store/product/updated",
                json!({"type": "product", "id": 1 + n % 20}),
            ),
            // Far above the simulator's order ids, one per delivery.
            Delivery::Queued => (
                "store/order/statusUpdated",
                json!({"type": "order", "id": 1_000_000 + n}),
            ),
        };
        json!({
            "scope": scope, "store_id": "1", "data": data,
            "hash": format!("bench-{n}"), "created_at": 1,
            "producer": format!("stores/{}", crate::STORE_HASH),
        })
    }

    /// Posts one new delivery; `Ok(answer time)` when wharf answered as this kind should be.
    pub(crate) async fn post(&self) -> Result<Duration, ()> {
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        let secret = match self.delivery {
            Delivery::Refused => "not-the-secret",
            Delivery::Stored | Delivery::Queued => WEBHOOK_SECRET,
        };
        let started = Instant::now();
        let sent = self
            .http
            .post(&self.url)
            .header(SECRET_HEADER, secret)
            .json(&self.event(n))
            .send()
            .await;
        match sent {
            Ok(answer) if answer.status().as_u16() == self.delivery.expected_status() => {
                Ok(started.elapsed())
            }
            _ => Err(()),
        }
    }
}
