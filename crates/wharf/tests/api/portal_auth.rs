//! Vendor users sign in to the portal under `/vendor/`: their own sessions, which never stand
//! for an operator's (or the other way round), the operators' throttle and CSRF rules, and
//! invitation and reset links that work once and say in words why they no longer do.

use std::net::IpAddr;

use crate::helpers::{TestApp, spawn_app};
use crate::portal_helpers::{VENDOR_PASSWORD, session_cookie_of, vendor_with_user};

/// Every portal page's source, checked for the one word the merchant's vendors must not see.
fn assert_unbranded(page: &str) {
    assert!(
        !page.to_lowercase().contains("wharf"),
        "a portal page names wharf:\n{page}"
    );
}

async fn post_login(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(format!("{}/vendor/login", app.address))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_vendor_user_signs_in_sees_the_home_page_and_signs_out() {
    let app = spawn_app().await;
    let login = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;

    let home = login.get(&app, "/vendor/").await;
    assert_eq!(home.status(), 200);
    let page = home.text().await.unwrap();
    assert!(page.contains("Acme Supply"), "{page}");
    for section in ["Purchase orders", "Ship", "Stock", "Account"] {
        assert!(page.contains(section), "navigation has {section}");
    }
    assert_unbranded(&page);

    let signed_out = login.post(&app, "/vendor/logout", &[]).await;
    assert_eq!(signed_out.status(), 303);
    assert_eq!(
        signed_out.headers()["location"],
        "/vendor/login?signed_out=true"
    );
    let after = login.get(&app, "/vendor/").await;
    assert_eq!(after.status(), 303, "the session ended with sign-out");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_scoped_to_the_portal() {
    let app = spawn_app().await;
    vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let response = post_login(&app, &app.http, "PAT@acme.example", VENDOR_PASSWORD).await;
    assert_eq!(
        response.status(),
        303,
        "the address is matched without case"
    );
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/vendor"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "no https public URL: {set_cookie}"
    );
}

#[tokio::test]
async fn signing_in_sends_people_back_where_they_were_going_but_never_off_the_portal() {
    let app = spawn_app().await;
    let login = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let anonymous = app.get_page("/vendor/?from=mail", "").await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(
        anonymous.headers()["location"],
        "/vendor/login?next=%2Fvendor%2F%3Ffrom%3Dmail"
    );
    for (next, lands) in [
        ("/vendor/account", "/vendor/account"),
        ("/dashboard", "/vendor/"),
        ("//evil.example/vendor/", "/vendor/"),
    ] {
        let response = app
            .http
            .post(format!("{}/vendor/login", app.address))
            .form(&[
                ("email", login.email.as_str()),
                ("password", VENDOR_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["location"], lands, "next = {next}");
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = spawn_app().await;
    vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let wrong = post_login(&app, &app.http, "pat@acme.example", "not the password").await;
    let unknown = post_login(&app, &app.http, "nobody@acme.example", VENDOR_PASSWORD).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let (wrong, unknown) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(
        wrong.contains("Wrong e-mail address or password."),
        "{wrong}"
    );
    assert_eq!(
        wrong.replace("pat@acme.example", ""),
        unknown.replace("nobody@acme.example", ""),
        "the pages differ only by the address typed"
    );
    assert_unbranded(&wrong);
}

#[tokio::test]
async fn a_deactivated_vendors_users_are_told_so_and_their_sessions_stop() {
    let app = spawn_app().await;
    let login = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    app.app
        .set_vendor_active(login.vendor_id, false)
        .await
        .unwrap();

    assert_eq!(
        login.get(&app, "/vendor/").await.status(),
        303,
        "session stops"
    );
    let response = post_login(&app, &app.http, &login.email, VENDOR_PASSWORD).await;
    assert_eq!(response.status(), 403);
    assert!(session_cookie_of(&response).is_none());
    let page = response.text().await.unwrap();
    assert!(
        page.contains("access to this portal is switched off"),
        "{page}"
    );

    // A wrong password still says only that: deactivation is not revealed to a guesser.
    let guess = post_login(&app, &app.http, &login.email, "not the password").await;
    assert_eq!(guess.status(), 401);
}

#[tokio::test]
async fn operator_and_vendor_sessions_never_stand_for_each_other() {
    let app = spawn_app().await;
    let login = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let operator = app.session_cookie().await;

    // An operator's cookie gets the portal's sign-in page and nothing else.
    let portal_home = app.get_page("/vendor/", &operator).await;
    assert_eq!(portal_home.status(), 303);
    assert!(
        portal_home.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/vendor/login")
    );
    assert_eq!(app.get_page("/vendor/login", &operator).await.status(), 200);

    // A vendor user's cookie, even sent where the browser never would, gets nothing of the
    // operators' pages or API.
    for path in ["/dashboard", "/vendors", "/account"] {
        let response = login.get(&app, path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert!(
            response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login")
        );
    }
    let api = login.get(&app, "/api/v1/vendors").await;
    assert_eq!(api.status(), 401);
    let as_operator_cookie = login.cookie.replace("portal_session=", "wharf_session=");
    assert_eq!(
        app.get_page("/dashboard", &as_operator_cookie)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn a_cross_site_post_with_the_portal_session_is_refused() {
    let app = spawn_app().await;
    let login = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let token = login.form_token(&app).await;
    for (name, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let response = app
            .http
            .post(format!("{}/vendor/logout", app.address))
            .header("cookie", &login.cookie)
            .header(name, value)
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{name}: {value}");
        assert_unbranded(&response.text().await.unwrap());
    }
    // Without the form token, from the portal's own origin: refused too.
    let response = app
        .http
        .post(format!("{}/vendor/logout", app.address))
        .header("cookie", &login.cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(
        login.get(&app, "/vendor/").await.status(),
        200,
        "still signed in"
    );
}

#[tokio::test]
async fn portal_pages_never_name_wharf() {
    let app = spawn_app().await;
    let login = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    for path in [
        "/vendor/login",
        "/vendor/forgot",
        "/vendor/invitation/unknown",
        "/vendor/nowhere",
    ] {
        let page = app.get_page(path, "").await.text().await.unwrap();
        assert_unbranded(&page);
    }
    for path in ["/vendor/", "/vendor/nowhere"] {
        let page = login.get(&app, path).await.text().await.unwrap();
        assert_unbranded(&page);
    }
    let css = app.get_page("/vendor/brand.css", "").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
}

/// The operators' throttle, with the portal's own keys: the same number of wrong passwords
/// from one address locks it out, and an operator's failures do not count against vendors.
#[tokio::test]
async fn guessing_vendor_passwords_is_throttled_like_the_operators_sign_in() {
    let app = spawn_app().await;
    let login = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let client = client_from("127.0.0.7");
    // The operators' per-address rule: five failures free, the sixth starts the wait.
    for attempt in 1..=6 {
        let response = post_login(&app, &client, &login.email, "not the password").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let throttled = post_login(&app, &client, &login.email, VENDOR_PASSWORD).await;
    assert_eq!(
        throttled.status(),
        429,
        "refused unchecked, even the right password"
    );
    assert!(throttled.headers().contains_key("retry-after"));

    // The operators' sign-in from that address is another key.
    let operator = client
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", crate::helpers::ADMIN_USER),
            ("password", crate::helpers::ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(operator.status(), 303);
}

fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(address.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_removed_users_session_ends_and_they_cannot_sign_in_again() {
    let app = spawn_app().await;
    let login = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    assert_eq!(login.get(&app, "/vendor/").await.status(), 200);
    app.app
        .remove_vendor_user(login.vendor_id, login.user_id)
        .await
        .unwrap();
    assert_eq!(login.get(&app, "/vendor/").await.status(), 303);
    let again = post_login(&app, &app.http, &login.email, VENDOR_PASSWORD).await;
    assert_eq!(again.status(), 401);
}
