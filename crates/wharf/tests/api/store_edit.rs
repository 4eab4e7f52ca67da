//! Editing a store (issue 17): a store saved with a wrong hash or token is fixed in place, from
//! the API, the CLI and the store page; new credentials mean Connect runs again.

use serde_json::{Value, json};

use crate::cli::wharf;
use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, TestApp, spawn_app};

async fn edit(app: &TestApp, store_id: i64, changes: &Value) -> reqwest::Response {
    app.http
        .put(format!("{}/api/v1/stores/{store_id}", app.address))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .json(changes)
        .send()
        .await
        .unwrap()
}

async fn store(app: &TestApp, store_id: i64) -> Value {
    let response = app.api_get(&format!("/stores/{store_id}")).await;
    response.json().await.unwrap()
}

/// Each bad field of a refused edit, by name.
async fn refused_fields(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<_> = body["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("{body:#}"))
        .iter()
        .map(|f| f["field"].clone())
        .collect();
    json!(fields)
}

#[tokio::test]
async fn a_wrong_token_is_replaced_and_the_store_connects_after_connect_runs_again() {
    let app = spawn_app().await;
    let mut input = app.store_input("Main store");
    input["access_token"] = json!("not-the-real-token");
    let id = app.add_store(&input).await["id"].as_i64().unwrap();
    assert_eq!(app.connect(id).await["connection"]["status"], "failed");
    let secret_before = store(&app, id).await["client_secret"].clone();

    let response = edit(&app, id, &json!({ "access_token": app.access_token })).await;
    assert_eq!(response.status(), 200);
    let edited: Value = response.json().await.unwrap();
    // The old verdict was about the old token: unchecked until Connect runs.
    assert_eq!(edited["connection"]["status"], "unchecked", "{edited:#}");
    assert_eq!(edited["connection"]["checked_at"], Value::Null);
    assert_eq!(edited["name"], "Main store", "fields left out are kept");
    assert_eq!(edited["client_secret"], secret_before, "the secret is kept");
    assert_eq!(app.connect(id).await["connection"]["status"], "connected");

    // A new name only is no new credential: the store stays connected.
    let renamed = edit(
        &app,
        id,
        &json!({ "name": "Main shop", "client_secret": "" }),
    )
    .await;
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!(renamed["name"], "Main shop");
    assert_eq!(renamed["connection"]["status"], "connected");
}

#[tokio::test]
async fn a_wrong_hash_is_fixed_and_its_claim_moves_with_it() {
    let app = spawn_app().await;
    let mut input = app.store_input("Main store");
    input["store_hash"] = json!("wronghash1");
    let id = app.add_store(&input).await["id"].as_i64().unwrap();
    assert_eq!(app.connect(id).await["connection"]["status"], "failed");

    let api_path = format!(
        "https://api.bigcommerce.com/stores/{}/v3/",
        crate::helpers::STORE_HASH
    );
    let edited: Value = edit(&app, id, &json!({ "store_hash": api_path }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(edited["store_hash"], crate::helpers::STORE_HASH);
    assert_eq!(app.connect(id).await["connection"]["status"], "connected");
    // The old hash is free again for the store it really belongs to.
    app.add_store(&app.another_store_input("Second", "wronghash1"))
        .await;
}

#[tokio::test]
async fn an_edit_taking_another_stores_hash_or_name_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let main = app.add_store(&app.store_input("Main store")).await;
    let second = app
        .add_store(&app.another_store_input("Second", "secondstore1"))
        .await;
    let id = second["id"].as_i64().unwrap();

    let taken = edit(&app, id, &json!({ "store_hash": main["store_hash"] })).await;
    assert_eq!(refused_fields(taken).await, json!(["store_hash"]));
    let taken = edit(&app, id, &json!({ "name": "MAIN STORE" })).await;
    assert_eq!(refused_fields(taken).await, json!(["name"]));
    let bad = edit(
        &app,
        id,
        &json!({ "store_url": "http://x.example.com", "client_id": "" }),
    )
    .await;
    assert_eq!(refused_fields(bad).await, json!(["store_url", "client_id"]));
    assert_eq!(
        store(&app, id).await["store_hash"],
        "secondstore1",
        "nothing was saved"
    );
    assert_eq!(edit(&app, 999_999, &json!({})).await.status(), 404);
}

#[tokio::test]
async fn a_store_is_edited_from_the_cli() {
    let app = spawn_app().await;
    let mut input = app.store_input("Terminal store");
    input["access_token"] = json!("not-the-real-token");
    let id = app.add_store(&input).await["id"].as_i64().unwrap();

    let token = app.access_token.clone();
    let edited = wharf(
        &app,
        &[
            "store",
            "edit",
            "Terminal store",
            "--access-token",
            &token,
            "--name",
            "Terminal shop",
        ],
    )
    .await;
    assert!(edited.status.success(), "{edited:?}");
    let connected = wharf(&app, &["store", "connect", "Terminal shop"]).await;
    assert!(connected.status.success(), "{connected:?}");

    let refused = wharf(
        &app,
        &[
            "store",
            "edit",
            "Terminal shop",
            "--store-url",
            "http://x.example.com",
        ],
    )
    .await;
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("--store-url: Store URL must use https"),
        "{stderr}"
    );
    assert_eq!(store(&app, id).await["connection"]["status"], "connected");
}

#[tokio::test]
async fn the_store_page_edit_form_saves_and_names_a_bad_field() {
    let app = spawn_app().await;
    let store_json = app.add_store(&app.store_input("Main store")).await;
    let id = store_json["id"].as_i64().unwrap();
    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let page_path = format!("/setup/integrations/bigcommerce/stores/{id}");
    let page = app
        .get_page(&page_path, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"edit-store\""), "the page offers Edit");

    let post = |fields: Vec<(&'static str, String)>| {
        let mut fields = fields;
        fields.push(("csrf_token", token.clone()));
        app.http
            .post(format!("{}{page_path}/edit", app.address))
            .header("cookie", &cookie)
            .form(&fields)
            .send()
    };
    let form = |name: &str, url: &str| {
        vec![
            ("name", name.to_owned()),
            ("store_url", url.to_owned()),
            (
                "store_hash",
                store_json["store_hash"].as_str().unwrap().to_owned(),
            ),
            ("client_id", "client-id-123".to_owned()),
            ("client_secret", String::new()),
            ("access_token", String::new()),
        ]
    };
    let refused = post(form("Renamed", "ftp://shop")).await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("id=\"edit-store_url-error\""), "{page}");
    assert!(page.contains("value=\"Renamed\""), "what was typed is kept");
    assert_eq!(store(&app, id).await["name"], "Main store");

    let saved = post(form("Renamed", store_json["store_url"].as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let edited = store(&app, id).await;
    assert_eq!(edited["name"], "Renamed");
    assert_eq!(
        edited["client_secret"], store_json["client_secret"],
        "an empty secret keeps the stored one"
    );
}
