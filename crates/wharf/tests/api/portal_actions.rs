//! A vendor's actions on its purchase orders in the portal: accepting one (which the operator
//! sees), passing on a line it can't fulfil with a reason, printing packing slips for one or a
//! selection, and searching the list — each through the vendor API's use cases, and another
//! vendor's ids answering the portal's "Not found".

use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp, spawn_app};
use crate::portal_helpers::{PortalLogin, portal_user};
use crate::shipments::{Shop, purchase_order, shop};

/// The signed-in users of Alpha Supply (every order is routed to it) and Beta Goods.
async fn users(app: &TestApp) -> (PortalLogin, PortalLogin) {
    let vendors = app.app.list_vendors().await.unwrap();
    let id = |name: &str| vendors.iter().find(|v| v.name == name).unwrap().id;
    (
        portal_user(app, id("Alpha Supply"), "pat@alpha.example").await,
        portal_user(app, id("Beta Goods"), "sam@beta.example").await,
    )
}

/// An order of `lines` (variant index, quantity): (order number, wharf's order id, Alpha's
/// purchase order as the operator API shows it).
async fn order(app: &TestApp, shop: &Shop, lines: &[(usize, u32)]) -> (u64, i64, Value) {
    let lines: Vec<(usize, u32, usize)> = lines.iter().map(|&(v, q)| (v, q, 0)).collect();
    let (number, order_id) = shop.order(app, &lines).await;
    (number, order_id, purchase_order(app, order_id).await)
}

async fn page(user: &PortalLogin, app: &TestApp, path: &str) -> (u16, String) {
    let response = user.get(app, path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn operator_order_page(app: &TestApp, shop: &Shop, number: u64) -> String {
    let cookie = app.session_cookie().await;
    app.get_page(
        &format!("/stores/{}/orders/{number}", shop.store_id),
        &cookie,
    )
    .await
    .text()
    .await
    .unwrap()
}

async fn pdf(user: &PortalLogin, app: &TestApp, path: &str) -> reqwest::Response {
    let response = user.get(app, path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], "application/pdf");
    response
}

/// The PDF's text with its line breaks taken out: a long SKU wraps in its column.
fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"));
    let document = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document.extract_text(&pages).unwrap().replace('\n', "")
}

#[tokio::test]
async fn accepting_in_the_portal_is_shown_to_the_operator_once() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (number, order_id, po) = order(&app, &shop, &[(0, 1)]).await;
    let path = format!("/vendor/purchase-orders/{}", po["id"]);
    let (_, before) = page(&alpha, &app, &path).await;
    assert!(before.contains("id=\"accept\""), "{before}");
    assert!(before.contains(">New<"), "the state in words");

    for _ in 0..2 {
        let response = alpha.post(&app, &format!("{path}/accept"), &[]).await;
        assert_eq!(response.status(), 303);
    }
    let (_, after) = page(&alpha, &app, &path).await;
    assert!(!after.contains("id=\"accept\""), "accepted: no button");
    assert!(
        after.contains("Accepted by User pat@alpha.example on "),
        "{after}"
    );
    assert!(after.contains(">Accepted by vendor<"), "{after}");

    let operator = operator_order_page(&app, &shop, number).await;
    assert!(operator.contains("Accepted by vendor"), "{operator}");
    assert!(operator.contains("User pat@alpha.example"), "{operator}");
    let detail: Value = app
        .api_get(&format!("/orders/{order_id}"))
        .await
        .json()
        .await
        .unwrap();
    let accepted = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["message"]
                .as_str()
                .unwrap_or("")
                .contains("accepted its purchase order")
        })
        .count();
    assert_eq!(accepted, 1, "accepting twice is one event: {detail:#}");

    // Cancelled in BigCommerce after the page was drawn: nothing to accept or pass on, said in
    // words, without wharf's own ids.
    let (cancelled_number, _, cancelled) = order(&app, &shop, &[(1, 1)]).await;
    app.sim
        .simulator
        .set_order_status(STORE_HASH, cancelled_number, 5);
    app.app.poll_orders(shop.store_id).await.unwrap();
    let path = format!("/vendor/purchase-orders/{}", cancelled["id"]);
    let response = alpha.post(&app, &format!("{path}/accept"), &[]).await;
    assert_eq!(response.status(), 409);
    let refused = response.text().await.unwrap();
    assert!(
        refused.contains("id=\"action-error\">This purchase order is cancelled"),
        "{refused}"
    );
    assert!(
        !refused.contains("id=\"accept\""),
        "no button on a cancelled one"
    );
    let line = cancelled["lines"][0]["order_line_id"].as_i64().unwrap();
    let response = alpha
        .post(
            &app,
            &format!("{path}/lines/{line}/decline"),
            &[("reason", "too late")],
        )
        .await;
    assert_eq!(response.status(), 409);
    let refused = response.text().await.unwrap();
    assert!(
        refused.contains("This purchase order is cancelled"),
        "{refused}"
    );
    assert!(!refused.contains(&format!("Purchase order {}", cancelled["id"])));
}

#[tokio::test]
async fn a_line_the_vendor_cannot_fulfil_is_passed_on_with_its_reason() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (number, _, po) = order(&app, &shop, &[(0, 1), (1, 2)]).await;
    let path = format!("/vendor/purchase-orders/{}", po["id"]);
    let line = po["lines"][0]["order_line_id"].as_i64().unwrap();
    let decline = format!("{path}/lines/{line}/decline");

    // No reason: refused beside the line's own field, nothing passed on.
    let response = alpha.post(&app, &decline, &[("reason", "  ")]).await;
    assert_eq!(response.status(), 422);
    let refused = response.text().await.unwrap();
    let field = format!("id=\"reason-{line}\"");
    assert!(refused.contains(&field), "{refused}");
    assert!(refused.contains(&format!("aria-describedby=\"reason-{line}-error\"")));
    assert!(refused.contains(&format!("id=\"reason-{line}-error\">Say why you can")));
    let (_, unchanged) = page(&alpha, &app, &path).await;
    assert!(
        unchanged.contains(&format!("id=\"qty-{line}\"")),
        "still to ship"
    );

    let response = alpha
        .post(&app, &decline, &[("reason", "Out of stock until March")])
        .await;
    assert_eq!(response.status(), 303);
    let (_, after) = page(&alpha, &app, &path).await;
    assert!(after.contains("id=\"declined-lines\""), "{after}");
    assert!(after.contains("Out of stock until March"));
    assert!(
        !after.contains(&format!("id=\"qty-{line}\"")),
        "gone from the ship form"
    );
    assert!(after.contains(&format!("id=\"qty-{}\"", po["lines"][1]["order_line_id"])));

    // No other vendor may take it: the operator reads who declined it and why.
    let operator = operator_order_page(&app, &shop, number).await;
    assert!(operator.contains("Out of stock until March"), "{operator}");
    assert!(operator.contains("Needs attention") || operator.contains("needs a vendor"));
}

#[tokio::test]
async fn a_declined_line_goes_to_the_next_vendor_the_rules_allow_from_the_portal() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, beta) = users(&app).await;
    // Beta Goods ships the first variant; Alpha Supply, the default, everything.
    let rule = json!({ "rule": "sku", "sku": shop.variants[0].2, "vendor": "Beta Goods" });
    let response = app
        .api_post(&format!("/stores/{}/assignments", shop.store_id), &rule)
        .await;
    assert_eq!(response.status(), 200);
    let (_, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let detail: Value = app
        .api_get(&format!("/orders/{order_id}"))
        .await
        .json()
        .await
        .unwrap();
    let betas = detail["purchase_orders"][0].clone();
    assert_eq!(betas["vendor_id"], beta.vendor_id);
    let line = betas["lines"][0]["order_line_id"].as_i64().unwrap();
    let response = beta
        .post(
            &app,
            &format!(
                "/vendor/purchase-orders/{}/lines/{line}/decline",
                betas["id"]
            ),
            &[("reason", "Discontinued")],
        )
        .await;
    assert_eq!(response.status(), 303);

    let (_, alphas_list) = page(&alpha, &app, "/vendor/purchase-orders").await;
    let alphas = purchase_order_of_vendor(&app, order_id, alpha.vendor_id).await;
    assert!(
        alphas_list.contains(&format!("id=\"po-{}\"", alphas["id"])),
        "{alphas_list}"
    );
    let (_, closed) = page(
        &beta,
        &app,
        &format!("/vendor/purchase-orders/{}", betas["id"]),
    )
    .await;
    assert!(closed.contains("Closed: every line declined"), "{closed}");
    assert!(!closed.contains("id=\"accept\""), "nothing to accept");
}

async fn purchase_order_of_vendor(app: &TestApp, order_id: i64, vendor_id: i64) -> Value {
    let detail: Value = app
        .api_get(&format!("/orders/{order_id}"))
        .await
        .json()
        .await
        .unwrap();
    detail["purchase_orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|po| po["vendor_id"] == vendor_id)
        .unwrap_or_else(|| panic!("no purchase order of vendor {vendor_id}: {detail:#}"))
        .clone()
}

#[tokio::test]
async fn packing_slips_print_for_one_and_for_a_selection_without_prices() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (first_number, _, first) = order(&app, &shop, &[(0, 2)]).await;
    let (second_number, _, second) = order(&app, &shop, &[(1, 3)]).await;

    let (_, detail) = page(
        &alpha,
        &app,
        &format!("/vendor/purchase-orders/{}", first["id"]),
    )
    .await;
    let link = format!("/vendor/purchase-orders/{}/packing-slip.pdf", first["id"]);
    assert!(detail.contains(&format!("href=\"{link}\"")), "{detail}");
    let response = pdf(&alpha, &app, &link).await;
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains(&format!("order-{first_number}.pdf")),
        "{disposition}"
    );
    let text = pdf_text(&response.bytes().await.unwrap());
    assert!(text.contains(&shop.variants[0].2), "{text}");
    assert!(!text.contains('$'), "no prices: {text}");

    // The list's checkboxes send one `ids` each.
    let (_, list) = page(&alpha, &app, "/vendor/purchase-orders").await;
    assert!(list.contains(&format!("name=\"ids\" value=\"{}\"", second["id"])));
    let both = format!(
        "/vendor/packing-slips.pdf?ids={}&ids={}",
        first["id"], second["id"]
    );
    let text = pdf_text(&pdf(&alpha, &app, &both).await.bytes().await.unwrap());
    for sku in [&shop.variants[0].2, &shop.variants[1].2] {
        assert!(text.contains(sku.as_str()), "{sku}: {text}");
    }
    assert!(text.contains(&first_number.to_string()) && text.contains(&second_number.to_string()));
    assert!(!text.contains('$'));

    // Nothing ticked, or more than a PDF holds: said in words.
    let (status, nothing) = page(&alpha, &app, "/vendor/packing-slips.pdf").await;
    assert_eq!(status, 422);
    assert!(
        nothing.contains("Name at least one purchase order"),
        "{nothing}"
    );
    let many: Vec<String> = (1..=51).map(|n| format!("ids={n}")).collect();
    let (status, _) = page(
        &alpha,
        &app,
        &format!("/vendor/packing-slips.pdf?{}", many.join("&")),
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn the_list_searches_by_text_and_filters_by_state() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (first_number, _, first) = order(&app, &shop, &[(0, 1)]).await;
    let (_, _, second) = order(&app, &shop, &[(1, 1)]).await;
    let response = alpha
        .post(
            &app,
            &format!("/vendor/purchase-orders/{}/accept", second["id"]),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303);
    let row = |po: &Value| format!("id=\"po-{}\"", po["id"]);

    let (_, by_sku) = page(
        &alpha,
        &app,
        &format!("/vendor/purchase-orders?q={}", shop.variants[0].2),
    )
    .await;
    assert!(
        by_sku.contains(&row(&first)) && !by_sku.contains(&row(&second)),
        "{by_sku}"
    );
    let (_, by_number) = page(
        &alpha,
        &app,
        &format!("/vendor/purchase-orders?q={first_number}"),
    )
    .await;
    assert!(by_number.contains(&row(&first)) && !by_number.contains(&row(&second)));
    let (_, accepted) = page(&alpha, &app, "/vendor/purchase-orders?state=accepted").await;
    assert!(
        accepted.contains(&row(&second)) && !accepted.contains(&row(&first)),
        "{accepted}"
    );
    assert!(
        accepted.contains("<option value=\"accepted\" selected>"),
        "the filter is kept"
    );
    let (_, nothing) = page(&alpha, &app, "/vendor/purchase-orders?q=NO-SUCH-THING").await;
    assert!(nothing.contains("id=\"no-purchase-orders\""));

    // Bad values are said beside their fields, in words.
    let (status, bad) = page(&alpha, &app, "/vendor/purchase-orders?state=lost").await;
    assert_eq!(status, 422);
    assert!(bad.contains("aria-describedby=\"state-error\""), "{bad}");
    assert!(
        bad.contains("id=\"state-error\">state must be open"),
        "{bad}"
    );
    let (status, bad) = page(&alpha, &app, "/vendor/purchase-orders?cursor=nope").await;
    assert_eq!(status, 422);
    assert!(
        bad.contains("This page link is broken or out of date"),
        "{bad}"
    );
}

#[tokio::test]
async fn another_vendors_purchase_orders_and_lines_are_not_found_in_the_portal() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, beta) = users(&app).await;
    let (_, _, po) = order(&app, &shop, &[(0, 1)]).await;
    let id = po["id"].as_i64().unwrap();
    let line = po["lines"][0]["order_line_id"].as_i64().unwrap();

    let accept = beta
        .post(&app, &format!("/vendor/purchase-orders/{id}/accept"), &[])
        .await;
    assert_eq!(accept.status(), 404);
    let decline = beta
        .post(
            &app,
            &format!("/vendor/purchase-orders/{id}/lines/{line}/decline"),
            &[("reason", "not mine")],
        )
        .await;
    assert_eq!(decline.status(), 404);
    for path in [
        format!("/vendor/purchase-orders/{id}/packing-slip.pdf"),
        format!("/vendor/packing-slips.pdf?ids={id}"),
        "/vendor/purchase-orders/abc/packing-slip.pdf".to_owned(),
    ] {
        let (status, body) = page(&beta, &app, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("Not found"), "{path}: {body}");
    }
    // A line of another purchase order is not on this one, even for its own vendor.
    let (_, _, other) = order(&app, &shop, &[(1, 1)]).await;
    let foreign_line = other["lines"][0]["order_line_id"].as_i64().unwrap();
    let response = alpha
        .post(
            &app,
            &format!("/vendor/purchase-orders/{id}/lines/{foreign_line}/decline"),
            &[("reason", "wrong line")],
        )
        .await;
    assert_eq!(response.status(), 404);
    // Nothing happened to Alpha's purchase order.
    let (_, page_now) = page(&alpha, &app, &format!("/vendor/purchase-orders/{id}")).await;
    assert!(page_now.contains("id=\"accept\"") && !page_now.contains("id=\"declined-lines\""));
}
