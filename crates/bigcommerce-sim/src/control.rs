//! `/__sim/` control endpoints for tests and benchmarks driving the simulator over HTTP
//! (the CLI). No auth, not counted in stats, outside the gateway.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::Simulator;
use crate::faults::{Faults, Misbehaviour};
use crate::orders::{ShipError, ShipRequest, ShopperOrder};
use crate::seeding::StoreSeed;
use crate::simulator::TokenError;
use crate::stock_control::StockError;
use crate::store::StoreSpec;
use crate::webhooks::delivery::WebhookFaults;

pub(crate) fn routes() -> Router<Simulator> {
    Router::new()
        .route("/__sim/stats", get(stats))
        .route("/__sim/stats/reset", post(reset_stats))
        .route("/__sim/stores", post(add_store))
        .route("/__sim/stores/{hash}/tokens", post(add_token))
        .route("/__sim/faults", put(set_faults))
        .route("/__sim/quota", put(set_quota))
        .route("/__sim/stores/{hash}/orders", post(place_order))
        .route("/__sim/stores/{hash}/deliveries", get(deliveries))
        .route(
            "/__sim/stores/{hash}/inventory",
            get(inventory).put(set_inventory),
        )
        .route("/__sim/stores/{hash}/levels", get(levels))
        .route("/__sim/stores/{hash}/orders/{id}/ship", post(ship_order))
        .route("/__sim/webhook-faults", put(set_webhook_faults))
        .route("/__sim/webhook-faults/flush", post(flush_webhooks))
}

/// A control request the simulator cannot carry out, and why.
struct ControlError(StatusCode, String);

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn invalid(message: impl std::fmt::Display) -> ControlError {
    ControlError(StatusCode::UNPROCESSABLE_ENTITY, message.to_string())
}

/// Parses a JSON body ourselves so a bad body gets a message saying what to send.
fn body<T: for<'de> Deserialize<'de>>(bytes: &[u8], expected: &str) -> Result<T, ControlError> {
    serde_json::from_slice(bytes).map_err(|e| invalid(format!("{e}; expected {expected}")))
}

async fn stats(State(sim): State<Simulator>) -> Response {
    Json(sim.request_stats()).into_response()
}

async fn reset_stats(State(sim): State<Simulator>) -> StatusCode {
    sim.reset_stats();
    StatusCode::NO_CONTENT
}

/// A `StoreSpec` where only `hash` is required; the rest default to `StoreSpec::sample`.
/// The seeding options are the command line's (`StoreSeed`), applied to a new store only.
#[derive(Deserialize)]
struct StoreInput {
    hash: String,
    name: Option<String>,
    domain: Option<String>,
    secure_url: Option<String>,
    store_id: Option<u64>,
    #[serde(default)]
    seed_products: usize,
    variants_per_product: Option<usize>,
    #[serde(default)]
    seed_orders: usize,
    #[serde(default)]
    id_offset: u64,
}

async fn add_store(State(sim): State<Simulator>, bytes: Bytes) -> Result<Response, ControlError> {
    let input: StoreInput = body(
        &bytes,
        r#"{"hash": "...", "name"?, "domain"?, "secure_url"?, "store_id"?, "seed_products"?: N, "variants_per_product"?: N, "seed_orders"?: N, "id_offset"?: N}"#,
    )?;
    if input.hash.is_empty() || input.hash.contains('/') {
        return Err(invalid("hash must be a non-empty path segment"));
    }
    let seed = StoreSeed {
        seed_products: input.seed_products,
        variants_per_product: input.variants_per_product.unwrap_or(3),
        seed_orders: input.seed_orders,
        id_offset: input.id_offset,
    };
    seed.check().map_err(invalid)?;
    let seeding = seed
        != StoreSeed {
            variants_per_product: 3,
            ..StoreSeed::default()
        };
    if seeding && sim.store(&input.hash).is_some() {
        return Err(ControlError(
            StatusCode::CONFLICT,
            format!(
                "store {:?} exists; seeding options apply only to a new store",
                input.hash
            ),
        ));
    }
    let sample = StoreSpec::sample(&input.hash);
    let secure_url = input
        .secure_url
        .or_else(|| input.domain.as_ref().map(|d| format!("https://{d}")));
    let spec = StoreSpec {
        name: input.name.unwrap_or(sample.name),
        secure_url: secure_url.unwrap_or(sample.secure_url),
        domain: input.domain.unwrap_or(sample.domain),
        store_id: input.store_id.unwrap_or(sample.store_id),
        hash: input.hash,
    };
    let status = if sim.upsert_store(spec.clone()) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let seeded = sim.seed_store(&spec.hash, &seed);
    let mut answer = json!(spec);
    answer["seeded"] = json!({
        "products": seeded.product_ids.len(),
        "variants": seeded.variant_count,
        "orders": seeded.order_ids.len(),
        "first_product_id": seeded.product_ids.first(),
    });
    Ok((status, Json(answer)).into_response())
}

#[derive(Deserialize)]
struct TokenInput {
    access_token: String,
    scopes: Vec<String>,
}

async fn add_token(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    bytes: Bytes,
) -> Result<Response, ControlError> {
    let input: TokenInput = body(
        &bytes,
        r#"{"access_token": "...", "scopes": ["store_v2_orders", ...]}"#,
    )?;
    match sim.try_add_token(&hash, &input.access_token, &input.scopes) {
        Ok(()) => Ok((
            StatusCode::CREATED,
            Json(json!({ "store_hash": hash, "scopes": input.scopes })),
        )
            .into_response()),
        Err(e @ TokenError::UnknownStore(_)) => {
            Err(ControlError(StatusCode::NOT_FOUND, e.to_string()))
        }
        Err(e @ TokenError::UnknownScope(_)) => Err(invalid(e)),
    }
}

#[derive(Deserialize)]
struct FaultsInput {
    #[serde(default)]
    error_rate: f64,
    #[serde(default)]
    latency_ms: u64,
    #[serde(default)]
    drop_response_after_write_rate: f64,
    #[serde(default)]
    hold_response_after_write_ms: u64,
    #[serde(default)]
    refuse_write_rate: f64,
    #[serde(default)]
    repeat_list_pages: bool,
    #[serde(default)]
    next_link_past_end: bool,
    #[serde(default)]
    omit_consignments: bool,
    #[serde(default)]
    answer_other_object: bool,
    #[serde(default)]
    odd_catalog_data: bool,
    #[serde(default)]
    repeat_an_order: bool,
    #[serde(default)]
    unreadable_order: bool,
}

async fn set_faults(State(sim): State<Simulator>, bytes: Bytes) -> Result<Response, ControlError> {
    let input: FaultsInput = body(
        &bytes,
        r#"{"error_rate": 0.0..1.0, "latency_ms": N, "drop_response_after_write_rate": 0.0..1.0, "hold_response_after_write_ms": N, "refuse_write_rate": 0.0..1.0, "repeat_list_pages": bool, "next_link_past_end": bool, "omit_consignments": bool, "answer_other_object": bool, "odd_catalog_data": bool, "repeat_an_order": bool, "unreadable_order": bool}"#,
    )?;
    for (name, rate) in [
        ("error_rate", input.error_rate),
        (
            "drop_response_after_write_rate",
            input.drop_response_after_write_rate,
        ),
        ("refuse_write_rate", input.refuse_write_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(invalid(format!("{name} must be between 0 and 1")));
        }
    }
    sim.set_faults(Faults {
        error_rate: input.error_rate,
        latency: Duration::from_millis(input.latency_ms),
        drop_response_after_write_rate: input.drop_response_after_write_rate,
        hold_response_after_write: Duration::from_millis(input.hold_response_after_write_ms),
        refuse_write_rate: input.refuse_write_rate,
        misbehaviour: Misbehaviour {
            repeat_list_pages: input.repeat_list_pages,
            next_link_past_end: input.next_link_past_end,
            omit_consignments: input.omit_consignments,
            answer_other_object: input.answer_other_object,
            odd_catalog_data: input.odd_catalog_data,
            repeat_an_order: input.repeat_an_order,
            unreadable_order: input.unreadable_order,
        },
    });
    Ok(Json(json!({
        "error_rate": input.error_rate,
        "latency_ms": input.latency_ms,
        "drop_response_after_write_rate": input.drop_response_after_write_rate,
        "hold_response_after_write_ms": input.hold_response_after_write_ms,
        "refuse_write_rate": input.refuse_write_rate,
        "repeat_list_pages": input.repeat_list_pages,
        "next_link_past_end": input.next_link_past_end,
        "omit_consignments": input.omit_consignments,
        "answer_other_object": input.answer_other_object,
        "odd_catalog_data": input.odd_catalog_data,
        "repeat_an_order": input.repeat_an_order,
        "unreadable_order": input.unreadable_order,
    }))
    .into_response())
}

#[derive(Deserialize)]
struct QuotaInput {
    quota: u32,
    window_ms: u64,
}

async fn set_quota(State(sim): State<Simulator>, bytes: Bytes) -> Result<Response, ControlError> {
    let input: QuotaInput = body(&bytes, r#"{"quota": N, "window_ms": N}"#)?;
    if input.window_ms == 0 {
        return Err(invalid("window_ms must be at least 1"));
    }
    sim.set_quota(input.quota, Duration::from_millis(input.window_ms));
    Ok(Json(json!({ "quota": input.quota, "window_ms": input.window_ms })).into_response())
}

/// Places an order as a shopper would; answers 201 with the order as
/// `GET /v2/orders/{id}?include=consignments.line_items` renders it.
async fn place_order(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    bytes: Bytes,
) -> Result<Response, ControlError> {
    let order: ShopperOrder = body(
        &bytes,
        r#"{"lines": [{"product_id"?, "variant_id"?, "name"?, "sku"?, "price"?, "quantity", "address"?, "type"?}], "addresses"?: [{...}], "status_id"?}"#,
    )?;
    let unknown = || ControlError(StatusCode::NOT_FOUND, format!("unknown store {hash:?}"));
    let id = sim
        .try_place_order(&hash, &order)
        .ok_or_else(unknown)?
        .map_err(invalid)?;
    let rendered = sim.render_order(&hash, id).ok_or_else(unknown)?;
    Ok((StatusCode::CREATED, Json(rendered)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookFaultsInput {
    #[serde(default)]
    duplicate_rate: f64,
    #[serde(default)]
    drop_rate: f64,
    #[serde(default)]
    delay_ms: u64,
    #[serde(default)]
    reorder: bool,
    #[serde(default)]
    reorder_batch: usize,
}

async fn set_webhook_faults(
    State(sim): State<Simulator>,
    bytes: Bytes,
) -> Result<Response, ControlError> {
    let input: WebhookFaultsInput = body(
        &bytes,
        r#"{"duplicate_rate": 0.0..1.0, "drop_rate": 0.0..1.0, "delay_ms": N, "reorder": bool, "reorder_batch": N}"#,
    )?;
    for (name, rate) in [
        ("duplicate_rate", input.duplicate_rate),
        ("drop_rate", input.drop_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(invalid(format!("{name} must be between 0 and 1")));
        }
    }
    sim.set_webhook_faults(WebhookFaults {
        duplicate_rate: input.duplicate_rate,
        drop_rate: input.drop_rate,
        delay: Duration::from_millis(input.delay_ms),
        reorder: input.reorder,
        reorder_batch: input.reorder_batch,
    });
    Ok(Json(json!({
        "duplicate_rate": input.duplicate_rate,
        "drop_rate": input.drop_rate,
        "delay_ms": input.delay_ms,
        "reorder": input.reorder,
        "reorder_batch": input.reorder_batch,
    }))
    .into_response())
}

async fn flush_webhooks(State(sim): State<Simulator>) -> StatusCode {
    sim.flush_webhooks();
    StatusCode::NO_CONTENT
}

/// Every delivery attempt for the store so far.
async fn deliveries(State(sim): State<Simulator>, Path(hash): Path<String>) -> Response {
    Json(sim.deliveries(&hash)).into_response()
}

/// Inventory bookkeeping a test checks over HTTP: `{"oversold_units": N}`.
async fn inventory(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
) -> Result<Response, ControlError> {
    let oversold = sim
        .with_store(&hash, |store| store.inventory.oversold_units())
        .ok_or_else(|| ControlError(StatusCode::NOT_FOUND, format!("unknown store {hash:?}")))?;
    Ok(Json(json!({ "oversold_units": oversold })).into_response())
}

#[derive(Deserialize)]
struct LevelsQuery {
    /// Comma-separated variant ids.
    variant_ids: String,
    #[serde(default = "default_location")]
    location_id: u64,
}

/// Levels at one location, read without spending the store's quota (a benchmark watching
/// for a client's writes must not compete with it for the quota), and the most requests
/// the store received in one rate-limit window:
/// `{"levels": {"<variant id>": N}, "busiest_window": N}`. Unknown or unset variants are left
/// out.
async fn levels(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(query): Query<LevelsQuery>,
) -> Result<Response, ControlError> {
    let ids = query
        .variant_ids
        .split(',')
        .filter(|id| !id.is_empty())
        .map(|id| id.trim().parse::<u64>())
        .collect::<Result<Vec<u64>, _>>()
        .map_err(|e| {
            invalid(format!(
                "variant_ids: {e}; expected ids separated by commas"
            ))
        })?;
    let levels = sim
        .with_store(&hash, |store| {
            ids.iter()
                .filter_map(|&id| {
                    let level = store.inventory.level(query.location_id, id)?;
                    Some((id.to_string(), json!(level)))
                })
                .collect::<serde_json::Map<String, serde_json::Value>>()
        })
        .ok_or_else(|| ControlError(StatusCode::NOT_FOUND, format!("unknown store {hash:?}")))?;
    let busiest = sim.busiest_window(&hash);
    Ok(Json(json!({ "levels": levels, "busiest_window": busiest })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StockInput {
    sku: String,
    quantity: i64,
    #[serde(default = "default_location")]
    location_id: u64,
}

fn default_location() -> u64 {
    crate::inventory::DEFAULT_LOCATION_ID
}

/// Sets an item's level by SKU as the store's merchant would, firing the inventory webhook.
async fn set_inventory(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    bytes: Bytes,
) -> Result<Response, ControlError> {
    let input: StockInput = body(
        &bytes,
        r#"{"sku": "...", "quantity": N, "location_id"?: N}"#,
    )?;
    match sim.set_stock_by_sku(&hash, &input.sku, input.location_id, input.quantity) {
        Ok(()) => Ok(Json(json!({
            "sku": input.sku, "location_id": input.location_id, "quantity": input.quantity,
        }))
        .into_response()),
        Err(e @ StockError::UnknownStore(_)) => {
            Err(ControlError(StatusCode::NOT_FOUND, e.to_string()))
        }
        Err(e @ StockError::Invalid(_)) => Err(invalid(e)),
    }
}

/// Ships an order as its store's merchant would; answers 201 with the shipments created.
async fn ship_order(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Response, ControlError> {
    let request: ShipRequest = if bytes.iter().all(u8::is_ascii_whitespace) {
        ShipRequest::default()
    } else {
        body(
            &bytes,
            r#"{"lines"?: [{"order_product_id": N, "quantity": N}], "tracking_number"?, "shipping_provider"?, "tracking_carrier"?, "comments"?}"#,
        )?
    };
    let id: u64 = id.parse().map_err(|_| {
        ControlError(
            StatusCode::NOT_FOUND,
            format!("order {id:?} does not exist"),
        )
    })?;
    match sim.ship_order(&hash, id, &request) {
        Ok(shipments) => Ok((StatusCode::CREATED, Json(shipments)).into_response()),
        Err(e @ (ShipError::UnknownStore(_) | ShipError::UnknownOrder(_))) => {
            Err(ControlError(StatusCode::NOT_FOUND, e.to_string()))
        }
        Err(e @ ShipError::Invalid(_)) => Err(invalid(e)),
    }
}
