//! Orders: `/stores/{id}/orders/sync` reads the store's changes now; `/orders` finds them
//! (searched, filtered, a keyset page at a time), `/orders/{id}` shows one and its routing
//! preview.

use crate::web::api_extract::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::orders::{OrderDetail, PollReport, RoutingPreview};
use crate::db::orders::OrderSummary;
use crate::domain::FieldErrors;
use crate::domain::order_search::{OrderCursor, OrderSearch, OrderSearchInput, parse_page_size};
use crate::web::error::{ApiError, ErrorBody, WebError};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(sync_orders))
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(preview_routing))
}

#[utoipa::path(
    post,
    path = "/stores/{id}/orders/sync",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "OK", body = PollReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 409, description = "The store is not synced: BigCommerce refused its access token or scopes, or an older store has its store hash", body = ErrorBody),
        (status = 502, description = "BigCommerce refused or failed the request; the error says what it answered", body = ErrorBody),
    )
)]
async fn sync_orders(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<Json<PollReport>, ApiError> {
    app.syncable_store(store_id).await?;
    Ok(Json(app.poll_orders(store_id).await?))
}

/// The same filters as the orders page (`domain::order_search`), each refused by name.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct OrdersQuery {
    /// A BigCommerce order number (`118` or `#118`), part of a customer's name or email, or a
    /// SKU or tracking number (exact, any case).
    q: Option<String>,
    store_id: Option<String>,
    /// Orders with a purchase order for this vendor.
    vendor_id: Option<String>,
    /// waiting | routed | needs_attention | cancelled
    state: Option<String>,
    /// Placed on or after this day (YYYY-MM-DD, UTC) or instant (RFC 3339).
    from: Option<String>,
    /// Placed on or before this day (YYYY-MM-DD, UTC; the whole day) or instant (RFC 3339).
    to: Option<String>,
    /// The `next` or `prev` cursor of the `Link` header of the page before.
    cursor: Option<String>,
    /// Orders per page, 1 to 500 (default 100).
    limit: Option<String>,
}

impl OrdersQuery {
    fn input(&self) -> OrderSearchInput {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        OrderSearchInput {
            q: text(&self.q),
            store_id: text(&self.store_id),
            vendor_id: text(&self.vendor_id),
            state: text(&self.state),
            from: text(&self.from),
            to: text(&self.to),
            cursor: text(&self.cursor),
        }
    }
}

const DEFAULT_PAGE_SIZE: i64 = 100;

#[utoipa::path(
    get,
    path = "/orders",
    params(OrdersQuery),
    responses(
        (status = 200, description = "A page of the orders that match, newest first", body = Vec<OrderSummary>,
            headers(("Link" = String, description = "Where the next (older) and previous (newer) pages are, when there are any: `</api/v1/orders?…&cursor=…>; rel=\"next\"`, and `rel=\"prev\"`, with the same filters"))),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Names each bad filter", body = ErrorBody),
    )
)]
/// Orders, newest first, a page at a time: searched and filtered as on the orders page.
async fn list_orders(
    State(app): State<App>,
    Query(query): Query<OrdersQuery>,
) -> Result<Response, ApiError> {
    let input = query.input();
    let mut errors = FieldErrors::default();
    let search = match OrderSearch::parse(&input) {
        Ok(search) => Some(search),
        Err(found) => {
            errors.0.extend(found.0);
            None
        }
    };
    let limit = errors.check(parse_page_size(
        "limit",
        query.limit.as_deref().unwrap_or_default(),
        DEFAULT_PAGE_SIZE,
    ));
    let (Some(search), Some(limit)) = (search, limit) else {
        return Err(ApiError(WebError::Invalid(errors)));
    };
    let page = app.find_orders(&search, limit).await?;
    let links: Vec<String> = [(page.older, "next"), (page.newer, "prev")]
        .into_iter()
        .filter_map(|(cursor, rel)| {
            cursor.map(|c| format!("<{}>; rel=\"{rel}\"", page_address(&input, limit, c)))
        })
        .collect();
    let mut response = Json(page.orders).into_response();
    if !links.is_empty()
        && let Ok(value) = HeaderValue::from_str(&links.join(", "))
    {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// The list's address at `cursor`, with the same filters and page size.
fn page_address(input: &OrderSearchInput, limit: i64, cursor: OrderCursor) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("q", &input.q),
        ("store_id", &input.store_id),
        ("vendor_id", &input.vendor_id),
        ("state", &input.state),
        ("from", &input.from),
        ("to", &input.to),
    ] {
        if !value.trim().is_empty() {
            query.append_pair(name, value.trim());
        }
    }
    query.append_pair("limit", &limit.to_string());
    query.append_pair("cursor", &cursor.encode());
    format!("/api/v1/orders?{}", query.finish())
}

#[utoipa::path(
    get,
    path = "/orders/{id}",
    params(("id" = i64, Path, description = "The order's id")),
    responses(
        (status = 200, description = "OK", body = OrderDetail),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn get_order(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<OrderDetail>, ApiError> {
    Ok(Json(app.order_detail(id).await?))
}

#[utoipa::path(
    get,
    path = "/orders/{id}/routing-preview",
    params(("id" = i64, Path, description = "The order's id")),
    responses(
        (status = 200, description = "OK", body = RoutingPreview),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
/// Dry run: how the order's unrouted lines would split now; creates nothing.
async fn preview_routing(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<RoutingPreview>, ApiError> {
    Ok(Json(app.preview_routing(id).await?))
}
