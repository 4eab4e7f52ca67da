//! `wharf store add | connect | list`: the same flow from a terminal.

use std::process::Output;

use crate::helpers::{STORE_HASH, TestApp, spawn_app};

pub(crate) async fn wharf(app: &TestApp, args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_wharf"));
    command
        .args(args)
        .env("WHARF_DATABASE_URL", &app.settings.database_url)
        .env("WHARF_SECRET_KEY_FILE", app.dir.path().join("wharf.key"))
        .env("WHARF_BIGCOMMERCE_API_BASE", &app.sim.base_url)
        .env_remove("WHARF_SECRET_KEY")
        .env_remove("WHARF_ACCESS_TOKEN")
        .env_remove("WHARF_CLIENT_SECRET");
    command.output().await.expect("the wharf binary runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn a_store_added_from_the_cli_connects_green() {
    let app = spawn_app().await;
    let api_path = format!("https://api.bigcommerce.com/stores/{STORE_HASH}/v3/");
    let added = wharf(
        &app,
        &[
            "store",
            "add",
            "--name",
            "Terminal store",
            "--store-url",
            &app.store_spec.domain,
            "--api-path",
            &api_path,
            "--client-id",
            "cid",
            "--client-secret",
            "csecret",
            "--access-token",
            &app.access_token,
        ],
    )
    .await;
    assert!(added.status.success(), "{}", text(&added));

    let connected = wharf(&app, &["store", "connect", "Terminal store"]).await;
    assert_eq!(connected.status.code(), Some(0), "{}", text(&connected));
    assert!(text(&connected).contains("Connected"));

    let listed = wharf(&app, &["store", "list"]).await;
    assert!(listed.status.success());
    let listing = text(&listed);
    assert!(
        listing.contains("Terminal store")
            && listing.contains(STORE_HASH)
            && listing.contains("Connected"),
        "{listing}"
    );
    assert!(!listing.contains(&app.access_token));

    // The UI and API see the same store: one code path.
    let stores = app.app.list_stores().await.unwrap();
    assert_eq!(stores.len(), 1);
    assert!(stores[0].is_connected());
}

#[tokio::test]
async fn a_store_hash_added_again_from_the_cli_is_refused_naming_the_store_that_has_it() {
    let app = spawn_app().await;
    app.add_store(&app.store_input("Main")).await;
    let added = wharf(
        &app,
        &[
            "store",
            "add",
            "--name",
            "Terminal twin",
            "--store-url",
            &app.store_spec.domain,
            "--store-hash",
            &STORE_HASH.to_uppercase(),
            "--client-id",
            "cid",
            "--client-secret",
            "csecret",
            "--access-token",
            &app.access_token,
        ],
    )
    .await;
    assert_eq!(added.status.code(), Some(2), "{}", text(&added));
    let expected = format!("--store-hash: Store hash {STORE_HASH} is already used by store “Main”");
    assert!(text(&added).contains(&expected), "{}", text(&added));
    assert_eq!(app.app.list_stores().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_failing_connect_exits_non_zero_with_the_reasons() {
    let app = spawn_app().await;
    let added = wharf(
        &app,
        &[
            "store",
            "add",
            "--name",
            "Bad token",
            "--store-url",
            &app.store_spec.domain,
            "--store-hash",
            STORE_HASH,
            "--client-id",
            "cid",
            "--client-secret",
            "csecret",
            "--access-token",
            "wrong-token",
        ],
    )
    .await;
    assert!(added.status.success(), "{}", text(&added));
    let connected = wharf(&app, &["store", "connect", "Bad token"]).await;
    assert_eq!(connected.status.code(), Some(1), "{}", text(&connected));
    assert!(
        text(&connected).contains("Access token rejected by BigCommerce"),
        "{}",
        text(&connected)
    );
}

#[tokio::test]
async fn invalid_cli_input_names_the_flag_and_saves_nothing() {
    let app = spawn_app().await;
    let added = wharf(
        &app,
        &[
            "store",
            "add",
            "--name",
            "Broken",
            "--store-url",
            "http://insecure.example.com",
            "--api-path",
            "https://api.bigcommerce.com/stores/abc/v2/",
            "--client-id",
            "cid",
            "--client-secret",
            "s",
            "--access-token",
            "t",
        ],
    )
    .await;
    assert_eq!(added.status.code(), Some(2), "{}", text(&added));
    let output = text(&added);
    assert!(
        output.contains("--store-url") && output.contains("--api-path"),
        "{output}"
    );
    assert!(app.app.list_stores().await.unwrap().is_empty());

    let unknown = wharf(&app, &["store", "connect", "Nope"]).await;
    assert_ne!(unknown.status.code(), Some(0));
    assert!(text(&unknown).contains("Nope"));
}

#[tokio::test]
async fn products_import_from_the_cli_runs_to_completion() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(260, 2);
    let imported = wharf(&app, &["products", "import", "Main store"]).await;
    assert_eq!(imported.status.code(), Some(0), "{}", text(&imported));
    let output = text(&imported);
    assert!(
        output.contains("completed") && output.contains("260 products"),
        "{output}"
    );
    assert!(
        output.contains(&format!("{} variants", seeded.variant_count)),
        "{output}"
    );
    let run = app.app.latest_import(store_id).await.unwrap().unwrap();
    assert_eq!(run.run.counts.pages_done, 2);

    let unknown = wharf(&app, &["products", "import", "No such store"]).await;
    assert_ne!(unknown.status.code(), Some(0));
}

#[tokio::test]
async fn vendors_are_added_and_edited_from_the_cli() {
    let app = spawn_app().await;
    let added = wharf(
        &app,
        &[
            "vendor",
            "add",
            "--name",
            "Acme Supply",
            "--email",
            "ops@acme.example",
        ],
    )
    .await;
    assert!(added.status.success(), "{}", text(&added));
    let output = text(&added);
    let token = output
        .split_whitespace()
        .find(|w| w.starts_with("whv_"))
        .expect("the token is printed once");
    assert!(app.app.vendor_for_token(token).await.unwrap().is_some());

    let edited = wharf(
        &app,
        &["vendor", "edit", "acme supply", "--name", "Acme Wholesale"],
    )
    .await;
    assert!(edited.status.success(), "{}", text(&edited));
    let listed = text(&wharf(&app, &["vendor", "list"]).await);
    assert!(
        listed.contains("Acme Wholesale")
            && listed.contains("ops@acme.example")
            && !listed.contains(token),
        "{listed}"
    );

    let invalid = wharf(
        &app,
        &["vendor", "edit", "Acme Wholesale", "--email", "nope"],
    )
    .await;
    assert_eq!(invalid.status.code(), Some(2), "{}", text(&invalid));
}

#[tokio::test]
async fn routed_statuses_are_chosen_from_the_cli() {
    let app = spawn_app().await;
    app.connected_store().await;
    let set = wharf(
        &app,
        &["store", "routing", "Main store", "--statuses", "9,11,7"],
    )
    .await;
    assert!(set.status.success(), "{}", text(&set));
    assert_eq!(
        app.app.list_stores().await.unwrap()[0].routed_status_ids,
        vec![9, 11, 7]
    );
    let refused = wharf(&app, &["store", "routing", "Main store", "--statuses", "0"]).await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("Incomplete"));
}

#[tokio::test]
async fn assignment_rules_are_added_from_the_cli() {
    let app = spawn_app().await;
    app.connected_store().await;
    let added = wharf(&app, &["vendor", "add", "--name", "Acme Supply"]).await;
    assert!(added.status.success());
    let assigned = wharf(
        &app,
        &[
            "assignments",
            "add",
            "Main store",
            "--default",
            "--vendor",
            "Acme Supply",
        ],
    )
    .await;
    assert!(assigned.status.success(), "{}", text(&assigned));
    let store_id = app.app.list_stores().await.unwrap()[0].id;
    let rules = wharf::db::assignments::routing_rules(&app.app.db, store_id)
        .await
        .unwrap();
    assert!(matches!(
        rules.default,
        wharf::domain::routing::DefaultPolicy::Vendor(_)
    ));

    let brand = wharf(
        &app,
        &[
            "assignments",
            "add",
            "Main store",
            "--brand",
            "Acme",
            "--vendor",
            "Nobody",
        ],
    )
    .await;
    assert_eq!(brand.status.code(), Some(2), "{}", text(&brand));
    assert!(text(&brand).contains("Nobody"));
    let no_rule = wharf(
        &app,
        &[
            "assignments",
            "add",
            "Main store",
            "--vendor",
            "Acme Supply",
        ],
    )
    .await;
    assert!(!no_rule.status.success());
}
