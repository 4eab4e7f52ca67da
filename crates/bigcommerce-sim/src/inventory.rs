//! Inventory V3: `PUT /v3/inventory/adjustments/absolute`. Stock is kept per
//! (location, variant): a simple product's stock lives on its base variant, so an item
//! named by product id, variant id or SKU lands on the same key.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::Simulator;
use crate::catalog::Catalog;
use crate::errors::{ApiError, Flavor};
use crate::locations::Location;

pub(crate) const DEFAULT_LOCATION_ID: u64 = 1;
/// "Limit of 2000 items for payload length" (inventory.v3.yml).
const MAX_ITEMS: usize = 2000;
/// The Inventory API rejects levels above the 32-bit maximum (facts §6).
const MAX_LEVEL: i64 = 2_147_483_647;

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
    /// On-hand quantity per location and variant.
    levels: BTreeMap<StockKey, i64>,
}

impl Inventory {
    pub fn level(&self, location_id: u64, variant_id: u64) -> Option<i64> {
        self.levels.get(&(location_id, variant_id)).copied()
    }

    pub fn set_level(&mut self, location_id: u64, variant_id: u64, quantity: i64) {
        self.levels.insert((location_id, variant_id), quantity);
    }

    /// Drops every location's stock of these variants (their product was deleted).
    pub fn forget(&mut self, variant_ids: &[u64]) {
        let gone: std::collections::HashSet<u64> = variant_ids.iter().copied().collect();
        self.levels
            .retain(|(_, variant), _| !gone.contains(variant));
    }
}

/// One item of an absolute adjustment, shape-checked but not yet resolved.
struct AbsoluteItem {
    location_id: u64,
    item: ItemRef,
    quantity: i64,
}

type FieldErrors = BTreeMap<String, String>;

fn problem(status: StatusCode, title: impl Into<String>) -> ApiError {
    ApiError::new(Flavor::V3, status, title).problem_json()
}

fn invalid(errors: FieldErrors) -> ApiError {
    ApiError::unprocessable(Flavor::V3, "JSON data is missing or invalid", errors).problem_json()
}

/// Checks the body against `AdjustmentsAbsoluteRequest` and facts §7: `items` required,
/// at most 2000, each with `location_id`, exactly one of `sku|variant_id|product_id`, and a
/// `quantity` from 0 to 2^31-1. Every problem is reported, keyed by its JSON path.
fn parse_absolute(body: &[u8]) -> Result<Vec<AbsoluteItem>, ApiError> {
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
        match parse_item(item) {
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

fn parse_item(item: &Value) -> Result<AbsoluteItem, (&'static str, String)> {
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
    if !(0..=MAX_LEVEL).contains(&quantity) {
        return Err(("quantity", format!("must be between 0 and {MAX_LEVEL}")));
    }
    Ok(AbsoluteItem {
        location_id,
        item,
        quantity,
    })
}

/// Resolves every item against the catalog and locations; all or nothing.
fn resolve(
    items: Vec<AbsoluteItem>,
    catalog: &Catalog,
    locations: &BTreeMap<u64, Location>,
) -> Result<Vec<(StockKey, i64)>, ApiError> {
    let mut errors = FieldErrors::new();
    let mut resolved = Vec::with_capacity(items.len());
    for (i, it) in items.into_iter().enumerate() {
        if !locations.contains_key(&it.location_id) {
            errors.insert(
                format!("items.{i}.location_id"),
                format!("Location {} does not exist.", it.location_id),
            );
            continue;
        }
        match catalog.resolve(&it.item) {
            Some(variant) => resolved.push(((it.location_id, variant), it.quantity)),
            None => {
                errors.insert(
                    format!("items.{i}"),
                    format!("Item with {} does not exist.", it.item),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(ApiError::unprocessable(
            Flavor::V3,
            "Unknown items or locations in the adjustment.",
            errors,
        )
        .problem_json())
    }
}

/// An empty `items` array is schema-valid (the spec sets no `minItems`), so it succeeds
/// with a transaction id and changes nothing.
pub(crate) async fn absolute(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let items = parse_absolute(&body)?;
    sim.with_store(&hash, |store| {
        let changes = resolve(items, &store.catalog, &store.locations)?;
        for (key, quantity) in changes {
            store.inventory.levels.insert(key, quantity);
        }
        Ok(())
    })
    .unwrap_or(Err(ApiError::not_found(Flavor::V3)))?;
    let transaction_id = uuid::Uuid::new_v4().to_string();
    Ok(Json(json!({ "transaction_id": transaction_id })).into_response())
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
}
