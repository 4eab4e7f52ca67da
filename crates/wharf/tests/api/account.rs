//! The Account page and password changes end the sessions opened with the old password.

use secrecy::SecretString;
use wharf::app::App;

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, TestApp, spawn_app};

const NEW_PASSWORD: &str = "a-much-longer-new-password";

async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    let response = app.get_page("/dashboard", cookie).await;
    match response.status().as_u16() {
        200 => true,
        303 => false,
        other => panic!("the dashboard answered {other}"),
    }
}

async fn post_account_form(
    app: &TestApp,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = app.form_token(cookie).await;
    let mut form = fields.to_vec();
    form.push(("csrf_token", &token));
    app.http
        .post(format!("{}{path}", app.address))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn change_password(
    app: &TestApp,
    cookie: &str,
    current: &str,
    new: &str,
    confirm: &str,
) -> reqwest::Response {
    post_account_form(
        app,
        "/account/password",
        cookie,
        &[
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", confirm),
        ],
    )
    .await
}

/// What a restart does with `WHARF_ADMIN_PASSWORD`: a new process opening the same database.
async fn restart_with_password(app: &TestApp, password: &str) {
    let restarted = App::open(&app.settings).await.unwrap();
    restarted
        .ensure_admin(ADMIN_USER, Some(&SecretString::from(password)))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_account_page_is_linked_from_every_signed_in_page() {
    let app = spawn_app().await;
    let cookie = app.session_cookie().await;
    let dashboard = app
        .get_page("/dashboard", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains(r#"<a href="/account">Account</a>"#));
    let page = app.get_page("/account", &cookie).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Change password") && page.contains("Sign out everywhere"));
    assert_eq!(
        page.matches(r#"name="csrf_token""#).count(),
        3,
        "both forms (and sign-out) carry the form token"
    );
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_session_but_this_one() {
    let app = spawn_app().await;
    let this = app.session_cookie().await;
    let other = app.session_cookie().await;

    let response = change_password(&app, &this, ADMIN_PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/account?changed=true");

    assert!(
        signed_in(&app, &this).await,
        "the session that changed it stays"
    );
    assert!(!signed_in(&app, &other).await, "another session ends");
    let old = app
        .http
        .get(format!("{}/api/v1/stores", app.address))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401, "the old password no longer works");
    let new = app
        .http
        .get(format!("{}/api/v1/stores", app.address))
        .basic_auth(ADMIN_USER, Some(NEW_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), 200, "the new one does");
}

#[tokio::test]
async fn a_wrong_current_password_or_a_weak_new_one_is_named_and_changes_nothing() {
    let app = spawn_app().await;
    let cookie = app.session_cookie().await;
    let other = app.session_cookie().await;

    let response =
        change_password(&app, &cookie, "not-my-password", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"id="current_password-error""#), "{page}");
    assert!(page.contains("The current password is wrong."));

    let response = change_password(&app, &cookie, ADMIN_PASSWORD, "short", "short").await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"id="new_password-error""#), "{page}");
    assert!(page.contains("at least 12 characters"));

    let response = change_password(
        &app,
        &cookie,
        ADMIN_PASSWORD,
        NEW_PASSWORD,
        "something-else-entirely",
    )
    .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"id="confirm_password-error""#), "{page}");

    assert!(
        signed_in(&app, &other).await,
        "nothing changed: other sessions live"
    );
    assert_eq!(
        app.api_get("/stores").await.status(),
        200,
        "nothing changed: the password still works"
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_this_one_included() {
    let app = spawn_app().await;
    let this = app.session_cookie().await;
    let other = app.session_cookie().await;

    let response = post_account_form(&app, "/account/sign-out-everywhere", &this, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login");
    assert!(!signed_in(&app, &this).await);
    assert!(!signed_in(&app, &other).await);
}

#[tokio::test]
async fn the_account_forms_need_the_form_token() {
    let app = spawn_app().await;
    let cookie = app.session_cookie().await;
    let response = app
        .http
        .post(format!("{}/account/sign-out-everywhere", app.address))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(signed_in(&app, &cookie).await);
}

#[tokio::test]
async fn a_restart_with_a_new_admin_password_ends_the_sessions_of_the_old_one() {
    let app = spawn_app().await;
    let cookie = app.session_cookie().await;

    restart_with_password(&app, ADMIN_PASSWORD).await;
    assert!(
        signed_in(&app, &cookie).await,
        "a restart with the same password signs nobody out"
    );

    restart_with_password(&app, NEW_PASSWORD).await;
    assert!(
        !signed_in(&app, &cookie).await,
        "a cookie from before the new password no longer works"
    );
    assert_eq!(
        app.http
            .get(format!("{}/api/v1/stores", app.address))
            .basic_auth(ADMIN_USER, Some(NEW_PASSWORD))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
