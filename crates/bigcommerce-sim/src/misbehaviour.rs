//! The `Faults::misbehaviour` answers: the gateway rewrites the request before the handler and
//! its answer after it, so every list and single-object endpoint misbehaves the same way
//! without a handler knowing.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, Uri, header};
use axum::response::Response;
use serde_json::Value;

use crate::faults::Misbehaviour;

/// Larger answers are passed through untouched rather than buffered.
const MAX_REWRITTEN_BODY: usize = 64 * 1024 * 1024;

/// Before the handler: drops the query parameters a misbehaving server ignores.
pub(crate) fn rewrite_request(misbehaviour: Misbehaviour, req: &mut Request) {
    if req.method() != Method::GET || !misbehaviour.repeat_list_pages {
        return;
    }
    let ignored = ["page"];
    let Some(query) = req.uri().query() else {
        return;
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            !ignored.contains(&name)
        })
        .collect();
    let path_and_query = if kept.is_empty() {
        req.uri().path().to_owned()
    } else {
        format!("{}?{}", req.uri().path(), kept.join("&"))
    };
    let mut parts = req.uri().clone().into_parts();
    if let Ok(rewritten) = path_and_query.parse() {
        parts.path_and_query = Some(rewritten);
        if let Ok(uri) = Uri::from_parts(parts) {
            *req.uri_mut() = uri;
        }
    }
}

/// After the handler: rewrites a successful JSON answer as the misbehaviour says.
pub(crate) async fn rewrite_response(
    misbehaviour: Misbehaviour,
    method: &Method,
    rest: &str,
    response: Response,
) -> Response {
    let single_object = misbehaviour.answer_other_object && is_single_object_read(rest);
    let orders = misbehaviour.omit_consignments && rest.starts_with("/v2/orders");
    let catalog =
        misbehaviour.odd_catalog_data && rest.trim_end_matches('/') == "/v3/catalog/products";
    let order_list = (misbehaviour.repeat_an_order || misbehaviour.unreadable_order)
        && rest.trim_end_matches('/') == "/v2/orders";
    if method != Method::GET
        || !response.status().is_success()
        || !(misbehaviour.next_link_past_end || single_object || orders || catalog || order_list)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_REWRITTEN_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if misbehaviour.next_link_past_end {
        keep_next_link(&mut json);
    }
    if single_object {
        answer_about_another(&mut json);
    }
    if orders {
        leave_out_consignments(&mut json);
    }
    if catalog {
        make_catalog_data_odd(&mut json);
    }
    if order_list {
        make_order_list_odd(misbehaviour, &mut json);
    }
    let rewritten = serde_json::to_vec(&json).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(rewritten))
}

/// `links.next` to the page after this one, however many pages there are.
fn keep_next_link(json: &mut Value) {
    let Some(pagination) = json.pointer_mut("/meta/pagination") else {
        return;
    };
    let current = pagination["current_page"].as_u64().unwrap_or(1);
    let per_page = pagination["per_page"].as_u64().unwrap_or(50);
    if !pagination["links"].is_object() {
        pagination["links"] = Value::Object(Default::default());
    }
    pagination["links"]["next"] = Value::String(format!(
        "?page={}&limit={per_page}",
        current.saturating_add(1)
    ));
}

/// See `Misbehaviour::odd_catalog_data`.
fn make_catalog_data_odd(json: &mut Value) {
    let Some(products) = json.get_mut("data").and_then(Value::as_array_mut) else {
        return;
    };
    if let Some(first) = products.first_mut() {
        first["inventory_level"] = Value::from(9_999_999_999_i64);
        first["price"] = Value::from(-5);
        first["upc"] = Value::from("string");
        let product_id = first["id"].as_u64().unwrap_or_default();
        if let Some(variant) = first
            .get_mut("variants")
            .and_then(Value::as_array_mut)
            .and_then(|variants| variants.first_mut())
        {
            variant["product_id"] = Value::from(product_id + 1_000_000);
        }
    }
    if let Some(second) = products.get_mut(1) {
        second["price"] = serde_json::Number::from_f64(1e40).map_or(Value::Null, Value::Number);
    }
}

/// See `Misbehaviour::repeat_an_order` and `Misbehaviour::unreadable_order`.
fn make_order_list_odd(misbehaviour: Misbehaviour, json: &mut Value) {
    let Some(orders) = json.as_array_mut() else {
        return;
    };
    if misbehaviour.repeat_an_order
        && let Some(first) = orders.first().cloned()
    {
        orders.push(first);
    }
    if misbehaviour.unreadable_order
        && let Some(first) = orders.first_mut()
    {
        first["status_id"] = Value::from("eleven");
    }
}

/// Orders (one or a list) without their `consignments`, expanded or as a link.
fn leave_out_consignments(json: &mut Value) {
    match json {
        Value::Array(orders) => orders.iter_mut().for_each(leave_out_consignments),
        Value::Object(order) => {
            order.remove("consignments");
        }
        _ => {}
    }
}

/// The same body about an object whose id is one higher.
fn answer_about_another(json: &mut Value) {
    let object = match json.get_mut("data") {
        Some(data) if data.is_object() => data,
        _ => json,
    };
    if let Some(id) = object.get("id").and_then(Value::as_u64) {
        object["id"] = Value::from(id + 1);
    }
}

/// `/v2/orders/{id}`, `/v3/catalog/products/{id}` and an order's one shipment, order
/// product or shipping address (`/v2/orders/{id}/shipments|products|shipping_addresses/{id}`).
fn is_single_object_read(rest: &str) -> bool {
    let segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match segments.as_slice() {
        ["v2", "orders", id] => numeric(id),
        ["v3", "catalog", "products", id] => numeric(id),
        [
            "v2",
            "orders",
            order,
            "shipments" | "products" | "shipping_addresses",
            id,
        ] => numeric(order) && numeric(id),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn single_object_reads_are_recognised() {
        assert!(is_single_object_read("/v2/orders/100"));
        assert!(is_single_object_read("/v3/catalog/products/7"));
        assert!(is_single_object_read("/v2/orders/100/shipments/3"));
        assert!(is_single_object_read("/v2/orders/100/products/12"));
        assert!(is_single_object_read("/v2/orders/100/shipping_addresses/4"));
        assert!(!is_single_object_read("/v2/orders/100/coupons"));
        assert!(!is_single_object_read("/v2/orders/count"));
        assert!(!is_single_object_read("/v2/orders/100/products"));
        assert!(!is_single_object_read("/v3/catalog/products"));
    }

    #[test]
    fn next_link_survives_the_last_page() {
        let mut body = json!({"data": [], "meta": {"pagination": {
            "total": 3, "count": 0, "per_page": 50, "current_page": 2, "total_pages": 1,
            "links": {"current": "?page=2&limit=50"}}}});
        keep_next_link(&mut body);
        assert_eq!(
            body["meta"]["pagination"]["links"]["next"],
            "?page=3&limit=50"
        );
    }

    #[test]
    fn another_object_keeps_the_envelope() {
        let mut v3 = json!({"data": {"id": 7, "name": "x"}, "meta": {}});
        answer_about_another(&mut v3);
        assert_eq!(v3["data"]["id"], 8);
        let mut v2 = json!({"id": 100, "status": "Shipped"});
        answer_about_another(&mut v2);
        assert_eq!(v2["id"], 101);
    }
}
