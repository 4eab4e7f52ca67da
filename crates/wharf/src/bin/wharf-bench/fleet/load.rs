//! The fleet's load, per store: a shopper placing orders in the simulator, the store's vendor
//! shipping each purchase order through wharf's vendor API, and the same vendor reporting new
//! levels through it, each at a steady pace and recorded in the ledger when it starts.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

use super::ledger::{Flow, Ledger};
use super::setup::LoadCatalog;
use crate::measure::Pace;

/// What every actor shares.
pub(crate) struct Load {
    pub(crate) http: reqwest::Client,
    pub(crate) sim_url: String,
    pub(crate) wharf_url: String,
    pub(crate) ledger: Arc<Ledger>,
    pub(crate) catalog: LoadCatalog,
    /// Calls to wharf that failed: counted and shown, not fatal (they are a finding).
    pub(crate) failures: Mutex<Vec<String>>,
}

/// One store's actors: its index in the fleet, its hash and its vendor's API token.
#[derive(Clone)]
pub(crate) struct StoreActor {
    pub(crate) index: usize,
    pub(crate) hash: String,
    pub(crate) vendor_token: String,
    /// When its first order and first level go out, so the fleet's stores do not all act in
    /// the same millisecond.
    pub(crate) offset: Duration,
}

/// A purchase order for the vendor to ship once `due`.
pub(crate) struct ToShip {
    pub(crate) purchase_order_id: i64,
    /// (order line id, quantity)
    pub(crate) lines: Vec<(i64, i64)>,
    pub(crate) due: Instant,
}

impl Load {
    fn failed(&self, what: String) {
        self.failures.lock().expect("failures lock").push(what);
    }

    /// Places `rate` orders a second until `until`, one line each, cycling through the
    /// variants shoppers buy.
    pub(crate) async fn shop(
        &self,
        store: StoreActor,
        rate: u32,
        until: Instant,
    ) -> anyhow::Result<()> {
        let mut pace = Pace::new(rate).delayed(store.offset);
        let mut n = store.index;
        loop {
            pace.tick().await;
            if Instant::now() >= until {
                return Ok(());
            }
            let (product_id, variant_id, _) = &self.catalog.ordered[n % self.catalog.ordered.len()];
            n += 1;
            let body = json!({ "lines": [{ "product_id": product_id, "variant_id": variant_id, "quantity": 1 }] });
            let placed_at = wharf::db::now_ms();
            let order: Value = self
                .http
                .post(format!(
                    "{}/__sim/stores/{}/orders",
                    self.sim_url, store.hash
                ))
                .json(&body)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let order_id = order["id"].as_i64().context("the placed order's id")?;
            self.ledger.order_placed(store.index, order_id, placed_at);
            self.ledger
                .call_took(Flow::OrdersIn, wharf::db::now_ms() - placed_at);
        }
    }

    /// Ships every purchase order sent to it, all lines at once, when due; until the channel
    /// closes.
    pub(crate) async fn ship(&self, store: StoreActor, mut orders: UnboundedReceiver<ToShip>) {
        let mut n = 0;
        while let Some(order) = orders.recv().await {
            tokio::time::sleep_until(order.due.into()).await;
            n += 1;
            let lines: Vec<Value> = order
                .lines
                .iter()
                .map(|(line_id, quantity)| json!({ "line_id": line_id, "quantity": quantity }))
                .collect();
            let body = json!({
                "tracking_number": format!("1Z{}{n:08}", store.hash.to_uppercase()),
                "carrier": "UPS",
                "lines": lines,
            });
            let called_at = wharf::db::now_ms();
            let answer = self
                .http
                .post(format!(
                    "{}/vendor-api/v1/purchase-orders/{}/shipments",
                    self.wharf_url, order.purchase_order_id
                ))
                .bearer_auth(&store.vendor_token)
                .json(&body)
                .send()
                .await;
            let answered = shipment_id(answer).await;
            self.ledger
                .call_took(Flow::ShipmentsOut, wharf::db::now_ms() - called_at);
            match answered {
                Ok(id) => self.ledger.shipment_recorded(store.index, id, called_at),
                Err(e) => self.failed(format!(
                    "{}: shipment of purchase order {}: {e:#}",
                    store.hash, order.purchase_order_id
                )),
            }
        }
    }

    /// Reports `rate` new levels a second until `until`, one SKU a call, each a level the
    /// variant has not had.
    pub(crate) async fn restock(&self, store: StoreActor, rate: u32, until: Instant) {
        let mut pace = Pace::new(rate).delayed(store.offset + Duration::from_millis(500));
        let restocked = &self.catalog.restocked;
        for n in 0.. {
            pace.tick().await;
            if Instant::now() >= until {
                return;
            }
            // Stores start at different variants; a level above any seeded one.
            let (variant_id, sku) = &restocked[(n + store.index * 37) % restocked.len()];
            let level = 1_000 + n as i64;
            let called_at = wharf::db::now_ms();
            self.ledger
                .level_reported(store.index, *variant_id, level, called_at);
            let answer = self
                .http
                .put(format!("{}/vendor-api/v1/stock", self.wharf_url))
                .bearer_auth(&store.vendor_token)
                .json(&json!({ "items": [{ "sku": sku, "quantity": level }] }))
                .send()
                .await
                .and_then(reqwest::Response::error_for_status);
            self.ledger
                .call_took(Flow::Stock, wharf::db::now_ms() - called_at);
            if let Err(e) = answer {
                self.failed(format!("{}: stock of {sku}: {e}", store.hash));
            }
        }
    }
}

async fn shipment_id(answer: reqwest::Result<reqwest::Response>) -> anyhow::Result<i64> {
    let shipment: Value = answer?.error_for_status()?.json().await?;
    shipment["id"].as_i64().context("the shipment's id")
}
