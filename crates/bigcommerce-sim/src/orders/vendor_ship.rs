//! "Ship this order" as a vendor does it in its own store (by hand, or through ShipStation
//! and the like): the unshipped items, or the lines given, leave in one shipment per shipping
//! address, with a tracking number and carrier made up when none is given. It goes through
//! the same path as `POST /v2/orders/{id}/shipments`, so the order moves to Partially
//! Shipped or Shipped and `store/shipment/created`, `store/order/updated` and
//! `store/order/statusUpdated` fire exactly as they would for an app's shipment.
//!
//! BigCommerce does not stop a merchant from shipping a cancelled order, and neither does
//! this: a vendor who ships anyway is what a dropship platform must notice.

use serde::Deserialize;
use serde_json::json;

use super::shipments::NewShipment;
use super::{Order, Shipment};
use crate::Simulator;

/// The body of `POST /__sim/stores/{hash}/orders/{id}/ship`; every field may be left out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShipRequest {
    /// What to ship; empty ships everything not yet shipped.
    pub lines: Vec<ShipLine>,
    /// At most 50 characters; made up (UPS-like, unique per shipment) when `None`.
    pub tracking_number: Option<String>,
    /// `shipping_provider` [default: `ups`].
    pub shipping_provider: Option<String>,
    /// `tracking_carrier`, an AfterShip slug [default: `ups`].
    pub tracking_carrier: Option<String>,
    pub comments: Option<String>,
}

/// One order product and how many of it to ship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipLine {
    pub order_product_id: u64,
    pub quantity: u32,
}

/// Why an order could not be shipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShipError {
    UnknownStore(String),
    UnknownOrder(u64),
    /// Nothing left to ship, an unknown line, too many units: the message says which.
    Invalid(String),
}

impl std::fmt::Display for ShipError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShipError::UnknownStore(hash) => write!(f, "unknown store {hash:?}"),
            ShipError::UnknownOrder(id) => write!(f, "order {id} does not exist"),
            ShipError::Invalid(why) => f.write_str(why),
        }
    }
}

/// `(order_address_id, [(order product id, quantity)])` in address order.
type Parcels = Vec<(u64, Vec<(u64, u32)>)>;

fn parcels(order: &Order, lines: &[ShipLine]) -> Result<Parcels, ShipError> {
    let wanted: Vec<(u64, u32)> = if lines.is_empty() {
        order
            .lines
            .iter()
            .filter(|l| l.order_address_id != 0 && l.quantity > l.quantity_shipped)
            .map(|l| (l.id, l.quantity - l.quantity_shipped))
            .collect()
    } else {
        lines
            .iter()
            .map(|l| (l.order_product_id, l.quantity))
            .collect()
    };
    if wanted.is_empty() {
        return Err(ShipError::Invalid(format!(
            "order {} has nothing left to ship",
            order.id
        )));
    }
    let mut parcels: Parcels = Vec::new();
    for (line_id, quantity) in wanted {
        let line = order
            .lines
            .iter()
            .find(|l| l.id == line_id)
            .filter(|l| l.order_address_id != 0)
            .ok_or_else(|| {
                ShipError::Invalid(format!(
                    "order {} has no physical line with order_product_id {line_id}",
                    order.id
                ))
            })?;
        match parcels
            .iter_mut()
            .find(|(a, _)| *a == line.order_address_id)
        {
            Some((_, items)) => items.push((line_id, quantity)),
            None => parcels.push((line.order_address_id, vec![(line_id, quantity)])),
        }
    }
    Ok(parcels)
}

/// A UPS-looking number (`1Z` and 16 characters), unique per store and shipment.
fn tracking_number(store_id: u64, shipment_id: u64) -> String {
    format!(
        "1ZSIM{:05}{:06}",
        store_id % 100_000,
        shipment_id % 1_000_000
    )
}

impl Simulator {
    /// Ships an order as its store's merchant would; returns the shipments created (one per
    /// shipping address the lines go to). All or nothing: a refused parcel leaves the order
    /// as it was.
    pub fn ship_order(
        &self,
        store_hash: &str,
        order_id: u64,
        request: &ShipRequest,
    ) -> Result<Vec<Shipment>, ShipError> {
        let (shipments, events) = self
            .with_store(store_hash, |store| {
                let order = store
                    .orders
                    .get(order_id)
                    .ok_or(ShipError::UnknownOrder(order_id))?;
                let parcels = parcels(order, &request.lines)?;
                // Checked on a copy first, so a bad second parcel cannot leave the first shipped.
                let mut trial = store.orders.get(order_id).cloned().map(|o| {
                    let mut scratch = super::Orders::default();
                    scratch.insert(o);
                    scratch
                });
                for (address, items) in &parcels {
                    let body = parcel_body(request, *address, items, 0, 0);
                    if let Some(scratch) = trial.as_mut() {
                        let new = NewShipment::parse(&body).map_err(ShipError::Invalid)?;
                        scratch
                            .create_shipment(order_id, new)
                            .ok_or(ShipError::UnknownOrder(order_id))?
                            .map_err(|why| {
                                ShipError::Invalid(format!("{why} (order {order_id})"))
                            })?;
                    }
                }
                let store_id = store.spec.store_id;
                let mut shipments = Vec::new();
                let mut events = Vec::new();
                for (address, items) in &parcels {
                    let next = store.orders.peek_shipment_id();
                    let body = parcel_body(request, *address, items, store_id, next);
                    let new = NewShipment::parse(&body).map_err(ShipError::Invalid)?;
                    let (shipment, fired) = store
                        .orders
                        .create_shipment(order_id, new)
                        .ok_or(ShipError::UnknownOrder(order_id))?
                        .map_err(ShipError::Invalid)?;
                    shipments.push(shipment);
                    events.extend(fired);
                }
                Ok((shipments, events))
            })
            .ok_or_else(|| ShipError::UnknownStore(store_hash.to_owned()))??;
        self.emit(store_hash, events);
        Ok(shipments)
    }
}

/// The `POST /v2/orders/{id}/shipments` body for one parcel.
fn parcel_body(
    request: &ShipRequest,
    address: u64,
    items: &[(u64, u32)],
    store_id: u64,
    shipment_id: u64,
) -> Vec<u8> {
    let items: Vec<_> = items
        .iter()
        .map(|(id, q)| json!({"order_product_id": id, "quantity": q}))
        .collect();
    let mut body = json!({
        "order_address_id": address,
        "items": items,
        "tracking_number": request
            .tracking_number
            .clone()
            .unwrap_or_else(|| tracking_number(store_id, shipment_id)),
        "shipping_provider": request.shipping_provider.as_deref().unwrap_or("ups"),
        "tracking_carrier": request.tracking_carrier.as_deref().unwrap_or("ups"),
    });
    if let Some(comments) = &request.comments {
        body["comments"] = json!(comments);
    }
    body.to_string().into_bytes()
}
