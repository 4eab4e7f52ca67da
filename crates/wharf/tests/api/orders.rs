//! Orders in and vendor routing: vendors, assignment rules, polling, purchase orders, the
//! vendor API, cancellations.

use bigcommerce_sim::{LineKind, Money, SeededCatalog, ShopperAddress, ShopperLine, ShopperOrder};
use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp, spawn_app};

/// A connected store whose catalog (60 products × 2 variants) is imported.
pub(crate) async fn store_with_catalog(app: &TestApp) -> (i64, SeededCatalog) {
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(60, 2);
    app.import_all(store_id).await;
    (store_id, seeded)
}

pub(crate) async fn add_vendor(app: &TestApp, name: &str) -> (i64, String) {
    let response = app
        .api_post(
            "/vendors",
            &json!({ "name": name, "email": "ops@example.com" }),
        )
        .await;
    assert_eq!(response.status(), 201, "adding vendor {name}");
    let body: Value = response.json().await.unwrap();
    (
        body["id"].as_i64().unwrap(),
        body["api_token_once"].as_str().unwrap().to_owned(),
    )
}

pub(crate) async fn assign(app: &TestApp, store_id: i64, rule: Value) -> Value {
    let response = app
        .api_post(&format!("/stores/{store_id}/assignments"), &rule)
        .await;
    assert_eq!(response.status(), 200, "assigning {rule}");
    response.json().await.unwrap()
}

async fn sync(app: &TestApp, store_id: i64) -> Value {
    let response = app
        .api_post(&format!("/stores/{store_id}/orders/sync"), &json!({}))
        .await;
    assert_eq!(response.status(), 200, "syncing orders");
    response.json().await.unwrap()
}

async fn orders(app: &TestApp) -> Vec<Value> {
    app.api_get("/orders").await.json().await.unwrap()
}

async fn order_detail(app: &TestApp, order_id: i64) -> Value {
    app.api_get(&format!("/orders/{order_id}"))
        .await
        .json()
        .await
        .unwrap()
}

pub(crate) fn variant(
    app: &TestApp,
    seeded: &SeededCatalog,
    product_index: usize,
) -> (u64, u64, String) {
    let product = app
        .sim
        .simulator
        .product(STORE_HASH, seeded.product_ids[product_index])
        .unwrap();
    let variant = &product.variants()[0];
    (product.id(), variant.id(), variant.sku.clone())
}

async fn vendor_get(app: &TestApp, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = app.http.get(format!("{}/vendor-api/v1{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn an_order_splits_into_one_purchase_order_per_vendor_with_its_addresses() {
    let app = spawn_app().await;
    let (store_id, seeded) = store_with_catalog(&app).await;
    let (alpha, alpha_token) = add_vendor(&app, "Alpha Supply").await;
    let (beta, beta_token) = add_vendor(&app, "Beta Goods").await;
    let (product_a, variant_a, sku_a) = variant(&app, &seeded, 0);
    let (product_b, variant_b, sku_b) = variant(&app, &seeded, 1);
    assign(
        &app,
        store_id,
        json!({ "rule": "sku", "sku": sku_a, "vendor": "Alpha Supply" }),
    )
    .await;
    assign(
        &app,
        store_id,
        json!({ "rule": "sku", "sku": sku_b, "vendor": "beta goods" }),
    )
    .await;

    let mut order = ShopperOrder::new(vec![
        ShopperLine::catalog(product_a, Some(variant_a), 2).to(0),
        ShopperLine::catalog(product_b, Some(variant_b), 1).to(1),
    ]);
    order.addresses = vec![ShopperAddress::sample(0), ShopperAddress::sample(1)];
    let bc_order = app.sim.simulator.place_order(STORE_HASH, order);

    assert_eq!(sync(&app, store_id).await["orders"], 1);
    let listed = orders(&app).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["external_id"].as_u64(), Some(bc_order));
    assert_eq!(listed[0]["routing_state"], "routed");
    assert_eq!(listed[0]["purchase_orders"], 2);

    let detail = order_detail(&app, listed[0]["id"].as_i64().unwrap()).await;
    let pos = detail["purchase_orders"].as_array().unwrap();
    let po_of = |vendor: i64| {
        pos.iter()
            .find(|po| po["vendor_id"].as_i64() == Some(vendor))
            .unwrap()
            .clone()
    };
    let (alpha_po, beta_po) = (po_of(alpha), po_of(beta));
    assert_eq!(alpha_po["lines"][0]["sku"].as_str(), Some(sku_a.as_str()));
    assert_eq!(alpha_po["lines"][0]["quantity"], 2);
    assert_eq!(beta_po["lines"][0]["quantity"], 1);
    // Each purchase order carries the shipping address of its lines.
    assert_eq!(alpha_po["addresses"].as_array().unwrap().len(), 1);
    assert_ne!(
        alpha_po["addresses"][0]["street_1"],
        beta_po["addresses"][0]["street_1"]
    );
    let timeline: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(timeline[0].starts_with("Received via poll"), "{timeline:?}");
    assert!(
        timeline.iter().any(|m| m.contains("Alpha Supply")),
        "{timeline:?}"
    );

    // Polling again (overlapping window) changes nothing.
    sync(&app, store_id).await;
    let again = orders(&app).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["purchase_orders"], 2);
    assert_eq!(
        order_detail(&app, listed[0]["id"].as_i64().unwrap()).await["timeline"]
            .as_array()
            .unwrap()
            .len(),
        timeline.len()
    );

    // The vendor API: each vendor sees its own purchase order, and only that.
    let mine: Vec<Value> = vendor_get(&app, Some(&alpha_token), "/purchase-orders")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], alpha_po["id"]);
    let own = vendor_get(
        &app,
        Some(&alpha_token),
        &format!("/purchase-orders/{}", alpha_po["id"]),
    )
    .await;
    assert_eq!(own.status(), 200);
    let theirs = vendor_get(
        &app,
        Some(&alpha_token),
        &format!("/purchase-orders/{}", beta_po["id"]),
    )
    .await;
    assert_eq!(
        theirs.status(),
        404,
        "vendor A must not see vendor B's purchase order"
    );
    assert_eq!(
        vendor_get(&app, Some(&beta_token), "/purchase-orders")
            .await
            .json::<Vec<Value>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        vendor_get(&app, None, "/purchase-orders").await.status(),
        401
    );
    assert_eq!(
        vendor_get(&app, Some("whv_not-a-token"), "/purchase-orders")
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn unmatched_lines_need_attention_until_a_rule_routes_them() {
    let app = spawn_app().await;
    let (store_id, seeded) = store_with_catalog(&app).await;
    add_vendor(&app, "Alpha Supply").await;
    add_vendor(&app, "Beta Goods").await;
    let (product_c, variant_c, sku_c) = variant(&app, &seeded, 2);
    let order = ShopperOrder::new(vec![
        ShopperLine::catalog(product_c, Some(variant_c), 1),
        ShopperLine::custom(
            "Engraving",
            "CUSTOM-ENGRAVE",
            Money::parse("5.00").unwrap(),
            1,
        ),
        ShopperLine::custom("E-book", "EBOOK-1", Money::parse("9.00").unwrap(), 1)
            .kind(LineKind::Digital),
    ]);
    app.sim.simulator.place_order(STORE_HASH, order);
    sync(&app, store_id).await;
    let order = &orders(&app).await[0];
    assert_eq!(order["routing_state"], "needs_attention");
    let order_id = order["id"].as_i64().unwrap();

    // The dry run says how it would split now, and creates nothing.
    let preview: Value = app
        .api_get(&format!("/orders/{order_id}/routing-preview"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        preview["plan"]["needs_attention"].as_array().unwrap().len(),
        2,
        "{preview}"
    );
    assert_eq!(
        preview["plan"]["not_shipped"].as_array().unwrap().len(),
        1,
        "the digital line is not shipped"
    );

    // A CSV: valid rows applied, each bad row reported by its line number.
    let csv = format!(
        "sku,vendor\n{sku_c},Alpha Supply\nNO-SUCH-SKU,Alpha Supply\n{sku_c},Nobody\n,Alpha Supply\n"
    );
    let response = app
        .http
        .post(format!(
            "{}/api/v1/stores/{store_id}/assignments/csv",
            app.address
        ))
        .basic_auth(
            crate::helpers::ADMIN_USER,
            Some(crate::helpers::ADMIN_PASSWORD),
        )
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["applied"], 1);
    let errors = report["errors"].as_array().unwrap();
    let lines: Vec<u64> = errors.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 5], "{report}");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("NO-SUCH-SKU")
    );
    assert!(errors[1]["message"].as_str().unwrap().contains("Nobody"));
    assert_eq!(
        report["orders_routed"], 0,
        "the custom line still matches nothing"
    );
    assert_eq!(orders(&app).await[0]["routing_state"], "needs_attention");

    // The store's default policy catches the custom line.
    let outcome = assign(
        &app,
        store_id,
        json!({ "rule": "default", "vendor": "Beta Goods" }),
    )
    .await;
    assert_eq!(outcome["orders_routed"], 1);
    let detail = order_detail(&app, order_id).await;
    assert_eq!(detail["order"]["routing_state"], "routed");
    assert_eq!(detail["purchase_orders"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn only_routed_statuses_create_purchase_orders_and_cancellation_cancels_them() {
    let app = spawn_app().await;
    let (store_id, seeded) = store_with_catalog(&app).await;
    let (_, token) = add_vendor(&app, "Alpha Supply").await;
    assign(
        &app,
        store_id,
        json!({ "rule": "default", "vendor": "Alpha Supply" }),
    )
    .await;
    let (product, variant_id, _) = variant(&app, &seeded, 0);
    let mut awaiting_payment =
        ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant_id), 1)]);
    awaiting_payment.status_id = 7;
    let order_id = app.sim.simulator.place_order(STORE_HASH, awaiting_payment);
    let mut incomplete =
        ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant_id), 1)]);
    incomplete.status_id = 0;
    app.sim.simulator.place_order(STORE_HASH, incomplete);

    sync(&app, store_id).await;
    let listed = orders(&app).await;
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|o| o["routing_state"] == "waiting" && o["purchase_orders"] == 0),
        "{listed:#?}"
    );

    app.sim.simulator.set_order_status(STORE_HASH, order_id, 11);
    sync(&app, store_id).await;
    let routed: Vec<Value> = orders(&app)
        .await
        .into_iter()
        .filter(|o| o["routing_state"] == "routed")
        .collect();
    assert_eq!(routed.len(), 1);
    assert_eq!(
        vendor_get(&app, Some(&token), "/purchase-orders")
            .await
            .json::<Vec<Value>>()
            .await
            .unwrap()
            .len(),
        1
    );

    app.sim.simulator.set_order_status(STORE_HASH, order_id, 5);
    sync(&app, store_id).await;
    let detail = order_detail(&app, routed[0]["id"].as_i64().unwrap()).await;
    assert_eq!(detail["order"]["routing_state"], "cancelled");
    assert_eq!(detail["purchase_orders"][0]["status"], "cancelled");
    assert!(
        detail["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "cancelled")
    );
    // The vendor sees the cancellation: no longer open, still there with everything.
    assert!(
        vendor_get(&app, Some(&token), "/purchase-orders")
            .await
            .json::<Vec<Value>>()
            .await
            .unwrap()
            .is_empty()
    );
    let all: Vec<Value> = vendor_get(&app, Some(&token), "/purchase-orders?status=all")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all[0]["status"], "cancelled");
}

#[tokio::test]
async fn vendors_are_validated_and_their_tokens_shown_once() {
    let app = spawn_app().await;
    let (id, token) = add_vendor(&app, "Alpha Supply").await;
    assert!(token.starts_with("whv_"));
    let listed: Vec<Value> = app.api_get("/vendors").await.json().await.unwrap();
    assert_eq!(
        listed[0]["api_token"],
        format!("••••{}", &token[token.len() - 4..])
    );
    assert!(!listed[0].to_string().contains(&token));

    for (body, field) in [
        (json!({ "name": "alpha supply" }), "name"),
        (json!({ "name": "" }), "name"),
        (json!({ "name": "Gamma", "email": "not-an-email" }), "email"),
    ] {
        let response = app.api_post("/vendors", &body).await;
        assert_eq!(response.status(), 422, "{body}");
        let errors: Value = response.json().await.unwrap();
        assert_eq!(errors["fields"][0]["field"], field, "{body}: {errors}");
    }
    let me: Value = vendor_get(&app, Some(&token), "/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"].as_i64(), Some(id));
}

#[tokio::test]
async fn the_orders_pages_show_the_split_the_timeline_and_what_needs_attention() {
    let app = spawn_app().await;
    let (store_id, seeded) = store_with_catalog(&app).await;
    add_vendor(&app, "Alpha Supply").await;
    let (product_a, variant_a, sku_a) = variant(&app, &seeded, 0);
    let (product_b, variant_b, _) = variant(&app, &seeded, 1);
    assign(
        &app,
        store_id,
        json!({ "rule": "sku", "sku": sku_a, "vendor": "Alpha Supply" }),
    )
    .await;
    app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(product_a, Some(variant_a), 1)]),
    );
    app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(product_b, Some(variant_b), 1)]),
    );
    sync(&app, store_id).await;

    let cookie = app.session_cookie().await;
    let list = app.get_page("/orders", &cookie).await.text().await.unwrap();
    assert_eq!(list.matches("class=\"order-row\"").count(), 2);
    assert!(
        list.contains("Needs attention (1)"),
        "the count of orders needing attention is shown"
    );
    assert!(
        list.contains("class=\"vendors\">Alpha Supply</td>"),
        "the vendor split is listed"
    );
    let dashboard = app
        .get_page("/dashboard", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        dashboard.contains("id=\"needs-attention-count\">1<"),
        "counted on the dashboard"
    );
    let filtered = app
        .get_page("/orders?state=needs_attention", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(filtered.matches("class=\"order-row\"").count(), 1);

    let routed = orders(&app)
        .await
        .into_iter()
        .find(|o| o["routing_state"] == "routed")
        .unwrap();
    let page = app
        .get_page(
            &format!("/stores/{store_id}/orders/{}", routed["external_id"]),
            &cookie,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Alpha Supply") && page.contains(&sku_a),
        "the purchase order with its vendor and lines"
    );
    assert!(page.contains("Received via poll"), "the timeline");
    let waiting = orders(&app)
        .await
        .into_iter()
        .find(|o| o["routing_state"] == "needs_attention")
        .unwrap();
    let page = app
        .get_page(
            &format!("/stores/{store_id}/orders/{}", waiting["external_id"]),
            &cookie,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("match no vendor"));
}

#[tokio::test]
async fn a_vendor_added_in_the_ui_sees_its_token_once() {
    let app = spawn_app().await;
    let cookie = app.session_cookie().await;
    let form_token = app.form_token(&cookie).await;
    let added = app
        .http
        .post(format!("{}/vendors", app.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &form_token)
        .form(&[("name", "Gamma Wholesale"), ("email", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 200);
    assert_eq!(added.headers()["cache-control"], "no-store");
    let html = added.text().await.unwrap();
    let start = html
        .find("id=\"vendor-token\">")
        .expect("the token is shown")
        + "id=\"vendor-token\">".len();
    let token = &html[start..start + html[start..].find('<').unwrap()];
    assert!(token.starts_with("whv_"), "{token}");
    let later = app
        .get_page("/vendors", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        later.contains("Gamma Wholesale") && !later.contains(token),
        "never shown again"
    );
    assert_eq!(vendor_get(&app, Some(token), "/me").await.status(), 200);

    let vendor_id = app.app.list_vendors().await.unwrap()[0].id;
    let edited = app
        .http
        .post(format!("{}/vendors/{vendor_id}", app.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &form_token)
        .form(&[
            ("name", "Gamma Wholesale Ltd"),
            ("email", "orders@gamma.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 303);
    assert_eq!(
        app.app.vendor(vendor_id).await.unwrap().name,
        "Gamma Wholesale Ltd"
    );

    let invalid = app
        .http
        .post(format!("{}/vendors", app.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &form_token)
        .form(&[("name", ""), ("email", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    assert!(invalid.text().await.unwrap().contains("Name is required"));
}

#[tokio::test]
async fn the_store_chooses_which_statuses_create_purchase_orders() {
    let app = spawn_app().await;
    let (store_id, seeded) = store_with_catalog(&app).await;
    add_vendor(&app, "Alpha Supply").await;
    assign(
        &app,
        store_id,
        json!({ "rule": "default", "vendor": "Alpha Supply" }),
    )
    .await;
    let put = |body: Value| {
        app.http
            .put(format!("{}/api/v1/stores/{store_id}/routing", app.address))
            .basic_auth(
                crate::helpers::ADMIN_USER,
                Some(crate::helpers::ADMIN_PASSWORD),
            )
            .json(&body)
            .send()
    };
    for bad in [
        json!({ "routed_status_ids": [] }),
        json!({ "routed_status_ids": [0, 11] }),
    ] {
        let response = put(bad.clone()).await.unwrap();
        assert_eq!(response.status(), 422, "{bad}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["fields"][0]["field"],
            "routed_status_ids"
        );
    }
    let response = put(json!({ "routed_status_ids": [7, 11] })).await.unwrap();
    assert_eq!(response.status(), 200);

    let (product, variant_id, _) = variant(&app, &seeded, 0);
    let mut awaiting_payment =
        ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant_id), 1)]);
    awaiting_payment.status_id = 7;
    app.sim.simulator.place_order(STORE_HASH, awaiting_payment);
    sync(&app, store_id).await;
    assert_eq!(
        orders(&app).await[0]["routing_state"],
        "routed",
        "Awaiting Payment routes for this store"
    );
}

#[tokio::test]
async fn assignments_made_on_the_vendors_page_route_waiting_orders() {
    let app = spawn_app().await;
    let (store_id, seeded) = store_with_catalog(&app).await;
    add_vendor(&app, "Alpha Supply").await;
    let (product, variant_id, sku) = variant(&app, &seeded, 3);
    app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant_id), 1)]),
    );
    sync(&app, store_id).await;
    assert_eq!(orders(&app).await[0]["routing_state"], "needs_attention");

    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let post = |path: &str, form: Vec<(&str, String)>| {
        app.http
            .post(format!("{}{path}", app.address))
            .header("cookie", &cookie)
            .header("x-csrf-token", &token)
            .form(&form)
            .send()
    };
    let csv = format!("sku,vendor\n{sku},Alpha Supply\nNOPE,Alpha Supply\n");
    let page = post(
        "/vendors/assignments/csv",
        vec![("store_id", store_id.to_string()), ("csv", csv)],
    )
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(
        page.contains("1 row(s) applied, 1 rejected; 1 order(s) routed now."),
        "{page}"
    );
    assert!(
        page.contains("Line 3:"),
        "each bad row is named by its line"
    );
    assert_eq!(orders(&app).await[0]["routing_state"], "routed");

    let rejected = post(
        "/vendors/assignments",
        vec![
            ("store_id", store_id.to_string()),
            ("rule", "brand".into()),
            ("value", "".into()),
            ("vendor", "Alpha Supply".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(rejected.status(), 422);
    assert!(rejected.text().await.unwrap().contains("Brand is required"));
}

#[tokio::test]
async fn routed_statuses_are_chosen_on_the_store_page() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let path = format!(
        "{}/setup/integrations/bigcommerce/stores/{store_id}/routing",
        app.address
    );
    let saved = app
        .http
        .post(&path)
        .header("cookie", &cookie)
        .header("x-csrf-token", &token)
        .form(&[("statuses", "7, 11")])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    assert_eq!(
        app.app.store(store_id).await.unwrap().routed_status_ids,
        vec![7, 11]
    );
    for bad in ["0", "eleven", ""] {
        let refused = app
            .http
            .post(&path)
            .header("cookie", &cookie)
            .header("x-csrf-token", &token)
            .form(&[("statuses", bad)])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422, "{bad:?}");
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("id=\"routing-error\"")
        );
    }
    assert_eq!(
        app.app.store(store_id).await.unwrap().routed_status_ids,
        vec![7, 11],
        "nothing saved"
    );
}

/// A token BigCommerce no longer accepts is the operator's to fix: a clear 409, not a 5xx.
#[tokio::test]
async fn syncing_with_a_revoked_token_is_a_clear_conflict() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    assert!(
        app.sim
            .simulator
            .revoke_token(STORE_HASH, &app.access_token)
    );

    let response = app
        .api_post(&format!("/stores/{store_id}/orders/sync"), &json!({}))
        .await;

    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    let error = body["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("rejected the access token (401)"),
        "{body:#}"
    );
}
