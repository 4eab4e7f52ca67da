//! Orders can be found: searched by number, customer, email, SKU and tracking number, filtered
//! by store, vendor, state and date, paged by cursor through any length of history, and
//! addressed by store and BigCommerce number — through the API, the pages and the CLI. And an
//! order in Needs attention says which lines wait, and is routed with one click.

use bigcommerce_sim::{ShopperAddress, ShopperLine, ShopperOrder};
use serde_json::{Value, json};

use crate::cli::wharf;
use crate::helpers::{STORE_HASH, TestApp, spawn_app};
use crate::orders::{add_vendor, assign, store_with_catalog, variant};
use crate::shipments::{purchase_order, ship, shop};

async fn found(app: &TestApp, query: &str) -> Vec<u64> {
    let response = app.api_get(&format!("/orders?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    let orders: Vec<Value> = response.json().await.unwrap();
    orders
        .iter()
        .map(|o| o["external_id"].as_u64().unwrap())
        .collect()
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn orders_are_found_by_number_customer_email_sku_and_tracking_number() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (product, variant, sku) = shop.variants[3].clone();
    let mut zelda = ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant), 1)]);
    let billing = ShopperAddress {
        first_name: "Zelda".into(),
        last_name: "Quinn".into(),
        email: "zelda.quinn@example.org".into(),
        ..ShopperAddress::sample(0)
    };
    zelda.addresses = vec![billing.clone()];
    zelda.billing_address = Some(billing);
    let zelda = app.sim.simulator.place_order(STORE_HASH, zelda);
    app.app.poll_orders(shop.store_id).await.unwrap();
    let (other, other_id) = shop.order(&app, &[(0, 1, 0)]).await;

    assert_eq!(found(&app, &format!("q={zelda}")).await, [zelda]);
    assert_eq!(
        found(&app, &format!("q={}", encoded(&format!("#{other}")))).await,
        [other]
    );
    assert_eq!(found(&app, "q=zelda").await, [zelda], "part of the name");
    assert_eq!(
        found(&app, "q=QUINN%40EXAMPLE").await,
        [zelda],
        "part of the email"
    );
    assert_eq!(
        found(&app, &format!("q={}", sku.to_lowercase())).await,
        [zelda],
        "a SKU"
    );
    assert_eq!(found(&app, "q=nobody").await, Vec::<u64>::new());
    // LIKE's wildcards are searched for, not obeyed.
    assert_eq!(found(&app, "q=%25").await, Vec::<u64>::new());

    let po = purchase_order(&app, other_id).await;
    let shipped = ship(
        &app,
        &shop.alpha_token,
        po["id"].as_i64().unwrap(),
        json!({
            "tracking_number": "1Z999AA10123456784",
            "carrier": "UPS",
            "lines": [{ "line_id": po["lines"][0]["order_line_id"], "quantity": 1 }],
        }),
    )
    .await;
    assert_eq!(shipped.status(), 201);
    assert_eq!(
        found(&app, "q=1z999aa10123456784").await,
        [other],
        "a tracking number"
    );
}

#[tokio::test]
async fn orders_are_filtered_by_store_vendor_state_and_date_and_a_bad_filter_is_named() {
    let app = spawn_app().await;
    let (store_id, seeded) = store_with_catalog(&app).await;
    let (alpha, _) = add_vendor(&app, "Alpha Supply").await;
    let (beta, _) = add_vendor(&app, "Beta Goods").await;
    let (product_a, variant_a, sku_a) = variant(&app, &seeded, 0);
    let (product_b, variant_b, _) = variant(&app, &seeded, 1);
    assign(
        &app,
        store_id,
        json!({ "rule": "sku", "sku": sku_a, "vendor": "Alpha Supply" }),
    )
    .await;
    let routed = app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(product_a, Some(variant_a), 1)]),
    );
    let waiting = app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(product_b, Some(variant_b), 1)]),
    );
    app.app.poll_orders(store_id).await.unwrap();

    assert_eq!(
        found(&app, &format!("store_id={store_id}")).await,
        [waiting, routed]
    );
    assert_eq!(
        found(&app, &format!("store_id={}", store_id + 1)).await,
        Vec::<u64>::new()
    );
    assert_eq!(found(&app, &format!("vendor_id={alpha}")).await, [routed]);
    assert_eq!(
        found(&app, &format!("vendor_id={beta}")).await,
        Vec::<u64>::new()
    );
    assert_eq!(found(&app, "state=needs_attention").await, [waiting]);
    assert_eq!(found(&app, "state=routed").await, [routed]);
    let today = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    let tomorrow = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24))
        .strftime("%Y-%m-%d")
        .to_string();
    let yesterday = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24))
        .strftime("%Y-%m-%d")
        .to_string();
    assert_eq!(
        found(&app, &format!("from={today}&to={today}")).await.len(),
        2
    );
    assert_eq!(
        found(&app, &format!("from={tomorrow}")).await,
        Vec::<u64>::new()
    );
    assert_eq!(
        found(&app, &format!("to={yesterday}")).await,
        Vec::<u64>::new()
    );
    assert_eq!(
        found(
            &app,
            &format!("state=routed&vendor_id={alpha}&from={today}")
        )
        .await,
        [routed],
        "filters combine"
    );

    let refused = app
        .api_get("/orders?store_id=main&state=lost&from=yesterday&cursor=zzz")
        .await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["store_id", "state", "from", "cursor"], "{body}");

    // The page names the field beside it, inside wharf's layout.
    let cookie = app.session_cookie().await;
    let page = app.get_page("/orders?from=31%2F12%2F2026", &cookie).await;
    assert_eq!(page.status(), 400);
    let page = page.text().await.unwrap();
    assert!(page.contains("id=\"order-from-error\""), "{page}");
    assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"order-from-error\""));
    assert!(
        page.contains("is not a date: write it as 2026-12-31"),
        "{page}"
    );
}

/// The `Link` header's cursor for `rel`, as an address under `/api/v1`.
fn link(response: &reqwest::Response, rel: &str) -> Option<String> {
    let header = response.headers().get("link")?.to_str().unwrap().to_owned();
    header.split(", ").find_map(|part| {
        let (address, relation) = part.split_once("; ")?;
        (relation == format!("rel=\"{rel}\"")).then(|| {
            address
                .trim_matches(['<', '>'])
                .trim_start_matches("/api/v1")
                .to_owned()
        })
    })
}

#[tokio::test]
async fn the_order_list_pages_through_its_history_by_cursor() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(5, 1);
    app.import_all(store_id).await;
    let placed = app.sim.simulator.seed_orders(STORE_HASH, 7);
    app.app.poll_orders(store_id).await.unwrap();

    let mut pages: Vec<Vec<u64>> = Vec::new();
    let mut address = Some(format!("/orders?store_id={store_id}&limit=3"));
    let mut last_response = None;
    while let Some(path) = address {
        let response = app.api_get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            path.contains(&format!("store_id={store_id}")),
            "filters travel: {path}"
        );
        address = link(&response, "next");
        let orders: Vec<Value> = response.json().await.unwrap();
        pages.push(
            orders
                .iter()
                .map(|o| o["external_id"].as_u64().unwrap())
                .collect(),
        );
        last_response = Some(path);
        assert!(pages.len() <= 3, "the walk ends: {pages:?}");
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    assert_eq!(
        pages.concat(),
        found(&app, "limit=100").await,
        "every order once, in the list's order"
    );
    let mut every = pages.concat();
    every.sort_unstable();
    let mut placed = placed;
    placed.sort_unstable();
    assert_eq!(every, placed);

    // Back from the last page: "prev" is the page before it.
    let last = app.api_get(&last_response.unwrap()).await;
    let previous = link(&last, "prev").expect("a newer page");
    assert_eq!(
        found(&app, previous.trim_start_matches("/orders?")).await,
        pages[1]
    );
    // The first page has no newer page.
    let first = app.api_get("/orders?limit=3").await;
    assert_eq!(link(&first, "prev"), None);

    // The page does the same with Newer / Older links carrying the cursor.
    let cookie = app.session_cookie().await;
    let page = app.get_page("/orders", &cookie).await.text().await.unwrap();
    assert_eq!(page.matches("class=\"order-row\"").count(), 7);
    assert!(
        !page.contains("id=\"older-orders\""),
        "one page holds them all"
    );
}

#[tokio::test]
async fn an_order_is_addressed_by_its_store_and_bigcommerce_number_only() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (number, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let cookie = app.session_cookie().await;

    let path = format!("/stores/{}/orders/{number}", shop.store_id);
    let list = app.get_page("/orders", &cookie).await.text().await.unwrap();
    assert!(list.contains(&format!("href=\"{path}\"")), "{list}");
    let page = app.get_page(&path, &cookie).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("Order #{number}")), "{page}");
    assert!(!page.contains(&format!("/orders/{order_id}\"")), "{page}");

    for gone in [
        format!("/orders/{order_id}"),
        format!("/stores/{}/orders/{}", shop.store_id, number + 1000),
        format!("/stores/{}/orders/{number}", shop.store_id + 1),
    ] {
        assert_eq!(app.get_page(&gone, &cookie).await.status(), 404, "{gone}");
    }
}

#[tokio::test]
async fn an_order_in_needs_attention_lists_its_lines_and_one_assignment_routes_it() {
    let app = spawn_app().await;
    let (store_id, seeded) = store_with_catalog(&app).await;
    add_vendor(&app, "Alpha Supply").await;
    let (product, variant_id, sku) = variant(&app, &seeded, 4);
    let number = app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant_id), 2)]),
    );
    app.app.poll_orders(store_id).await.unwrap();
    // Polled again, and an assignment that routes nothing: still one entry.
    app.app.poll_orders(store_id).await.unwrap();
    app.app.reroute_needing_attention(store_id).await.unwrap();
    let order = app
        .app
        .order_by_number(store_id, number as i64)
        .await
        .unwrap();
    let detail = app.app.order_detail(order.id).await.unwrap();
    let entries = detail
        .timeline
        .iter()
        .filter(|e| e.message.contains("match no vendor"))
        .count();
    assert_eq!(entries, 1, "{:#?}", detail.timeline);

    let cookie = app.session_cookie().await;
    let path = format!("/stores/{store_id}/orders/{number}");
    let page = app.get_page(&path, &cookie).await.text().await.unwrap();
    assert!(page.contains("id=\"unmatched-lines\""), "{page}");
    assert!(
        page.contains(&format!("<code>{sku}</code>")),
        "the line's SKU: {page}"
    );
    assert!(page.contains("data-label=\"Brand\""));

    let vendor = app.app.find_vendor("Alpha Supply").await.unwrap();
    let line = page
        .split("name=\"line\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a line form")
        .to_owned();
    let token = app.form_token(&cookie).await;
    let assigned = app
        .http
        .post(format!("{}{path}/assign-line", app.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &token)
        .form(&[
            ("line", line.as_str()),
            ("vendor_id", &vendor.id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(assigned.status().is_redirection() || assigned.status().is_success());
    let order = app
        .app
        .order_by_number(store_id, number as i64)
        .await
        .unwrap();
    assert_eq!(order.routing_state, "routed");
    let rules: Vec<Value> = app
        .api_get(&format!("/stores/{store_id}/assignments"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["rule"] == "sku" && r["key"] == sku.as_str()),
        "a SKU rule: {rules:?}"
    );
}

#[tokio::test]
async fn orders_are_listed_and_shown_from_the_cli() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let mut numbers = Vec::new();
    for index in 0..3 {
        numbers.push(shop.order(&app, &[(index, 1, 0)]).await.0);
    }
    let (_, _, sku) = shop.variants[1].clone();
    let store = app.app.list_stores().await.unwrap()[0].name.clone();

    let listed = wharf(&app, &["orders", "list", "--q", &sku]).await;
    assert!(listed.status.success(), "{listed:?}");
    let out = String::from_utf8_lossy(&listed.stdout).to_string();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("ORDER") && lines[0].contains("CUSTOMER"),
        "{out}"
    );
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[1].starts_with(&format!("#{}", numbers[1])), "{out}");
    assert!(
        lines[1].contains("Alpha Supply") && lines[1].contains("Routed"),
        "{out}"
    );

    // Two at a time: the rest a cursor away.
    let first = wharf(
        &app,
        &[
            "orders", "list", "--store", &store, "--limit", "2", "--json",
        ],
    )
    .await;
    assert!(first.status.success());
    let page: Vec<Value> = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(page.len(), 2);
    let hint = String::from_utf8_lossy(&first.stderr).to_string();
    let cursor = hint.rsplit("--cursor ").next().unwrap().trim().to_owned();
    let rest = wharf(
        &app,
        &[
            "orders", "list", "--limit", "2", "--json", "--cursor", &cursor,
        ],
    )
    .await;
    let rest: Vec<Value> = serde_json::from_slice(&rest.stdout).unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["external_id"].as_u64(), Some(numbers[0]));

    let refused = wharf(&app, &["orders", "list", "--state", "lost", "--since", "x"]).await;
    assert_eq!(refused.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(
        errors.contains("--state: state must be") && errors.contains("--since:"),
        "{errors}"
    );
    let refused = wharf(&app, &["orders", "list", "--vendor", "Nobody"]).await;
    assert_eq!(refused.status.code(), Some(2));

    let number = numbers[2].to_string();
    let shown = wharf(
        &app,
        &["orders", "show", "--store", &store, "--number", &number],
    )
    .await;
    assert!(shown.status.success(), "{shown:?}");
    let out = String::from_utf8_lossy(&shown.stdout).to_string();
    for expected in [
        "Order #",
        "Lines",
        "Purchase orders",
        "Shipments",
        "Timeline",
        "Alpha Supply",
    ] {
        assert!(out.contains(expected), "{expected}: {out}");
    }
    assert!(out.contains(&shop.variants[2].2), "the line's SKU: {out}");
    let json = wharf(
        &app,
        &[
            "orders", "show", "--store", &store, "--number", &number, "--json",
        ],
    )
    .await;
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["order"]["external_id"].as_u64(), Some(numbers[2]));
    assert_eq!(json["purchase_orders"].as_array().unwrap().len(), 1);
    let missing = wharf(
        &app,
        &["orders", "show", "--store", &store, "--number", "999999"],
    )
    .await;
    assert_eq!(missing.status.code(), Some(2));
}
