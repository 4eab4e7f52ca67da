//! Order shipments (`/v2/orders/{id}/shipments`, facts §5): the model, the request
//! validation BigCommerce applies, and what a shipment does to its order.
//!
//! Choices where the docs are silent (facts §5 marks them [inference]):
//! - Creating a shipment moves the order to Shipped (2, `date_shipped` set) when every
//!   line that ships somewhere is fully shipped, else to Partially Shipped (3). Digital
//!   and gift-certificate lines ship nowhere and never hold an order back.
//! - Deleting a shipment gives its quantities back (`quantity_shipped` and
//!   `items_shipped` go down, so the items can be shipped again) but leaves the status
//!   alone: "Deleting a shipment does not move the order out of shipped status".
//! - `generated_tracking_link` is an AfterShip link when a tracking number and a
//!   provider or carrier are given and no custom `tracking_link` is.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Order, Orders, render};
use crate::dates;
use crate::events::Event;

/// Order status ids a shipment moves an order to.
const SHIPPED: u8 = 2;
const PARTIALLY_SHIPPED: u8 = 3;

/// One shipment of an order, as `GET /v2/orders/{id}/shipments/{shipment_id}` shows it
/// (without the addresses and generated fields, which are rendered from the order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shipment {
    pub id: u64,
    pub order_id: u64,
    /// The shipping address (consignment) id it ships to.
    pub order_address_id: u64,
    pub tracking_number: String,
    pub shipping_method: String,
    pub shipping_provider: String,
    pub tracking_carrier: String,
    /// The custom link; empty unless the client sent one.
    pub tracking_link: String,
    pub comments: String,
    pub merchant_shipping_cost: String,
    pub items: Vec<ShipmentItem>,
    /// RFC 2822, e.g. `Wed, 13 Mar 2019 16:35:37 +0000`.
    pub date_created: String,
}

/// One shipped order product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ShipmentItem {
    /// The order product id (`GET /v2/orders/{id}/products` `id`).
    pub order_product_id: u64,
    /// The catalog product id; 0 for custom products.
    pub product_id: u64,
    pub quantity: u32,
}

/// A v2 validation failure; the route turns it into `[{"status":400,"message":...}]`.
pub(crate) type Invalid = String;

fn invalid(name: &str) -> Invalid {
    format!("The field '{name}' is invalid.")
}

fn required(name: &str) -> Invalid {
    format!("The required field '{name}' was not supplied.")
}

/// Fields BigCommerce computes; sending them is refused, as for orders.
const READ_ONLY: &[&str] = &[
    "id",
    "order_id",
    "customer_id",
    "date_created",
    "billing_address",
    "shipping_address",
    "shipping_provider_display_name",
    "generated_tracking_link",
];

/// The writable text fields with their documented maximum lengths (none documented for
/// the others; 65535 keeps absurd bodies out).
const TEXT_FIELDS: &[(&str, usize)] = &[
    ("tracking_number", 50),
    ("tracking_link", 500),
    ("shipping_method", 65_535),
    ("shipping_provider", 65_535),
    ("tracking_carrier", 65_535),
    ("comments", 65_535),
    ("merchant_shipping_cost", 65_535),
];

/// The fields of a POST or PUT other than `items`; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub(crate) struct ShipmentEdit {
    pub order_address_id: Option<u64>,
    texts: Vec<(&'static str, String)>,
}

/// A parsed POST body: which address, which (order product id, quantity), the rest.
#[derive(Debug)]
pub(crate) struct NewShipment {
    pub order_address_id: u64,
    pub items: Vec<(u64, u32)>,
    pub edit: ShipmentEdit,
}

fn object(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    serde_json::from_slice(body)
        .map_err(|_| "The request body must be a JSON object of shipment fields.".to_owned())
}

impl ShipmentEdit {
    fn parse(fields: &Map<String, Value>) -> Result<Self, Invalid> {
        if let Some(name) = fields.keys().find(|k| READ_ONLY.contains(&k.as_str())) {
            return Err(format!(
                "The field '{name}' cannot be written to. Please remove it from your request before trying again."
            ));
        }
        let order_address_id = match fields.get("order_address_id") {
            None => None,
            Some(v) => Some(v.as_u64().ok_or_else(|| invalid("order_address_id"))?),
        };
        let mut texts = Vec::new();
        for &(name, max) in TEXT_FIELDS {
            match fields.get(name) {
                None => {}
                Some(Value::String(s)) if s.chars().count() <= max => {
                    texts.push((name, s.clone()));
                }
                Some(_) => return Err(invalid(name)),
            }
        }
        let known = |k: &str| {
            k == "order_address_id" || k == "items" || TEXT_FIELDS.iter().any(|(n, _)| *n == k)
        };
        for name in fields.keys().filter(|k| !known(k)) {
            tracing::warn!(field = %name, "shipments: field not modelled by the simulator; ignored");
        }
        Ok(Self {
            order_address_id,
            texts,
        })
    }

    /// A PUT body: `items` cannot change (facts §5).
    pub fn parse_put(body: &[u8]) -> Result<Self, Invalid> {
        let fields = object(body)?;
        if fields.contains_key("items") {
            return Err(
                "The field 'items' cannot be written to. Please remove it from your request before trying again."
                    .into(),
            );
        }
        Self::parse(&fields)
    }

    fn apply(self, s: &mut Shipment) {
        if let Some(id) = self.order_address_id {
            s.order_address_id = id;
        }
        for (name, value) in self.texts {
            let field = match name {
                "tracking_number" => &mut s.tracking_number,
                "tracking_link" => &mut s.tracking_link,
                "shipping_method" => &mut s.shipping_method,
                "shipping_provider" => &mut s.shipping_provider,
                "tracking_carrier" => &mut s.tracking_carrier,
                "comments" => &mut s.comments,
                _ => &mut s.merchant_shipping_cost,
            };
            *field = value;
        }
    }
}

impl NewShipment {
    /// The shape checks of `orderShipment_Post`; checks against the order come later.
    pub fn parse(body: &[u8]) -> Result<Self, Invalid> {
        let fields = object(body)?;
        let edit = ShipmentEdit::parse(&fields)?;
        let order_address_id = match fields.get("order_address_id") {
            None | Some(Value::Null) => return Err(required("order_address_id")),
            Some(_) => edit
                .order_address_id
                .ok_or_else(|| invalid("order_address_id"))?,
        };
        let items = match fields.get("items") {
            None | Some(Value::Null) => return Err(required("items")),
            Some(Value::Array(items)) if !items.is_empty() => items,
            Some(_) => return Err(invalid("items")),
        };
        let items = items
            .iter()
            .map(|item| {
                let item = item.as_object().ok_or_else(|| invalid("items"))?;
                let line = match item.get("order_product_id") {
                    None => return Err(required("order_product_id")),
                    Some(v) => v.as_u64().ok_or_else(|| invalid("order_product_id"))?,
                };
                let quantity = match item.get("quantity") {
                    None => return Err(required("quantity")),
                    Some(v) => v
                        .as_u64()
                        .and_then(|q| u32::try_from(q).ok())
                        .filter(|q| *q > 0)
                        .ok_or_else(|| invalid("quantity"))?,
                };
                Ok((line, quantity))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            order_address_id,
            items,
            edit,
        })
    }
}

/// Whether every line of `order` that ships to an address is fully shipped.
fn fully_shipped(order: &Order) -> bool {
    order
        .lines
        .iter()
        .filter(|l| l.order_address_id != 0)
        .all(|l| l.quantity_shipped >= l.quantity)
}

impl Orders {
    /// The id the next shipment will get.
    pub(crate) fn peek_shipment_id(&self) -> u64 {
        self.next_shipment_id
    }

    /// `POST /v2/orders/{id}/shipments`. `None` when there is no such order; on success
    /// the shipment and the events: `store/shipment/created`, `store/order/updated`, and
    /// `store/order/statusUpdated` when the status changes.
    pub(crate) fn create_shipment(
        &mut self,
        order_id: u64,
        new: NewShipment,
    ) -> Option<Result<(Shipment, Vec<Event>), Invalid>> {
        let shipment_id = self.next_shipment_id;
        let order = self.by_id.get_mut(&order_id)?;
        Some(ship(order, shipment_id, new).map(|(shipment, events)| {
            self.next_shipment_id += 1;
            (shipment, events)
        }))
    }

    /// `PUT /v2/orders/{id}/shipments/{shipment_id}`: `None` for an unknown order or
    /// shipment. Fires `store/shipment/updated`; the order itself does not change.
    pub(crate) fn update_shipment(
        &mut self,
        order_id: u64,
        shipment_id: u64,
        edit: ShipmentEdit,
    ) -> Option<Result<(Shipment, Vec<Event>), Invalid>> {
        let order = self.by_id.get_mut(&order_id)?;
        let index = order.shipments.iter().position(|s| s.id == shipment_id)?;
        if let Some(address) = edit.order_address_id {
            // Every shipped line must go to the new address, or the shipment would ship
            // items to a consignment that does not have them.
            let ok = order.shipping_addresses.iter().any(|a| a.id == address)
                && order.shipments[index].items.iter().all(|item| {
                    order
                        .lines
                        .iter()
                        .any(|l| l.id == item.order_product_id && l.order_address_id == address)
                });
            if !ok {
                return Some(Err(invalid("order_address_id")));
            }
        }
        let shipment = &mut order.shipments[index];
        edit.apply(shipment);
        let events = vec![Event::shipment_updated(shipment_id, order_id)];
        Some(Ok((shipment.clone(), events)))
    }

    /// `DELETE /v2/orders/{id}/shipments/{shipment_id}`: gives the quantities back, keeps
    /// the status (module docs). `None` for an unknown order or shipment.
    pub(crate) fn delete_shipment(
        &mut self,
        order_id: u64,
        shipment_id: u64,
    ) -> Option<Vec<Event>> {
        let order = self.by_id.get_mut(&order_id)?;
        let index = order.shipments.iter().position(|s| s.id == shipment_id)?;
        let shipment = order.shipments.remove(index);
        unship(order, &shipment);
        order.touch();
        Some(vec![
            Event::shipment_deleted(shipment_id, order_id),
            Event::order_updated(order_id),
        ])
    }

    /// `DELETE /v2/orders/{id}/shipments`: every shipment, as one at a time would.
    pub(crate) fn delete_shipments(&mut self, order_id: u64) -> Option<Vec<Event>> {
        let order = self.by_id.get_mut(&order_id)?;
        let shipments = std::mem::take(&mut order.shipments);
        if shipments.is_empty() {
            return Some(Vec::new());
        }
        let mut events = Vec::new();
        for shipment in &shipments {
            unship(order, shipment);
            events.push(Event::shipment_deleted(shipment.id, order_id));
        }
        order.touch();
        events.push(Event::order_updated(order_id));
        Some(events)
    }
}

fn unship(order: &mut Order, shipment: &Shipment) {
    for item in &shipment.items {
        if let Some(line) = order
            .lines
            .iter_mut()
            .find(|l| l.id == item.order_product_id)
        {
            line.quantity_shipped = line.quantity_shipped.saturating_sub(item.quantity);
        }
    }
}

/// Validates `new` against the order, then applies it.
fn ship(
    order: &mut Order,
    shipment_id: u64,
    new: NewShipment,
) -> Result<(Shipment, Vec<Event>), Invalid> {
    let address = new.order_address_id;
    if !order.shipping_addresses.iter().any(|a| a.id == address) {
        return Err(invalid("order_address_id"));
    }
    // Quantities per line, summed, so listing a line twice cannot over-ship it.
    let mut wanted: Vec<(u64, u32)> = Vec::new();
    for &(line_id, quantity) in &new.items {
        match wanted.iter_mut().find(|(id, _)| *id == line_id) {
            Some((_, q)) => *q = q.saturating_add(quantity),
            None => wanted.push((line_id, quantity)),
        }
    }
    for &(line_id, quantity) in &wanted {
        let line = order
            .lines_to(address)
            .find(|l| l.id == line_id)
            .ok_or_else(|| invalid("order_product_id"))?;
        if quantity > line.quantity.saturating_sub(line.quantity_shipped) {
            return Err(invalid("quantity"));
        }
    }
    let mut items = Vec::with_capacity(new.items.len());
    for &(line_id, quantity) in &new.items {
        let line = order
            .lines
            .iter_mut()
            .find(|l| l.id == line_id)
            .expect("validated above");
        line.quantity_shipped += quantity;
        items.push(ShipmentItem {
            order_product_id: line_id,
            product_id: line.product_id,
            quantity,
        });
    }
    let now = dates::now();
    let mut shipment = Shipment {
        id: shipment_id,
        order_id: order.id,
        order_address_id: address,
        tracking_number: String::new(),
        shipping_method: String::new(),
        shipping_provider: String::new(),
        tracking_carrier: String::new(),
        tracking_link: String::new(),
        comments: String::new(),
        merchant_shipping_cost: "0.0000".into(),
        items,
        date_created: dates::rfc2822(now),
    };
    new.edit.apply(&mut shipment);
    order.shipments.push(shipment.clone());

    let previous = order.status_id;
    let status = if fully_shipped(order) {
        SHIPPED
    } else {
        PARTIALLY_SHIPPED
    };
    order.status_id = status;
    if status == SHIPPED && previous != SHIPPED {
        order.date_shipped = Some(now);
    }
    order.touch();
    let mut events = vec![
        Event::shipment_created(shipment_id, order.id),
        Event::order_updated(order.id),
    ];
    if previous != status {
        events.push(Event::order_status_updated(order.id, previous, status));
    }
    Ok((shipment, events))
}

/// The human-readable provider name BigCommerce shows next to the code.
fn provider_display_name(code: &str) -> String {
    let name = match code {
        "auspost" => "Australia Post",
        "canadapost" => "Canada Post",
        "endicia" => "Endicia",
        "usps" => "USPS",
        "fedex" => "FedEx",
        "ups" | "upsready" | "upsonline" => "UPS",
        "shipperhq" => "ShipperHQ",
        "royalmail" => "Royal Mail",
        other => other,
    };
    name.to_owned()
}

/// See the module docs; empty when a custom link was given or nothing identifies one.
fn generated_tracking_link(s: &Shipment) -> String {
    let courier = if s.tracking_carrier.is_empty() {
        &s.shipping_provider
    } else {
        &s.tracking_carrier
    };
    if !s.tracking_link.is_empty() || s.tracking_number.is_empty() || courier.is_empty() {
        return String::new();
    }
    format!(
        "https://track.aftership.com/{courier}/{}",
        s.tracking_number
    )
}

/// The `orderShipment` body.
pub(crate) fn render(o: &Order, s: &Shipment) -> Value {
    let shipping_address = o
        .shipping_addresses
        .iter()
        .find(|a| a.id == s.order_address_id)
        .map(|a| render::address(&a.address))
        .unwrap_or_else(|| json!({}));
    json!({
        "id": s.id,
        "order_id": s.order_id,
        "customer_id": o.customer_id,
        "order_address_id": s.order_address_id,
        "date_created": s.date_created,
        "tracking_number": s.tracking_number,
        "merchant_shipping_cost": s.merchant_shipping_cost,
        "shipping_method": s.shipping_method,
        "shipping_provider": s.shipping_provider,
        "tracking_carrier": s.tracking_carrier,
        "tracking_link": s.tracking_link,
        "comments": s.comments,
        "billing_address": render::address(&o.billing_address),
        "shipping_address": shipping_address,
        "items": s.items,
        "shipping_provider_display_name": provider_display_name(&s.shipping_provider),
        "generated_tracking_link": generated_tracking_link(s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<NewShipment, Invalid> {
        NewShipment::parse(body.as_bytes())
    }

    #[test]
    fn post_bodies_need_an_address_and_items() {
        let ok = parse(r#"{"order_address_id": 1, "items": [{"order_product_id": 2, "quantity": 3}], "tracking_number": "1Z"}"#).unwrap();
        assert_eq!(ok.order_address_id, 1);
        assert_eq!(ok.items, [(2, 3)]);
        for (body, message) in [
            (
                r#"{"items": [{"order_product_id": 2, "quantity": 1}]}"#,
                "The required field 'order_address_id' was not supplied.",
            ),
            (
                r#"{"order_address_id": 1}"#,
                "The required field 'items' was not supplied.",
            ),
            (
                r#"{"order_address_id": 1, "items": []}"#,
                "The field 'items' is invalid.",
            ),
            (
                r#"{"order_address_id": "1", "items": [{"order_product_id": 2, "quantity": 1}]}"#,
                "The field 'order_address_id' is invalid.",
            ),
            (
                r#"{"order_address_id": 1, "items": [{"order_product_id": 2, "quantity": 0}]}"#,
                "The field 'quantity' is invalid.",
            ),
            (
                r#"{"order_address_id": 1, "items": [{"order_product_id": 2}]}"#,
                "The required field 'quantity' was not supplied.",
            ),
            (
                r#"{"order_address_id": 1, "items": [{"quantity": 1}]}"#,
                "The required field 'order_product_id' was not supplied.",
            ),
            (
                r#"{"order_address_id": 1, "items": [{"order_product_id": 2, "quantity": 1}], "tracking_number": "123456789012345678901234567890123456789012345678901"}"#,
                "The field 'tracking_number' is invalid.",
            ),
            (
                r#"{"id": 4, "order_address_id": 1, "items": [{"order_product_id": 2, "quantity": 1}]}"#,
                "The field 'id' cannot be written to. Please remove it from your request before trying again.",
            ),
            (
                "[]",
                "The request body must be a JSON object of shipment fields.",
            ),
        ] {
            assert_eq!(parse(body).unwrap_err(), message, "{body}");
        }
        assert!(ShipmentEdit::parse_put(br#"{"items": []}"#).is_err());
        assert!(ShipmentEdit::parse_put(br#"{"tracking_number": "X"}"#).is_ok());
    }

    #[test]
    fn tracking_links_are_generated_only_without_a_custom_one() {
        let mut s = Shipment {
            id: 1,
            order_id: 100,
            order_address_id: 1,
            tracking_number: "1Z999".into(),
            shipping_method: String::new(),
            shipping_provider: "ups".into(),
            tracking_carrier: String::new(),
            tracking_link: String::new(),
            comments: String::new(),
            merchant_shipping_cost: "0.0000".into(),
            items: Vec::new(),
            date_created: String::new(),
        };
        assert_eq!(
            generated_tracking_link(&s),
            "https://track.aftership.com/ups/1Z999"
        );
        s.tracking_link = "https://example.com/t".into();
        assert_eq!(generated_tracking_link(&s), "");
        assert_eq!(provider_display_name("fedex"), "FedEx");
        assert_eq!(provider_display_name("carrier_7"), "carrier_7");
    }
}
