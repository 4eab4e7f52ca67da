//! Orders V2 endpoints. Handlers hold the store lock while they filter and render, and
//! hand the events a change fired to the simulator after releasing it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::Order;
use super::query::{self, Filter};
use super::render::{self, Include, Links};
use crate::Simulator;
use crate::errors::{ApiError, Flavor};
use crate::order_statuses;
use crate::paging::{self, PageRequest, QueryMap};

const V2: Flavor = Flavor::V2;

fn bad(message: String) -> ApiError {
    ApiError::bad_request(V2, message)
}

/// Where the `{url, resource}` links point: back at this simulator when the request says
/// which host it used, else at the real API host.
pub(super) fn api_base(headers: &HeaderMap, hash: &str) -> String {
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => format!("http://{host}/stores/{hash}/v2"),
        None => format!("https://api.bigcommerce.com/stores/{hash}/v2"),
    }
}

/// A path id that is not a number names no order: 404, like an unknown id.
pub(super) fn order_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found(V2))
}

/// v2 answers an empty page with 204 and no body (facts §3).
pub(super) fn page_or_204(page: Vec<Value>) -> Response {
    if page.is_empty() {
        StatusCode::NO_CONTENT.into_response()
    } else {
        Json(page).into_response()
    }
}

/// `GET /v2/orders`. Archived orders are listed with `is_deleted: true` (see
/// `orders.rs`).
pub(crate) async fn list(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(&q, paging::STANDARD, V2)?;
    let filter = Filter::parse(&q)?;
    let (key, ascending) = query::parse_sort(&q)?;
    let include = query::parse_include(&q);
    let base = api_base(&headers, &hash);
    let body = sim
        .with_store(&hash, |store| {
            let mut hits: Vec<&Order> = store.orders.all().filter(|o| filter.matches(o)).collect();
            hits.sort_by(|a, b| {
                if ascending {
                    query::compare(key, a, b)
                } else {
                    query::compare(key, b, a)
                }
            });
            page.slice(&hits)
                .iter()
                .map(|o| render::order(o, &store.order_statuses, &Links(&base), include))
                .collect::<Vec<_>>()
        })
        .ok_or(ApiError::not_found(V2))?;
    Ok(page_or_204(body))
}

/// `GET /v2/orders/count`: every status with its count, and the total.
pub(crate) async fn count(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let filter = Filter::parse(&q)?;
    let body = sim
        .with_store(&hash, |store| {
            let hits: Vec<&Order> = store.orders.all().filter(|o| filter.matches(o)).collect();
            let statuses: Vec<Value> = store
                .order_statuses
                .iter()
                .map(|s| {
                    let count = hits.iter().filter(|o| o.status_id == s.id).count();
                    json!({
                        "id": s.id, "name": s.name, "system_label": s.system_label,
                        "custom_label": s.custom_label,
                        "system_description": s.system_description,
                        "count": count, "sort_order": s.order,
                    })
                })
                .collect();
            json!({ "statuses": statuses, "count": hits.len() })
        })
        .ok_or(ApiError::not_found(V2))?;
    Ok(Json(body).into_response())
}

/// Runs `f` on one order of the store; 404 for an unknown store or order.
pub(super) fn with_order<R>(
    sim: &Simulator,
    hash: &str,
    id: u64,
    f: impl FnOnce(&Order, &crate::store::Store) -> R,
) -> Result<R, ApiError> {
    sim.with_store(hash, |store| store.orders.get(id).map(|o| f(o, store)))
        .flatten()
        .ok_or(ApiError::not_found(V2))
}

/// `GET /v2/orders/{id}`, with the same `include=` as the list.
pub(crate) async fn get(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let include = query::parse_include(&q);
    let base = api_base(&headers, &hash);
    let body = with_order(&sim, &hash, id, |o, store| {
        render::order(o, &store.order_statuses, &Links(&base), include)
    })?;
    Ok(Json(body).into_response())
}

/// Fields the spec marks read-only; BigCommerce refuses a PUT that sends them.
const READ_ONLY: &[&str] = &[
    "id",
    "date_modified",
    "date_shipped",
    "cart_id",
    "status",
    "subtotal_tax",
    "shipping_cost_tax",
    "shipping_cost_tax_class_id",
    "handling_cost_tax",
    "handling_cost_tax_class_id",
    "wrapping_cost_tax",
    "wrapping_cost_tax_class_id",
    "payment_status",
    "store_credit_amount",
    "gift_certificate_amount",
    "currency_id",
    "currency_code",
    "currency_exchange_rate",
    "default_currency_id",
    "coupon_discount",
    "shipping_address_count",
    "is_email_opt_in",
    "external_id",
];

const MODELLED: &[&str] = &[
    "status_id",
    "staff_notes",
    "customer_message",
    "external_order_id",
    "is_deleted",
];

/// The writable fields the simulator models. Other writable fields are accepted and
/// ignored (with a warning in the log) until a later issue models them.
#[derive(Debug)]
struct OrderUpdate {
    status_id: Option<u8>,
    staff_notes: Option<String>,
    customer_message: Option<String>,
    /// Writable on update too ("you can update this field using a POST or PUT request").
    external_order_id: Option<String>,
    /// `is_deleted: true` archives, like `DELETE /v2/orders/{id}` (facts §4).
    archive: bool,
}

impl OrderUpdate {
    fn parse(body: &[u8]) -> Result<Self, ApiError> {
        let fields: Map<String, Value> = serde_json::from_slice(body)
            .map_err(|_| bad("The request body must be a JSON object of order fields.".into()))?;
        let invalid = |name: &str| bad(format!("The field '{name}' is invalid."));
        let text = |name: &str, max: usize| -> Result<Option<String>, ApiError> {
            match fields.get(name) {
                None => Ok(None),
                Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s.clone())),
                Some(_) => Err(invalid(name)),
            }
        };
        if let Some(name) = fields.keys().find(|k| READ_ONLY.contains(&k.as_str())) {
            return Err(bad(format!(
                "The field '{name}' cannot be written to. Please remove it from your request before trying again."
            )));
        }
        let status_id = match fields.get("status_id") {
            None => None,
            Some(v) => match v.as_u64() {
                Some(id) if order_statuses::is_valid(id) => Some(id as u8),
                _ => return Err(invalid("status_id")),
            },
        };
        let archive = match fields.get("is_deleted") {
            None | Some(Value::Bool(false)) => false,
            Some(Value::Bool(true)) => true,
            Some(_) => return Err(invalid("is_deleted")),
        };
        let update = Self {
            status_id,
            staff_notes: text("staff_notes", 65_535)?,
            customer_message: text("customer_message", 65_535)?,
            external_order_id: text("external_order_id", 65_535)?,
            archive,
        };
        for name in fields.keys().filter(|k| !MODELLED.contains(&k.as_str())) {
            tracing::warn!(field = %name, "PUT /v2/orders/{{id}}: field not modelled by the simulator; ignored");
        }
        Ok(update)
    }
}

/// `PUT /v2/orders/{id}`: a status change fires `store/order/updated` and
/// `store/order/statusUpdated`, other changes `store/order/updated`.
pub(crate) async fn update(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let base = api_base(&headers, &hash);
    let (body, events) = sim
        .with_store(&hash, |store| {
            // 404 before validation: a missing order is the more useful answer.
            store.orders.get(id).ok_or(ApiError::not_found(V2))?;
            let update = OrderUpdate::parse(&body)?;
            let mut events = Vec::new();
            if let Some(status_id) = update.status_id {
                events
                    .extend(super::status::change_status(store, id, status_id).unwrap_or_default());
            }
            let texts = update.staff_notes.is_some()
                || update.customer_message.is_some()
                || update.external_order_id.is_some();
            if texts {
                store.orders.edit(id, |o| {
                    if let Some(notes) = update.staff_notes {
                        o.staff_notes = notes;
                    }
                    if let Some(message) = update.customer_message {
                        o.customer_message = message;
                    }
                    if let Some(reference) = update.external_order_id {
                        o.external_order_id = reference;
                    }
                });
                if events.is_empty() {
                    events.push(crate::events::Event::order_updated(id));
                }
            }
            if update.archive {
                events.extend(store.orders.archive(id).unwrap_or_default());
            }
            let order = store.orders.get(id).ok_or(ApiError::not_found(V2))?;
            let body = render::order(
                order,
                &store.order_statuses,
                &Links(&base),
                Include::default(),
            );
            Ok((body, events))
        })
        .unwrap_or(Err(ApiError::not_found(V2)))?;
    sim.emit(&hash, events);
    Ok(Json(body).into_response())
}

/// `POST /v2/orders`: see `create.rs`. Answers 200 with the order, as the spec's
/// `createOrder` does (not 201).
pub(crate) async fn create(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let base = api_base(&headers, &hash);
    let (body, events) = sim
        .with_store(&hash, |store| {
            let (id, events) = super::create::create(store, &body)?;
            let order = store.orders.get(id).ok_or(ApiError::not_found(V2))?;
            let body = render::order(
                order,
                &store.order_statuses,
                &Links(&base),
                Include::default(),
            );
            Ok((body, events))
        })
        .unwrap_or(Err(ApiError::not_found(V2)))?;
    sim.emit(&hash, events);
    Ok(Json(body).into_response())
}

/// `DELETE /v2/orders/{id}`: archives (204) and fires `store/order/archived`.
pub(crate) async fn archive(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let events = sim
        .with_store(&hash, |store| store.orders.archive(id))
        .flatten()
        .ok_or(ApiError::not_found(V2))?;
    sim.emit(&hash, events);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<OrderUpdate, StatusCode> {
        OrderUpdate::parse(body.as_bytes()).map_err(|e| e.status)
    }

    #[test]
    fn put_accepts_modelled_fields_and_refuses_read_only_ones() {
        let u = parse(r#"{"status_id": 2, "staff_notes": "ship today"}"#).unwrap();
        assert_eq!(u.status_id, Some(2));
        assert_eq!(u.staff_notes.as_deref(), Some("ship today"));
        assert!(parse(r#"{"fees": []}"#).unwrap().status_id.is_none());
        assert!(parse(r#"{"is_deleted": true}"#).unwrap().archive);
        assert_eq!(
            parse(r#"{"status_id": 15}"#).err(),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            parse(r#"{"status_id": "2"}"#).err(),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            parse(r#"{"date_modified": "x"}"#).err(),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(parse("[1]").err(), Some(StatusCode::BAD_REQUEST));
    }
}
