//! Every error of `/api/v1` and `/vendor-api/v1` answers in the documented shape,
//! `{"error": …, "fields": …}`: bad path and query values, unknown routes, wrong methods,
//! oversized and unreadable bodies, and a page that does not exist.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, TestApp, spawn_app};

async fn assert_api_error(response: reqwest::Response, status: u16, field: Option<&str>) -> Value {
    let url = response.url().to_string();
    assert_eq!(response.status(), status, "{url}");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{url}: {content_type}"
    );
    let body: Value = response.json().await.unwrap();
    let error = body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{url}: {body}"));
    assert!(!error.is_empty(), "{url}: {body}");
    for internal in ["Failed to", "i64", "deserialize", "Cannot parse"] {
        assert!(!body.to_string().contains(internal), "{url}: {body}");
    }
    if let Some(field) = field {
        assert_eq!(body["fields"][0]["field"], field, "{url}: {body}");
    }
    body
}

async fn send(app: &TestApp, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    app.http
        .request(method, format!("{}{path}", app.address))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
}

#[tokio::test]
async fn bad_path_and_query_values_name_the_parameter() {
    let app = spawn_app().await;
    for path in ["/vendors/abc", "/stores/1.5", "/orders/-x/routing-preview"] {
        let response = app.api_get(path).await;
        assert_api_error(response, 422, Some("id")).await;
    }
    let response = app.api_get("/orders?limit=x").await;
    assert_api_error(response, 422, Some("limit")).await;
    let response = app.api_get("/products?store_id=main").await;
    assert_api_error(response, 422, Some("store_id")).await;
    let vendor = app
        .http
        .get(format!("{}/vendor-api/v1/purchase-orders/abc", app.address))
        .send()
        .await
        .unwrap();
    // No token: refused before the path is read, in the same shape.
    assert_api_error(vendor, 401, None).await;
}

#[tokio::test]
async fn a_page_below_one_or_beyond_counting_is_refused_not_page_one() {
    let app = spawn_app().await;
    for query in ["page=0", "page=-3", "page=9223372036854775807"] {
        let products = app.api_get(&format!("/products?{query}")).await;
        assert_api_error(products, 422, Some("page")).await;
    }
    // Orders are keyset-paged: the page size is what is bounded.
    for limit in ["0", "-3", "9223372036854775807", "501"] {
        let orders = app.api_get(&format!("/orders?limit={limit}")).await;
        assert_api_error(orders, 422, Some("limit")).await;
    }
    assert_eq!(app.api_get("/orders?limit=500").await.status(), 200);
}

#[tokio::test]
async fn unknown_routes_wrong_methods_and_oversized_or_unreadable_bodies_answer_in_shape() {
    let app = spawn_app().await;
    let unknown = send(&app, reqwest::Method::GET, "/api/v1/no-such-thing").await;
    assert_api_error(unknown.send().await.unwrap(), 404, None).await;
    let unknown = send(&app, reqwest::Method::GET, "/vendor-api/v1/no-such-thing").await;
    assert_api_error(unknown.send().await.unwrap(), 404, None).await;
    let method = send(&app, reqwest::Method::DELETE, "/api/v1/stores").await;
    assert_api_error(method.send().await.unwrap(), 405, None).await;

    let vendor = app.api_post("/vendors", &json!({ "name": "Acme" })).await;
    let vendor: Value = vendor.json().await.unwrap();
    let id = vendor["id"].as_i64().unwrap();
    let huge = format!("sku,quantity\n{}", "A-1,1\n".repeat(500_000));
    let too_large = send(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/vendors/{id}/stock/csv"),
    )
    .await
    .header("content-type", "text/csv")
    .body(huge)
    .send()
    .await
    .unwrap();
    assert_api_error(too_large, 413, None).await;
    let big_json = send(&app, reqwest::Method::POST, "/api/v1/vendors")
        .await
        .json(&json!({ "name": "x".repeat(3 * 1024 * 1024) }))
        .send()
        .await
        .unwrap();
    assert_api_error(big_json, 413, None).await;
    let not_utf8 = send(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/vendors/{id}/stock/csv"),
    )
    .await
    .header("content-type", "text/csv")
    .body(vec![b's', b'k', b'u', 0xff, 0xfe, b'\n'])
    .send()
    .await
    .unwrap();
    assert_api_error(not_utf8, 400, None).await;
    let unusable = send(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/vendors/{id}/stock/csv"),
    )
    .await
    .header("content-type", "text/csv")
    .body("nothing,useful\n")
    .send()
    .await
    .unwrap();
    assert_api_error(unusable, 422, None).await;
}
