//! Inventory V3: `GET /v3/inventory/items` (in `items.rs`), `PUT
//! /v3/inventory/adjustments/absolute` and `POST /v3/inventory/adjustments/relative`.
//!
//! Stock is kept per (location, variant): a simple product's stock lives on its base
//! variant, so an item named by product id, variant id or SKU lands on the same key. An
//! item is what the product's `inventory_tracking` says it is (inventory.v3.yml "Items"):
//! each variant of a product tracked by variant, the product itself when it is tracked by
//! product; a simple product's base variant *is* the product, so it may be named either
//! way. Naming an item the other way is a 422, as BigCommerce answers.
//!
//! Adjustments are all or nothing: every item is checked before any is applied, and a
//! refusal names each offending item in the title and, keyed `items.<index>`, in
//! `errors`, so a client can drop exactly those and resend the rest.

mod items;

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::Simulator;
use crate::catalog::{Catalog, InventoryTracking, Product, Variant};
use crate::errors::{ApiError, Flavor};
use crate::locations::Location;

pub(crate) use items::list as list_items;

pub(crate) const DEFAULT_LOCATION_ID: u64 = 1;
/// "Limit of 2000 items for payload length" (inventory.v3.yml).
const MAX_ITEMS: usize = 2000;
/// The Inventory API rejects levels above the 32-bit maximum (facts §6).
const MAX_LEVEL: i64 = 2_147_483_647;
/// The simulator has no per-item settings: every item's safety stock is the default, 0.
pub(crate) const SAFETY_STOCK: i64 = 0;

/// How a request names an inventory item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ItemRef {
    Product(u64),
    Variant(u64),
    Sku(String),
}

impl std::fmt::Display for ItemRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ItemRef::Product(id) => write!(f, "product_id {id}"),
            ItemRef::Variant(id) => write!(f, "variant_id {id}"),
            ItemRef::Sku(sku) => write!(f, "sku {sku}"),
        }
    }
}

/// (location_id, variant_id).
type StockKey = (u64, u64);

#[derive(Default)]
pub(crate) struct Inventory {
    /// On-hand quantity per location and variant. A missing key is an item that was never
    /// given a level, which relative adjustments refuse.
    levels: BTreeMap<StockKey, i64>,
    /// Units ordered beyond the stock on hand (see [`Inventory::take_for_order`]).
    oversold_units: u64,
}

impl Inventory {
    pub fn level(&self, location_id: u64, variant_id: u64) -> Option<i64> {
        self.levels.get(&(location_id, variant_id)).copied()
    }

    pub fn set_level(&mut self, location_id: u64, variant_id: u64, quantity: i64) {
        self.levels.insert((location_id, variant_id), quantity);
    }

    pub fn oversold_units(&self) -> u64 {
        self.oversold_units
    }

    /// Drops every location's stock of these variants (their product was deleted).
    pub fn forget(&mut self, variant_ids: &[u64]) {
        let gone: std::collections::HashSet<u64> = variant_ids.iter().copied().collect();
        self.levels
            .retain(|(_, variant), _| !gone.contains(variant));
    }

    /// Takes an order's catalog lines, `(product_id, variant_id, quantity)`, from the
    /// default location, as a store with `update_stock_behavior: order_placed` does
    /// (facts §7). Untracked products keep no stock. A level never goes below 0: units
    /// beyond the stock on hand (all of them for an item that was never given a level)
    /// are counted in `oversold_units` instead, so a test can prove a sync kept up.
    /// Returns what was taken, `(stock key, units)`, so a cancellation can give it back.
    pub fn take_for_order(
        &mut self,
        catalog: &Catalog,
        lines: &[(u64, Option<u64>, u32)],
    ) -> Vec<(u64, i64)> {
        let mut taken_all = Vec::new();
        for &(product_id, variant_id, quantity) in lines {
            let Some(key) = stock_key(catalog, product_id, variant_id) else {
                continue;
            };
            let wanted = i64::from(quantity);
            let slot = self.levels.get_mut(&(DEFAULT_LOCATION_ID, key));
            let on_hand = slot.as_deref().copied().unwrap_or(0).max(0);
            let taken = wanted.min(on_hand);
            if let Some(level) = slot {
                *level = on_hand - taken;
            }
            if taken > 0 {
                taken_all.push((key, taken));
            }
            self.oversold_units += u64::try_from(wanted - taken).unwrap_or(0);
        }
        taken_all
    }

    /// Puts stock an order took back at the default location (a cancelled or refunded order,
    /// with `refund_order_stock_adjustment` on, BigCommerce's default).
    pub fn give_back(&mut self, taken: &[(u64, i64)]) {
        for &(key, units) in taken {
            *self.levels.entry((DEFAULT_LOCATION_ID, key)).or_insert(0) += units;
        }
    }
}

/// Where an ordered catalog item keeps its stock: the variant under variant tracking, the
/// product's stock variant under product tracking, `None` when untracked or unknown.
pub(crate) fn stock_key(
    catalog: &Catalog,
    product_id: u64,
    variant_id: Option<u64>,
) -> Option<u64> {
    let product = catalog.product(product_id)?;
    match product.inventory_tracking {
        InventoryTracking::None => None,
        InventoryTracking::Product => Some(product.stock_variant_id()),
        InventoryTracking::Variant => Some(variant_id.unwrap_or(product.stock_variant_id())),
    }
}

/// Why an item reference names no inventory item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// No such product, variant or SKU.
    Unknown,
    /// The product tracks stock another way (or not at all); the message says how to
    /// name it instead, in BigCommerce's words.
    Tracking(String),
}

/// SKU → (product id, variant id; `None` for a product's own SKU). Variant SKUs win over
/// product SKUs, and the first of a duplicate SKU wins, as `Catalog` ordering goes.
type SkuIndex<'a> = HashMap<&'a str, (u64, Option<u64>)>;

fn sku_index(catalog: &Catalog) -> SkuIndex<'_> {
    let mut index = SkuIndex::new();
    for p in catalog.products() {
        for v in p.variants() {
            if !v.sku.is_empty() {
                index
                    .entry(v.sku.as_str())
                    .or_insert((p.id(), Some(v.id())));
            }
        }
    }
    for p in catalog.products() {
        if !p.sku.is_empty() {
            index.entry(p.sku.as_str()).or_insert((p.id(), None));
        }
    }
    index
}

/// The stock key (variant id) of an item named as the product: its tracked level.
fn product_item(p: &Product, named: &ItemRef) -> Result<u64, Unresolved> {
    match (p.inventory_tracking, p.base_variant_id()) {
        (InventoryTracking::None, _) => Err(not_tracked(named)),
        // A simple product's base variant is the product, whichever way it is tracked.
        (InventoryTracking::Product, _) | (InventoryTracking::Variant, Some(_)) => {
            Ok(p.stock_variant_id())
        }
        (InventoryTracking::Variant, None) => Err(Unresolved::Tracking(format!(
            "Item with {named} is tracked by variant, please update stock by variant id"
        ))),
    }
}

/// The stock key of an item named as one variant.
fn variant_item(p: &Product, v: &Variant, named: &ItemRef) -> Result<u64, Unresolved> {
    let base = p.base_variant_id() == Some(v.id());
    match p.inventory_tracking {
        InventoryTracking::None => Err(not_tracked(named)),
        InventoryTracking::Variant => Ok(v.id()),
        InventoryTracking::Product if base => Ok(v.id()),
        InventoryTracking::Product => Err(Unresolved::Tracking(format!(
            "Item with {named} is tracked by product, please update stock by product id"
        ))),
    }
}

fn not_tracked(named: &ItemRef) -> Unresolved {
    Unresolved::Tracking(format!(
        "Item with {named} is not tracked, please enable inventory tracking for its product"
    ))
}

/// Where an item reference keeps its stock, honouring the product's tracking mode.
fn resolve_with(catalog: &Catalog, skus: &SkuIndex<'_>, item: &ItemRef) -> Result<u64, Unresolved> {
    match item {
        ItemRef::Product(id) => {
            let p = catalog.product(*id).ok_or(Unresolved::Unknown)?;
            product_item(p, item)
        }
        ItemRef::Variant(id) => {
            let (p, v) = catalog.variant(*id).ok_or(Unresolved::Unknown)?;
            variant_item(p, v, item)
        }
        ItemRef::Sku(sku) => match skus.get(sku.as_str()).ok_or(Unresolved::Unknown)? {
            (product_id, None) => {
                let p = catalog.product(*product_id).ok_or(Unresolved::Unknown)?;
                product_item(p, item)
            }
            (_, Some(variant_id)) => {
                let (p, v) = catalog.variant(*variant_id).ok_or(Unresolved::Unknown)?;
                variant_item(p, v, item)
            }
        },
    }
}

/// One item reference, for the library helpers; builds the SKU index only when needed.
pub(crate) fn resolve(catalog: &Catalog, item: &ItemRef) -> Result<u64, Unresolved> {
    let skus = match item {
        ItemRef::Sku(_) => sku_index(catalog),
        _ => SkuIndex::new(),
    };
    resolve_with(catalog, &skus, item)
}

/// Absolute sets the level; relative adds to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Absolute,
    Relative,
}

/// One item of an adjustment, shape-checked but not yet resolved.
struct AdjustItem {
    location_id: u64,
    item: ItemRef,
    quantity: i64,
}

/// An item resolved to its stock key; `index` is its position in the request.
struct Resolved {
    index: usize,
    item: ItemRef,
    key: StockKey,
    quantity: i64,
}

type FieldErrors = BTreeMap<String, String>;

fn problem(status: StatusCode, title: impl Into<String>) -> ApiError {
    ApiError::new(Flavor::V3, status, title).problem_json()
}

fn invalid(errors: FieldErrors) -> ApiError {
    ApiError::unprocessable(Flavor::V3, "JSON data is missing or invalid", errors).problem_json()
}

#[cfg(test)]
fn parse_absolute(body: &[u8]) -> Result<Vec<AdjustItem>, ApiError> {
    parse(body, Mode::Absolute)
}

/// Checks the body against `AdjustmentsAbsoluteRequest` / `AdjustmentsRelativeRequest`
/// and facts §7: `items` required, at most 2000, each with `location_id`, exactly one of
/// `sku|variant_id|product_id`, and a `quantity` up to 2^31-1, at least 0 (absolute) or
/// -(2^31-1) (relative). Every problem is reported, keyed by its JSON path.
fn parse(body: &[u8], mode: Mode) -> Result<Vec<AdjustItem>, ApiError> {
    let root: Value = serde_json::from_slice(body).map_err(|_| {
        problem(
            StatusCode::BAD_REQUEST,
            "The request body is not valid JSON.",
        )
    })?;
    let mut errors = FieldErrors::new();
    let Some(obj) = root.as_object() else {
        errors.insert(
            "body".into(),
            "must be a JSON object with an items array".into(),
        );
        return Err(invalid(errors));
    };
    if obj.get("reason").is_some_and(|r| !r.is_string()) {
        errors.insert("reason".into(), "must be a string".into());
    }
    let Some(items) = obj.get("items") else {
        errors.insert("items".into(), "error.path.missing".into());
        return Err(invalid(errors));
    };
    let Some(items) = items.as_array() else {
        errors.insert("items".into(), "must be an array".into());
        return Err(invalid(errors));
    };
    if items.len() > MAX_ITEMS {
        return Err(problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The request payload is too large. The maximum items allowed in the array is {MAX_ITEMS}."
            ),
        ));
    }
    let mut parsed = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match parse_item(item, mode) {
            Ok(item) => parsed.push(item),
            Err((field, message)) => {
                let key = if field.is_empty() {
                    format!("items.{i}")
                } else {
                    format!("items.{i}.{field}")
                };
                errors.insert(key, message);
            }
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(invalid(errors))
    }
}

fn parse_item(item: &Value, mode: Mode) -> Result<AdjustItem, (&'static str, String)> {
    let obj: &Map<String, Value> = item
        .as_object()
        .ok_or(("", "must be an object".to_owned()))?;
    let id = |name: &'static str| -> Result<Option<u64>, (&'static str, String)> {
        match obj.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or((name, "must be a positive integer".to_owned())),
        }
    };
    let location_id = id("location_id")?.ok_or(("location_id", "error.path.missing".to_owned()))?;
    let mut refs = Vec::new();
    if let Some(pid) = id("product_id")? {
        refs.push(ItemRef::Product(pid));
    }
    if let Some(vid) = id("variant_id")? {
        refs.push(ItemRef::Variant(vid));
    }
    match obj.get("sku") {
        None => {}
        Some(Value::String(s)) if !s.is_empty() => refs.push(ItemRef::Sku(s.clone())),
        Some(_) => return Err(("sku", "must be a non-empty string".to_owned())),
    }
    let item = match refs.len() {
        1 => refs.remove(0),
        0 => {
            return Err((
                "",
                "one of sku, variant_id or product_id is required".to_owned(),
            ));
        }
        _ => {
            return Err((
                "",
                "give exactly one of sku, variant_id or product_id".to_owned(),
            ));
        }
    };
    let quantity = match obj.get("quantity") {
        None => return Err(("quantity", "error.path.missing".to_owned())),
        Some(v) => v
            .as_i64()
            .ok_or(("quantity", "must be an integer".to_owned()))?,
    };
    let least = match mode {
        Mode::Absolute => 0,
        Mode::Relative => -MAX_LEVEL,
    };
    if !(least..=MAX_LEVEL).contains(&quantity) {
        return Err((
            "quantity",
            format!("must be between {least} and {MAX_LEVEL}"),
        ));
    }
    Ok(AdjustItem {
        location_id,
        item,
        quantity,
    })
}

/// The 422 naming offending items: `errors` keyed `items.<index>`, and the title
/// `<prefix>[<identities>]<suffix>` with each identity once, in request order.
fn items_problem(prefix: &str, names: &[String], suffix: &str, errors: FieldErrors) -> ApiError {
    let mut seen = Vec::new();
    for name in names {
        if !seen.contains(name) {
            seen.push(name.clone());
        }
    }
    let title = format!("{prefix}[{}]{suffix}", seen.join(", "));
    ApiError::unprocessable(Flavor::V3, title, errors).problem_json()
}

/// Resolves every item against the catalog and locations; all or nothing. Unknown items
/// or locations get the generic title; when every problem is a tracking mismatch the
/// title is BigCommerce's bracketed list, e.g. `[Item with variant_id 106 is tracked by
/// product, please update stock by product id]`.
fn resolve_items(
    items: Vec<AdjustItem>,
    catalog: &Catalog,
    locations: &BTreeMap<u64, Location>,
) -> Result<Vec<Resolved>, ApiError> {
    let skus = if items.iter().any(|it| matches!(it.item, ItemRef::Sku(_))) {
        sku_index(catalog)
    } else {
        SkuIndex::new()
    };
    let mut errors = FieldErrors::new();
    let mut tracking = Vec::new();
    let mut unknown = false;
    let mut resolved = Vec::with_capacity(items.len());
    for (index, it) in items.into_iter().enumerate() {
        if !locations.contains_key(&it.location_id) {
            errors.insert(
                format!("items.{index}.location_id"),
                format!("Location {} does not exist.", it.location_id),
            );
            unknown = true;
            continue;
        }
        match resolve_with(catalog, &skus, &it.item) {
            Ok(variant) => resolved.push(Resolved {
                index,
                key: (it.location_id, variant),
                item: it.item,
                quantity: it.quantity,
            }),
            Err(Unresolved::Unknown) => {
                errors.insert(
                    format!("items.{index}"),
                    format!("Item with {} does not exist.", it.item),
                );
                unknown = true;
            }
            Err(Unresolved::Tracking(message)) => {
                errors.insert(format!("items.{index}"), message.clone());
                tracking.push(message);
            }
        }
    }
    if unknown {
        Err(ApiError::unprocessable(
            Flavor::V3,
            "Unknown items or locations in the adjustment.",
            errors,
        )
        .problem_json())
    } else if !tracking.is_empty() {
        Err(items_problem("", &tracking, "", errors))
    } else {
        Ok(resolved)
    }
}

/// The levels a relative adjustment leads to, applied in request order. Refused when an
/// item was never given a level (`Items with identity: [product_id 113] requires absolute
/// adjustment before relative`, inventory.v3.yml), or when it would take stock below the
/// safety stock (facts §7) or above the 32-bit maximum.
fn relative_levels(
    inventory: &Inventory,
    changes: &[Resolved],
) -> Result<BTreeMap<StockKey, i64>, ApiError> {
    let mut errors = FieldErrors::new();
    let mut names = Vec::new();
    for c in changes {
        if !inventory.levels.contains_key(&c.key) {
            errors.insert(
                format!("items.{}", c.index),
                format!(
                    "Item with {} has no stock at location {} yet; set it with an absolute adjustment first.",
                    c.item, c.key.0
                ),
            );
            names.push(c.item.to_string());
        }
    }
    if !names.is_empty() {
        return Err(items_problem(
            "Items with identity: ",
            &names,
            " requires absolute adjustment before relative",
            errors,
        ));
    }
    let mut after: BTreeMap<StockKey, i64> = BTreeMap::new();
    let mut low = Vec::new();
    let mut high = Vec::new();
    for c in changes {
        let before = after
            .get(&c.key)
            .or_else(|| inventory.levels.get(&c.key))
            .copied()
            .unwrap_or(0);
        let next = before + c.quantity;
        let location = c.key.0;
        if next < SAFETY_STOCK {
            errors.insert(
                format!("items.{}", c.index),
                format!(
                    "Item with {} has {before} at location {location}; adjusting by {} would take it below the safety stock of {SAFETY_STOCK}.",
                    c.item, c.quantity
                ),
            );
            low.push(c.item.to_string());
        } else if next > MAX_LEVEL {
            errors.insert(
                format!("items.{}", c.index),
                format!(
                    "Item with {} has {before} at location {location}; adjusting by {} would take it above {MAX_LEVEL}.",
                    c.item, c.quantity
                ),
            );
            high.push(c.item.to_string());
        } else {
            after.insert(c.key, next);
        }
    }
    if !low.is_empty() {
        low.extend(high);
        return Err(items_problem(
            "Items with identity: ",
            &low,
            " do not have enough stock: the relative adjustment would take them below safety stock",
            errors,
        ));
    }
    if !high.is_empty() {
        return Err(items_problem(
            "Items with identity: ",
            &high,
            &format!(" would exceed the maximum inventory level of {MAX_LEVEL}"),
            errors,
        ));
    }
    Ok(after)
}

async fn adjust(
    sim: Simulator,
    hash: String,
    body: Bytes,
    mode: Mode,
) -> Result<Response, ApiError> {
    let items = parse(&body, mode)?;
    sim.with_store(&hash, |store| {
        let changes = resolve_items(items, &store.catalog, &store.locations)?;
        let levels: Vec<(StockKey, i64)> = match mode {
            Mode::Absolute => changes.iter().map(|c| (c.key, c.quantity)).collect(),
            Mode::Relative => relative_levels(&store.inventory, &changes)?
                .into_iter()
                .collect(),
        };
        // Nothing is written until every item has passed.
        store.inventory.levels.extend(levels);
        Ok(())
    })
    .unwrap_or(Err(ApiError::not_found(Flavor::V3)))?;
    let transaction_id = uuid::Uuid::new_v4().to_string();
    Ok(Json(json!({ "transaction_id": transaction_id })).into_response())
}

/// `PUT /v3/inventory/adjustments/absolute`. An empty `items` array is schema-valid (the
/// spec sets no `minItems`), so it succeeds with a transaction id and changes nothing.
pub(crate) async fn absolute(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    adjust(sim, hash, body, Mode::Absolute).await
}

/// `POST /v3/inventory/adjustments/relative`. Never retried by a careful client (it is not
/// idempotent), so it must not half-apply: see [`relative_levels`].
pub(crate) async fn relative(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    adjust(sim, hash, body, Mode::Relative).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(body: &str) -> (StatusCode, FieldErrors) {
        let e = parse_absolute(body.as_bytes()).err().expect("should fail");
        (e.status, e.errors.unwrap_or_default())
    }

    #[test]
    fn accepts_each_identity_form() {
        let body = r#"{"reason":"count","items":[
            {"location_id":1,"product_id":111,"quantity":7},
            {"location_id":1,"variant_id":1001,"quantity":0},
            {"location_id":2,"sku":"SIM-111","quantity":5}]}"#;
        let items = parse_absolute(body.as_bytes()).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[2].item, ItemRef::Sku("SIM-111".into()));
        assert!(parse_absolute(br#"{"items":[]}"#).unwrap().is_empty());
    }

    #[test]
    fn reports_every_bad_item_by_path() {
        let (status, errors) = errors_of(
            r#"{"items":[
                {"product_id":1,"quantity":1},
                {"location_id":1,"quantity":1},
                {"location_id":1,"product_id":1,"sku":"A","quantity":1},
                {"location_id":1,"product_id":1,"quantity":-1},
                {"location_id":1,"product_id":1,"quantity":1.5},
                {"location_id":1,"product_id":1}]}"#,
        );
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let keys: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "items.0.location_id",
                "items.1",
                "items.2",
                "items.3.quantity",
                "items.4.quantity",
                "items.5.quantity"
            ]
        );
    }

    #[test]
    fn shape_errors() {
        assert_eq!(errors_of("{}").1.keys().collect::<Vec<_>>(), ["items"]);
        assert_eq!(
            errors_of(r#"{"items":{}}"#).0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(errors_of("not json").0, StatusCode::BAD_REQUEST);
        let too_many = format!(
            r#"{{"items":[{}]}}"#,
            vec![r#"{"location_id":1,"product_id":1,"quantity":1}"#; MAX_ITEMS + 1].join(",")
        );
        assert_eq!(errors_of(&too_many).0, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[test]
    fn relative_quantities_may_be_negative_within_the_32_bit_range() {
        let body = r#"{"items":[{"location_id":1,"product_id":111,"quantity":-5}]}"#;
        assert_eq!(
            parse(body.as_bytes(), Mode::Relative).unwrap()[0].quantity,
            -5
        );
        assert!(parse(body.as_bytes(), Mode::Absolute).is_err());
        let body = r#"{"items":[{"location_id":1,"product_id":111,"quantity":-2147483648}]}"#;
        let e = parse(body.as_bytes(), Mode::Relative).err().unwrap();
        assert_eq!(
            e.errors.unwrap().keys().collect::<Vec<_>>(),
            ["items.0.quantity"]
        );
    }

    #[test]
    fn orders_take_stock_down_to_zero_and_count_the_rest() {
        let mut catalog = Catalog::default();
        catalog.seed_simple(2);
        let mut inv = Inventory::default();
        inv.set_level(DEFAULT_LOCATION_ID, 1001, 3);
        inv.take_for_order(&catalog, &[(111, Some(1001), 2), (111, Some(1001), 4)]);
        assert_eq!(inv.level(DEFAULT_LOCATION_ID, 1001), Some(0));
        assert_eq!(inv.oversold_units(), 3);
        // Never given a level: stays unset, every unit is oversold.
        inv.take_for_order(&catalog, &[(112, Some(1002), 2), (999, None, 1)]);
        assert_eq!(inv.level(DEFAULT_LOCATION_ID, 1002), None);
        assert_eq!(inv.oversold_units(), 5);
    }

    #[test]
    fn titles_name_each_item_once() {
        let e = items_problem(
            "Items with identity: ",
            &["product_id 1".into(), "sku A".into(), "product_id 1".into()],
            " requires absolute adjustment before relative",
            FieldErrors::new(),
        );
        assert_eq!(
            e.message,
            "Items with identity: [product_id 1, sku A] requires absolute adjustment before relative"
        );
    }
}
