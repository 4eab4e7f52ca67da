//! Placing an order as a shopper would: catalog items (with the catalog's real ids, SKUs,
//! names and prices), custom products, digital items and gift certificates, shipped to
//! one or more addresses, with coupons. `seed.rs` builds seeded orders on the same path,
//! so they look exactly like placed ones.

use jiff::Timestamp;
use serde::Deserialize;

use super::{
    Address, INCOMPLETE, LineOption, Order, OrderCoupon, OrderLine, Orders, ShippingAddress,
};
use crate::catalog::Catalog;
use crate::dates;
use crate::events::Event;
use crate::money::Money;
use crate::order_statuses;

/// What a line is, as the order product's `type` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum LineKind {
    #[default]
    #[serde(rename = "physical")]
    Physical,
    #[serde(rename = "digital")]
    Digital,
    #[serde(rename = "giftcertificate")]
    GiftCertificate,
}

impl LineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Physical => "physical",
            LineKind::Digital => "digital",
            LineKind::GiftCertificate => "giftcertificate",
        }
    }

    /// Only physical lines go to a shipping address.
    pub fn ships(self) -> bool {
        self == LineKind::Physical
    }
}

/// An order as a shopper places it. Also the body of `POST /__sim/stores/{hash}/orders`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopperOrder {
    pub lines: Vec<ShopperLine>,
    /// Shipping addresses; lines name theirs by index. Empty: one sample address.
    #[serde(default)]
    pub addresses: Vec<ShopperAddress>,
    /// Defaults to the first shipping address.
    #[serde(default)]
    pub billing_address: Option<ShopperAddress>,
    /// Where checkout leaves the order [default: 11, Awaiting Fulfillment].
    #[serde(default = "awaiting_fulfillment")]
    pub status_id: u8,
    /// 0 is a guest checkout.
    #[serde(default)]
    pub customer_id: u64,
    #[serde(default)]
    pub customer_message: String,
    /// Coupons redeemed at checkout; none by default.
    #[serde(default)]
    pub coupons: Vec<ShopperCoupon>,
}

/// A coupon redeemed at checkout: `amount` off the order's subtotal (BigCommerce's
/// `per_total_discount`). The same code on several orders is one store coupon.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopperCoupon {
    pub code: String,
    pub amount: Money,
}

impl ShopperCoupon {
    pub fn new(code: &str, amount: Money) -> Self {
        Self {
            code: code.to_owned(),
            amount,
        }
    }
}

fn awaiting_fulfillment() -> u8 {
    11
}

fn one() -> u32 {
    1
}

impl ShopperOrder {
    /// A guest order in Awaiting Fulfillment to one sample address.
    pub fn new(lines: Vec<ShopperLine>) -> Self {
        Self {
            lines,
            addresses: Vec::new(),
            billing_address: None,
            status_id: awaiting_fulfillment(),
            customer_id: 0,
            customer_message: String::new(),
            coupons: Vec::new(),
        }
    }
}

/// One line of a [`ShopperOrder`]. A catalog line names `product_id` and/or
/// `variant_id` (a product with options needs the variant); a custom line names neither
/// and gives `name` and `price` (and optionally `sku`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopperLine {
    #[serde(default)]
    pub product_id: Option<u64>,
    #[serde(default)]
    pub variant_id: Option<u64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sku: Option<String>,
    /// A custom line's unit price; a catalog line's overrides the catalog price.
    #[serde(default)]
    pub price: Option<Money>,
    #[serde(default = "one")]
    pub quantity: u32,
    /// Index into `addresses`; ignored for digital items and gift certificates.
    #[serde(default)]
    pub address: usize,
    #[serde(default, rename = "type")]
    pub kind: LineKind,
}

impl ShopperLine {
    /// A catalog item: a simple product by `product_id` with `variant_id: None`, or one
    /// variant.
    pub fn catalog(product_id: u64, variant_id: Option<u64>, quantity: u32) -> Self {
        Self {
            product_id: Some(product_id),
            variant_id,
            name: None,
            sku: None,
            price: None,
            quantity,
            address: 0,
            kind: LineKind::Physical,
        }
    }

    /// A custom product: not in the catalog, so no product or variant id.
    pub fn custom(name: &str, sku: &str, price: Money, quantity: u32) -> Self {
        Self {
            product_id: None,
            variant_id: None,
            name: Some(name.to_owned()),
            sku: Some(sku.to_owned()),
            price: Some(price),
            quantity,
            address: 0,
            kind: LineKind::Physical,
        }
    }

    /// Ships this line to `addresses[index]`.
    pub fn to(mut self, index: usize) -> Self {
        self.address = index;
        self
    }

    pub fn kind(mut self, kind: LineKind) -> Self {
        self.kind = kind;
        self
    }
}

/// A shipping or billing address; every field may be left out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShopperAddress {
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub street_1: String,
    pub street_2: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
    pub country_iso2: String,
    pub phone: String,
    pub email: String,
    /// [default: "Flat Rate"]
    pub shipping_method: Option<String>,
    /// [default: 5.00]
    pub shipping_cost: Option<Money>,
}

const SAMPLE_PEOPLE: [(&str, &str, &str, &str, &str); 4] = [
    ("Jane", "Doe", "Austin", "TX", "78701"),
    ("Ravi", "Patel", "Chicago", "IL", "60601"),
    ("Mia", "Schmidt", "Denver", "CO", "80202"),
    ("Tom", "Okafor", "Seattle", "WA", "98101"),
];

impl ShopperAddress {
    /// A realistic US address, one of four people; `n` also varies the street.
    pub fn sample(n: u64) -> Self {
        let (first, last, city, state, zip) = SAMPLE_PEOPLE[(n % 4) as usize];
        Self {
            first_name: first.into(),
            last_name: last.into(),
            street_1: format!("{} Main Street", 100 + n),
            city: city.into(),
            state: state.into(),
            zip: zip.into(),
            country: "United States".into(),
            country_iso2: "US".into(),
            phone: "555-0100".into(),
            email: format!("{first}.{last}@example.com").to_lowercase(),
            ..Self::default()
        }
    }

    fn address(&self) -> Address {
        Address {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            company: self.company.clone(),
            street_1: self.street_1.clone(),
            street_2: self.street_2.clone(),
            city: self.city.clone(),
            state: self.state.clone(),
            zip: self.zip.clone(),
            country: self.country.clone(),
            country_iso2: self.country_iso2.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
        }
    }
}

/// Why an order cannot be placed; the message names the offending line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlaceError(pub String);

impl std::fmt::Display for PlaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Places an order created now and returns its id and the events checkout fires:
/// `store/order/created` (the order starts Incomplete), then `store/order/updated` and
/// `store/order/statusUpdated` when checkout moves it to another status.
pub(crate) fn place(
    orders: &mut Orders,
    catalog: &Catalog,
    shopper: &ShopperOrder,
) -> Result<(u64, Vec<Event>), PlaceError> {
    let id = build(orders, catalog, shopper, dates::now())?;
    let mut events = vec![Event::order_created(id)];
    if shopper.status_id != INCOMPLETE {
        events.push(Event::order_updated(id));
        events.push(Event::order_status_updated(
            id,
            INCOMPLETE,
            shopper.status_id,
        ));
    }
    Ok((id, events))
}

/// Validates everything before taking any id, so a refused order leaves no gaps.
pub(super) fn build(
    orders: &mut Orders,
    catalog: &Catalog,
    shopper: &ShopperOrder,
    at: Timestamp,
) -> Result<u64, PlaceError> {
    if shopper.lines.is_empty() {
        return Err(PlaceError("an order needs at least one line".into()));
    }
    if !order_statuses::is_valid(u64::from(shopper.status_id)) {
        return Err(PlaceError(format!(
            "status_id {} is not one of the 15 order statuses",
            shopper.status_id
        )));
    }
    let sample = [ShopperAddress::sample(orders.next_order_id)];
    let addresses: &[ShopperAddress] = if shopper.addresses.is_empty() {
        &sample
    } else {
        &shopper.addresses
    };
    let mut drafts = Vec::with_capacity(shopper.lines.len());
    for (i, line) in shopper.lines.iter().enumerate() {
        let draft = draft_line(catalog, line).map_err(|e| PlaceError(format!("line {i}: {e}")))?;
        if line.kind.ships() && line.address >= addresses.len() {
            return Err(PlaceError(format!(
                "line {i}: address {} does not exist ({} given)",
                line.address,
                addresses.len()
            )));
        }
        drafts.push(draft);
    }
    for index in 0..shopper.addresses.len() {
        let used = shopper
            .lines
            .iter()
            .any(|l| l.kind.ships() && l.address == index);
        if !used {
            return Err(PlaceError(format!(
                "address {index} has no physical line shipping to it"
            )));
        }
    }

    check_coupons(&shopper.coupons)?;

    let id = orders.next_order_id();
    // Only addresses that receive physical lines become shipping addresses (an all-digital
    // order has none), in the order given.
    let mut address_ids = vec![None; addresses.len()];
    let mut shipping_addresses = Vec::new();
    for (index, a) in addresses.iter().enumerate() {
        if shopper
            .lines
            .iter()
            .any(|l| l.kind.ships() && l.address == index)
        {
            let address_id = orders.next_address_id();
            address_ids[index] = Some(address_id);
            shipping_addresses.push(ShippingAddress {
                id: address_id,
                address: a.address(),
                shipping_method: a
                    .shipping_method
                    .clone()
                    .unwrap_or_else(|| "Flat Rate".into()),
                cost: a.shipping_cost.unwrap_or(Money::from_cents(500)),
                quote_uuid: uuid::Uuid::new_v4().to_string(),
            });
        }
    }
    let lines: Vec<OrderLine> = drafts
        .into_iter()
        .zip(&shopper.lines)
        .map(|(mut line, asked)| {
            line.id = orders.next_line_id();
            if asked.kind.ships() {
                line.order_address_id = address_ids[asked.address].unwrap_or(0);
            }
            line
        })
        .collect();
    let mut left = lines_subtotal(&lines);
    let coupons = shopper
        .coupons
        .iter()
        .map(|c| {
            let discount = c.amount.min(left);
            left = left - discount;
            OrderCoupon {
                id: orders.next_order_coupon_id(),
                coupon_id: orders.coupon_id(&c.code),
                code: c.code.clone(),
                amount: c.amount,
                discount,
            }
        })
        .collect();
    let billing = shopper
        .billing_address
        .as_ref()
        .unwrap_or(&addresses[0])
        .address();
    orders.insert(Order {
        id,
        customer_id: shopper.customer_id,
        status_id: shopper.status_id,
        date_created: at,
        date_modified: at,
        date_shipped: None,
        payment_method: "Test Payment Gateway".into(),
        staff_notes: String::new(),
        customer_message: shopper.customer_message.clone(),
        currency_code: "USD".into(),
        channel_id: 1,
        billing_address: billing,
        lines,
        shipping_addresses,
        is_deleted: false,
        shipments: Vec::new(),
        coupons,
        order_source: "www",
        external_source: None,
        external_order_id: String::new(),
        stock_taken: Vec::new(),
    });
    Ok(id)
}

fn lines_subtotal(lines: &[OrderLine]) -> Money {
    lines
        .iter()
        .fold(Money::ZERO, |sum, l| sum + l.unit_price.times(l.quantity))
}

/// Codes as BigCommerce's coupon form takes them (at most 50 characters), each once per
/// order, for a positive amount.
fn check_coupons(coupons: &[ShopperCoupon]) -> Result<(), PlaceError> {
    for (i, c) in coupons.iter().enumerate() {
        let code = c.code.trim();
        if code.is_empty() || code.chars().count() > 50 {
            return Err(PlaceError(format!(
                "coupon {i}: a code needs 1 to 50 characters"
            )));
        }
        if c.amount <= Money::ZERO {
            return Err(PlaceError(format!(
                "coupon {i}: the amount must be positive"
            )));
        }
        if coupons[..i].iter().any(|earlier| earlier.code == c.code) {
            return Err(PlaceError(format!(
                "coupon {i}: {} is already redeemed on this order",
                c.code
            )));
        }
    }
    Ok(())
}

/// A line with everything but its ids.
fn draft_line(catalog: &Catalog, line: &ShopperLine) -> Result<OrderLine, String> {
    if line.quantity == 0 {
        return Err("quantity must be at least 1".into());
    }
    let mut draft = OrderLine {
        id: 0,
        product_id: 0,
        variant_id: None,
        name: String::new(),
        sku: line.sku.clone().unwrap_or_default(),
        upc: String::new(),
        brand: String::new(),
        kind: line.kind,
        unit_price: Money::ZERO,
        quantity: line.quantity,
        quantity_shipped: 0,
        order_address_id: 0,
        options: Vec::new(),
    };
    let (product, variant) = match (line.product_id, line.variant_id) {
        (None, None) => {
            draft.name = line
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .ok_or("a custom line needs a name (or a product_id/variant_id)")?;
            draft.unit_price = line.price.ok_or("a custom line needs a price")?;
            return Ok(draft);
        }
        (_, Some(variant_id)) => {
            let (product, variant) = catalog
                .variant(variant_id)
                .ok_or(format!("variant {variant_id} is not in the catalog"))?;
            if line.product_id.is_some_and(|p| p != product.id()) {
                return Err(format!(
                    "variant {variant_id} belongs to product {}, not {}",
                    product.id(),
                    line.product_id.unwrap_or_default()
                ));
            }
            (product, variant)
        }
        (Some(product_id), None) => {
            let product = catalog
                .product(product_id)
                .ok_or(format!("product {product_id} is not in the catalog"))?;
            if product.base_variant_id().is_none() {
                return Err(format!(
                    "product {product_id} has options; name one of its variants"
                ));
            }
            // A simple product's only variant is its base variant.
            (product, &product.variants()[0])
        }
    };
    draft.product_id = product.id();
    draft.variant_id = Some(variant.id());
    draft.name = line.name.clone().unwrap_or_else(|| product.name.clone());
    if line.sku.is_none() {
        draft.sku.clone_from(&variant.sku);
    }
    draft.upc.clone_from(&variant.upc);
    draft.brand = catalog.brand_name(product.brand_id);
    draft.unit_price = line.price.or(variant.price).unwrap_or(product.price);
    draft.options = variant
        .option_values()
        .iter()
        .map(|o| LineOption {
            option_id: o.option_id,
            value_id: o.id,
            display_name: o.option_display_name.clone(),
            label: o.label.clone(),
        })
        .collect();
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        c.seed_simple(3);
        c
    }

    #[test]
    fn catalog_lines_carry_the_catalogs_ids_sku_and_price() {
        let mut orders = Orders::default();
        let c = catalog();
        let shopper = ShopperOrder::new(vec![
            ShopperLine::catalog(111, None, 2),
            ShopperLine::custom("Engraving", "ENG", Money::from_cents(300), 1),
            ShopperLine::custom("Manual", "PDF", Money::from_cents(100), 1).kind(LineKind::Digital),
        ]);
        let (id, events) = place(&mut orders, &c, &shopper).unwrap();
        let scopes: Vec<_> = events.iter().map(|e| e.scope).collect();
        assert_eq!(
            scopes,
            [
                "store/order/created",
                "store/order/updated",
                "store/order/statusUpdated"
            ]
        );
        let o = orders.get(id).unwrap();
        let p = c.product(111).unwrap();
        assert_eq!(o.lines[0].product_id, 111);
        assert_eq!(o.lines[0].variant_id, Some(1001));
        assert_eq!(o.lines[0].sku, "SIM-111");
        assert_eq!(o.lines[0].unit_price, p.price);
        assert_eq!(o.lines[1].variant_id, None);
        assert_eq!(o.lines[2].order_address_id, 0);
        assert_eq!(o.lines[0].order_address_id, o.shipping_addresses[0].id);
        assert_eq!(o.items_total(), 4);
        assert_eq!(o.subtotal(), p.price.times(2) + Money::from_cents(400));
    }

    fn with_coupons(coupons: &[(&str, i64)]) -> ShopperOrder {
        let mut order = ShopperOrder::new(vec![ShopperLine::catalog(111, None, 1)]);
        order.coupons = coupons
            .iter()
            .map(|(code, cents)| ShopperCoupon::new(code, Money::from_cents(*cents)))
            .collect();
        order
    }

    #[test]
    fn bad_orders_are_refused_without_using_ids() {
        let mut orders = Orders::default();
        let c = catalog();
        let bad = [
            ShopperOrder::new(vec![]),
            ShopperOrder::new(vec![ShopperLine::catalog(999, None, 1)]),
            ShopperOrder::new(vec![ShopperLine::catalog(111, Some(1002), 1)]),
            ShopperOrder::new(vec![ShopperLine::catalog(111, None, 0)]),
            ShopperOrder::new(vec![ShopperLine::catalog(111, None, 1).to(1)]),
            with_coupons(&[("", 100)]),
            with_coupons(&[("FREE", 0)]),
            with_coupons(&[("TWICE", 100), ("TWICE", 200)]),
        ];
        for shopper in &bad {
            assert!(place(&mut orders, &c, shopper).is_err(), "{shopper:?}");
        }
        let ok = ShopperOrder::new(vec![ShopperLine::catalog(112, Some(1002), 1)]);
        assert_eq!(place(&mut orders, &c, &ok).unwrap().0, 100);
    }
}
