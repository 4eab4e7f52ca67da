//! The body of `POST /v2/orders` (`order_Post`), shape-checked: every field problem is
//! collected, keyed by its dotted path (`billing_address.zip`, `products.1.quantity`), and
//! answered as one v2 400 whose message names the first and whose `details` hold them all.
//! Whether the lines name purchasable catalog items is `create.rs`'s business (a 422).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::ShopperAddress;
use crate::dates;
use crate::errors::{ApiError, Flavor};
use crate::money::Money;
use crate::order_statuses;

/// Fields the spec marks read-only (`order_RespOnly`, `external_id`); BigCommerce refuses a
/// body that sends them.
const READ_ONLY: &[&str] = &[
    "id",
    "date_modified",
    "date_shipped",
    "cart_id",
    "status",
    "custom_status",
    "payment_status",
    "store_credit_amount",
    "gift_certificate_amount",
    "currency_id",
    "currency_exchange_rate",
    "default_currency_id",
    "coupon_discount",
    "shipping_address_count",
    "is_email_opt_in",
    "is_deleted",
    "external_id",
    "tax_provider_id",
];

/// `Pending`, the status `POST /v2/orders` gives an order that names none (facts §4).
const DEFAULT_STATUS: u8 = 1;
/// `staff_notes` `maxLength`; the other texts get the same ceiling.
const MAX_TEXT: usize = 65_535;

/// One line as asked: a catalog item or a custom product.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LineAsked {
    Catalog {
        product_id: u64,
        variant_id: Option<u64>,
        /// `(option id, option value id)` pairs.
        options: Vec<(u64, u64)>,
        quantity: u32,
        /// `price_ex_tax` (no tax is modelled), overriding the catalog price.
        price: Option<Money>,
    },
    Custom {
        name: String,
        sku: String,
        quantity: u32,
        price: Money,
    },
}

/// A shape-valid `POST /v2/orders` body.
#[derive(Debug, Clone)]
pub(crate) struct CreateBody {
    pub billing: ShopperAddress,
    /// At most one; `None` ships to the billing address.
    pub shipping: Option<ShopperAddress>,
    pub lines: Vec<LineAsked>,
    pub status_id: u8,
    pub customer_id: u64,
    pub external_order_id: String,
    pub external_source: Option<String>,
    pub staff_notes: String,
    pub customer_message: String,
    pub payment_method: String,
    /// For migrated history; now when absent.
    pub date_created: Option<Timestamp>,
}

type Problems = BTreeMap<String, String>;

/// The 400 for collected problems: the first names itself, `details` has every one.
fn refusal(problems: Problems) -> ApiError {
    let first = problems
        .iter()
        .next()
        .map(|(field, why)| format!("The field '{field}' is invalid: {why}"))
        .unwrap_or_else(|| "The request is invalid.".into());
    ApiError {
        errors: Some(problems),
        ..ApiError::bad_request(Flavor::V2, first)
    }
}

pub(crate) fn parse(body: &[u8]) -> Result<CreateBody, ApiError> {
    let fields: Map<String, Value> = serde_json::from_slice(body).map_err(|_| {
        ApiError::bad_request(
            Flavor::V2,
            "The request body must be a JSON object of order fields.",
        )
    })?;
    if let Some(name) = fields.keys().find(|k| READ_ONLY.contains(&k.as_str())) {
        return Err(ApiError::bad_request(
            Flavor::V2,
            format!(
                "The field '{name}' cannot be written to. Please remove it from your request before trying again."
            ),
        ));
    }
    if fields.contains_key("consignments") {
        return Err(ApiError::bad_request(
            Flavor::V2,
            "The field 'consignments' is not supported by this simulator: pickup orders are not modelled. Send products and shipping_addresses.",
        ));
    }
    let mut p = Problems::new();
    let billing = match fields.get("billing_address") {
        None => {
            p.insert("billing_address".into(), "is required".into());
            ShopperAddress::default()
        }
        Some(v) => address(v, "billing_address", &mut p),
    };
    if fields.contains_key("billing_address") && billing.zip.trim().chars().count() < 2 {
        p.insert(
            "billing_address.zip".into(),
            "the ZIP code must have two or more characters".into(),
        );
    }
    let shipping = match fields.get("shipping_addresses") {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) if list.is_empty() => None,
        Some(Value::Array(list)) if list.len() == 1 => {
            Some(address(&list[0], "shipping_addresses.0", &mut p))
        }
        Some(Value::Array(_)) => {
            p.insert(
                "shipping_addresses".into(),
                "this simulator models one shipping address per created order".into(),
            );
            None
        }
        Some(_) => {
            p.insert("shipping_addresses".into(), "must be an array".into());
            None
        }
    };
    let lines = match fields.get("products") {
        Some(Value::Array(list)) if !list.is_empty() => list
            .iter()
            .enumerate()
            .filter_map(|(i, v)| line(v, &format!("products.{i}"), &mut p))
            .collect(),
        Some(Value::Array(_)) | None => {
            p.insert("products".into(), "at least one product is required".into());
            Vec::new()
        }
        Some(_) => {
            p.insert("products".into(), "must be an array".into());
            Vec::new()
        }
    };
    let status_id = match fields.get("status_id") {
        None => DEFAULT_STATUS,
        Some(v) => match v.as_u64() {
            Some(id) if order_statuses::is_valid(id) => id as u8,
            _ => {
                p.insert(
                    "status_id".into(),
                    "must be one of the order status ids 0 to 14".into(),
                );
                DEFAULT_STATUS
            }
        },
    };
    let customer_id = match fields.get("customer_id") {
        None => 0,
        Some(v) => v.as_u64().unwrap_or_else(|| {
            p.insert(
                "customer_id".into(),
                "must be a customer id, or 0 for a guest".into(),
            );
            0
        }),
    };
    let date_created = match fields.get("date_created") {
        None => None,
        Some(v) => {
            let parsed = v.as_str().and_then(dates::parse_filter);
            if parsed.is_none() {
                p.insert(
                    "date_created".into(),
                    "must be an RFC-2822 date, e.g. Tue, 20 Nov 2012 00:00:00 +0000".into(),
                );
            }
            parsed
        }
    };
    let mut text = |name: &str| text_field(&fields, name, &mut p).unwrap_or_default();
    let external_order_id = text("external_order_id");
    let external_source = Some(text("external_source")).filter(|s| !s.is_empty());
    let staff_notes = text("staff_notes");
    let customer_message = text("customer_message");
    let payment_method = text("payment_method");
    for name in fields.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
        tracing::warn!(field = %name, "POST /v2/orders: field not modelled by the simulator; ignored");
    }
    if !p.is_empty() {
        return Err(refusal(p));
    }
    Ok(CreateBody {
        billing,
        shipping,
        lines,
        status_id,
        customer_id,
        external_order_id,
        external_source,
        staff_notes,
        customer_message,
        payment_method,
        date_created,
    })
}

/// The fields read above; others are accepted and ignored with a warning.
const KNOWN: &[&str] = &[
    "billing_address",
    "shipping_addresses",
    "products",
    "status_id",
    "customer_id",
    "date_created",
    "external_order_id",
    "external_source",
    "staff_notes",
    "customer_message",
    "payment_method",
];

fn text_field(fields: &Map<String, Value>, name: &str, p: &mut Problems) -> Option<String> {
    match fields.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= MAX_TEXT => Some(s.clone()),
        Some(_) => {
            p.insert(
                name.into(),
                format!("must be text of at most {MAX_TEXT} characters"),
            );
            None
        }
    }
}

const ADDRESS_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "company",
    "street_1",
    "street_2",
    "city",
    "state",
    "zip",
    "country",
    "country_iso2",
    "phone",
    "email",
    "shipping_method",
];

/// `billingAddress_Base` / `shippingAddress_Base`: every field text, every one optional here
/// (the zip rule is the caller's). A number where text belongs is taken as its digits, as
/// BigCommerce's own examples send `zip` either way.
fn address(v: &Value, at: &str, p: &mut Problems) -> ShopperAddress {
    let Some(obj) = v.as_object() else {
        p.insert(at.into(), "must be an object of address fields".into());
        return ShopperAddress::default();
    };
    let mut get = |name: &str| match obj.get(name) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            p.insert(format!("{at}.{name}"), "must be text".into());
            String::new()
        }
    };
    let mut a = ShopperAddress {
        first_name: get("first_name"),
        last_name: get("last_name"),
        company: get("company"),
        street_1: get("street_1"),
        street_2: get("street_2"),
        city: get("city"),
        state: get("state"),
        zip: get("zip"),
        country: get("country"),
        country_iso2: get("country_iso2"),
        phone: get("phone"),
        email: get("email"),
        ..ShopperAddress::default()
    };
    let method = get("shipping_method");
    if !method.is_empty() {
        a.shipping_method = Some(method);
    }
    for name in obj.keys().filter(|k| !ADDRESS_FIELDS.contains(&k.as_str())) {
        if name != "form_fields" {
            p.insert(format!("{at}.{name}"), "is not an address field".into());
        }
    }
    a
}

/// A price as the spec sends it: a number (or numeric text), not negative.
fn price(v: Option<&Value>) -> Result<Option<Money>, ()> {
    let raw = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(()),
    };
    match Money::parse(&raw) {
        Some(m) if m >= Money::ZERO => Ok(Some(m)),
        _ => Err(()),
    }
}

/// `orderCatalogProduct_Post` (has `product_id`) or `orderCustomProduct_Post`.
fn line(v: &Value, at: &str, p: &mut Problems) -> Option<LineAsked> {
    let Some(obj) = v.as_object() else {
        p.insert(at.into(), "must be an object".into());
        return None;
    };
    let before = p.len();
    let mut id = |name: &str| -> Option<u64> {
        let v = obj.get(name)?;
        let id = v.as_u64().filter(|id| *id > 0);
        if id.is_none() {
            p.insert(format!("{at}.{name}"), "must be a positive integer".into());
        }
        id
    };
    let product_id = id("product_id");
    let variant_id = id("variant_id");
    let catalog = obj.contains_key("product_id");
    let quantity = match obj.get("quantity") {
        // The spec's own "Multiple Products" example leaves it out of a catalog line.
        None if catalog => Some(1),
        None => None,
        Some(v) => v.as_u64().filter(|q| (1..=u64::from(u32::MAX)).contains(q)),
    }
    .map(|q| q as u32);
    if quantity.is_none() {
        p.insert(
            format!("{at}.quantity"),
            "must be a whole number of at least 1".into(),
        );
    }
    let price_ex = price(obj.get("price_ex_tax")).unwrap_or_else(|()| {
        p.insert(
            format!("{at}.price_ex_tax"),
            "must be a number of at least 0".into(),
        );
        None
    });
    let price_inc = price(obj.get("price_inc_tax")).unwrap_or_else(|()| {
        p.insert(
            format!("{at}.price_inc_tax"),
            "must be a number of at least 0".into(),
        );
        None
    });
    if catalog {
        let options = match obj.get("product_options") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .filter_map(|(j, o)| {
                    let pair = o
                        .get("id")
                        .and_then(Value::as_u64)
                        .zip(match o.get("value") {
                            Some(Value::String(s)) => s.trim().parse().ok(),
                            Some(Value::Number(n)) => n.as_u64(),
                            _ => None,
                        });
                    if pair.is_none() {
                        p.insert(
                            format!("{at}.product_options.{j}"),
                            "needs the option's id and the chosen value's id".into(),
                        );
                    }
                    pair
                })
                .collect(),
            Some(_) => {
                p.insert(format!("{at}.product_options"), "must be an array".into());
                Vec::new()
            }
        };
        if p.len() > before {
            return None;
        }
        return Some(LineAsked::Catalog {
            product_id: product_id?,
            variant_id,
            options,
            quantity: quantity?,
            price: price_ex.or(price_inc),
        });
    }
    if variant_id.is_some() {
        p.insert(
            format!("{at}.product_id"),
            "is required with variant_id".into(),
        );
    }
    let name = ["name", "name_customer", "name_merchant"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if name.is_none() {
        p.insert(
            format!("{at}.name"),
            "a custom product needs a name (or give product_id)".into(),
        );
    }
    for (field, given) in [("price_ex_tax", price_ex), ("price_inc_tax", price_inc)] {
        if given.is_none() && !p.contains_key(&format!("{at}.{field}")) {
            p.insert(
                format!("{at}.{field}"),
                "is required for a custom product".into(),
            );
        }
    }
    if p.len() > before {
        return None;
    }
    Some(LineAsked::Custom {
        name: name?.to_owned(),
        sku: obj
            .get("sku")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        quantity: quantity?,
        price: price_ex?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn problems(body: &str) -> Vec<String> {
        let e = parse(body.as_bytes()).expect_err("refused");
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        e.errors.unwrap_or_default().into_keys().collect()
    }

    #[test]
    fn reads_the_spec_example_with_variants() {
        let body = parse(
            br#"{"status_id": 0, "customer_id": 1,
                "billing_address": {"first_name": "Jane", "zip": 78751, "country_iso2": "US"},
                "products": [{"product_id": 118, "quantity": 1, "variant_id": 93},
                             {"product_id": 184, "product_options": [{"id": 200, "value": "180"}]},
                             {"name": "Mug", "quantity": 2, "price_inc_tax": 50, "price_ex_tax": 45}],
                "external_order_id": "PO-1"}"#,
        )
        .unwrap();
        assert_eq!(body.billing.zip, "78751");
        assert!(body.shipping.is_none());
        assert_eq!((body.status_id, body.customer_id), (0, 1));
        assert_eq!(body.external_order_id, "PO-1");
        assert_eq!(
            body.lines[1],
            LineAsked::Catalog {
                product_id: 184,
                variant_id: None,
                options: vec![(200, 180)],
                quantity: 1,
                price: None
            }
        );
        assert!(matches!(
            &body.lines[2],
            LineAsked::Custom { quantity: 2, .. }
        ));
        let defaults =
            parse(br#"{"billing_address": {"zip": "12"}, "products": [{"product_id": 1}]}"#)
                .unwrap();
        assert_eq!(defaults.status_id, DEFAULT_STATUS);
    }

    #[test]
    fn names_every_bad_field() {
        assert_eq!(problems("{}"), ["billing_address", "products"]);
        assert_eq!(
            problems(
                r#"{"billing_address": {"zip": "1"}, "status_id": 15,
                   "products": [{"product_id": 0}, {"product_id": 5, "quantity": 0},
                                {"name": "Mug", "quantity": 1, "price_ex_tax": -1}]}"#
            ),
            [
                "billing_address.zip",
                "products.0.product_id",
                "products.1.quantity",
                "products.2.price_ex_tax",
                "products.2.price_inc_tax",
                "status_id"
            ]
        );
        let e = parse(br#"{"external_id": "x"}"#).err().unwrap();
        assert!(
            e.message.contains("'external_id' cannot be written to"),
            "{}",
            e.message
        );
    }
}
