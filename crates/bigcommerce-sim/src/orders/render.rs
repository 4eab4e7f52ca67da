//! Typed orders to the orders.v2.oas2.yml response shapes: `order_Resp`,
//! `orderProducts`, `orderShippingAddress`, `orderConsignment_Get` and
//! `orderCoupons_Base`.

use serde_json::{Value, json};

use super::coupons::PER_TOTAL_DISCOUNT;
use super::{Address, LineOption, Order, OrderCoupon, OrderLine, ShippingAddress};
use crate::dates;
use crate::money::Money;
use crate::order_statuses::{self, OrderStatus};
use crate::orders::place::LineKind;

/// BigCommerce embeds at most this many line items per consignment (facts §4).
pub(crate) const CONSIGNMENT_LINE_CAP: usize = 50;

/// What `include=` asks to embed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Include {
    pub consignments: bool,
    /// `consignments.line_items`: order products inside each consignment.
    pub line_items: bool,
    /// `fees`: the order's fees inline instead of a link.
    pub fees: bool,
}

/// `{url, resource}` links resolve against this base: `http://host/stores/{hash}/v2`.
pub(crate) struct Links<'a>(pub &'a str);

impl Links<'_> {
    fn link(&self, resource: String) -> Value {
        json!({ "url": format!("{}{resource}", self.0), "resource": resource })
    }
}

/// The `order_Resp` body. Sub-resources are `{url, resource}` links unless `include`
/// asks for consignments inline (always in the object structure).
pub(crate) fn order(o: &Order, statuses: &[OrderStatus], links: &Links, include: Include) -> Value {
    let subtotal = o.subtotal();
    let shipping = o.shipping_cost();
    let discount = o.coupon_discount();
    let total = o.total();
    let zero = Money::ZERO;
    let billing = &o.billing_address;
    let mut body = json!({
        "id": o.id,
        "customer_id": o.customer_id,
        "date_created": dates::rfc2822(o.date_created),
        "date_modified": dates::rfc2822(o.date_modified),
        "date_shipped": o.date_shipped.map(dates::rfc2822).unwrap_or_default(),
        "status_id": o.status_id,
        "status": order_statuses::label(statuses, o.status_id),
        "subtotal_ex_tax": subtotal, "subtotal_inc_tax": subtotal, "subtotal_tax": zero,
        "base_shipping_cost": shipping,
        "shipping_cost_ex_tax": shipping, "shipping_cost_inc_tax": shipping,
        "shipping_cost_tax": zero, "shipping_cost_tax_class_id": 2,
        "base_handling_cost": zero, "handling_cost_ex_tax": zero, "handling_cost_inc_tax": zero,
        "handling_cost_tax": zero, "handling_cost_tax_class_id": 2,
        "base_wrapping_cost": zero, "wrapping_cost_ex_tax": zero, "wrapping_cost_inc_tax": zero,
        "wrapping_cost_tax": zero, "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": total, "total_inc_tax": total, "total_tax": zero,
        "items_total": o.items_total(),
        "items_shipped": o.items_shipped(),
        "payment_method": o.payment_method,
        "payment_provider_id": "",
        "payment_status": "captured",
        "refunded_amount": zero,
        "order_is_digital": o.shipping_addresses.is_empty(),
        "store_credit_amount": zero,
        "gift_certificate_amount": zero,
        "ip_address": "203.0.113.10",
        "ip_address_v6": "",
        "geoip_country": billing.country, "geoip_country_iso2": billing.country_iso2,
        "currency_id": 1, "currency_code": o.currency_code,
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": 1, "default_currency_code": o.currency_code,
        "store_default_currency_code": o.currency_code,
        "store_default_to_transactional_exchange_rate": "1.0000000000",
        "staff_notes": o.staff_notes,
        "customer_message": o.customer_message,
        // The spec's example has coupon discounts in both.
        "discount_amount": discount,
        "coupon_discount": discount,
        "shipping_address_count": o.shipping_addresses.len(),
        "is_deleted": o.is_deleted,
        "ebay_order_id": "0",
        "cart_id": "",
        "billing_address": with_form_fields(address(billing)),
        "is_email_opt_in": false,
        "order_source": o.order_source,
        "channel_id": o.channel_id,
        "external_source": o.external_source,
        "external_id": Value::Null,
        "external_merchant_id": Value::Null,
        "external_order_id": o.external_order_id,
        "tax_provider_id": "BasicTaxProvider",
        "customer_locale": "en",
        "is_tax_inclusive_pricing": false,
        "products": links.link(format!("/orders/{}/products", o.id)),
        "shipping_addresses": links.link(format!("/orders/{}/shipping_addresses", o.id)),
        "coupons": links.link(format!("/orders/{}/coupons", o.id)),
    });
    // No fees are modelled: `fees` is an empty list inline, a link otherwise.
    body["fees"] = if include.fees {
        json!([])
    } else {
        links.link(format!("/orders/{}/fees", o.id))
    };
    body["consignments"] = if include.consignments {
        consignments(o, links, include.line_items)
    } else {
        links.link(format!("/orders/{}/consignments", o.id))
    };
    body
}

pub(crate) fn address(a: &Address) -> Value {
    json!({
        "first_name": a.first_name, "last_name": a.last_name, "company": a.company,
        "street_1": a.street_1, "street_2": a.street_2, "city": a.city, "state": a.state,
        "zip": a.zip, "country": a.country, "country_iso2": a.country_iso2,
        "phone": a.phone, "email": a.email,
    })
}

fn with_form_fields(mut address: Value) -> Value {
    address["form_fields"] = json!([]);
    address
}

/// One `orderProducts` object, with every property the schema declares. `variant_id` is
/// left out for custom products, which have none ("not available for custom products").
pub(crate) fn product(o: &Order, line: &OrderLine) -> Value {
    let zero = Money::ZERO;
    let total = line.unit_price.times(line.quantity);
    let options: Vec<Value> = line
        .options
        .iter()
        .enumerate()
        .map(|(i, option)| product_option(line, i, option))
        .collect();
    let (applied_discounts, discounted) = applied_discounts(o, line);
    let mut body = json!({
        "id": line.id,
        "order_id": o.id,
        "product_id": line.product_id,
        "order_pickup_method_id": 0,
        "order_address_id": line.order_address_id,
        "name": line.name, "name_customer": line.name, "name_merchant": line.name,
        "sku": line.sku,
        "upc": line.upc,
        "type": line.kind.as_str(),
        "base_price": line.unit_price,
        "price_ex_tax": line.unit_price, "price_inc_tax": line.unit_price, "price_tax": zero,
        "base_total": total, "total_ex_tax": total, "total_inc_tax": total, "total_tax": zero,
        "quantity": line.quantity,
        "base_cost_price": zero, "cost_price_inc_tax": zero, "cost_price_ex_tax": zero,
        "cost_price_tax": zero,
        "weight": "1.0000", "width": "0.0000", "height": "0.0000", "depth": "0.0000",
        "is_refunded": false,
        "quantity_refunded": 0,
        "refund_amount": zero,
        "return_id": 0,
        "wrapping_id": 0,
        "wrapping_name": "",
        "base_wrapping_cost": zero,
        "wrapping_cost_ex_tax": zero, "wrapping_cost_inc_tax": zero, "wrapping_cost_tax": zero,
        "wrapping_message": "",
        "quantity_shipped": line.quantity_shipped,
        // Documented optional fields of what the simulator does not model: no
        // promotional events, option sets (a v3 product has none), bundles, external
        // marketplaces or issued gift certificates. null, as BigCommerce sends them.
        "event_name": Value::Null,
        "event_date": Value::Null,
        "option_set_id": Value::Null,
        "parent_order_product_id": Value::Null,
        "external_id": Value::Null,
        "gift_certificate_id": Value::Null,
        "fixed_shipping_cost": zero,
        "ebay_item_id": "",
        "ebay_transaction_id": "",
        "is_bundled_product": false,
        "bin_picking_number": "",
        "brand": line.brand,
        "applied_discounts": applied_discounts,
        "product_options": options,
        "configurable_fields": [],
        "discounted_total_inc_tax": total - discounted,
    });
    if let Some(variant_id) = line.variant_id {
        body["variant_id"] = json!(variant_id);
    }
    body
}

/// One `orderProductOptions` object. `value` is the chosen option value's id as a
/// string and `display_value` its label, as in the spec's example ("value": "69",
/// "display_value": "S"). The catalog models product options only, not the store-wide
/// shared options behind them, so its option id is both `option_id` and
/// `product_option_id`: either matches the `option_id` of the variant's option values.
fn product_option(line: &OrderLine, index: usize, option: &LineOption) -> Value {
    let name = &option.display_name;
    let label = &option.label;
    json!({
        // Unique and increasing, like BigCommerce's: a line never has 100 options.
        "id": line.id * 100 + index as u64,
        "option_id": option.option_id,
        "order_product_id": line.id,
        "product_option_id": option.option_id,
        "display_name": name, "display_name_customer": name, "display_name_merchant": name,
        "display_value": label, "display_value_customer": label, "display_value_merchant": label,
        "value": option.value_id.to_string(),
        "type": "Multiple choice",
        "name": name,
        "display_style": "Rectangle",
    })
}

/// The line's share of each coupon (`orderProductAppliedDiscounts`), and their sum.
fn applied_discounts(o: &Order, line: &OrderLine) -> (Vec<Value>, Money) {
    let Some(index) = o.lines.iter().position(|l| l.id == line.id) else {
        return (Vec::new(), Money::ZERO);
    };
    let mut sum = Money::ZERO;
    let applied = o
        .coupons
        .iter()
        .map(|c| {
            let share = c.line_shares(&o.lines)[index];
            sum = sum + share;
            json!({
                "id": c.coupon_id.to_string(),
                "amount": share,
                "name": c.code,
                "code": c.code,
                "target": "order",
            })
        })
        .collect();
    (applied, sum)
}

/// One `orderCoupons_Base` object. `amount` and `discount` are numbers, as in the spec's
/// example.
pub(crate) fn coupon(o: &Order, c: &OrderCoupon) -> Value {
    json!({
        "id": c.id,
        "coupon_id": c.coupon_id,
        "order_id": o.id,
        "code": c.code,
        "amount": c.amount.as_f64(),
        "type": PER_TOTAL_DISCOUNT,
        "discount": c.discount.as_f64(),
    })
}

/// One `orderShippingAddress` object.
pub(crate) fn shipping_address(o: &Order, a: &ShippingAddress, links: &Links) -> Value {
    let (total, shipped) = counts(o, a.id);
    let zero = Money::ZERO;
    let mut body = with_form_fields(address(&a.address));
    let extra = json!({
        "id": a.id,
        "order_id": o.id,
        "items_total": total,
        "items_shipped": shipped,
        "shipping_method": a.shipping_method,
        "base_cost": a.cost, "cost_ex_tax": a.cost, "cost_inc_tax": a.cost, "cost_tax": zero,
        "cost_tax_class_id": 2,
        "base_handling_cost": zero, "handling_cost_ex_tax": zero, "handling_cost_inc_tax": zero,
        "handling_cost_tax": zero, "handling_cost_tax_class_id": 2,
        "shipping_zone_id": 1,
        "shipping_zone_name": "United States",
        "shipping_quotes": links.link(format!("/orders/{}/shipping_addresses/{}/shipping_quotes", o.id, a.id)),
    });
    merge(&mut body, extra);
    body
}

/// The `shippingQuotes_Base` checkout persisted for a shipping address (and its shipping
/// consignment, which shares its id). Every simulated order is placed as a shopper would
/// at checkout, where a quote is taken; the spec's 204 for quotes concerns orders made in
/// the control panel or by the API, which the simulator does not create. Every address
/// ships by one static method, as in the spec's "Fixed Shipping" example.
pub(crate) fn shipping_quote(o: &Order, a: &ShippingAddress) -> Value {
    json!({
        "id": a.id.to_string(),
        "uuid": a.quote_uuid,
        "timestamp": dates::rfc2822(o.date_created),
        "shipping_provider_id": "bcstatic",
        "shipping_provider_quote": [],
        "provider_code": "peritem",
        "carrier_code": "",
        "rate_code": "",
        "rate_id": "",
        "method_id": 1,
    })
}

fn counts(o: &Order, address_id: u64) -> (u32, u32) {
    o.lines_to(address_id)
        .fold((0, 0), |(t, s), l| (t + l.quantity, s + l.quantity_shipped))
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        into.extend(from);
    }
}

/// The `orderConsignment_Get` object: one shipping consignment per shipping address
/// (its `id` is the shipping address id), digital lines under `downloads`, gift
/// certificates under `email.gift_certificates`.
///
/// With `line_items`, each consignment embeds its order products, at most
/// [`CONSIGNMENT_LINE_CAP`]; a truncated shipping consignment then carries the
/// `__warning__` object BigCommerce sends (facts §4, bigcommerce/docs #960). Where the
/// warning sits is not documented; it is put on the consignment it concerns [inference].
/// Without `line_items`, line items are `{url, resource}` links.
pub(crate) fn consignments(o: &Order, links: &Links, line_items: bool) -> Value {
    let items = |lines: Vec<&OrderLine>| -> Vec<Value> {
        lines
            .into_iter()
            .take(if line_items {
                CONSIGNMENT_LINE_CAP
            } else {
                usize::MAX
            })
            .map(|l| {
                if line_items {
                    product(o, l)
                } else {
                    links.link(format!("/orders/{}/products/{}", o.id, l.id))
                }
            })
            .collect()
    };
    let shipping: Vec<Value> = o
        .shipping_addresses
        .iter()
        .map(|a| {
            let lines: Vec<&OrderLine> = o.lines_to(a.id).collect();
            let truncated = line_items && lines.len() > CONSIGNMENT_LINE_CAP;
            let (total, shipped) = counts(o, a.id);
            let cost = a.cost.as_f64();
            let mut body = with_form_fields(address(&a.address));
            merge(
                &mut body,
                json!({
                    "id": a.id,
                    "shipping_method": a.shipping_method,
                    "items_total": total,
                    "items_shipped": shipped,
                    "base_cost": cost, "cost_ex_tax": cost, "cost_inc_tax": cost, "cost_tax": 0.0,
                    "cost_tax_class_id": 2,
                    "base_handling_cost": 0.0, "handling_cost_ex_tax": 0.0,
                    "handling_cost_inc_tax": 0.0, "handling_cost_tax": 0.0,
                    "handling_cost_tax_class_id": 2,
                    "shipping_zone_id": 1,
                    "shipping_zone_name": "United States",
                    "shipping_quotes": links.link(format!(
                        "/orders/{}/consignments/shipping/{}/shipping_quotes",
                        o.id, a.id
                    )),
                    "line_items": items(lines),
                }),
            );
            if truncated {
                body["__warning__"] = json!({
                    "message": format!(
                        "Not all line items of this consignment are returned, only {CONSIGNMENT_LINE_CAP} are included. Please use the /v2/orders/{}/products endpoint to get all line items.",
                        o.id
                    )
                });
            }
            body
        })
        .collect();
    let of_kind =
        |kind: LineKind| -> Vec<&OrderLine> { o.lines.iter().filter(|l| l.kind == kind).collect() };
    let email = o.billing_address.email.clone();
    let downloads: Vec<Value> = match of_kind(LineKind::Digital) {
        lines if lines.is_empty() => Vec::new(),
        lines => vec![json!({ "recipient_email": email, "line_items": items(lines) })],
    };
    let gift_certificates: Vec<Value> = match of_kind(LineKind::GiftCertificate) {
        lines if lines.is_empty() => Vec::new(),
        lines => vec![json!({ "recipient_email": email, "line_items": items(lines) })],
    };
    json!({
        "pickups": [],
        "shipping": shipping,
        "downloads": downloads,
        "email": { "gift_certificates": gift_certificates },
    })
}
