//! The access token and client secret are never stored, logged or shown in plain text.

use serde_json::Value;

use crate::helpers::{captured_logs, spawn_app};

#[tokio::test]
async fn secrets_are_nowhere_in_plain_text() {
    let app = spawn_app().await;
    let input = app.store_input("Secretive");
    let client_secret = input["client_secret"].as_str().unwrap().to_owned();
    let store = app.add_store(&input).await;
    let id = store["id"].as_i64().unwrap();
    // Connect uses the token for real: the secret must survive the round trip through the cipher.
    let store = app.connect(id).await;
    assert_eq!(store["connection"]["status"], "connected");

    let token = &app.access_token;
    let secrets = [token.as_str(), client_secret.as_str()];

    // API responses show the last four characters only.
    for body in [
        store.clone(),
        app.api_get("/stores").await.json::<Value>().await.unwrap(),
    ] {
        let text = body.to_string();
        for secret in secrets {
            assert!(
                !text.contains(secret),
                "a response revealed a secret: {text}"
            );
        }
    }
    assert_eq!(
        store["access_token"],
        format!("••••{}", &token[token.len() - 4..])
    );
    assert_eq!(
        store["client_secret"],
        format!("••••{}", &client_secret[client_secret.len() - 4..])
    );

    // Pages too.
    let cookie = app.session_cookie().await;
    for path in [
        "/setup/integrations/bigcommerce".to_owned(),
        format!("/setup/integrations/bigcommerce/stores/{id}"),
    ] {
        let html = app.get_page(&path, &cookie).await.text().await.unwrap();
        for secret in secrets {
            assert!(!html.contains(secret), "{path} revealed a secret");
        }
    }

    // The stored columns, on either backend.
    let rows =
        sqlx::query("SELECT client_id, client_secret_sealed, access_token_sealed FROM stores")
            .fetch_all(app.app.db.pool())
            .await
            .unwrap();
    for row in rows {
        use sqlx::Row;
        for column in ["client_id", "client_secret_sealed", "access_token_sealed"] {
            let value: String = row.get(column);
            for secret in secrets {
                assert!(!value.contains(secret), "column {column} holds a secret");
            }
        }
    }

    // The database files (main file, WAL and shared memory on SQLite).
    app.app.db.close().await;
    for path in app.sqlite_files() {
        let bytes = std::fs::read(&path).unwrap();
        for secret in secrets {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds a secret in plain text",
                path.display()
            );
        }
    }
    if app.database_url.starts_with("sqlite") {
        assert!(
            !app.sqlite_files().is_empty(),
            "the SQLite file was searched"
        );
    }

    // Everything logged at debug level while this and every other test ran.
    let logs = captured_logs();
    assert!(
        logs.contains("connection checked"),
        "the connect was logged, so the logs were captured"
    );
    for secret in secrets {
        assert!(!logs.contains(secret), "the logs hold a secret");
    }
}

/// The database (with its WAL and shared-memory files) and the key file are the owner's only:
/// other local users must not read orders, addresses or sealed credentials.
#[cfg(unix)]
#[tokio::test]
async fn the_database_and_key_files_are_private() {
    use std::os::unix::fs::PermissionsExt;

    let app = spawn_app().await;
    let store = app.add_store(&app.store_input("Private files")).await;
    app.connect(store["id"].as_i64().unwrap()).await;

    let mut files = app.sqlite_files();
    if app.database_url.starts_with("sqlite://") {
        assert_eq!(files.len(), 3, "the database, its WAL and shm: {files:?}");
    }
    files.push(app.dir.path().join("wharf.key"));
    for file in files {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is {mode:o}", file.display());
    }
}
