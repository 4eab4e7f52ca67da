//! `POST /v2/orders`: an order created through the API, as an ERP or a dropship platform
//! creates one in a vendor's store.
//!
//! After the body's shape (`create_body.rs`, 400), each catalog line must name something the
//! store can sell, else a v2 422 whose `details` name the line (`products.<i>...`) and whose
//! message is the first problem in words:
//! - the product exists, and the variant is one of its own (by `variant_id`, or by
//!   `product_options` matching exactly one variant's option values); a product with options
//!   needs one of the two;
//! - it is purchasable: the product's `availability` is not `disabled` and the variant's
//!   `purchasing_disabled` is not set (a hidden, `is_visible: false`, product still is);
//! - when its stock is tracked, the lines' quantities of one item together do not exceed
//!   the level at the default location (an item never given a level has none).
//!
//! The wording of these refusals is the simulator's: BigCommerce documents none.
//!
//! A created order is an ordinary order of the store: `order_source: external` (the spec's
//! value for the Orders API), `date_created` now unless the body migrates history, the
//! status asked (default Pending), the billing address as shipping address when none is
//! given, and its tracked stock taken at once (`update_stock_behavior: order_placed`). It
//! fires `store/order/created`. BigCommerce sends no order e-mail for it (spec), so nothing
//! here models one.

use std::collections::BTreeMap;

use super::create_body::{self, CreateBody, LineAsked};
use super::{ShopperLine, ShopperOrder, place};
use crate::catalog::{Availability, Catalog, Product, Variant};
use crate::dates;
use crate::errors::{ApiError, Flavor};
use crate::events::Event;
use crate::inventory::{self, DEFAULT_LOCATION_ID, Inventory};
use crate::store::Store;

/// Creates the order the body describes; returns its id and the events it fired.
pub(crate) fn create(store: &mut Store, body: &[u8]) -> Result<(u64, Vec<Event>), ApiError> {
    let asked = create_body::parse(body)?;
    let lines = check_lines(&store.catalog, &store.inventory, &asked)?;
    let mut shopper = ShopperOrder::new(lines);
    shopper.addresses = vec![
        asked
            .shipping
            .clone()
            .unwrap_or_else(|| asked.billing.clone()),
    ];
    shopper.billing_address = Some(asked.billing.clone());
    shopper.status_id = asked.status_id;
    shopper.customer_id = asked.customer_id;
    shopper.customer_message = asked.customer_message.clone();
    let at = asked.date_created.unwrap_or_else(dates::now);
    let id = place::build(&mut store.orders, &store.catalog, &shopper, at)
        .map_err(|e| ApiError::bad_request(Flavor::V2, e.0))?;
    let taken_lines: Vec<(u64, Option<u64>, u32)> = shopper
        .lines
        .iter()
        .filter_map(|l| Some((l.product_id?, l.variant_id, l.quantity)))
        .collect();
    let taken = store.inventory.take_for_order(&store.catalog, &taken_lines);
    if let Some(order) = store.orders.get_mut(id) {
        order.order_source = "external";
        order.external_order_id = asked.external_order_id;
        order.external_source = asked.external_source;
        order.staff_notes = asked.staff_notes;
        order.payment_method = asked.payment_method;
        order.stock_taken = taken;
    }
    Ok((id, vec![Event::order_created(id)]))
}

type Problems = BTreeMap<String, String>;

/// Resolves every line to what `place::build` takes, or refuses them all with a 422 naming
/// each bad line.
fn check_lines(
    catalog: &Catalog,
    inventory: &Inventory,
    asked: &CreateBody,
) -> Result<Vec<ShopperLine>, ApiError> {
    let mut problems = Problems::new();
    let mut lines = Vec::with_capacity(asked.lines.len());
    // (stock key) → (units asked over all lines, first line index, product name, sku).
    let mut wanted: BTreeMap<u64, (i64, usize, String, String)> = BTreeMap::new();
    for (i, line) in asked.lines.iter().enumerate() {
        match line {
            LineAsked::Custom {
                name,
                sku,
                quantity,
                price,
            } => lines.push(ShopperLine::custom(name, sku, *price, *quantity)),
            LineAsked::Catalog {
                product_id,
                variant_id,
                options,
                quantity,
                price,
            } => match catalog_item(catalog, *product_id, *variant_id, options) {
                Err((field, why)) => {
                    problems.insert(format!("products.{i}{field}"), why);
                }
                Ok((product, variant)) => {
                    if let Err(why) = purchasable(product, variant) {
                        problems.insert(format!("products.{i}"), why);
                        continue;
                    }
                    if let Some(key) =
                        inventory::stock_key(catalog, product.id(), Some(variant.id()))
                    {
                        let entry = wanted
                            .entry(key)
                            .or_insert_with(|| (0, i, product.name.clone(), variant.sku.clone()));
                        entry.0 += i64::from(*quantity);
                    }
                    let mut shopper =
                        ShopperLine::catalog(product.id(), Some(variant.id()), *quantity);
                    shopper.price = *price;
                    lines.push(shopper);
                }
            },
        }
    }
    for (key, (units, i, name, sku)) in wanted {
        let on_hand = inventory
            .level(DEFAULT_LOCATION_ID, key)
            .unwrap_or(0)
            .max(0);
        if units > on_hand {
            problems.insert(
                format!("products.{i}.quantity"),
                format!(
                    "'{name}' (SKU {sku}) is out of stock: {units} requested, {on_hand} available."
                ),
            );
        }
    }
    if problems.is_empty() {
        return Ok(lines);
    }
    let first = problems.values().next().cloned().unwrap_or_default();
    Err(ApiError::unprocessable(Flavor::V2, first, problems))
}

/// The product and variant a catalog line names; `Err((field suffix, why))` otherwise.
fn catalog_item<'c>(
    catalog: &'c Catalog,
    product_id: u64,
    variant_id: Option<u64>,
    options: &[(u64, u64)],
) -> Result<(&'c Product, &'c Variant), (&'static str, String)> {
    let product = catalog.product(product_id).ok_or((
        ".product_id",
        format!("Product {product_id} does not exist."),
    ))?;
    if let Some(variant_id) = variant_id {
        return product
            .variants()
            .iter()
            .find(|v| v.id() == variant_id)
            .map(|v| (product, v))
            .ok_or((
                ".variant_id",
                format!("Variant {variant_id} is not a variant of product {product_id}."),
            ));
    }
    if !options.is_empty() {
        let mut asked: Vec<(u64, u64)> = options.to_vec();
        asked.sort_unstable();
        return product
            .variants()
            .iter()
            .find(|v| {
                let mut has: Vec<(u64, u64)> = v
                    .option_values()
                    .iter()
                    .map(|o| (o.option_id, o.id))
                    .collect();
                has.sort_unstable();
                has == asked
            })
            .map(|v| (product, v))
            .ok_or((
                ".product_options",
                format!("The options given match no variant of product {product_id}."),
            ));
    }
    match product.base_variant_id() {
        Some(_) => Ok((product, &product.variants()[0])),
        None => Err((
            ".product_options",
            format!("Product {product_id} has options; give variant_id or product_options."),
        )),
    }
}

fn purchasable(product: &Product, variant: &Variant) -> Result<(), String> {
    if product.availability == Availability::Disabled {
        return Err(format!(
            "Product '{}' (id {}) cannot be purchased: its availability is disabled.",
            product.name,
            product.id()
        ));
    }
    if variant.purchasing_disabled {
        return Err(format!(
            "Variant {} (SKU {}) of '{}' cannot be purchased: purchasing is disabled.",
            variant.id(),
            variant.sku,
            product.name
        ));
    }
    Ok(())
}
