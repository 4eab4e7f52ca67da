//! The order side of the library API: seeding order history, a shopper placing an order, and a
//! merchant changing, archiving or reading an order's shipments, each firing its webhooks.

use super::Simulator;
use crate::orders::{PlaceError, ShopperOrder};

impl Simulator {
    /// Adds `count` orders in Awaiting Fulfillment (ids from 100 up on a fresh store, one
    /// second apart, ending now) and returns their ids. Lines come from the store's
    /// catalog (custom lines when it is empty); the shape (multi-address, custom, digital
    /// and gift-certificate lines) is documented on [`Simulator::seed_order_history`].
    /// Seeding fires no webhooks.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn seed_orders(&self, store_hash: &str, count: usize) -> Vec<u64> {
        self.expect_store(store_hash, "seed_orders", |store| {
            crate::orders::seed_orders(&mut store.orders, &store.catalog, count, false)
        })
    }

    /// Like [`Simulator::seed_orders`] but with mixed statuses, as a store's history has:
    /// mostly Awaiting Fulfillment, plus Awaiting Shipment, Shipped, Partially Shipped,
    /// Completed, Awaiting Payment, Cancelled and Pending, in a fixed cycle. Deterministic
    /// per order id: 1-4 catalog lines, every 4th order (id % 4 == 3) ships to two
    /// addresses, every 5th has a custom line, every 7th a digital item, every 11th a
    /// gift certificate, every 3rd is a guest's. The CLI's `--seed-orders N` uses it.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn seed_order_history(&self, store_hash: &str, count: usize) -> Vec<u64> {
        self.expect_store(store_hash, "seed_order_history", |store| {
            crate::orders::seed_orders(&mut store.orders, &store.catalog, count, true)
        })
    }

    /// Places an order as a shopper would at checkout and returns its id. Its catalog
    /// lines take stock from the default location, as a store with
    /// `update_stock_behavior: order_placed` does: the tracked item (the variant, or the
    /// product under product tracking; untracked products keep no stock) drops by the
    /// line's quantity, never below 0; units beyond the stock on hand are counted by
    /// [`Simulator::oversold_units`]. Fires
    /// `store/order/created` and, unless it stays Incomplete (status 0),
    /// `store/order/updated` and `store/order/statusUpdated` (0 → its status), then one
    /// `store/sku/inventory/order/updated` or `store/product/inventory/order/updated` per
    /// item whose stock it took.
    ///
    /// # Panics
    /// When the store was not added first or the order is invalid (unknown product or
    /// variant, a product with options but no variant, quantity 0, an address index
    /// out of range, an address with no physical line, an unknown status): all mistakes
    /// in the calling test.
    pub fn place_order(&self, store_hash: &str, order: ShopperOrder) -> u64 {
        match self.try_place_order(store_hash, &order) {
            Some(Ok(id)) => id,
            Some(Err(e)) => panic!("bigcommerce-sim: place_order: {e}"),
            None => panic!(
                "bigcommerce-sim: place_order: unknown store {store_hash:?}; call add_store first"
            ),
        }
    }

    /// `None` for an unknown store.
    pub(crate) fn try_place_order(
        &self,
        store_hash: &str,
        order: &ShopperOrder,
    ) -> Option<Result<u64, PlaceError>> {
        let placed = self.with_store(store_hash, |store| {
            let placed = crate::orders::place(&mut store.orders, &store.catalog, order)?;
            // Stock goes when the order is placed (`update_stock_behavior: order_placed`).
            let lines: Vec<(u64, Option<u64>, u32)> = store
                .orders
                .get(placed.0)
                .map(|o| {
                    o.lines
                        .iter()
                        .filter(|l| l.product_id != 0)
                        .map(|l| (l.product_id, l.variant_id, l.quantity))
                        .collect()
                })
                .unwrap_or_default();
            let taken = store.inventory.take_for_order(&store.catalog, &lines);
            let (id, mut events) = placed;
            events.extend(crate::orders::create::taken_events(
                &store.catalog,
                &taken,
                -1,
            ));
            if let Some(order) = store.orders.get_mut(id) {
                order.stock_taken = taken;
            }
            Ok((id, events))
        })?;
        Some(placed.map(|(id, events)| {
            self.emit(store_hash, events);
            id
        }))
    }

    /// An order as `GET /v2/orders/{id}?include=consignments.line_items` renders it,
    /// with links pointing at the real API host.
    pub(crate) fn render_order(
        &self,
        store_hash: &str,
        order_id: u64,
    ) -> Option<serde_json::Value> {
        let base = format!("https://api.bigcommerce.com/stores/{store_hash}/v2");
        self.with_store(store_hash, |store| {
            store
                .orders
                .get(order_id)
                .map(|o| crate::orders::render_full(o, &store.order_statuses, &base))
        })
        .flatten()
    }

    /// Changes an order's status as a merchant would in the control panel, firing
    /// `store/order/updated` and `store/order/statusUpdated` when it really changes.
    /// Cancelled (5) or Refunded (4) gives the stock the order took back, once, with its
    /// inventory webhooks. Returns false when there is no such order.
    ///
    /// # Panics
    /// When the store was not added first or `status_id` is not 0..=14.
    pub fn set_order_status(&self, store_hash: &str, order_id: u64, status_id: u8) -> bool {
        assert!(
            crate::order_statuses::is_valid(u64::from(status_id)),
            "bigcommerce-sim: set_order_status: unknown status {status_id}"
        );
        let events = self.expect_store(store_hash, "set_order_status", |store| {
            crate::orders::status::change_status(store, order_id, status_id)
        });
        match events {
            Some(events) => {
                self.emit(store_hash, events);
                true
            }
            None => false,
        }
    }

    /// Archives an order as a merchant would (`is_deleted: true`), firing
    /// `store/order/archived`. Returns false when there is no such order.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn archive_order(&self, store_hash: &str, order_id: u64) -> bool {
        let events = self.expect_store(store_hash, "archive_order", |store| {
            store.orders.archive(order_id)
        });
        match events {
            Some(events) => {
                self.emit(store_hash, events);
                true
            }
            None => false,
        }
    }

    /// An order's shipments in id order, as `GET /v2/orders/{id}/shipments` lists them;
    /// empty when there is no such order or it has none.
    ///
    /// # Panics
    /// When the store was not added first.
    pub fn shipments(&self, store_hash: &str, order_id: u64) -> Vec<crate::Shipment> {
        self.expect_store(store_hash, "shipments", |store| {
            store
                .orders
                .get(order_id)
                .map(|o| o.shipments.clone())
                .unwrap_or_default()
        })
    }
}
