//! The fleet's trackers: they find the effects the ledger awaits and record their times.
//! Purchase orders and BigCommerce shipments are read from wharf's database (the times wharf
//! stored, so how often the tracker looks does not count); levels from the simulator, all
//! stores in one request every 50 ms (a level's latency is rounded up to that).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Row;
use tokio::sync::mpsc::UnboundedSender;
use wharf::db::Db;

use super::ledger::Ledger;
use super::load::ToShip;

/// Purchase order lines committed out of id order by concurrent workers are caught when they
/// trail the newest seen by fewer than this many; `sweep` catches the rest at the end.
const REREAD_MARGIN: i64 = 500;

/// Finds new purchase orders, records their orders' latencies, and hands each to its store's
/// vendor to ship `ship_after` later.
pub(crate) struct PurchaseOrderTracker {
    pub(crate) db: Db,
    pub(crate) ledger: Arc<Ledger>,
    /// wharf's store id → the store's index in the fleet.
    pub(crate) stores: HashMap<i64, usize>,
    pub(crate) shippers: Vec<UnboundedSender<ToShip>>,
    pub(crate) ship_after: Duration,
    seen: HashSet<i64>,
    newest_line: i64,
}

impl PurchaseOrderTracker {
    pub(crate) fn new(
        db: Db,
        ledger: Arc<Ledger>,
        stores: HashMap<i64, usize>,
        shippers: Vec<UnboundedSender<ToShip>>,
        ship_after: Duration,
    ) -> PurchaseOrderTracker {
        PurchaseOrderTracker {
            db,
            ledger,
            stores,
            shippers,
            ship_after,
            seen: HashSet::new(),
            newest_line: 0,
        }
    }

    /// Looks every 200 ms until `stop`, then once more over every purchase order (recording
    /// latencies only: the vendors have stopped shipping).
    pub(crate) async fn run(mut self, stop: Arc<AtomicBool>) -> anyhow::Result<()> {
        while !stop.load(Ordering::Relaxed) {
            self.look(self.newest_line - REREAD_MARGIN, true).await?;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.look(0, false).await
    }

    async fn look(&mut self, after_line: i64, ship: bool) -> anyhow::Result<()> {
        let rows = sqlx::query(
            "SELECT pol.id AS line_row, po.id AS po_id, po.created_at, b.store_id,
                    b.external_id, pol.order_line_id, pol.quantity
             FROM purchase_order_lines pol
             JOIN purchase_orders po ON po.id = pol.purchase_order_id
             JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id
             WHERE pol.id > $1 ORDER BY pol.id",
        )
        .bind(after_line.max(0))
        .fetch_all(self.db.pool())
        .await?;
        let mut found: BTreeMap<i64, FoundPurchaseOrder> = BTreeMap::new();
        for row in &rows {
            self.newest_line = self.newest_line.max(row.get("line_row"));
            let po: i64 = row.get("po_id");
            if self.seen.contains(&po) {
                continue;
            }
            found
                .entry(po)
                .or_insert_with(|| FoundPurchaseOrder {
                    store_id: row.get("store_id"),
                    order_id: row.get("external_id"),
                    created_at: row.get("created_at"),
                    lines: Vec::new(),
                })
                .lines
                .push((row.get("order_line_id"), row.get("quantity")));
        }
        for (po, found) in found {
            let FoundPurchaseOrder {
                store_id,
                order_id,
                created_at,
                lines,
            } = found;
            let Some(&store) = self.stores.get(&store_id) else {
                continue;
            };
            // An order not in the ledger yet: its shopper has not had the answer; next look.
            if self
                .ledger
                .purchase_order_created(store, order_id, created_at)
            {
                self.seen.insert(po);
                if !ship {
                    continue;
                }
                let _ = self.shippers[store].send(ToShip {
                    purchase_order_id: po,
                    lines,
                    due: Instant::now() + self.ship_after,
                });
            }
        }
        Ok(())
    }
}

/// A purchase order as the tracker reads it.
struct FoundPurchaseOrder {
    store_id: i64,
    /// Its order's id in BigCommerce.
    order_id: i64,
    created_at: i64,
    /// (order line id, quantity)
    lines: Vec<(i64, i64)>,
}

/// Records each awaited shipment once every part of it is `created` (BigCommerce's 201
/// stored: the shipment existed a moment earlier, so these are upper bounds).
pub(crate) async fn track_shipments(
    db: Db,
    ledger: Arc<Ledger>,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    loop {
        let stopping = stop.load(Ordering::Relaxed);
        if let Some(oldest) = ledger.oldest_awaited_shipment() {
            let rows = sqlx::query(
                "SELECT shipment_id, MAX(updated_at) AS at FROM shipment_parts
                 WHERE shipment_id >= $1 GROUP BY shipment_id
                 HAVING MIN(CASE WHEN state = 'created' THEN 1 ELSE 0 END) = 1",
            )
            .bind(oldest)
            .fetch_all(db.pool())
            .await?;
            for row in &rows {
                ledger.shipment_created(row.get("shipment_id"), row.get("at"));
            }
        }
        if stopping {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Reads every awaited level from the simulator every 50 ms (one request for all stores)
/// until `stop`.
pub(crate) async fn watch_levels(
    http: reqwest::Client,
    sim_url: String,
    hashes: Vec<String>,
    ledger: Arc<Ledger>,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut asked: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for (store, variant) in ledger.awaited_levels() {
            asked
                .entry(hashes[store].as_str())
                .or_default()
                .push(variant);
        }
        if asked.is_empty() {
            continue;
        }
        let levels: Value = http
            .post(format!("{sim_url}/__fleet/levels"))
            .json(&asked)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let now = wharf::db::now_ms();
        for (store, hash) in hashes.iter().enumerate() {
            for (variant, level) in levels[hash].as_object().into_iter().flatten() {
                if let (Ok(variant), Some(level)) = (variant.parse(), level.as_i64()) {
                    ledger.level_seen(store, variant, level, now);
                }
            }
        }
    }
    Ok(())
}
