//! Nobody reaches the UI or the API without signing in.

use serde_json::json;

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, spawn_app};

#[tokio::test]
async fn unauthenticated_requests_are_refused() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/setup/integrations/bigcommerce",
        "/setup/integrations/bigcommerce/new",
        "/setup/integrations/bigcommerce/stores/1",
    ] {
        let response = app
            .http
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{path}");
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login?next="),
            "{path}"
        );
    }
    let response = app
        .http
        .get(format!("{}/api/v1/stores", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = app
        .http
        .post(format!("{}/api/v1/stores", app.address))
        .json(&app.store_input("Sneaky"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = app
        .http
        .post(format!(
            "{}/setup/integrations/bigcommerce/stores/1/connect",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(
        app.app.list_stores().await.unwrap().is_empty(),
        "nothing was created"
    );
}

#[tokio::test]
async fn wrong_credentials_are_refused_and_right_ones_open_a_session() {
    let app = spawn_app().await;
    let wrong = app
        .http
        .post(format!("{}/login", app.address))
        .form(&[("username", ADMIN_USER), ("password", "guess")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());

    let response = app
        .http
        .get(format!("{}/api/v1/stores", app.address))
        .basic_auth(ADMIN_USER, Some("guess"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let page = app
        .get_page("/setup/integrations/bigcommerce", &cookie)
        .await;
    assert_eq!(page.status(), 200);

    let logout = app
        .http
        .post(format!("{}/logout", app.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 303);
    let after = app
        .get_page("/setup/integrations/bigcommerce", &cookie)
        .await;
    assert_eq!(after.status(), 303, "a signed-out session no longer works");

    let basic = app.api_post("/stores", &json!({})).await;
    assert_eq!(
        basic.status(),
        422,
        "HTTP Basic with the operator's password reaches the API"
    );
}

#[tokio::test]
async fn the_login_page_never_redirects_off_site() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", ADMIN_USER),
            ("password", ADMIN_PASSWORD),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/");
}

#[tokio::test]
async fn a_next_that_could_leave_the_site_or_break_the_redirect_goes_to_the_dashboard() {
    let app = spawn_app().await;
    for next in [
        "/%09/evil.example",
        "/\t/evil.example",
        "/\n",
        "/a\r\nSet-Cookie: x=1",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/\\evil.example",
        "https://evil.example",
    ] {
        let response = app
            .http
            .post(format!("{}/login", app.address))
            .form(&[
                ("username", ADMIN_USER),
                ("password", ADMIN_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(response.headers()["location"], "/", "{next:?}");
    }
    let response = app
        .http
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", ADMIN_USER),
            ("password", ADMIN_PASSWORD),
            ("next", "/orders?status=open"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/orders?status=open");
}

#[tokio::test]
async fn the_session_cookie_is_secure_only_when_wharf_is_served_over_https() {
    let app = spawn_app().await;
    let sign_in = |address: String| {
        let http = app.http.clone();
        async move {
            let response = http
                .post(format!("{address}/login"))
                .form(&[("username", ADMIN_USER), ("password", ADMIN_PASSWORD)])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 303);
            response.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .to_owned()
        }
    };
    let plain = sign_in(app.address.clone()).await;
    assert!(
        plain.contains("HttpOnly") && plain.contains("SameSite=Strict"),
        "{plain}"
    );
    assert!(!plain.contains("Secure"), "{plain}");

    // The same wharf behind TLS: its public URL is https.
    let mut behind_tls = app.app.clone();
    behind_tls.public_url = Some("https://wharf.example.com".parse().unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, wharf::web::router(behind_tls)).into_future());
    let secure = sign_in(address).await;
    assert!(secure.contains("; Secure"), "{secure}");
}
