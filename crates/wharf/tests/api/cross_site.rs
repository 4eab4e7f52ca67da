//! Another site cannot act in the operator's name: not with the session cookie, not with the
//! browser's remembered Basic credentials, not with a form posted as text/plain. Scripts, which
//! send no Origin, keep working. (The same attack in a real browser: `browser.rs`.)

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, TestApp, spawn_app};

async fn vendor_names(app: &TestApp) -> Vec<String> {
    let vendors = app.app.list_vendors().await.unwrap();
    vendors.into_iter().map(|v| v.name).collect()
}

async fn add_vendor(app: &TestApp, name: &str) -> i64 {
    let response = app.api_post("/vendors", &json!({ "name": name })).await;
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_cross_origin_form_post_with_the_session_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    // Even with the right token (a page that somehow had it), another origin is refused.
    let attempts: [(&str, &str); 4] = [
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        // Another port of the same host: same-site, so SameSite=Strict sent the cookie.
        ("sec-fetch-site", "same-site"),
    ];
    for (name, value) in attempts {
        let response = app
            .http
            .post(format!("{}/vendors", app.address))
            .header("cookie", &cookie)
            .header(name, value)
            .form(&[
                ("name", "Evil Vendor"),
                ("email", ""),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{name}: {value}");
        let page = response.text().await.unwrap();
        assert!(page.contains("own pages"), "{page}");
    }
    assert!(vendor_names(&app).await.is_empty(), "nothing was created");

    // The same form from wharf's own page passes, by either header.
    for (name, value) in [
        ("origin", app.address.as_str()),
        ("sec-fetch-site", "same-origin"),
    ] {
        let response = app
            .http
            .post(format!("{}/vendors", app.address))
            .header("cookie", &cookie)
            .header(name, value)
            .form(&[
                ("name", format!("Vendor via {name}")),
                ("email", String::new()),
                ("csrf_token", token.clone()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}: {value}");
    }
    assert_eq!(vendor_names(&app).await.len(), 2);
}

#[tokio::test]
async fn remembered_basic_credentials_do_not_let_another_site_change_stock() {
    let app = spawn_app().await;
    let vendor = add_vendor(&app, "Acme Supply").await;
    let url = format!("{}/api/v1/vendors/{vendor}/stock/csv", app.address);

    // What the page on another site posted: a text/plain form, the browser adding the
    // operator's remembered Basic credentials and its Origin.
    let cross_site = app
        .http
        .post(&url)
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .header("origin", "http://evil.example")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "text/plain")
        .body("sku,quantity\nACME-1,0\n")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let body: Value = cross_site.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("cross-site"),
        "{body}"
    );

    // Even from no origin at all, a CSV upload must say it is CSV.
    let text_plain = app
        .http
        .post(&url)
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .header("content-type", "text/plain")
        .body("sku,quantity\nACME-1,0\n")
        .send()
        .await
        .unwrap();
    assert_eq!(text_plain.status(), 415);
    let body: Value = text_plain.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("text/csv"),
        "{body}"
    );
    let unmatched: Value = app
        .api_get(&format!("/vendors/{vendor}/stock/unmatched"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unmatched, json!([]), "no stock was recorded");

    // A script (no Origin, no Sec-Fetch-Site) sending CSV as CSV is served.
    let script = app
        .http
        .post(&url)
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .header("content-type", "text/csv")
        .body("sku,quantity\nACME-1,0\n")
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
}

#[tokio::test]
async fn a_form_post_with_the_session_but_without_its_token_is_refused() {
    let app = spawn_app().await;
    let cookie = app.session_cookie().await;
    let other_session = app.session_cookie().await;
    let foreign_token = app.form_token(&other_session).await;
    for form in [
        vec![("name", "No Token"), ("email", "")],
        vec![
            ("name", "Wrong Token"),
            ("email", ""),
            ("csrf_token", "0123abcd"),
        ],
        // Another session's token is not this session's.
        vec![
            ("name", "Foreign Token"),
            ("email", ""),
            ("csrf_token", &foreign_token),
        ],
    ] {
        let response = app
            .http
            .post(format!("{}/vendors", app.address))
            .header("cookie", &cookie)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{form:?}");
        let page = response.text().await.unwrap();
        assert!(page.contains("reload the page"), "{page}");
    }
    // The JSON API through the cookie needs it too (htmx's header); Basic alone does not.
    let api = app
        .http
        .post(format!("{}/api/v1/vendors", app.address))
        .header("cookie", &cookie)
        .json(&json!({ "name": "Cookie API" }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 403);
    assert!(api.json::<Value>().await.unwrap()["error"].is_string());
    assert!(vendor_names(&app).await.is_empty(), "nothing was created");

    let token = app.form_token(&cookie).await;
    let by_field = app
        .http
        .post(format!("{}/vendors", app.address))
        .header("cookie", &cookie)
        .form(&[("name", "By Field"), ("email", ""), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(by_field.status(), 200);
    let by_header = app
        .http
        .post(format!("{}/api/v1/vendors", app.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &token)
        .json(&json!({ "name": "By Header" }))
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), 201);
    assert_eq!(add_vendor(&app, "By Basic").await, 3);

    // Signing out with the cookie needs the token too, so another page cannot sign you out.
    let logout = app
        .http
        .post(format!("{}/logout", app.address))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 403);
}

#[tokio::test]
async fn webhooks_and_the_vendor_api_are_not_asked_for_a_browsers_origin() {
    let app = spawn_app().await;
    let vendor = app
        .api_post("/vendors", &json!({ "name": "Acme Supply" }))
        .await
        .json::<Value>()
        .await
        .unwrap();
    let token = vendor["api_token_once"].as_str().unwrap();
    let response = app
        .http
        .put(format!("{}/vendor-api/v1/stock", app.address))
        .bearer_auth(token)
        .header("origin", "http://portal.example")
        .json(&json!({ "items": [{ "sku": "A-1", "quantity": 3 }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "a vendor's own web portal may call it"
    );
    let webhook = app
        .http
        .post(format!("{}/webhooks/bigcommerce/1", app.address))
        .header("origin", "http://bigcommerce.example")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_ne!(webhook.status(), 403, "its secret authenticates it");
}
