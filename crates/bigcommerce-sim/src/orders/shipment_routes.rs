//! `/v2/orders/{id}/shipments` endpoints (scope `store_v2_orders`; reads also pass with
//! its read-only variant). A missing order or shipment is 404 before any validation;
//! validation failures are v2 arrays with BigCommerce's "The field 'x' is invalid."
//! messages. Whether a POST's response is lost after it was applied is decided by the
//! gateway's `drop_response_after_write_rate` fault, not here.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::shipments::{self, NewShipment, ShipmentEdit};
use crate::Simulator;
use crate::errors::{ApiError, Flavor};
use crate::paging::{self, PageRequest, QueryMap};

const V2: Flavor = Flavor::V2;

fn id(raw: &str) -> Result<u64, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found(V2))
}

fn bad(message: String) -> ApiError {
    ApiError::bad_request(V2, message)
}

/// `GET /v2/orders/{id}/shipments`: paged in id order; 204 when there are none (or the
/// page is past the end).
pub(crate) async fn list(
    State(sim): State<Simulator>,
    Path((hash, order_id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let order_id = id(&order_id)?;
    let page = PageRequest::parse(&q, paging::STANDARD, V2)?;
    let body = sim
        .with_store(&hash, |store| {
            store.orders.get(order_id).map(|o| {
                page.slice(&o.shipments)
                    .iter()
                    .map(|s| shipments::render(o, s))
                    .collect::<Vec<Value>>()
            })
        })
        .flatten()
        .ok_or(ApiError::not_found(V2))?;
    if body.is_empty() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(Json(body).into_response())
}

/// `GET /v2/orders/{id}/shipments/count`: `{"count": n}`.
pub(crate) async fn count(
    State(sim): State<Simulator>,
    Path((hash, order_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let order_id = id(&order_id)?;
    let count = sim
        .with_store(&hash, |store| {
            store.orders.get(order_id).map(|o| o.shipments.len())
        })
        .flatten()
        .ok_or(ApiError::not_found(V2))?;
    Ok(Json(json!({ "count": count })).into_response())
}

/// `GET /v2/orders/{id}/shipments/{shipment_id}`.
pub(crate) async fn get(
    State(sim): State<Simulator>,
    Path((hash, order_id, shipment_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let (order_id, shipment_id) = (id(&order_id)?, id(&shipment_id)?);
    let body = sim
        .with_store(&hash, |store| {
            let o = store.orders.get(order_id)?;
            let s = o.shipments.iter().find(|s| s.id == shipment_id)?;
            Some(shipments::render(o, s))
        })
        .flatten()
        .ok_or(ApiError::not_found(V2))?;
    Ok(Json(body).into_response())
}

/// `POST /v2/orders/{id}/shipments`: 201 with the shipment.
pub(crate) async fn create(
    State(sim): State<Simulator>,
    Path((hash, order_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let order_id = id(&order_id)?;
    let (body, events) = sim
        .with_store(&hash, |store| {
            store.orders.get(order_id).ok_or(ApiError::not_found(V2))?;
            let new = NewShipment::parse(&body).map_err(bad)?;
            let (shipment, events) = store
                .orders
                .create_shipment(order_id, new)
                .ok_or(ApiError::not_found(V2))?
                .map_err(bad)?;
            let order = store.orders.get(order_id).ok_or(ApiError::not_found(V2))?;
            Ok((shipments::render(order, &shipment), events))
        })
        .unwrap_or(Err(ApiError::not_found(V2)))?;
    sim.emit(&hash, events);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `PUT /v2/orders/{id}/shipments/{shipment_id}`: 200 with the shipment; `items` cannot
/// be changed.
pub(crate) async fn update(
    State(sim): State<Simulator>,
    Path((hash, order_id, shipment_id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (order_id, shipment_id) = (id(&order_id)?, id(&shipment_id)?);
    let (body, events) = sim
        .with_store(&hash, |store| {
            let exists = store
                .orders
                .get(order_id)
                .is_some_and(|o| o.shipments.iter().any(|s| s.id == shipment_id));
            if !exists {
                return Err(ApiError::not_found(V2));
            }
            let edit = ShipmentEdit::parse_put(&body).map_err(bad)?;
            let (shipment, events) = store
                .orders
                .update_shipment(order_id, shipment_id, edit)
                .ok_or(ApiError::not_found(V2))?
                .map_err(bad)?;
            let order = store.orders.get(order_id).ok_or(ApiError::not_found(V2))?;
            Ok((shipments::render(order, &shipment), events))
        })
        .unwrap_or(Err(ApiError::not_found(V2)))?;
    sim.emit(&hash, events);
    Ok(Json(body).into_response())
}

/// `DELETE /v2/orders/{id}/shipments/{shipment_id}`: 204.
pub(crate) async fn delete(
    State(sim): State<Simulator>,
    Path((hash, order_id, shipment_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let (order_id, shipment_id) = (id(&order_id)?, id(&shipment_id)?);
    let events = sim
        .with_store(&hash, |store| {
            store.orders.delete_shipment(order_id, shipment_id)
        })
        .flatten()
        .ok_or(ApiError::not_found(V2))?;
    sim.emit(&hash, events);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /v2/orders/{id}/shipments`: deletes them all; 204.
pub(crate) async fn delete_all(
    State(sim): State<Simulator>,
    Path((hash, order_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let order_id = id(&order_id)?;
    let events = sim
        .with_store(&hash, |store| store.orders.delete_shipments(order_id))
        .flatten()
        .ok_or(ApiError::not_found(V2))?;
    sim.emit(&hash, events);
    Ok(StatusCode::NO_CONTENT.into_response())
}
