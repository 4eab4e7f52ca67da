//! The sub-resources an order body links (`products`, `shipping_addresses`,
//! `consignments`): v2 lists are bare arrays paged by `page`/`limit`, 204 on an empty
//! page; an unknown order is 404 in the v2 error shape.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::query;
use super::render::{self, Include, Links};
use super::routes::{api_base, order_id, page_or_204, with_order};
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
