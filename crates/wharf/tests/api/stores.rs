//! Adding a store and Connect, through the JSON API (the UI and CLI share the same use cases;
//! browser.rs and cli.rs drive those surfaces).

use std::time::Duration;

use futures::future::join_all;
use serde_json::{Value, json};
use sqlx::Row;

use crate::helpers::{
    STORE_HASH, TestApp, captured_logs, spawn_app, spawn_app_without_workers, spawn_wharf_process,
};

fn failures(store: &Value) -> Vec<String> {
    store["connection"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

async fn stored_store_count(app: &TestApp) -> usize {
    app.api_get("/stores")
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_valid_store_connects_green_and_the_check_is_recorded() {
    let app = spawn_app().await;
    let store = app.add_store(&app.store_input("Main store")).await;
    assert_eq!(store["connection"]["status"], "unchecked");
    assert_eq!(store["connection"]["checked_at"], Value::Null);

    let store = app.connect(store["id"].as_i64().unwrap()).await;
    assert_eq!(store["connection"]["status"], "connected", "{store:#}");
    assert_eq!(store["connection"]["label"], "Connected");
    assert!(failures(&store).is_empty());
    // Access token, store hash, store URL and the five scopes each passed.
    assert_eq!(
        store["connection"]["checks"].as_array().unwrap().len(),
        8,
        "{store:#}"
    );

    let reread = app
        .api_get(&format!("/stores/{}", store["id"]))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(reread["connection"]["status"], "connected");
    assert!(
        reread["connection"]["checked_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

#[tokio::test]
async fn connect_writes_nothing_to_the_store() {
    let app = spawn_app().await;
    let store = app.add_store(&app.store_input("Main store")).await;
    app.sim.simulator.reset_stats();
    let store = app.connect(store["id"].as_i64().unwrap()).await;
    assert_eq!(store["connection"]["status"], "connected");

    let stats = app.sim.simulator.request_stats();
    // Only reads and the two no-op probes (an order that cannot exist, an empty adjustment).
    let mut endpoints: Vec<&str> = stats.by_endpoint.keys().map(String::as_str).collect();
    endpoints.sort();
    assert_eq!(
        endpoints,
        [
            "GET /v2/store",
            "GET /v3/catalog/products",
            "GET /v3/inventory/locations",
            "PUT /v2/orders/{id}",
            "PUT /v3/inventory/adjustments/absolute",
        ]
    );
    assert!(
        stats.total <= 6,
        "Connect should cost a handful of requests, used {}",
        stats.total
    );
}

#[tokio::test]
async fn the_store_hash_may_be_pasted_as_the_whole_api_path() {
    let app = spawn_app().await;
    let mut input = app.store_input("Pasted path");
    input["store_hash"] = json!(format!(
        "https://api.bigcommerce.com/stores/{STORE_HASH}/v3/"
    ));
    let store = app.add_store(&input).await;
    assert_eq!(store["store_hash"], STORE_HASH);
    let store = app.connect(store["id"].as_i64().unwrap()).await;
    assert_eq!(store["connection"]["status"], "connected");
}

#[tokio::test]
async fn a_rejected_token_turns_red_with_the_reason() {
    let app = spawn_app().await;
    let mut input = app.store_input("Wrong token");
    input["access_token"] = json!("not-the-real-token");
    let store = app.add_store(&input).await;
    let store = app.connect(store["id"].as_i64().unwrap()).await;
    assert_eq!(store["connection"]["status"], "failed");
    assert_eq!(failures(&store), ["Access token rejected by BigCommerce"]);
}

#[tokio::test]
async fn an_unknown_store_hash_turns_red_with_the_reason() {
    let app = spawn_app().await;
    let mut input = app.store_input("Wrong hash");
    input["store_hash"] = json!("nosuchstore9");
    let store = app.add_store(&input).await;
    let store = app.connect(store["id"].as_i64().unwrap()).await;
    assert_eq!(store["connection"]["status"], "failed");
    assert_eq!(failures(&store), ["Store hash not found"]);
}

#[tokio::test]
async fn a_store_url_of_another_store_names_both_addresses() {
    let app = spawn_app().await;
    let mut input = app.store_input("Wrong URL");
    input["store_url"] = json!("https://some-other-shop.example.com");
    let store = app.add_store(&input).await;
    let store = app.connect(store["id"].as_i64().unwrap()).await;
    assert_eq!(store["connection"]["status"], "failed");
    let failures = failures(&store);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].contains("some-other-shop.example.com"),
        "{failures:?}"
    );
    assert!(failures[0].contains(&app.store_spec.domain), "{failures:?}");
}

#[tokio::test]
async fn each_missing_scope_is_reported_by_name() {
    let app = spawn_app().await;
    let full = [
        ("store_v2_orders", "Missing scope: Orders (modify)"),
        (
            "store_v2_products_read_only",
            "Missing scope: Products (read)",
        ),
        ("store_inventory", "Missing scope: Inventory (modify)"),
        (
            "store_locations_read_only",
            "Missing scope: Locations (read)",
        ),
        (
            "store_v2_information_read_only",
            "Missing scope: Information & Settings (read)",
        ),
    ];
    for (n, (left_out, expected)) in full.into_iter().enumerate() {
        let scopes: Vec<&str> = full
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| *s != left_out)
            .collect();
        // A BigCommerce store of its own each: wharf takes one store hash once.
        let hash = format!("scopeless{n}");
        let mut input = app.another_store_input(&format!("Without {left_out}"), &hash);
        input["access_token"] = json!(app.token_on(&hash, &scopes));
        let store = app.add_store(&input).await;
        let store = app.connect(store["id"].as_i64().unwrap()).await;
        assert_eq!(
            store["connection"]["status"], "failed",
            "without {left_out}"
        );
        let failures = failures(&store);
        assert!(
            failures.contains(&expected.to_owned()),
            "without {left_out}: {failures:?}"
        );
        if left_out != "store_v2_information_read_only" {
            assert_eq!(failures.len(), 1, "without {left_out}: {failures:?}");
        }
    }
}

#[tokio::test]
async fn read_only_scopes_where_wharf_must_modify_are_missing_scopes() {
    let app = spawn_app().await;
    let token = app.token_with_scopes(&[
        "store_v2_orders_read_only",
        "store_v2_products_read_only",
        "store_inventory_read_only",
        "store_locations_read_only",
        "store_v2_information_read_only",
    ]);
    let mut input = app.store_input("Read only");
    input["access_token"] = json!(token);
    let store = app.add_store(&input).await;
    let store = app.connect(store["id"].as_i64().unwrap()).await;
    assert_eq!(
        failures(&store),
        [
            "Missing scope: Orders (modify)",
            "Missing scope: Inventory (modify)"
        ]
    );
}

#[tokio::test]
async fn every_invalid_field_is_named_and_nothing_is_saved() {
    let app = spawn_app().await;
    app.add_store(&app.store_input("Taken")).await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("name", json!(""), "Name is required"),
        ("name", json!("  taken "), "already exists"),
        ("store_url", json!(""), "Store URL is required"),
        ("store_url", json!("http://shop.example.com"), "https"),
        ("store_url", json!("not a host"), "https URL or a host"),
        ("store_hash", json!(""), "Store hash is required"),
        ("store_hash", json!("ab$12"), "letters and digits"),
        (
            "store_hash",
            json!("https://api.bigcommerce.com/stores/abc123/v2/"),
            "API path must look like",
        ),
        (
            "store_hash",
            json!("https://example.com/stores/abc123/v3/"),
            "API path must look like",
        ),
        ("client_id", json!(""), "Client ID is required"),
        ("client_secret", json!(" "), "Client Secret is required"),
        ("access_token", json!(""), "Access Token is required"),
        ("access_token", json!("two words"), "without spaces"),
        ("auth_type", json!("app_oauth"), "not available yet"),
        (
            "store_hash",
            json!(STORE_HASH.to_uppercase()),
            "already used by store “Taken”",
        ),
    ];
    for (field, value, expected) in cases {
        let mut input = app.store_input("Fresh name");
        input["store_hash"] = json!("freshstore1");
        input[field] = value.clone();
        let response = app.api_post("/stores", &input).await;
        assert_eq!(response.status(), 422, "{field} = {value}");
        let body: Value = response.json().await.unwrap();
        let errors = body["fields"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{field} = {value}: {body}");
        assert_eq!(errors[0]["field"], field, "{field} = {value}: {body}");
        let message = errors[0]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{field} = {value}: {message:?}");
    }
    assert_eq!(
        stored_store_count(&app).await,
        1,
        "no invalid store was saved"
    );
}

#[tokio::test]
async fn a_separate_api_path_field_is_accepted_and_checked_against_the_hash() {
    let app = spawn_app().await;
    let mut input = app.store_input("By API path");
    input["store_hash"] = json!("");
    input["api_path"] = json!(format!(
        "https://api.bigcommerce.com/stores/{STORE_HASH}/v3/"
    ));
    assert_eq!(app.add_store(&input).await["store_hash"], STORE_HASH);

    let mut input = app.store_input("Disagreeing");
    input["api_path"] = json!("https://api.bigcommerce.com/stores/other1/v3/");
    let response = app.api_post("/stores", &input).await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn store_pages_show_the_status_and_time_of_the_last_check() {
    let app = spawn_app().await;
    let store = app.add_store(&app.store_input("Shown")).await;
    let id = store["id"].as_i64().unwrap();
    app.connect(id).await;
    let cookie = app.session_cookie().await;
    for path in [
        "/setup/integrations/bigcommerce".to_owned(),
        format!("/setup/integrations/bigcommerce/stores/{id}"),
    ] {
        let page = app.get_page(&path, &cookie).await;
        assert_eq!(page.status(), 200, "{path}");
        let html = page.text().await.unwrap();
        assert!(html.contains("Connected"), "{path}");
        assert!(
            html.contains("<time>"),
            "{path}: the last check's time is shown"
        );
    }
}

#[tokio::test]
async fn unreadable_bodies_get_the_apis_error_shape_and_store_nothing() {
    let app = spawn_app().await;
    let post = |body: &'static str, content_type: &'static str| {
        app.http
            .post(format!("{}/api/v1/stores", app.address))
            .basic_auth(
                crate::helpers::ADMIN_USER,
                Some(crate::helpers::ADMIN_PASSWORD),
            )
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    let broken = post(r#"{"name": "Acme""#, "application/json")
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    let error: Value = broken.json().await.unwrap();
    let message = error["error"].as_str().unwrap();
    assert!(
        message.contains("not valid JSON") && message.contains("line 1"),
        "{error}"
    );

    let wrong_shape = post(r#"{"name": 5}"#, "application/json").await.unwrap();
    assert_eq!(wrong_shape.status(), 422);
    let error: Value = wrong_shape.json().await.unwrap();
    assert_eq!(error["error"], "invalid input");
    assert_eq!(error["fields"][0]["field"], "name", "{error}");

    let not_json = post(r#"{"name": "Acme"}"#, "text/plain").await.unwrap();
    assert_eq!(not_json.status(), 415);
    let error: Value = not_json.json().await.unwrap();
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .contains("application/json")
    );

    let stores: Value = app.api_get("/stores").await.json().await.unwrap();
    assert_eq!(stores.as_array().unwrap().len(), 0, "{stores}");
}

/// The one error of a refused add, which must be on `store_hash` and name the store that has it.
fn hash_in_use_message(body: &Value, used_by: &str) -> String {
    assert_eq!(body["error"], "invalid input", "{body}");
    let fields = body["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{body}");
    assert_eq!(fields[0]["field"], "store_hash", "{body}");
    let message = fields[0]["message"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with(&format!(
            "Store hash {STORE_HASH} is already used by store “{used_by}”"
        )),
        "{message}"
    );
    message
}

#[tokio::test]
async fn a_store_hash_is_added_once_however_it_is_spelled() {
    let app = spawn_app().await;
    app.add_store(&app.store_input("Main")).await;
    let upper = STORE_HASH.to_uppercase();
    for hash in [
        STORE_HASH.to_owned(),
        upper.clone(),
        format!("  {upper} "),
        format!("https://api.bigcommerce.com/stores/{upper}/v3/"),
    ] {
        let mut input = app.store_input("Main again");
        input["store_hash"] = json!(hash);
        let response = app.api_post("/stores", &input).await;
        assert_eq!(response.status(), 422, "{hash}");
        hash_in_use_message(&response.json().await.unwrap(), "Main");
    }
    assert_eq!(stored_store_count(&app).await, 1, "nothing more was saved");
}

#[tokio::test]
async fn of_concurrent_adds_of_one_store_hash_exactly_one_succeeds() {
    let app = spawn_app().await;
    let inputs: Vec<Value> = (0..8)
        .map(|n| app.store_input(&format!("Racer {n}")))
        .collect();
    let responses = join_all(inputs.iter().map(|input| async {
        let response = app.api_post("/stores", input).await;
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    }))
    .await;
    let added: Vec<&Value> = responses
        .iter()
        .filter(|(status, _)| *status == 201)
        .map(|(_, body)| body)
        .collect();
    assert_eq!(added.len(), 1, "{responses:#?}");
    let winner = added[0]["name"].as_str().unwrap();
    for (status, body) in responses.iter().filter(|(status, _)| *status != 201) {
        assert_eq!(*status, 422, "{body}");
        hash_in_use_message(body, winner);
    }
    assert_eq!(stored_store_count(&app).await, 1);

    // Below the use case's friendly check, the insert itself holds: eight inserts of one hash
    // at once, none of them looking first, save one store.
    let db = &app.app.db;
    let sealed = format!("sealed-{}", uuid::Uuid::new_v4().simple());
    let names: Vec<String> = (0..8).map(|n| format!("Direct {n}")).collect();
    let inserted = join_all(names.iter().map(|name| {
        let row = wharf::db::stores::NewStoreRow {
            name,
            auth_type: "private",
            store_url: &app.store_spec.domain,
            store_hash: "racedstore1",
            client_id: "client-id",
            client_secret_sealed: &sealed,
            client_secret_last4: "1234",
            access_token_sealed: &sealed,
            access_token_last4: "1234",
            vendor_id: None,
        };
        async move { wharf::db::stores::insert(db, &row).await }
    }))
    .await;
    let saved = inserted.iter().filter(|r| r.is_ok()).count();
    assert_eq!(saved, 1, "{inserted:?}");
    for refused in inserted.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            matches!(refused, wharf::db::DbError::Duplicate("store_hash")),
            "{refused:?}"
        );
    }
    assert_eq!(stored_store_count(&app).await, 2);
}

#[tokio::test]
async fn the_add_store_form_shows_a_store_hash_in_use_on_its_field() {
    let app = spawn_app().await;
    app.add_store(&app.store_input("Main")).await;
    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let response = app
        .http
        .post(format!("{}/setup/integrations/bigcommerce", app.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &token)
        .form(&[
            ("name", "Typed twice"),
            ("auth_type", "private"),
            ("store_url", app.store_spec.domain.as_str()),
            ("store_hash", &STORE_HASH.to_uppercase()),
            ("client_id", "client-id-123"),
            ("client_secret", "form-secret"),
            ("access_token", app.access_token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    let expected = format!(
        "<p class=\"field-error\" id=\"store_hash-error\">Store hash {STORE_HASH} is already used by store “Main”"
    );
    assert!(html.contains(&expected), "{html}");
    assert!(html.contains("Nothing was saved"), "{html}");
    // The form is shown again with what was typed, to correct.
    assert!(html.contains(r#"value="Typed twice""#), "{html}");
    assert_eq!(stored_store_count(&app).await, 1);
}

/// What wharf allowed before store hashes were unique: `original` added a second time, as
/// `copy_name`, and connected like it. The test's database is taken back to before the
/// migration that made hashes unique, so the next wharf to open it runs that migration on a
/// database holding one store twice. Returns the copy's id.
async fn add_again_as_before_hashes_were_unique(
    app: &TestApp,
    original: i64,
    copy_name: &str,
) -> i64 {
    let pool = app.app.db.pool();
    for undo in [
        "DROP TABLE store_hashes",
        "DELETE FROM _sqlx_migrations WHERE version = 10",
    ] {
        sqlx::query(undo).execute(pool).await.unwrap();
    }
    let copy = sqlx::query(
        "INSERT INTO stores (name, auth_type, store_url, store_hash, client_id, client_secret_sealed,
                             client_secret_last4, access_token_sealed, access_token_last4,
                             connection_status, connection_checks, last_checked_at, created_at, updated_at)
         SELECT $1, auth_type, store_url, store_hash, client_id, client_secret_sealed,
                client_secret_last4, access_token_sealed, access_token_last4,
                connection_status, connection_checks, last_checked_at, created_at + 1, updated_at
         FROM stores WHERE id = $2
         RETURNING id",
    )
    .bind(copy_name)
    .bind(original)
    .fetch_one(pool)
    .await
    .unwrap();
    copy.get("id")
}

#[tokio::test]
async fn a_store_added_twice_before_hashes_were_unique_is_reported_and_stays_red() {
    let app = spawn_app().await;
    let original = app.add_store(&app.store_input("Twice original")).await;
    let original = original["id"].as_i64().unwrap();
    assert_eq!(
        app.connect(original).await["connection"]["status"],
        "connected"
    );
    let copy = add_again_as_before_hashes_were_unique(&app, original, "Twice copy").await;

    // A restart migrates the database (which a unique index on the hash could not) and says
    // which stores share a hash.
    wharf::app::App::open(&app.settings)
        .await
        .expect("wharf opens a database holding one store twice");
    let logs = captured_logs();
    let warning = logs
        .lines()
        .find(|line| line.contains("“Twice copy”"))
        .expect("a warning names the stores");
    assert!(warning.contains("WARN"), "{warning}");
    assert!(
        warning.contains(&format!(
            "stores “Twice original” and “Twice copy” have the same store hash {STORE_HASH}"
        )),
        "{warning}"
    );

    // Connected green once, the copy is shown red with the reason before anyone presses
    // Connect, and Connect keeps it red without asking BigCommerce anything.
    let reason = format!(
        "Store hash {STORE_HASH} is already used by store “Twice original”, added before this one"
    );
    let shown: Value = app
        .api_get(&format!("/stores/{copy}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["connection"]["status"], "failed", "{shown:#}");
    assert_eq!(shown["store_hash_used_by"]["name"], "Twice original");
    assert!(failures(&shown)[0].starts_with(&reason), "{shown:#}");
    app.sim.simulator.reset_stats();
    let connected = app.connect(copy).await;
    assert_eq!(connected["connection"]["status"], "failed");
    let failed = failures(&connected);
    assert_eq!(failed.len(), 1, "{connected:#}");
    assert!(failed[0].starts_with(&reason), "{failed:?}");
    assert_eq!(
        connected["connection"]["checks"][0]["check"],
        "store_hash_unique"
    );
    assert_eq!(app.sim.simulator.request_stats().total, 0);

    // The original, which holds the hash, is unaffected.
    assert_eq!(
        app.connect(original).await["connection"]["status"],
        "connected"
    );
    let original_view: Value = app
        .api_get(&format!("/stores/{original}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(original_view["store_hash_used_by"], Value::Null);

    // The copy's page says so where it is seen.
    let cookie = app.session_cookie().await;
    let page = app
        .get_page(
            &format!("/setup/integrations/bigcommerce/stores/{copy}"),
            &cookie,
        )
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let notice = html
        .split(r#"id="store-hash-in-use""#)
        .nth(1)
        .expect("the page shows the notice");
    assert!(notice.contains(&reason), "{html}");
    assert!(
        notice.contains(&format!(
            r#"href="/setup/integrations/bigcommerce/stores/{original}">Open “Twice original”"#
        )),
        "{html}"
    );

    // Syncing it by hand is refused with the reason, and no third copy may be added.
    let sync = app
        .api_post(&format!("/stores/{copy}/orders/sync"), &json!({}))
        .await;
    assert_eq!(sync.status(), 409);
    let body: Value = sync.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().starts_with(&reason),
        "{body}"
    );
    let response = app
        .api_post("/stores", &app.store_input("Third time"))
        .await;
    assert_eq!(response.status(), 422);
    hash_in_use_message(&response.json().await.unwrap(), "Twice original");
}

#[tokio::test]
async fn the_orders_of_a_store_added_twice_are_polled_once() {
    let app = spawn_app_without_workers().await;
    let original = app.add_store(&app.store_input("Polled original")).await;
    let original = original["id"].as_i64().unwrap();
    assert_eq!(
        app.connect(original).await["connection"]["status"],
        "connected"
    );
    app.seed_catalog(5, 1);
    let placed = app.sim.simulator.seed_orders(STORE_HASH, 3);
    let copy = add_again_as_before_hashes_were_unique(&app, original, "Polled copy").await;

    // `wharf serve` migrates the database and polls every connected store each second.
    let mut server = spawn_wharf_process(&app, &[("WHARF_ORDER_POLL_SECS", "1")]);
    let orders_of = |store: i64| {
        let app = &app;
        async move {
            app.api_get(&format!("/orders?store_id={store}"))
                .await
                .json::<Vec<Value>>()
                .await
                .unwrap()
        }
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while orders_of(original).await.len() < placed.len() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the original store's orders were not polled"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Several more polls of the original's.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let _ = server.kill();
    let _ = server.wait();

    assert_eq!(orders_of(original).await.len(), placed.len());
    assert!(orders_of(copy).await.is_empty(), "the copy imported orders");
    let copy_jobs: i64 = sqlx::query("SELECT COUNT(*) AS n FROM jobs WHERE store_id = $1")
        .bind(copy)
        .fetch_one(app.app.db.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(copy_jobs, 0, "no job was queued for the copy");
}
