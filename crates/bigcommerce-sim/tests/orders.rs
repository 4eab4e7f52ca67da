//! Orders V2 as wharf reads them: placed and seeded orders, filters and sorting, 204s,
//! consignments with the 50-line truncation warning, order products and addresses; and
//! as a client that follows an order's links reads them: coupons, taxes, messages, fees,
//! single products and addresses, shipping quotes.

#[path = "helpers/mod.rs"]
mod helpers;

use bigcommerce_sim::{
    CatalogSeed, LineKind, Money, ShopperAddress, ShopperCoupon, ShopperLine, ShopperOrder,
};
use helpers::{FULL, HASH, TestSim, json, spawn_sim};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn ids(body: &Value) -> Vec<u64> {
    body.as_array()
        .expect("array")
        .iter()
        .map(|o| o["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn placed_orders_carry_catalog_ids_addresses_and_line_types() {
    let app = spawn_sim().await;
    let seeded = app.sim().seed_catalog(
        HASH,
        CatalogSeed {
            products: 12,
            variants_per_product: 3,
        },
    );
    let with_options = seeded
        .product_ids
        .iter()
        .copied()
        .find(|id| !seeded.simple_product_ids.contains(id))
        .unwrap();
    let product = app.sim().product(HASH, with_options).unwrap();
    let variant = &product.variants()[1];
    let simple = seeded.simple_product_ids[0];
    let mut order = ShopperOrder::new(vec![
        ShopperLine::catalog(with_options, Some(variant.id()), 2),
        ShopperLine::catalog(simple, None, 1).to(1),
        ShopperLine::custom("Engraving", "ENG-1", Money::from_cents(450), 1).to(1),
        ShopperLine::custom("Manual", "PDF-1", Money::from_cents(100), 1).kind(LineKind::Digital),
    ]);
    order.addresses = vec![ShopperAddress::sample(1), ShopperAddress::sample(2)];
    let id = app.sim().place_order(HASH, order);

    let o = json(app.get(&format!("/v2/orders/{id}")).await).await;
    assert_eq!(o["status_id"], 11);
    assert_eq!(o["status"], "Awaiting Fulfillment");
    assert_eq!(o["items_total"], 5);
    assert_eq!(o["shipping_address_count"], 2);
    assert!(o["date_created"].as_str().unwrap().ends_with("+0000"));

    let lines = json(app.get(&format!("/v2/orders/{id}/products")).await).await;
    let addresses = json(
        app.get(&format!("/v2/orders/{id}/shipping_addresses"))
            .await,
    )
    .await;
    let (a0, a1) = (addresses[0]["id"].clone(), addresses[1]["id"].clone());
    assert_eq!(lines[0]["product_id"], with_options);
    assert_eq!(lines[0]["variant_id"], variant.id());
    assert_eq!(lines[0]["sku"], variant.sku.as_str());
    assert_eq!(lines[0]["name"], product.name.as_str());
    assert_eq!(lines[0]["type"], "physical");
    assert_eq!(lines[0]["quantity"], 2);
    assert_eq!(lines[0]["quantity_shipped"], 0);
    assert_eq!(lines[0]["order_address_id"], a0);
    assert_eq!(lines[1]["order_address_id"], a1);
    assert_eq!(lines[2]["product_id"], 0);
    assert!(
        lines[2].get("variant_id").is_none(),
        "custom lines have no variant"
    );
    assert_eq!(lines[3]["type"], "digital");
    assert_eq!(lines[3]["order_address_id"], 0);
    assert_ne!(lines[0]["id"], lines[0]["product_id"]);
    assert_eq!(addresses[1]["items_total"], 2);
    // The chosen options carry the catalog's ids: `value` is the option value id, as a
    // string, and the label is the display value.
    let options = lines[0]["product_options"].as_array().unwrap();
    assert_eq!(options.len(), variant.option_values().len());
    assert!(!options.is_empty());
    for (option, value) in options.iter().zip(variant.option_values()) {
        assert_eq!(option["value"], value.id.to_string());
        assert_eq!(option["display_value"], value.label.as_str());
        assert_eq!(option["display_name"], value.option_display_name.as_str());
        assert_eq!(option["option_id"], value.option_id);
        assert_eq!(option["product_option_id"], value.option_id);
        assert_eq!(option["order_product_id"], lines[0]["id"]);
    }
    assert_eq!(lines[1]["product_options"], json!([]));

    let c = json(
        app.get(&format!(
            "/v2/orders/{id}/consignments?include=consignments.line_items"
        ))
        .await,
    )
    .await;
    assert_eq!(c["shipping"][0]["id"], a0);
    assert_eq!(c["shipping"][1]["line_items"].as_array().unwrap().len(), 2);
    assert_eq!(c["downloads"][0]["line_items"][0]["sku"], "PDF-1");
}

#[tokio::test]
async fn the_control_endpoint_places_orders_and_refuses_bad_ones() {
    let app = spawn_sim().await;
    app.sim().seed_products(HASH, 2);
    let body = json!({
        "lines": [
            {"product_id": 111, "quantity": 2, "address": 0},
            {"variant_id": 1002, "quantity": 1, "address": 1},
            {"name": "Gift card", "sku": "", "price": "25.00", "type": "giftcertificate"}
        ],
        "addresses": [{"first_name": "Ann", "city": "Austin"}, {"first_name": "Bob", "city": "Boston"}],
        "status_id": 7
    });
    let r = app
        .control(
            Method::POST,
            &format!("/__sim/stores/{HASH}/orders"),
            Some(&body),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let o = json(r).await;
    assert_eq!(o["id"], 100);
    assert_eq!(o["status_id"], 7);
    let shipping = o["consignments"]["shipping"].as_array().unwrap();
    assert_eq!(shipping.len(), 2);
    assert_eq!(shipping[1]["city"], "Boston");
    assert_eq!(shipping[1]["line_items"][0]["product_id"], 112);
    assert_eq!(
        o["consignments"]["email"]["gift_certificates"][0]["line_items"][0]["type"],
        "giftcertificate"
    );
    assert_eq!(
        app.sim().request_stats().total,
        0,
        "control calls are not counted"
    );

    for bad in [
        json!({"lines": []}),
        json!({"lines": [{"product_id": 999}]}),
        json!({"lines": [{"product_id": 111, "address": 3}]}),
        json!({"lines": [{"name": "No price"}]}),
        json!({"lines": [{"product_id": 111}], "status_id": 20}),
        json!({"lines": [{"product_id": 111, "colour": "red"}]}),
    ] {
        let r = app
            .control(
                Method::POST,
                &format!("/__sim/stores/{HASH}/orders"),
                Some(&bad),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let r = app
        .control(Method::POST, "/__sim/stores/nope/orders", Some(&body))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/v2/orders/101").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn filters_and_sorting_follow_the_spec() {
    let app = spawn_sim().await;
    app.sim().seed_products(HASH, 3);
    let seeded = app.sim().seed_order_history(HASH, 12);
    assert_eq!(seeded, (100..112).collect::<Vec<_>>());
    // Order 101 changes last: it sorts last by date_modified.
    assert!(app.sim().set_order_status(HASH, 101, 2));
    let body = json(app.get("/v2/orders?sort=date_modified:asc&limit=250").await).await;
    assert_eq!(ids(&body).last(), Some(&101));
    let body = json(app.get("/v2/orders?sort=date_modified:desc&limit=1").await).await;
    assert_eq!(ids(&body), [101]);

    let modified = body[0]["date_modified"].as_str().unwrap().to_owned();
    let encoded: String = modified
        .replace(',', "%2C")
        .replace(' ', "%20")
        .replace('+', "%2B");
    let body = json(
        app.get(&format!("/v2/orders?min_date_modified={encoded}"))
            .await,
    )
    .await;
    assert_eq!(ids(&body), [101]);

    let body = json(app.get("/v2/orders?min_id=103&max_id=105").await).await;
    assert_eq!(ids(&body), [103, 104, 105]);
    let body = json(app.get("/v2/orders?status_id=2").await).await;
    assert!(ids(&body).contains(&101));
    assert!(body.as_array().unwrap().iter().all(|o| o["status_id"] == 2));
    let body = json(app.get("/v2/orders?customer_id=0").await).await;
    assert!(ids(&body).iter().all(|id| id % 3 == 0));
    let body = json(app.get("/v2/orders?sort=status_id:desc").await).await;
    let statuses: Vec<u64> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status_id"].as_u64().unwrap())
        .collect();
    assert!(statuses.windows(2).all(|w| w[0] >= w[1]), "{statuses:?}");
    assert_eq!(
        app.get("/v2/orders?min_date_created=2999-01-01T00:00:00Z")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    let count = json(app.get("/v2/orders/count").await).await;
    assert_eq!(count["count"], 12);
    let by_status: u64 = count["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by_status, 12);
}

#[tokio::test]
async fn consignments_over_50_lines_are_truncated_with_a_warning() {
    let app = spawn_sim().await;
    let lines: Vec<ShopperLine> = (0..53)
        .map(|i| {
            ShopperLine::custom(
                &format!("Part {i}"),
                &format!("P-{i}"),
                Money::from_cents(100),
                1,
            )
        })
        .collect();
    let id = app.sim().place_order(HASH, ShopperOrder::new(lines));
    let path = "/v2/orders?include=consignments.line_items&consignment_structure=object";
    let body = json(app.get(path).await).await;
    let shipping = &body[0]["consignments"]["shipping"][0];
    assert_eq!(shipping["line_items"].as_array().unwrap().len(), 50);
    assert_eq!(shipping["items_total"], 53);
    let warning = shipping["__warning__"]["message"].as_str().unwrap();
    assert!(
        warning.contains(&format!("/v2/orders/{id}/products")),
        "{warning}"
    );
    // The fallback has them all; 204 past the end.
    let all = json(
        app.get(&format!("/v2/orders/{id}/products?limit=250"))
            .await,
    )
    .await;
    assert_eq!(all.as_array().unwrap().len(), 53);
    let page2 = json(app.get(&format!("/v2/orders/{id}/products?page=2")).await).await;
    assert_eq!(page2.as_array().unwrap().len(), 3);
    assert_eq!(
        app.get(&format!("/v2/orders/{id}/products?page=3"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // Without line_items: links, no truncation.
    let body = json(
        app.get(&format!(
            "/v2/orders/{id}?include=consignments&consignment_structure=object"
        ))
        .await,
    )
    .await;
    let shipping = &body["consignments"]["shipping"][0];
    assert_eq!(shipping["line_items"].as_array().unwrap().len(), 53);
    assert!(shipping.get("__warning__").is_none());
    assert!(
        shipping["line_items"][0]["resource"]
            .as_str()
            .unwrap()
            .starts_with("/orders/")
    );
}

#[tokio::test]
async fn archived_orders_stay_listed_with_is_deleted() {
    let app = spawn_sim().await;
    app.sim().seed_orders(HASH, 2);
    let before = json(app.get("/v2/orders/100").await).await;
    let r = app
        .call(
            Method::DELETE,
            &app.url("/v2/orders/100"),
            Some(helpers::FULL),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let body = json(app.get("/v2/orders").await).await;
    assert_eq!(ids(&body), [100, 101]);
    assert_eq!(body[0]["is_deleted"], true);
    assert_ne!(body[0]["date_modified"], before["date_modified"]);
    assert_eq!(body[1]["is_deleted"], false);
    let r = app
        .put("/v2/orders/101", &json!({"is_deleted": true}))
        .await;
    assert_eq!(json(r).await["is_deleted"], true);
}

/// GET on an absolute URL an order body gave, with the full token.
async fn follow(app: &TestSim, link: &Value) -> reqwest::Response {
    let url = link["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no url in {link}"));
    assert!(
        url.starts_with(&app.url("/v2/")),
        "{url} points away from the simulator"
    );
    let resource = link["resource"].as_str().unwrap();
    assert!(url.ends_with(resource), "{url} vs {resource}");
    app.call(Method::GET, url, Some(FULL), None).await
}

fn money(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        other => other
            .as_f64()
            .unwrap_or_else(|| panic!("not money: {other}")),
    }
}

#[tokio::test]
async fn every_link_in_an_order_body_answers() {
    let app = spawn_sim().await;
    app.sim().seed_products(HASH, 2);
    let mut two_addresses = ShopperOrder::new(vec![
        ShopperLine::catalog(111, None, 2),
        ShopperLine::catalog(112, None, 1).to(1),
    ]);
    two_addresses.addresses = vec![ShopperAddress::sample(1), ShopperAddress::sample(2)];
    two_addresses.coupons = vec![ShopperCoupon::new("SPRING5", Money::from_cents(500))];
    let id = app.sim().place_order(HASH, two_addresses);
    let o = json(app.get(&format!("/v2/orders/{id}")).await).await;

    let lines = json(follow(&app, &o["products"]).await).await;
    assert_eq!(lines.as_array().unwrap().len(), 2);
    let addresses = json(follow(&app, &o["shipping_addresses"]).await).await;
    assert_eq!(addresses.as_array().unwrap().len(), 2);
    let coupons = json(follow(&app, &o["coupons"]).await).await;
    assert_eq!(coupons[0]["code"], "SPRING5");
    assert_eq!(coupons[0]["order_id"], id);
    assert_eq!(coupons[0]["type"], 2);
    assert_eq!(
        json(follow(&app, &o["fees"]).await).await,
        json!({"fees": []})
    );
    let consignments = json(follow(&app, &o["consignments"]).await).await;

    for address in addresses.as_array().unwrap() {
        let one = json(
            app.get(&format!(
                "/v2/orders/{id}/shipping_addresses/{}",
                address["id"]
            ))
            .await,
        )
        .await;
        assert_eq!(&one, address);
        let quote = json(follow(&app, &address["shipping_quotes"]).await).await;
        assert_eq!(quote["id"], address["id"].to_string());
        assert_eq!(quote["shipping_provider_id"], "bcstatic");
    }
    for consignment in consignments["shipping"].as_array().unwrap() {
        let quote = json(follow(&app, &consignment["shipping_quotes"]).await).await;
        assert_eq!(quote["id"], consignment["id"].to_string());
        for item in consignment["line_items"].as_array().unwrap() {
            let line = json(follow(&app, item).await).await;
            assert!(lines.as_array().unwrap().contains(&line), "{line}");
        }
    }
    for path in ["taxes", "messages"] {
        let r = app.get(&format!("/v2/orders/{id}/{path}")).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{path}");
    }
    // A second order without coupons: an empty page, like every empty v2 list.
    let plain = app.sim().place_order(
        HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(111, None, 1)]),
    );
    let r = app.get(&format!("/v2/orders/{plain}/coupons")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let inline = json(app.get(&format!("/v2/orders/{plain}?include=fees")).await).await;
    assert_eq!(inline["fees"], json!([]));
}

#[tokio::test]
async fn coupons_lower_the_total_and_spread_over_the_lines() {
    let app = spawn_sim().await;
    app.sim().seed_products(HASH, 2);
    let mut order = ShopperOrder::new(vec![
        ShopperLine::custom("Lamp", "LAMP", Money::from_cents(2000), 2),
        ShopperLine::custom("Bulb", "BULB", Money::from_cents(1000), 1),
    ]);
    order.coupons = vec![
        ShopperCoupon::new("TEN", Money::from_cents(1000)),
        ShopperCoupon::new("ALL", Money::from_cents(99_900)),
    ];
    let id = app.sim().place_order(HASH, order);
    let mut again = ShopperOrder::new(vec![ShopperLine::catalog(111, None, 1)]);
    again.coupons = vec![ShopperCoupon::new("TEN", Money::from_cents(1000))];
    let second = app.sim().place_order(HASH, again);

    let o = json(app.get(&format!("/v2/orders/{id}")).await).await;
    // 50.00 of goods, 5.00 shipping: TEN takes 10.00, ALL what is left of the subtotal.
    assert_eq!(o["subtotal_inc_tax"], "50.0000");
    assert_eq!(o["coupon_discount"], "50.0000");
    assert_eq!(o["discount_amount"], "50.0000");
    assert_eq!(o["total_inc_tax"], "5.0000");
    let coupons = json(app.get(&format!("/v2/orders/{id}/coupons")).await).await;
    assert_eq!(money(&coupons[0]["discount"]), 10.0);
    assert_eq!(money(&coupons[1]["amount"]), 999.0);
    assert_eq!(money(&coupons[1]["discount"]), 40.0);
    let lines = json(app.get(&format!("/v2/orders/{id}/products")).await).await;
    let lines = lines.as_array().unwrap();
    let mut spread = 0.0;
    for line in lines {
        let shares: f64 = line["applied_discounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| money(&d["amount"]))
            .sum();
        let total = money(&line["total_inc_tax"]);
        assert!((money(&line["discounted_total_inc_tax"]) - (total - shares)).abs() < 1e-9);
        spread += shares;
    }
    assert!((spread - 50.0).abs() < 1e-9, "{spread}");
    assert_eq!(lines[0]["applied_discounts"][0]["code"], "TEN");
    assert_eq!(lines[0]["applied_discounts"][0]["target"], "order");

    // The same code is one store coupon; each redemption has an id of its own.
    let again = json(app.get(&format!("/v2/orders/{second}/coupons")).await).await;
    assert_eq!(again[0]["coupon_id"], coupons[0]["coupon_id"]);
    assert_ne!(again[0]["id"], coupons[0]["id"]);
    // A total filter sees what the shopper paid.
    let r = app
        .get(&format!("/v2/orders?min_id={id}&max_id={id}&max_total=5"))
        .await;
    assert_eq!(ids(&json(r).await), [id]);
}

#[tokio::test]
async fn unknown_orders_lines_and_addresses_are_404_in_the_v2_shape() {
    let app = spawn_sim().await;
    let digital =
        ShopperLine::custom("E-book", "EB", Money::from_cents(500), 1).kind(LineKind::Digital);
    let id = app
        .sim()
        .place_order(HASH, ShopperOrder::new(vec![digital]));
    let line = json(app.get(&format!("/v2/orders/{id}/products")).await).await[0]["id"].clone();
    assert_eq!(
        app.get(&format!("/v2/orders/{id}/products/{line}"))
            .await
            .status(),
        StatusCode::OK
    );
    for path in [
        "/v2/orders/999/coupons".to_owned(),
        "/v2/orders/999/taxes".to_owned(),
        "/v2/orders/999/messages".to_owned(),
        "/v2/orders/999/fees".to_owned(),
        format!("/v2/orders/999/products/{line}"),
        format!("/v2/orders/{id}/products/999999"),
        format!("/v2/orders/{id}/products/x"),
        // An all-digital order has no shipping address, so no quote either.
        format!("/v2/orders/{id}/shipping_addresses/1"),
        format!("/v2/orders/{id}/shipping_addresses/1/shipping_quotes"),
        format!("/v2/orders/{id}/consignments/shipping/1/shipping_quotes"),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let body = json(r).await;
        assert_eq!(body[0]["status"], 404, "{path}: {body}");
        assert!(body[0]["message"].is_string(), "{path}: {body}");
    }
}
