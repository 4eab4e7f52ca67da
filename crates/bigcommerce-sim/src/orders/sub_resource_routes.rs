//! The sub-resources an order body links (`products`, `shipping_addresses`, `coupons`,
//! `consignments`, `fees`) and the others orders.v2.oas2.yml lists for an order (one
//! product, one shipping address, shipping quotes, taxes, messages). v2 lists are bare
//! arrays paged by `page`/`limit`, 204 on an empty page; an unknown order, line or
//! address is 404 in the v2 error shape. All are reads under `store_v2_orders` (or its
//! read-only variant), like every `/v2/orders` path.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use serde_json::json;

use super::render::{self, Include, Links};
use super::routes::{api_base, order_id, page_or_204, with_order};
use super::{Order, ShippingAddress, query};
use crate::Simulator;
use crate::errors::{ApiError, Flavor};
use crate::paging::{self, PageRequest, QueryMap};

const V2: Flavor = Flavor::V2;

/// `GET /v2/orders/{id}/products`, paged in order product id order; 204 past the end.
pub(crate) async fn products(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let page = PageRequest::parse(&q, paging::STANDARD, V2)?;
    let body = with_order(&sim, &hash, id, |o, _| {
        page.slice(&o.lines)
            .iter()
            .map(|l| render::product(o, l))
            .collect::<Vec<_>>()
    })?;
    Ok(page_or_204(body))
}

/// `GET /v2/orders/{id}/shipping_addresses`, paged; 204 for an all-digital order.
pub(crate) async fn shipping_addresses(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let page = PageRequest::parse(&q, paging::STANDARD, V2)?;
    let base = api_base(&headers, &hash);
    let body = with_order(&sim, &hash, id, |o, _| {
        page.slice(&o.shipping_addresses)
            .iter()
            .map(|a| render::shipping_address(o, a, &Links(&base)))
            .collect::<Vec<_>>()
    })?;
    Ok(page_or_204(body))
}

/// `GET /v2/orders/{id}/consignments[?include=consignments.line_items]`.
pub(crate) async fn consignments(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let Include { line_items, .. } = query::parse_include(&q);
    let base = api_base(&headers, &hash);
    let body = with_order(&sim, &hash, id, |o, _| {
        render::consignments(o, &Links(&base), line_items)
    })?;
    Ok(Json(body).into_response())
}

/// A path id that names no line, address or consignment of the order: 404, like an
/// unknown order.
fn sub_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found(V2))
}

/// `GET /v2/orders/{id}/products/{id}`: one order product by its id (the `id` of the
/// list, not the catalog product id).
pub(crate) async fn product(
    State(sim): State<Simulator>,
    Path((hash, id, line_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let (id, line_id) = (order_id(&id)?, sub_id(&line_id)?);
    let body = with_order(&sim, &hash, id, |o, _| {
        o.lines
            .iter()
            .find(|l| l.id == line_id)
            .map(|l| render::product(o, l))
    })?
    .ok_or(ApiError::not_found(V2))?;
    Ok(Json(body).into_response())
}

/// `GET /v2/orders/{id}/shipping_addresses/{id}`.
pub(crate) async fn shipping_address(
    State(sim): State<Simulator>,
    Path((hash, id, address_id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (id, address_id) = (order_id(&id)?, sub_id(&address_id)?);
    let base = api_base(&headers, &hash);
    let body = with_order(&sim, &hash, id, |o, _| {
        address(o, address_id).map(|a| render::shipping_address(o, a, &Links(&base)))
    })?
    .ok_or(ApiError::not_found(V2))?;
    Ok(Json(body).into_response())
}

fn address(o: &Order, address_id: u64) -> Option<&ShippingAddress> {
    o.shipping_addresses.iter().find(|a| a.id == address_id)
}

/// The quote of one shipping address; serves both documented paths, since a shipping
/// consignment's id is its shipping address id:
/// `GET /v2/orders/{id}/shipping_addresses/{id}/shipping_quotes` and
/// `GET /v2/orders/{id}/consignments/shipping/{id}/shipping_quotes`.
pub(crate) async fn shipping_quote(
    State(sim): State<Simulator>,
    Path((hash, id, address_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let (id, address_id) = (order_id(&id)?, sub_id(&address_id)?);
    let body = with_order(&sim, &hash, id, |o, _| {
        address(o, address_id).map(|a| render::shipping_quote(o, a))
    })?
    .ok_or(ApiError::not_found(V2))?;
    Ok(Json(body).into_response())
}

/// `GET /v2/orders/{id}/coupons`, paged in redemption order; 204 when the order has none.
pub(crate) async fn coupons(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let page = PageRequest::parse(&q, paging::STANDARD, V2)?;
    let body = with_order(&sim, &hash, id, |o, _| {
        page.slice(&o.coupons)
            .iter()
            .map(|c| render::coupon(o, c))
            .collect::<Vec<_>>()
    })?;
    Ok(page_or_204(body))
}

/// `GET /v2/orders/{id}/taxes`: always an empty page (204). The simulated store charges
/// no tax (every `*_tax` field of its orders is 0), so no order has a tax line.
pub(crate) async fn taxes(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    empty_list(&sim, &hash, &id, &q)
}

/// `GET /v2/orders/{id}/messages`: always an empty page (204). Order messages are the
/// merchant's and customer's conversation about an order, which nobody holds here; the
/// note a shopper leaves at checkout is the order's `customer_message`, not a message.
pub(crate) async fn messages(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    empty_list(&sim, &hash, &id, &q)
}

/// A v2 list the simulator never fills: paging is still checked (400, 413) and the
/// order must exist (404), as for a list that has items.
fn empty_list(sim: &Simulator, hash: &str, id: &str, q: &QueryMap) -> Result<Response, ApiError> {
    let id = order_id(id)?;
    PageRequest::parse(q, paging::STANDARD, V2)?;
    with_order(sim, hash, id, |_, _| ())?;
    Ok(page_or_204(Vec::new()))
}

/// `GET /v2/orders/{id}/fees`: `{"fees": [...]}`, the shape of the spec's example (its
/// schema describes a single fee, which cannot be a list of all of them). No fees are
/// modelled, so the list is empty; it is an object, not a v2 list, so no 204.
pub(crate) async fn fees(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    with_order(&sim, &hash, id, |_, _| ())?;
    Ok(Json(json!({ "fees": [] })).into_response())
}
