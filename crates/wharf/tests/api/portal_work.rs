//! The vendor portal's work pages, as a vendor's warehouse person uses them: the purchase
//! orders (new ones marked), one purchase order, shipping it (the same push to BigCommerce as
//! the vendor API), tracking and stock files reported by line, the stock list and feeds — and
//! another vendor's user getting none of it.

use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp, spawn_app};
use crate::portal_helpers::{PortalLogin, portal_user};
use crate::shipments::{Shop, client, purchase_order, ship, shop, wait_for_shipment};

/// The signed-in users of the shop's two vendors: Alpha Supply (every order is routed to it)
/// and Beta Goods (none are).
async fn users(app: &TestApp) -> (PortalLogin, PortalLogin) {
    let vendors = app.app.list_vendors().await.unwrap();
    let id = |name: &str| vendors.iter().find(|v| v.name == name).unwrap().id;
    (
        portal_user(app, id("Alpha Supply"), "pat@alpha.example").await,
        portal_user(app, id("Beta Goods"), "sam@beta.example").await,
    )
}

async fn text(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

/// An order of `lines` (variant index, quantity) to one address: (BigCommerce number,
/// purchase order id, its lines).
async fn order(app: &TestApp, shop: &Shop, lines: &[(usize, u32)]) -> (u64, i64, Vec<Value>) {
    let lines: Vec<(usize, u32, usize)> = lines.iter().map(|&(v, q)| (v, q, 0)).collect();
    let (external, order_id) = shop.order(app, &lines).await;
    let po = purchase_order(app, order_id).await;
    let id = po["id"].as_i64().unwrap();
    (external, id, po["lines"].as_array().unwrap().clone())
}

fn line_field(line: &Value) -> String {
    format!("qty_{}", line["order_line_id"])
}

/// The part of a page from `marker` on (a table's rows, say).
fn from<'a>(page: &'a str, marker: &str) -> &'a str {
    &page[page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} is on the page"))..]
}

#[tokio::test]
async fn a_vendor_lists_what_to_do_first_and_finds_shipped_ones_behind_a_filter() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (first, first_po, first_lines) = order(&app, &shop, &[(0, 2), (1, 1)]).await;
    let (second, _, _) = order(&app, &shop, &[(2, 1)]).await;

    let page = text(alpha.get(&app, "/vendor/purchase-orders").await).await;
    let rows = from(&page, "id=\"purchase-orders\"");
    assert!(rows.contains(&format!("Order #{first}")), "{page}");
    assert!(rows.contains(&format!("Order #{second}")));
    assert!(
        rows.find(&format!("Order #{second}")) < rows.find(&format!("Order #{first}")),
        "newest first"
    );
    assert!(rows.contains("0 of 3 shipped"));
    assert!(rows.contains("Jane Doe, Austin"), "ship-to name and city");
    assert!(rows.contains(">New<"), "the state in words: {rows}");
    assert!(!rows.contains(">open<"), "no stored state keys: {rows}");

    // Everything of the first shipped through the vendor API: it goes after what is to do,
    // and the state filter finds it alone.
    let response = ship(
        &app,
        &shop.alpha_token,
        first_po,
        json!({ "tracking_number": "1Z1", "carrier": "UPS", "lines": [
            { "line_id": first_lines[0]["order_line_id"], "quantity": 2 },
            { "line_id": first_lines[1]["order_line_id"], "quantity": 1 },
        ]}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let open = text(alpha.get(&app, "/vendor/purchase-orders").await).await;
    let rows = from(&open, "id=\"purchase-orders\"");
    assert!(
        rows.find(&format!("Order #{second}")) < rows.find(&format!("Order #{first}")),
        "to do first: {rows}"
    );
    let done = text(
        alpha
            .get(&app, "/vendor/purchase-orders?state=shipped")
            .await,
    )
    .await;
    let rows = from(&done, "id=\"purchase-orders\"");
    assert!(rows.contains(&format!("Order #{first}")), "{done}");
    assert!(rows.contains("3 of 3 shipped") && rows.contains("Shipped"));
    assert!(!rows.contains(&format!("Order #{second}")));
}

#[tokio::test]
async fn the_list_pages_through_many_purchase_orders() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let mut numbers = Vec::new();
    for _ in 0..52 {
        numbers.push(order(&app, &shop, &[(0, 1)]).await.0);
    }
    let page = text(alpha.get(&app, "/vendor/purchase-orders").await).await;
    assert_eq!(page.matches("class=\"purchase-order").count(), 50);
    assert!(
        !page.contains(&format!("Order #{}<", numbers[1])),
        "oldest two on page 2"
    );
    assert!(
        page.contains("id=\"older-purchase-orders\""),
        "a link to the next page"
    );
    let next = from(&page, "href=\"/vendor/purchase-orders?cursor=");
    let href = &next[6..next[6..].find('"').unwrap() + 6];
    let older = text(alpha.get(&app, &href.replace("&#38;", "&")).await).await;
    assert_eq!(older.matches("class=\"purchase-order").count(), 2);
    assert!(older.contains(&format!("Order #{}<", numbers[0])));
    assert!(older.contains(&format!("Order #{}<", numbers[1])));
    assert!(!older.contains("older-purchase-orders"), "the last page");
}

#[tokio::test]
async fn purchase_orders_created_since_the_previous_visit_are_marked_new() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (old, _, _) = order(&app, &shop, &[(0, 1)]).await;
    let new_mark = |page: &str, number: u64| {
        let row = from(page, &format!("Order #{number}<"));
        row[..row.find("</td>").unwrap()].contains("badge new")
    };

    let first_visit = text(alpha.get(&app, "/vendor/purchase-orders").await).await;
    assert!(
        new_mark(&first_visit, old),
        "everything is new on a first visit"
    );
    let second_visit = text(alpha.get(&app, "/vendor/purchase-orders").await).await;
    assert!(!new_mark(&second_visit, old), "seen at the last visit");

    let (fresh, _, _) = order(&app, &shop, &[(1, 1)]).await;
    let third_visit = text(alpha.get(&app, "/vendor/purchase-orders").await).await;
    assert!(new_mark(&third_visit, fresh), "{third_visit}");
    assert!(!new_mark(&third_visit, old));
    // Another user of the same vendor has visits of their own.
    let colleague = portal_user(&app, alpha.vendor_id, "lee@alpha.example").await;
    let theirs = text(colleague.get(&app, "/vendor/purchase-orders").await).await;
    assert!(new_mark(&theirs, old) && new_mark(&theirs, fresh));
}

#[tokio::test]
async fn one_purchase_order_shows_where_it_goes_its_lines_and_its_shipments() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (number, po, lines) = order(&app, &shop, &[(0, 2), (1, 1)]).await;
    let response = ship(
        &app,
        &shop.alpha_token,
        po,
        json!({ "tracking_number": "1Z999AA10123456784", "carrier": "ups", "lines": [
            { "line_id": lines[0]["order_line_id"], "quantity": 1 } ]}),
    )
    .await;
    assert_eq!(response.status(), 201);

    let response = alpha
        .get(&app, &format!("/vendor/purchase-orders/{po}"))
        .await;
    assert_eq!(response.status(), 200);
    let page = text(response).await;
    assert!(page.contains(&format!("<title>Order #{number}")), "{page}");
    assert!(page.contains("Partly shipped"));
    let ship_to = from(&page, "id=\"ship-to\"");
    assert!(
        ship_to.contains("Jane Doe") && ship_to.contains("Austin") && ship_to.contains("78701")
    );
    let line_rows = from(&page, "id=\"po-lines\"");
    assert!(line_rows.contains(&shop.variants[0].2) && line_rows.contains(&shop.variants[1].2));
    assert!(line_rows.contains("data-label=\"Left\">1<"));
    let shipments = from(&page, "id=\"po-shipments\"");
    assert!(shipments.contains("1Z999AA10123456784") && shipments.contains("UPS"));
    assert!(shipments.contains("https://www.ups.com/track?tracknum=1Z999AA10123456784"));
    assert!(page.contains("id=\"po-actions\""), "the actions area");
    // The form offers what is left of each line, and the forgiving carrier list.
    assert!(page.contains(&format!("name=\"{}\"", line_field(&lines[0]))));
    assert!(page.contains("<datalist id=\"carriers\">") && page.contains("value=\"Royal Mail\""));
}

#[tokio::test]
async fn a_shipment_from_the_portal_reaches_bigcommerce_like_one_from_the_vendor_api() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (external, po, lines) = order(&app, &shop, &[(0, 2), (1, 1)]).await;

    // Half: one of the two of the first line, none of the second.
    let response = alpha
        .post(
            &app,
            &format!("/vendor/purchase-orders/{po}/shipments"),
            &[
                ("tracking_number", "1Z999AA10123456784"),
                ("carrier", "ups ground"),
                ("tracking_url", ""),
                (&line_field(&lines[0]), "1"),
                (&line_field(&lines[1]), "0"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("/vendor/purchase-orders/{po}?shipped=")));
    let shown = text(alpha.get(&app, &location).await).await;
    let recorded = from(&shown, "id=\"recorded\"");
    assert!(recorded.contains("1Z999AA10123456784") && recorded.contains("UPS"));
    assert!(recorded.contains("2 left to ship"), "{recorded}");

    let shipment_id: i64 = location
        .rsplit('=')
        .next()
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let shipment = wait_for_shipment(&app, shipment_id, &["pushed"]).await;
    assert_eq!(shipment["source"], "vendor_portal");
    let in_bigcommerce = app.sim.simulator.shipments(STORE_HASH, external);
    assert_eq!(in_bigcommerce.len(), 1);
    assert_eq!(
        (
            in_bigcommerce[0].shipping_provider.as_str(),
            in_bigcommerce[0].tracking_carrier.as_str()
        ),
        ("ups", "ups"),
        "the carrier mapped as the vendor API's is"
    );
    assert_eq!(in_bigcommerce[0].items.len(), 1);
    assert_eq!(in_bigcommerce[0].items[0].quantity, 1);

    // The rest, defaults as the form offers them.
    let response = alpha
        .post(
            &app,
            &format!("/vendor/purchase-orders/{po}/shipments"),
            &[
                ("tracking_number", "RM123456785GB"),
                ("carrier", "Royal Mail"),
                (&line_field(&lines[0]), "1"),
                (&line_field(&lines[1]), "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let shipment_id: i64 = location
        .rsplit('=')
        .next()
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    wait_for_shipment(&app, shipment_id, &["pushed"]).await;
    let order = client(&app).order(external, false).await.unwrap();
    assert_eq!((order.status_id, order.items_shipped), (2, 3), "Shipped");
    let page = text(alpha.get(&app, &location).await).await;
    assert!(page.contains("Everything on this order is shipped."));
    assert!(
        !page.contains("id=\"ship\""),
        "no form when nothing is left"
    );

    // The operator sees where the shipments came from, in words.
    let cookie = app.session_cookie().await;
    let operator = text(
        app.get_page(
            &format!("/stores/{}/orders/{external}", shop.store_id),
            &cookie,
        )
        .await,
    )
    .await;
    assert!(
        operator.contains("data-label=\"From\">Vendor portal<"),
        "{operator}"
    );
}

#[tokio::test]
async fn the_ship_form_says_what_is_wrong_beside_each_field_and_records_nothing() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (_, po, lines) = order(&app, &shop, &[(0, 2), (1, 1)]).await;

    let response = alpha
        .post(
            &app,
            &format!("/vendor/purchase-orders/{po}/shipments"),
            &[
                ("tracking_number", ""),
                ("carrier", "UPS"),
                (&line_field(&lines[0]), "5"),
                (&line_field(&lines[1]), "one"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = text(response).await;
    let first = format!("qty-{}", lines[0]["order_line_id"]);
    let second = format!("qty-{}", lines[1]["order_line_id"]);
    assert!(
        page.contains(&format!("aria-describedby=\"{first}-error\"")),
        "{page}"
    );
    assert!(from(&page, &format!("id=\"{first}-error\"")).contains("Only 2 of"));
    assert!(from(&page, &format!("id=\"{second}-error\"")).contains("a whole number"));
    assert!(page.contains("value=\"5\""), "what was typed stays");

    // Quantities right, tracking number missing: the use case's error, beside its field.
    let response = alpha
        .post(
            &app,
            &format!("/vendor/purchase-orders/{po}/shipments"),
            &[
                ("tracking_number", " "),
                ("carrier", "UPS"),
                (&line_field(&lines[0]), "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = text(response).await;
    assert!(page.contains("aria-describedby=\"tracking-number-error\""));
    assert!(from(&page, "id=\"tracking-number-error\"").contains("Tracking number is required"));

    // Every line at 0: nothing to ship.
    let response = alpha
        .post(
            &app,
            &format!("/vendor/purchase-orders/{po}/shipments"),
            &[
                ("tracking_number", "1Z1"),
                ("carrier", "UPS"),
                (&line_field(&lines[0]), "0"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(from(&text(response).await, "id=\"lines-error\"").contains("at least one line"));
    let detail = crate::shipments::detail(&app, purchase_order_order(&app, po).await).await;
    assert_eq!(detail["shipments"], json!([]), "nothing was recorded");
}

async fn purchase_order_order(app: &TestApp, po: i64) -> i64 {
    app.app.order_of_purchase_order(po).await.unwrap()
}

#[tokio::test]
async fn a_tracking_file_records_the_rows_that_work_and_reports_the_others_by_line() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (number, po, _) = order(&app, &shop, &[(0, 2)]).await;
    let sku = &shop.variants[0].2;
    let csv = format!(
        "order,sku,quantity,tracking_number,carrier\n\
         {number},{sku},2,1Z999AA10123456784,UPS\n\
         999999,{sku},1,1Z2,UPS\n\
         {number},NOT-A-SKU,1,1Z3,UPS\n"
    );
    let store = shop.store_id.to_string();
    let response = alpha
        .post(
            &app,
            "/vendor/ship/tracking",
            &[("store_id", &store), ("csv", &csv)],
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = text(response).await;
    let report = from(&page, "id=\"tracking-report\"");
    assert!(
        report.contains("1 row(s) recorded as 1 shipment(s)"),
        "{report}"
    );
    let errors = from(report, "id=\"tracking-errors\"");
    assert!(errors.contains("data-label=\"Line\">3<") && errors.contains("no order 999999"));
    assert!(errors.contains("data-label=\"Line\">4<") && errors.contains("NOT-A-SKU"));
    let detail = crate::shipments::detail(&app, purchase_order_order(&app, po).await).await;
    assert_eq!(detail["shipments"][0]["source"], "csv");

    // A file without the columns: said beside the field, nothing recorded.
    let response = alpha
        .post(
            &app,
            "/vendor/ship/tracking",
            &[("store_id", &store), ("csv", "a,b\n1,2\n")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = text(response).await;
    assert!(page.contains("id=\"tracking-csv-error\""), "{page}");
    // A store the vendor does not ship for is no choice.
    let response = alpha
        .post(
            &app,
            "/vendor/ship/tracking",
            &[("store_id", "424242"), ("csv", &csv)],
        )
        .await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn the_ship_page_lists_open_purchase_orders_to_pick_from() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, beta) = users(&app).await;
    let (number, po, _) = order(&app, &shop, &[(0, 2)]).await;
    let page = text(alpha.get(&app, "/vendor/ship").await).await;
    let list = from(&page, "id=\"ship-list\"");
    assert!(list.contains(&format!("href=\"/vendor/purchase-orders/{po}#ship\"")));
    assert!(list.contains(&format!("Ship Order #{number}")) && list.contains("2 of 2"));
    let theirs = text(beta.get(&app, "/vendor/ship").await).await;
    assert!(theirs.contains("id=\"nothing-to-ship\"") && !theirs.contains(&format!("#{number}")));
}

#[tokio::test]
async fn another_vendors_user_gets_nothing_of_a_purchase_order() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, beta) = users(&app).await;
    let (number, po, lines) = order(&app, &shop, &[(0, 2)]).await;

    for path in [
        format!("/vendor/purchase-orders/{po}"),
        "/vendor/purchase-orders/nope".into(),
    ] {
        let response = beta.get(&app, &path).await;
        assert_eq!(response.status(), 404, "{path}");
        let page = text(response).await;
        assert!(!page.contains(&number.to_string()) && !page.contains("Jane Doe"));
    }
    let response = beta
        .post(
            &app,
            &format!("/vendor/purchase-orders/{po}/shipments"),
            &[
                ("tracking_number", "1Z1"),
                ("carrier", "UPS"),
                (&line_field(&lines[0]), "2"),
            ],
        )
        .await;
    assert_eq!(response.status(), 404);
    for shelf in ["", "?status=all", &format!("?q={number}")] {
        let list = text(
            beta.get(&app, &format!("/vendor/purchase-orders{shelf}"))
                .await,
        )
        .await;
        assert!(!list.contains(&format!("Order #{number}")), "{list}");
    }
    // A tracking file naming Alpha's order: the order reads as one that does not exist, and
    // Beta is offered no store to send one for.
    let ship_page = text(beta.get(&app, "/vendor/ship").await).await;
    assert!(ship_page.contains("id=\"no-stores\""));
    let csv = format!(
        "order,sku,quantity,tracking_number,carrier\n{number},{},2,1Z1,UPS\n",
        shop.variants[0].2
    );
    let store = shop.store_id.to_string();
    let response = beta
        .post(
            &app,
            "/vendor/ship/tracking",
            &[("store_id", &store), ("csv", &csv)],
        )
        .await;
    assert_eq!(response.status(), 422);
    let detail = crate::shipments::detail(&app, purchase_order_order(&app, po).await).await;
    assert_eq!(detail["shipments"], json!([]), "nothing was recorded");
    // Alpha still sees and ships it.
    assert_eq!(
        alpha
            .get(&app, &format!("/vendor/purchase-orders/{po}"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn the_portal_pages_need_a_vendor_user_and_their_forms_the_sessions_token() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (_, po, lines) = order(&app, &shop, &[(0, 2)]).await;
    for path in [
        "/vendor/purchase-orders",
        "/vendor/ship",
        "/vendor/stock",
        &format!("/vendor/purchase-orders/{po}"),
    ] {
        let response = app
            .http
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{path}");
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/vendor/login?next=")
        );
    }
    // The session's cookie without its form token: refused, nothing recorded.
    let response = app
        .http
        .post(format!(
            "{}/vendor/purchase-orders/{po}/shipments",
            app.address
        ))
        .header("cookie", &alpha.cookie)
        .form(&[
            ("tracking_number", "1Z1"),
            ("carrier", "UPS"),
            (&line_field(&lines[0]), "2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let detail = crate::shipments::detail(&app, purchase_order_order(&app, po).await).await;
    assert_eq!(detail["shipments"], json!([]));
}

#[tokio::test]
async fn the_customers_note_at_checkout_is_shown_to_the_vendor_who_ships() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alpha, _) = users(&app).await;
    let (product, variant, _) = &shop.variants[0];
    let mut placed =
        bigcommerce_sim::ShopperOrder::new(vec![bigcommerce_sim::ShopperLine::catalog(
            *product,
            Some(*variant),
            1,
        )]);
    placed.customer_message = "Please leave it at the back door".into();
    let number = app.sim.simulator.place_order(STORE_HASH, placed);
    app.app.poll_orders(shop.store_id).await.unwrap();
    let order_id = app
        .app
        .order_by_number(shop.store_id, number as i64)
        .await
        .unwrap()
        .id;
    let po = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
    let page = text(
        alpha
            .get(&app, &format!("/vendor/purchase-orders/{po}"))
            .await,
    )
    .await;
    assert!(from(&page, "id=\"customer-note\"").contains("Please leave it at the back door"));

    let (_, without, _) = order(&app, &shop, &[(1, 1)]).await;
    let page = text(
        alpha
            .get(&app, &format!("/vendor/purchase-orders/{without}"))
            .await,
    )
    .await;
    assert!(!page.contains("id=\"customer-note\""));
}
