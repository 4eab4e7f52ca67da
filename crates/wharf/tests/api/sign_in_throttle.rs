//! Guessing passwords is slowed down per client address and per account, through the login form
//! and HTTP Basic alike, and a throttled attempt is answered 429 without checking the password.

use std::net::IpAddr;

use secrecy::SecretString;
use wharf::app::operators::hash_password;

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, TestApp, captured_logs, spawn_app};

/// Wrong passwords one address may send before it must wait (five free, the sixth starts it).
const FAILURES_BEFORE_WAITING: usize = 6;

/// A client whose connections come from `address` (any 127.x.y.z reaches wharf on loopback).
fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(address.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn post_login(
    app: &TestApp,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(format!("{}/login", app.address))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn guess(app: &TestApp, client: &reqwest::Client, username: &str, times: usize) {
    for _ in 0..times {
        let response = post_login(app, client, username, "not-the-password").await;
        assert_eq!(response.status(), 401, "a wrong password is refused");
    }
}

fn retry_after_secs(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn after_repeated_wrong_passwords_an_address_must_wait_even_with_the_right_one() {
    let app = spawn_app().await;
    let client = client_from("127.0.0.1");
    guess(&app, &client, ADMIN_USER, FAILURES_BEFORE_WAITING).await;

    let response = post_login(&app, &client, ADMIN_USER, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), 429);
    assert!(retry_after_secs(&response) >= 1);
    assert!(response.headers().get("set-cookie").is_none());
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Too many attempts. Try again in"),
        "the login page says why: {page}"
    );
}

#[tokio::test]
async fn another_address_signs_in_to_its_own_account_while_one_is_throttled() {
    let app = spawn_app().await;
    let clerk_password = "the-clerks-own-password";
    wharf::db::users::insert(
        &app.app.db,
        "clerk",
        &hash_password(&SecretString::from(clerk_password)),
    )
    .await
    .unwrap();
    let attacker = client_from("127.0.0.2");
    guess(&app, &attacker, ADMIN_USER, FAILURES_BEFORE_WAITING).await;
    assert_eq!(
        post_login(&app, &attacker, "clerk", clerk_password)
            .await
            .status(),
        429,
        "the attacker's address waits, whatever account it tries"
    );

    let clerk = client_from("127.0.0.3");
    let response = post_login(&app, &clerk, "clerk", clerk_password).await;
    assert_eq!(response.status(), 303, "another address is not affected");
}

#[tokio::test]
async fn an_account_guessed_at_from_many_addresses_is_locked_for_every_address() {
    let app = spawn_app().await;
    // Ten failures on the account are free, spread so that no address reaches its own limit.
    for address in ["127.0.0.11", "127.0.0.12"] {
        guess(&app, &client_from(address), ADMIN_USER, 5).await;
    }
    guess(&app, &client_from("127.0.0.13"), ADMIN_USER, 1).await;

    let response = post_login(&app, &client_from("127.0.0.14"), ADMIN_USER, ADMIN_PASSWORD).await;
    assert_eq!(
        response.status(),
        429,
        "a fresh address waits for the account"
    );
    assert!(retry_after_secs(&response) >= 1);
}

#[tokio::test]
async fn http_basic_guesses_are_throttled_logged_and_counted() {
    let app = spawn_app().await;
    let client = client_from("127.0.0.21");
    let username = format!("basic-guesser-{}", uuid::Uuid::new_v4().simple());
    for _ in 0..FAILURES_BEFORE_WAITING {
        let response = client
            .get(format!("{}/api/v1/stores", app.address))
            .basic_auth(&username, Some("not-the-password"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    let response = client
        .get(format!("{}/api/v1/stores", app.address))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429, "the right password waits too");
    assert!(retry_after_secs(&response) >= 1);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("Too many attempts"),
        "{body}"
    );

    let logs = captured_logs();
    let refusal = logs
        .lines()
        .find(|line| line.contains(&username) && line.contains("sign-in refused"))
        .expect("a refused Basic sign-in is logged");
    assert!(
        refusal.contains("basic") && refusal.contains("127.0.0.21"),
        "{refusal}"
    );
    assert!(!logs.contains("not-the-password"), "never the password");

    let metrics = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for series in [
        r#"wharf_sign_ins_total{via="basic",outcome="refused"}"#,
        r#"wharf_sign_ins_total{via="basic",outcome="throttled"}"#,
    ] {
        assert!(metrics.contains(series), "{series} in\n{metrics}");
    }
}

#[tokio::test]
async fn refused_and_throttled_form_sign_ins_are_counted() {
    let app = spawn_app().await;
    let client = client_from("127.0.0.31");
    guess(&app, &client, ADMIN_USER, FAILURES_BEFORE_WAITING).await;
    assert_eq!(
        post_login(&app, &client, ADMIN_USER, "not-the-password")
            .await
            .status(),
        429
    );
    let metrics = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for series in [
        r#"wharf_sign_ins_total{via="form",outcome="refused"}"#,
        r#"wharf_sign_ins_total{via="form",outcome="throttled"}"#,
    ] {
        assert!(metrics.contains(series), "{series} in\n{metrics}");
    }
}
