//! A store's assignment rules can be found, changed and removed: listed in the order routing
//! tries them with the variants each decides, through the API, the CLI and the Routing rules
//! page.

use serde_json::{Value, json};

use crate::cli::wharf;
use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, TestApp, spawn_app};
use crate::orders::{add_vendor, assign, store_with_catalog, variant};

pub(crate) async fn api_send(
    app: &TestApp,
    method: reqwest::Method,
    path: String,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app
        .http
        .request(method, format!("{}/api/v1{path}", app.address))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn rules(app: &TestApp, store_id: i64) -> Vec<Value> {
    let response = app
        .api_get(&format!("/stores/{store_id}/assignments"))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn live_variants(app: &TestApp, store_id: i64) -> Vec<Value> {
    let page: Value = app
        .api_get(&format!("/products?store_id={store_id}&per_page=500"))
        .await
        .json()
        .await
        .unwrap();
    page["variants"].as_array().unwrap().clone()
}

/// A store with a SKU rule, a brand rule, a prefix rule that matches nothing and a default.
async fn store_with_rules(app: &TestApp) -> (i64, String, String) {
    let (store_id, seeded) = store_with_catalog(app).await;
    add_vendor(app, "Alpha Supply").await;
    add_vendor(app, "Beta Goods").await;
    let (_, _, sku) = variant(app, &seeded, 3);
    let brand = live_variants(app, store_id).await[20]["brand_name"]
        .as_str()
        .unwrap()
        .to_owned();
    assign(
        app,
        store_id,
        json!({"rule": "sku", "sku": sku, "vendor": "Alpha Supply"}),
    )
    .await;
    assign(
        app,
        store_id,
        json!({"rule": "brand", "brand": brand, "vendor": "Beta Goods"}),
    )
    .await;
    assign(
        app,
        store_id,
        json!({"rule": "sku_prefix", "prefix": "zzz-none", "vendor": "Alpha Supply"}),
    )
    .await;
    assign(
        app,
        store_id,
        json!({"rule": "default", "vendor": "Beta Goods"}),
    )
    .await;
    (store_id, sku, brand)
}

#[tokio::test]
async fn rules_are_listed_in_the_order_they_are_tried_with_the_variants_each_decides() {
    let app = spawn_app().await;
    let (store_id, sku, brand) = store_with_rules(&app).await;
    let variants = live_variants(&app, store_id).await;

    let listed = rules(&app, store_id).await;
    let kinds: Vec<&str> = listed.iter().map(|r| r["rule"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["sku", "brand", "sku_prefix", "default"],
        "{listed:#?}"
    );
    assert_eq!(listed[0]["key"], sku);
    assert_eq!(listed[0]["vendor"], "Alpha Supply");
    assert_eq!(
        listed[1]["key"], brand,
        "the brand as the catalog spells it"
    );
    assert_eq!(listed[2]["key"], "ZZZ-NONE");
    assert_eq!(listed[2]["variants_covered"], 0, "a prefix nothing has");
    assert!(listed[3]["id"].is_null(), "the default is no stored rule");
    let with_sku = variants
        .iter()
        .filter(|v| v["variant_sku"] == sku.as_str())
        .count();
    assert_eq!(listed[0]["variants_covered"], with_sku);
    let of_brand = variants
        .iter()
        .filter(|v| v["brand_name"] == brand.as_str() && v["variant_sku"] != sku.as_str())
        .count();
    assert_eq!(listed[1]["variants_covered"], of_brand);
    let total: u64 = listed
        .iter()
        .map(|r| r["variants_covered"].as_u64().unwrap())
        .sum();
    assert_eq!(
        total as usize,
        variants.len(),
        "every variant is decided by one rule"
    );

    // A deactivated vendor's rules stay, marked.
    let alpha = listed[0]["vendor_id"].as_i64().unwrap();
    let response = app
        .api_post(&format!("/vendors/{alpha}/deactivate"), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    let listed = rules(&app, store_id).await;
    assert_eq!(listed[0]["vendor_active"], false);
    assert_eq!(listed[1]["vendor_active"], true);

    let unknown = app.api_get("/stores/999999/assignments").await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn a_rule_changes_its_vendor_or_key_and_is_removed_by_its_id() {
    let app = spawn_app().await;
    let (store_id, sku, _) = store_with_rules(&app).await;
    let listed = rules(&app, store_id).await;
    let (sku_rule, brand_rule, prefix_rule) = (
        listed[0]["id"].as_i64().unwrap(),
        listed[1]["id"].as_i64().unwrap(),
        listed[2]["id"].as_i64().unwrap(),
    );
    let put = |id: i64, body: Value| {
        api_send(
            &app,
            reqwest::Method::PUT,
            format!("/assignments/{id}"),
            Some(body),
        )
    };

    let changed = put(brand_rule, json!({"vendor": "Alpha Supply"})).await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["rule"]["vendor"], "Alpha Supply");
    assert_eq!(changed["rule"]["id"], brand_rule);

    // The prefix now matches the SKU rule's variant's neighbours: its coverage follows.
    let prefix = &sku[..3];
    let changed: Value = put(prefix_rule, json!({"key": prefix}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["rule"]["key"], prefix.to_uppercase());
    assert!(
        changed["rule"]["variants_covered"].as_u64().unwrap() > 0,
        "{changed:#}"
    );

    assign(
        &app,
        store_id,
        json!({"rule": "sku_prefix", "prefix": "QQQ", "vendor": "Beta Goods"}),
    )
    .await;
    let clash = put(prefix_rule, json!({"key": "qqq"})).await;
    assert_eq!(clash.status(), 422);
    let body: Value = clash.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "key", "{body:#}");
    let nobody = put(sku_rule, json!({"vendor": "Nobody"})).await;
    assert_eq!(nobody.status(), 422);
    let body: Value = nobody.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "vendor", "{body:#}");
    assert_eq!(put(sku_rule, json!({})).await.status(), 422);
    assert_eq!(
        put(999_999, json!({"vendor": "Beta Goods"})).await.status(),
        404
    );

    let delete = |id: i64| {
        api_send(
            &app,
            reqwest::Method::DELETE,
            format!("/assignments/{id}"),
            None,
        )
    };
    assert_eq!(delete(sku_rule).await.status(), 204);
    assert!(
        rules(&app, store_id)
            .await
            .iter()
            .all(|r| r["id"] != sku_rule)
    );
    assert_eq!(delete(sku_rule).await.status(), 404, "gone is gone");
}

#[tokio::test]
async fn the_cli_lists_rules_and_removes_one_by_its_id() {
    let app = spawn_app().await;
    let (store_id, sku, _) = store_with_rules(&app).await;
    let store_name = app.app.store(store_id).await.unwrap().name;

    let listed = wharf(&app, &["assignments", "list", &store_name, "--json"]).await;
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let listed: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed.len(), 4);
    assert_eq!(listed[0]["key"], sku);

    let table = wharf(&app, &["assignments", "list", &store_name]).await;
    let table = String::from_utf8_lossy(&table.stdout).into_owned();
    assert!(
        table.contains("SKU prefix") && table.contains("ZZZ-NONE"),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.contains("ZZZ-NONE") && l.trim_end().ends_with("none")),
        "a rule that decides nothing says so: {table}"
    );

    let id = listed[2]["id"].as_i64().unwrap().to_string();
    let removed = wharf(&app, &["assignments", "remove", &id]).await;
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    assert_eq!(rules(&app, store_id).await.len(), 3);
    let again = wharf(&app, &["assignments", "remove", &id]).await;
    assert!(!again.status.success());

    let sku_rule = listed[0]["id"].as_i64().unwrap().to_string();
    let edited = wharf(
        &app,
        &["assignments", "edit", &sku_rule, "--vendor", "Beta Goods"],
    )
    .await;
    assert!(
        edited.status.success(),
        "{}",
        String::from_utf8_lossy(&edited.stderr)
    );
    assert_eq!(rules(&app, store_id).await[0]["vendor"], "Beta Goods");
}

#[tokio::test]
async fn the_routing_rules_page_edits_and_removes_a_rule_after_a_confirm() {
    let app = spawn_app().await;
    let (store_id, sku, _) = store_with_rules(&app).await;
    let listed = rules(&app, store_id).await;
    let sku_rule = listed[0]["id"].as_i64().unwrap();
    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let post = |path: String, form: Vec<(&str, String)>| {
        app.http
            .post(format!("{}{path}", app.address))
            .header("cookie", &cookie)
            .form(&[form, vec![("csrf_token", token.clone())]].concat())
            .send()
    };

    let page = app
        .get_page(&format!("/stores/{store_id}/rules"), &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&sku) && page.contains("ZZZ-NONE"), "{page}");
    assert!(
        page.contains("<td class=\"covered\" data-label=\"Variants it decides\">none</td>"),
        "{page}"
    );

    let saved = post(
        format!("/stores/{store_id}/rules/{sku_rule}"),
        vec![("key", sku.clone()), ("vendor", "Beta Goods".into())],
    )
    .await
    .unwrap();
    assert_eq!(saved.status(), 200);
    assert!(saved.text().await.unwrap().contains("Saved."));
    assert_eq!(rules(&app, store_id).await[0]["vendor"], "Beta Goods");

    let refused = post(
        format!("/stores/{store_id}/rules/{sku_rule}"),
        vec![
            ("key", "NO-SUCH-SKU".into()),
            ("vendor", "Beta Goods".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("No imported variant has SKU")
    );

    let asked = post(
        format!("/stores/{store_id}/rules/{sku_rule}/delete"),
        vec![],
    )
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(asked.contains("id=\"confirm-remove\""), "{asked}");
    assert_eq!(
        rules(&app, store_id).await.len(),
        4,
        "nothing removed before the confirm"
    );
    let removed = post(
        format!("/stores/{store_id}/rules/{sku_rule}/delete"),
        vec![("confirm", "1".into())],
    )
    .await
    .unwrap();
    assert_eq!(removed.status(), 200);
    assert!(
        removed
            .text()
            .await
            .unwrap()
            .contains("Removed the SKU rule")
    );
    assert_eq!(rules(&app, store_id).await.len(), 3);

    let default = post(
        format!("/stores/{store_id}/rules/default"),
        vec![("vendor", String::new())],
    )
    .await
    .unwrap();
    assert_eq!(default.status(), 200);
    let listed = rules(&app, store_id).await;
    assert!(listed.last().unwrap()["vendor"].is_null(), "{listed:#?}");

    let elsewhere = post(
        format!("/stores/999999/rules/{}", listed[0]["id"]),
        vec![("key", "x".into()), ("vendor", "Beta Goods".into())],
    )
    .await
    .unwrap();
    assert_eq!(
        elsewhere.status(),
        404,
        "a rule is changed only under its own store"
    );
}

async fn products(app: &TestApp, query: &str) -> Value {
    let response = app
        .api_get(&format!("/products?per_page=500&{query}"))
        .await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn products_show_and_filter_by_the_vendor_each_variant_routes_to() {
    let app = spawn_app().await;
    let (store_id, sku, _) = store_with_rules(&app).await;
    let listed = rules(&app, store_id).await;
    let (alpha, beta) = (
        listed[0]["vendor_id"].as_i64().unwrap(),
        listed[1]["vendor_id"].as_i64().unwrap(),
    );
    let covered = |i: usize| listed[i]["variants_covered"].as_i64().unwrap();

    let of_alpha = products(&app, &format!("vendor_id={alpha}")).await;
    assert_eq!(of_alpha["total"], covered(0), "{of_alpha:#}");
    assert_eq!(of_alpha["variants"][0]["variant_sku"], sku);
    assert_eq!(of_alpha["variants"][0]["vendor"], "Alpha Supply");
    let of_beta = products(&app, &format!("vendor_id={beta}")).await;
    assert_eq!(
        of_beta["total"],
        covered(1) + covered(3),
        "brand and default"
    );
    assert_eq!(products(&app, "no_vendor=true").await["total"], 0);

    // Without a default, what no rule matches has no vendor.
    assign(&app, store_id, json!({"rule": "default", "vendor": ""})).await;
    let unrouted = products(&app, "no_vendor=true").await;
    assert_eq!(unrouted["total"], covered(3));
    assert!(
        unrouted["variants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["vendor"].is_null())
    );
    let all = products(&app, "").await;
    let named = all["variants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["vendor"].is_string())
        .count() as i64;
    assert_eq!(named, covered(0) + covered(1), "{all:#}");
    let both = app
        .api_get(&format!("/products?vendor_id={alpha}&no_vendor=true"))
        .await;
    assert_eq!(both.status(), 422);

    let cookie = app.session_cookie().await;
    let page = app
        .get_page(&format!("/products?vendor={alpha}"), &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("id=\"result-count\">{} variant", covered(0))),
        "{page}"
    );
    assert!(
        page.contains("<td class=\"vendor\" data-label=\"Vendor\">Alpha Supply</td>"),
        "{page}"
    );
    assert!(!page.contains("<td class=\"vendor\" data-label=\"Vendor\">No vendor</td>"));
    let page = app
        .get_page("/products?vendor=none", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<td class=\"vendor\" data-label=\"Vendor\">No vendor</td>"),
        "{page}"
    );
    assert!(!page.contains("<td class=\"vendor\" data-label=\"Vendor\">Alpha Supply</td>"));
    let bad = app.get_page("/products?vendor=abc", &cookie).await;
    assert_eq!(bad.status(), 400);
}
