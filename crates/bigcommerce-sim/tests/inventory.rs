//! Inventory V3 as a stock sync uses it: the items list, absolute and relative
//! adjustments with their all-or-nothing 422s, the catalog's `inventory_level` following
//! them, and orders taking stock.

#[path = "helpers/mod.rs"]
mod helpers;

use bigcommerce_sim::{CatalogSeed, InventoryTracking, Product, ShopperLine, ShopperOrder};
use helpers::{FULL, HASH, TestSim, json, spawn_sim};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ABSOLUTE: &str = "/v3/inventory/adjustments/absolute";
const RELATIVE: &str = "/v3/inventory/adjustments/relative";

async fn relative(app: &TestSim, items: Value) -> reqwest::Response {
    let body = json!({ "reason": "test", "items": items });
    app.call(Method::POST, &app.url(RELATIVE), Some(FULL), Some(&body))
        .await
}

async fn absolute(app: &TestSim, items: Value) -> reqwest::Response {
    app.put(ABSOLUTE, &json!({ "reason": "test", "items": items }))
        .await
}

/// A 422 problem+json; returns its body.
async fn refused(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body = json(r).await;
    assert_eq!(body["status"], 422, "{body}");
    assert_eq!(
        body["type"],
        "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
    );
    body
}

fn error_keys(body: &Value) -> Vec<String> {
    body["errors"]
        .as_object()
        .expect("errors object")
        .keys()
        .cloned()
        .collect()
}

/// A seeded catalog of 20 products with 3 variants each, and one product of each kind:
/// tracked by variant (position 0), untracked with options (1), simple tracked by product
/// (3), tracked by product with options (9).
struct Seeded {
    app: TestSim,
    by_variant: Product,
    untracked: Product,
    simple: Product,
    by_product: Product,
    all: Vec<Product>,
}

async fn seeded() -> Seeded {
    let app = spawn_sim().await;
    let seeded = app.sim().seed_catalog(
        HASH,
        CatalogSeed {
            products: 20,
            variants_per_product: 3,
        },
    );
    let all: Vec<Product> = seeded
        .product_ids
        .iter()
        .map(|id| app.sim().product(HASH, *id).unwrap())
        .collect();
    let pick = |k: usize, tracking: InventoryTracking, simple: bool| {
        let p = all[k].clone();
        assert_eq!(p.inventory_tracking, tracking, "position {k}");
        assert_eq!(p.base_variant_id().is_some(), simple, "position {k}");
        p
    };
    Seeded {
        by_variant: pick(0, InventoryTracking::Variant, false),
        untracked: pick(1, InventoryTracking::None, false),
        simple: pick(3, InventoryTracking::Product, true),
        by_product: pick(9, InventoryTracking::Product, false),
        all,
        app,
    }
}

#[tokio::test]
async fn items_list_every_tracked_item_with_its_stock() {
    let s = seeded().await;
    let app = &s.app;
    let expected: usize = s
        .all
        .iter()
        .map(|p| match p.inventory_tracking {
            InventoryTracking::None => 0,
            InventoryTracking::Product => 1,
            InventoryTracking::Variant => p.variants().len(),
        })
        .sum();
    let body = json(app.get("/v3/inventory/items?limit=1000").await).await;
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), expected);
    assert_eq!(body["meta"]["pagination"]["total"], expected);
    assert_eq!(body["meta"]["pagination"]["per_page"], 1000);
    // Untracked products are not items.
    assert!(
        data.iter()
            .all(|i| i["identity"]["product_id"] != s.untracked.id())
    );

    // A variant item: its own id, SKU and SKU id; stock as the catalog shows it.
    let v = &s.by_variant.variants()[1];
    let body = json(
        app.get(&format!("/v3/inventory/items?variant_id:in={}", v.id()))
            .await,
    )
    .await;
    assert_eq!(body["meta"]["pagination"]["total"], 1);
    let item = &body["data"][0];
    assert_eq!(
        item["identity"],
        json!({"sku": v.sku, "variant_id": v.id(), "product_id": s.by_variant.id(), "sku_id": v.id()})
    );
    let level = app.sim().variant_level(HASH, 1, v.id()).unwrap();
    assert_eq!(
        item["locations"],
        json!([{
            "location_id": 1, "location_code": "BC-LOCATION-1", "location_name": "Default location",
            "available_to_sell": level, "total_inventory_onhand": level, "location_enabled": true,
            "settings": {"safety_stock": 0, "is_in_stock": true, "warning_level": 0, "bin_picking_number": ""},
        }])
    );

    // A simple product's item is its base variant (sku_id null); a product with options
    // tracked by product is one item named by the product, with no variant id.
    let body = json(
        app.get(&format!(
            "/v3/inventory/items?product_id:in={},{}",
            s.simple.id(),
            s.by_product.id()
        ))
        .await,
    )
    .await;
    assert_eq!(body["meta"]["pagination"]["total"], 2);
    assert_eq!(
        body["data"][0]["identity"],
        json!({"sku": s.simple.sku, "variant_id": s.simple.base_variant_id(), "product_id": s.simple.id(), "sku_id": null})
    );
    assert_eq!(
        body["data"][1]["identity"],
        json!({"sku": s.by_product.sku, "product_id": s.by_product.id(), "sku_id": null})
    );
    assert_eq!(
        body["data"][1]["locations"][0]["total_inventory_onhand"],
        app.sim().product_level(HASH, 1, s.by_product.id()).unwrap()
    );

    // sku:in, combined filters, location filters.
    let skus = format!(
        "{},{}",
        s.by_variant.variants()[0].sku,
        s.by_variant.variants()[2].sku
    );
    let body = json(app.get(&format!("/v3/inventory/items?sku:in={skus}")).await).await;
    assert_eq!(body["meta"]["pagination"]["total"], 2);
    let body = json(
        app.get(&format!(
            "/v3/inventory/items?sku:in={skus}&product_id:in={}",
            s.simple.id()
        ))
        .await,
    )
    .await;
    assert_eq!(body["data"], json!([]));
    let body = json(
        app.get("/v3/inventory/items?location_id:in=2&limit=1")
            .await,
    )
    .await;
    assert_eq!(body["data"][0]["locations"], json!([]));
    let body = json(
        app.get("/v3/inventory/items?location_code:in=BC-LOCATION-1&location_id:in=1&limit=1")
            .await,
    )
    .await;
    assert_eq!(body["data"][0]["locations"][0]["location_id"], 1);

    // Paging.
    let body = json(app.get("/v3/inventory/items?limit=5&page=2").await).await;
    assert_eq!(body["data"].as_array().unwrap().len(), 5);
    let pg = &body["meta"]["pagination"];
    assert_eq!(
        (&pg["count"], &pg["current_page"], &pg["total_pages"]),
        (&json!(5), &json!(2), &json!(expected.div_ceil(5)))
    );
    assert_eq!(pg["links"]["next"], "?page=3&limit=5");
    let all = json(app.get("/v3/inventory/items?limit=1000").await).await;
    assert_eq!(body["data"][0], all["data"][5]);
    let body = json(app.get("/v3/inventory/items?page=99").await).await;
    assert_eq!(body["data"], json!([]));
    let body = json(app.get("/v3/inventory/items").await).await;
    assert_eq!(body["meta"]["pagination"]["per_page"], 50);

    // Errors and scopes.
    let r = app.get("/v3/inventory/items?limit=1001").await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = app.get("/v3/inventory/items?variant_id:in=abc").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let reader = app.token("inv-ro", &["store_inventory_read_only"]);
    let r = app.get_as("/v3/inventory/items", &reader).await;
    assert_eq!(r.status(), StatusCode::OK);
    let products = app.token("products", &["store_v2_products"]);
    let r = app.get_as("/v3/inventory/items", &products).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .call(
            Method::POST,
            &app.url(RELATIVE),
            Some(&reader),
            Some(&json!({"items": []})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn relative_adjustments_add_to_stock_all_or_nothing() {
    let app = spawn_sim().await;
    app.sim().seed_products(HASH, 2);
    let level = |id| app.sim().product_level(HASH, 1, id);

    // Never given a level: refused, naming every such item.
    let body = refused(
        relative(
            &app,
            json!([
                {"location_id": 1, "product_id": 111, "quantity": 1},
                {"location_id": 1, "sku": "SIM-112", "quantity": 1}]),
        )
        .await,
    )
    .await;
    assert_eq!(
        body["title"],
        "Items with identity: [product_id 111, sku SIM-112] requires absolute adjustment before relative"
    );
    assert_eq!(error_keys(&body), ["items.0", "items.1"]);

    let r = absolute(
        &app,
        json!([
            {"location_id": 1, "product_id": 111, "quantity": 10},
            {"location_id": 1, "product_id": 112, "quantity": 5}]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);

    // One item set, one not: still nothing applied.
    app.sim().seed_products(HASH, 1);
    let body = refused(
        relative(
            &app,
            json!([
                {"location_id": 1, "product_id": 111, "quantity": 1},
                {"location_id": 1, "variant_id": 1003, "quantity": 1}]),
        )
        .await,
    )
    .await;
    assert_eq!(
        body["title"],
        "Items with identity: [variant_id 1003] requires absolute adjustment before relative"
    );
    assert_eq!(error_keys(&body), ["items.1"]);
    assert_eq!(level(111), Some(10));

    // The happy path: negative and positive quantities, any identity form.
    let r = relative(
        &app,
        json!([
            {"location_id": 1, "product_id": 111, "quantity": -3},
            {"location_id": 1, "sku": "SIM-112", "quantity": 2},
            {"location_id": 1, "variant_id": 1001, "quantity": 0}]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["transaction_id"].as_str().unwrap().len(), 36);
    assert_eq!((level(111), level(112)), (Some(7), Some(7)));
    let products = json(app.get("/v3/catalog/products?id:in=111,112").await).await;
    assert_eq!(products["data"][0]["inventory_level"], 7);
    assert_eq!(products["data"][1]["inventory_level"], 7);

    // Below the safety stock (0): refused, naming the item, nothing applied.
    let body = refused(
        relative(
            &app,
            json!([
                {"location_id": 1, "product_id": 112, "quantity": 1},
                {"location_id": 1, "product_id": 111, "quantity": -8}]),
        )
        .await,
    )
    .await;
    assert_eq!(
        body["title"],
        "Items with identity: [product_id 111] do not have enough stock: the relative adjustment would take them below safety stock"
    );
    assert_eq!(error_keys(&body), ["items.1"]);
    assert_eq!((level(111), level(112)), (Some(7), Some(7)));

    // The same item twice is applied in order: the second one overdraws it.
    let body = refused(
        relative(
            &app,
            json!([
                {"location_id": 1, "product_id": 111, "quantity": -4},
                {"location_id": 1, "sku": "SIM-111", "quantity": -4}]),
        )
        .await,
    )
    .await;
    assert_eq!(error_keys(&body), ["items.1"]);
    assert_eq!(level(111), Some(7));
    let r = relative(
        &app,
        json!([
            {"location_id": 1, "product_id": 111, "quantity": -4},
            {"location_id": 1, "sku": "SIM-111", "quantity": -3}]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(level(111), Some(0));

    // Above the 32-bit maximum.
    let body = refused(
        relative(
            &app,
            json!([{"location_id": 1, "product_id": 112, "quantity": 2_147_483_647}]),
        )
        .await,
    )
    .await;
    assert_eq!(error_keys(&body), ["items.0"]);
    assert_eq!(level(112), Some(7));

    // Shape errors as for absolute adjustments; absolute still refuses negatives.
    let body = refused(
        relative(
            &app,
            json!([{"location_id": 1, "product_id": 111}, {"product_id": 111, "quantity": -1}]),
        )
        .await,
    )
    .await;
    assert_eq!(
        error_keys(&body),
        ["items.0.quantity", "items.1.location_id"]
    );
    let body = refused(
        absolute(
            &app,
            json!([{"location_id": 1, "product_id": 111, "quantity": -1}]),
        )
        .await,
    )
    .await;
    assert_eq!(error_keys(&body), ["items.0.quantity"]);
    let body = refused(
        relative(
            &app,
            json!([{"location_id": 9, "product_id": 111, "quantity": 1}, {"location_id": 1, "product_id": 999, "quantity": 1}]),
        )
        .await,
    )
    .await;
    assert_eq!(error_keys(&body), ["items.0.location_id", "items.1"]);
    let too_many: Vec<Value> = (0..2001)
        .map(|_| json!({"location_id": 1, "product_id": 111, "quantity": 1}))
        .collect();
    let r = relative(&app, Value::Array(too_many)).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = relative(&app, json!([])).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!((level(111), level(112)), (Some(0), Some(7)));
}

#[tokio::test]
async fn tracking_mode_mismatches_name_every_item_and_apply_nothing() {
    let s = seeded().await;
    let app = &s.app;
    let ok_variant = s.by_variant.variants()[0].id();
    let before = app.sim().variant_level(HASH, 1, ok_variant).unwrap();
    let wrong_variant = s.by_product.variants()[1].id();
    let untracked_sku = s.untracked.variants()[0].sku.clone();
    let items = json!([
        {"location_id": 1, "variant_id": ok_variant, "quantity": 1},
        {"location_id": 1, "variant_id": wrong_variant, "quantity": 1},
        {"location_id": 1, "product_id": s.by_variant.id(), "quantity": 1},
        {"location_id": 1, "sku": untracked_sku, "quantity": 1},
        {"location_id": 1, "sku": s.by_product.variants()[0].sku, "quantity": 1},
    ]);
    let messages = [
        format!(
            "Item with variant_id {wrong_variant} is tracked by product, please update stock by product id"
        ),
        format!(
            "Item with product_id {} is tracked by variant, please update stock by variant id",
            s.by_variant.id()
        ),
        format!(
            "Item with sku {untracked_sku} is not tracked, please enable inventory tracking for its product"
        ),
        format!(
            "Item with sku {} is tracked by product, please update stock by product id",
            s.by_product.variants()[0].sku
        ),
    ];
    let expected_errors = json!({
        "items.1": messages[0], "items.2": messages[1], "items.3": messages[2], "items.4": messages[3],
    });
    for r in [
        absolute(app, items.clone()).await,
        relative(app, items.clone()).await,
    ] {
        let body = refused(r).await;
        assert_eq!(body["title"], format!("[{}]", messages.join(", ")));
        assert_eq!(body["errors"], expected_errors);
        assert_eq!(app.sim().variant_level(HASH, 1, ok_variant), Some(before));
    }

    // Dropping exactly the items named in `errors` makes the rest go through.
    let rest: Vec<Value> = items
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(i, _)| expected_errors.get(format!("items.{i}")).is_none())
        .map(|(_, item)| item.clone())
        .collect();
    let r = relative(app, Value::Array(rest)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.sim().variant_level(HASH, 1, ok_variant),
        Some(before + 1)
    );

    // The spec's own example title, for one item, and the right way to name each.
    let body = refused(
        absolute(
            app,
            json!([{"location_id": 1, "variant_id": wrong_variant, "quantity": 4}]),
        )
        .await,
    )
    .await;
    assert_eq!(body["title"], format!("[{}]", messages[0]));
    let r = absolute(
        app,
        json!([
            {"location_id": 1, "product_id": s.by_product.id(), "quantity": 4},
            {"location_id": 1, "sku": s.by_product.sku, "quantity": 5},
            {"location_id": 1, "variant_id": s.simple.base_variant_id(), "quantity": 6},
            {"location_id": 1, "sku": s.by_variant.variants()[2].sku, "quantity": 7}]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.sim().product_level(HASH, 1, s.by_product.id()), Some(5));
    assert_eq!(app.sim().product_level(HASH, 1, s.simple.id()), Some(6));
    assert_eq!(
        app.sim()
            .variant_level(HASH, 1, s.by_variant.variants()[2].id()),
        Some(7)
    );
    // Helpers refuse the same mismatches.
    assert_eq!(app.sim().variant_level(HASH, 1, wrong_variant), None);
    assert_eq!(app.sim().product_level(HASH, 1, s.by_variant.id()), None);
    assert!(!app.sim().set_variant_level(HASH, 1, wrong_variant, 1));
    assert!(!app.sim().set_product_level(HASH, 1, s.untracked.id(), 1));
    assert!(!app.sim().set_variant_level(HASH, 2, ok_variant, 1));
}

#[tokio::test]
async fn catalog_inventory_level_follows_adjustments() {
    let s = seeded().await;
    let app = &s.app;
    let variant_level = |id: u64| {
        let path = format!("/v3/catalog/variants?product_id:in={}", s.by_variant.id());
        async move {
            let body = json(app.get(&path).await).await;
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["id"] == id)
                .unwrap()["inventory_level"]
                .as_i64()
                .unwrap()
        }
    };
    let product_level = |id: u64| async move {
        json(app.get(&format!("/v3/catalog/products/{id}")).await).await["data"]["inventory_level"]
            .as_i64()
            .unwrap()
    };
    let [a, b, c] = [0, 1, 2].map(|j| s.by_variant.variants()[j].id());

    let r = absolute(
        app,
        json!([
            {"location_id": 1, "variant_id": a, "quantity": 40},
            {"location_id": 1, "variant_id": b, "quantity": 2},
            {"location_id": 1, "variant_id": c, "quantity": 0},
            {"location_id": 1, "product_id": s.by_product.id(), "quantity": 12}]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(variant_level(a).await, 40);
    assert_eq!(product_level(s.by_variant.id()).await, 42);
    assert_eq!(product_level(s.by_product.id()).await, 12);

    let r = relative(
        app,
        json!([
            {"location_id": 1, "variant_id": a, "quantity": -15},
            {"location_id": 1, "product_id": s.by_product.id(), "quantity": 3}]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(variant_level(a).await, 25);
    assert_eq!(product_level(s.by_variant.id()).await, 27);
    assert_eq!(product_level(s.by_product.id()).await, 15);

    // A merchant's hand edit shows in the catalog and the items list alike.
    assert!(app.sim().set_variant_level(HASH, 1, b, 9));
    assert_eq!(variant_level(b).await, 9);
    let items = json(
        app.get(&format!("/v3/inventory/items?variant_id:in={b}"))
            .await,
    )
    .await;
    assert_eq!(
        items["data"][0]["locations"][0]["total_inventory_onhand"],
        9
    );
    assert!(app.sim().set_product_level(HASH, 1, s.simple.id(), 3));
    assert_eq!(product_level(s.simple.id()).await, 3);
}

#[tokio::test]
async fn placed_orders_take_stock_and_count_oversold_units() {
    let s = seeded().await;
    let app = &s.app;
    let sim = app.sim();
    let v = s.by_variant.variants()[1].id();
    let p = s.by_product.id();
    assert!(sim.set_variant_level(HASH, 1, v, 5));
    assert!(sim.set_product_level(HASH, 1, p, 4));
    let untracked = s.untracked.variants()[0].id();

    let order = |lines| ShopperOrder::new(lines);
    sim.place_order(
        HASH,
        order(vec![
            ShopperLine::catalog(s.by_variant.id(), Some(v), 3),
            // Product tracking: any variant's line takes from the product's level.
            ShopperLine::catalog(p, Some(s.by_product.variants()[2].id()), 1),
            ShopperLine::catalog(s.untracked.id(), Some(untracked), 7),
        ]),
    );
    assert_eq!(sim.variant_level(HASH, 1, v), Some(2));
    assert_eq!(sim.product_level(HASH, 1, p), Some(3));
    assert_eq!(sim.oversold_units(HASH), 0);
    let catalog = json(app.get(&format!("/v3/catalog/products/{p}")).await).await;
    assert_eq!(catalog["data"]["inventory_level"], 3);

    // More than on hand: the level stops at 0 and the rest is counted.
    sim.place_order(
        HASH,
        order(vec![ShopperLine::catalog(s.by_variant.id(), Some(v), 4)]),
    );
    assert_eq!(sim.variant_level(HASH, 1, v), Some(0));
    assert_eq!(sim.oversold_units(HASH), 2);

    // The control endpoint places orders the same way and reports the counter.
    let line =
        json!({"product_id": p, "variant_id": s.by_product.variants()[0].id(), "quantity": 5});
    let r = app
        .control(
            Method::POST,
            &format!("/__sim/stores/{HASH}/orders"),
            Some(&json!({ "lines": [line] })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(sim.product_level(HASH, 1, p), Some(0));
    let r = app
        .control(
            Method::GET,
            &format!("/__sim/stores/{HASH}/inventory"),
            None,
        )
        .await;
    assert_eq!(json(r).await, json!({"oversold_units": 4}));
    let r = app
        .control(Method::GET, "/__sim/stores/nope/inventory", None)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Levels as a watcher reads them, outside the quota: unset variants are left out.
    let r = app
        .control(
            Method::GET,
            &format!("/__sim/stores/{HASH}/levels?variant_ids={v},999999"),
            None,
        )
        .await;
    let levels = json(r).await;
    assert_eq!(levels["levels"], json!({ v.to_string(): 0 }), "{levels}");
    assert!(levels["busiest_window"].as_u64().is_some(), "{levels}");
    let r = app
        .control(
            Method::GET,
            &format!("/__sim/stores/{HASH}/levels?variant_ids=x"),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Relative adjustments then see the decremented level.
    let body = refused(
        relative(
            app,
            json!([{"location_id": 1, "variant_id": v, "quantity": -1}]),
        )
        .await,
    )
    .await;
    assert_eq!(error_keys(&body), ["items.0"]);
}
