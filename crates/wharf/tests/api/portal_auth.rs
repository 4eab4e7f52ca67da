//! Vendor users sign in to the portal under `/vendor/`: their own sessions, which never stand
//! for an operator's (or the other way round), the operators' throttle and CSRF rules, and
//! invitation and reset links that work once and say in words why they no longer do.

use std::net::IpAddr;

use wharf::app::portal::links::ResetRequest;

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
async fn the_session_cookie_is_http_only_strict_portal_only_and_secure_behind_tls() {
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

    // The same wharf behind TLS: its public URL is https, and the cookie is never sent in clear.
    let mut behind_tls = app.app.clone();
    behind_tls.public_url = Some("https://shop.example.com".parse().unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, wharf::web::router(behind_tls)).into_future());
    let response = app
        .http
        .post(format!("{address}/vendor/login"))
        .form(&[("email", "pat@acme.example"), ("password", VENDOR_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let secure = response.headers()["set-cookie"].to_str().unwrap();
    assert!(secure.contains("; Secure"), "{secure}");
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
    let again = post_login(&app, &app.http, &login.email, &login.password).await;
    assert_eq!(again.status(), 401);
}

/// Invites `email` as a user of a new vendor; the invitation link as the operator sees it.
async fn invited(app: &TestApp, email: &str) -> (i64, String) {
    let vendor = app
        .app
        .add_vendor(&wharf::domain::vendor::VendorInput {
            name: "Acme Supply".into(),
            email: String::new(),
        })
        .await
        .unwrap()
        .vendor
        .id;
    let input = wharf::domain::vendor_user::VendorUserInput {
        name: "Pat".into(),
        email: email.into(),
    };
    let base: url::Url = app.address.parse().unwrap();
    let invitation = app
        .app
        .invite_vendor_user(vendor, &input, Some(&base))
        .await
        .unwrap();
    (vendor, invitation.invitation_link)
}

async fn set_password(app: &TestApp, link: &str, password: &str, again: &str) -> reqwest::Response {
    app.http
        .post(link)
        .form(&[("password", password), ("password_again", again)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_invitation_link_sets_the_password_signs_in_and_works_once() {
    let app = spawn_app().await;
    let (_, link) = invited(&app, "pat@acme.example").await;
    assert!(
        link.starts_with(&format!("{}/vendor/invitation/", app.address)),
        "{link}"
    );

    // Not signed in before the password is set: an invited user has none.
    let early = post_login(&app, &app.http, "pat@acme.example", "").await;
    assert_eq!(early.status(), 401);

    let form = app.http.get(&link).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(form.contains("Accept your invitation") && form.contains("pat@acme.example"));
    assert_unbranded(&form);

    // Too short, then typed differently: each said beside its field, nothing used up.
    let short = set_password(&app, &link, "short", "short").await;
    assert_eq!(short.status(), 422);
    let short = short.text().await.unwrap();
    assert!(short.contains("at least 12 characters"), "{short}");
    assert!(
        short.contains(r#"aria-describedby="password-error""#),
        "{short}"
    );
    let mismatch = set_password(&app, &link, "a long password", "a long passw0rd").await;
    assert!(
        mismatch
            .text()
            .await
            .unwrap()
            .contains(r#"id="password_again-error""#)
    );

    let accepted = set_password(&app, &link, "a long password", "a long password").await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(accepted.headers()["location"], "/vendor/");
    let cookie = session_cookie_of(&accepted).expect("signed in by setting the password");
    let home = app.get_page("/vendor/", &cookie).await;
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("Welcome, Pat"));
    assert_eq!(
        post_login(&app, &app.http, "pat@acme.example", "a long password")
            .await
            .status(),
        303,
        "the password signs in"
    );

    // Once: the same link again says so, in words, and offers a new one.
    let again = app.http.get(&link).send().await.unwrap();
    assert_eq!(again.status(), 410);
    let again = again.text().await.unwrap();
    assert!(again.contains("This link was used already"), "{again}");
    assert!(again.contains("Ask for a new link"));
    let reuse = set_password(&app, &link, "another long one", "another long one").await;
    assert_eq!(reuse.status(), 410);
    assert!(session_cookie_of(&reuse).is_none());
}

#[tokio::test]
async fn an_expired_or_unknown_invitation_says_why_in_words() {
    let app = spawn_app().await;
    let (_, link) = invited(&app, "pat@acme.example").await;
    // Seventy-two hours later.
    sqlx::query("UPDATE vendor_user_links SET expires_at = expires_at - 259200000")
        .execute(app.app.db.pool())
        .await
        .unwrap();
    let expired = app.http.get(&link).send().await.unwrap();
    assert_eq!(expired.status(), 410);
    let page = expired.text().await.unwrap();
    assert!(page.contains("invitations work for 72 hours"), "{page}");
    let refused = set_password(&app, &link, "a long password", "a long password").await;
    assert_eq!(refused.status(), 410);
    assert!(session_cookie_of(&refused).is_none());

    let unknown = app
        .get_page("/vendor/invitation/not-a-token-we-made", "")
        .await;
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("not one we know"));
}

#[tokio::test]
async fn a_new_invitation_replaces_the_old_link() {
    let app = spawn_app().await;
    let (vendor, first) = invited(&app, "pat@acme.example").await;
    let user = app.app.vendor_users(vendor).await.unwrap()[0].id;
    let second = app
        .app
        .resend_invitation(vendor, user, None)
        .await
        .unwrap()
        .invitation_link;
    assert!(
        second.starts_with("/vendor/invitation/"),
        "a path without an address"
    );
    assert_eq!(app.http.get(&first).send().await.unwrap().status(), 404);
    let second = format!("{}{second}", app.address);
    assert_eq!(app.http.get(&second).send().await.unwrap().status(), 200);
}

async fn ask_for_reset(app: &TestApp, client: &reqwest::Client, email: &str) -> reqwest::Response {
    client
        .post(format!("{}/vendor/forgot", app.address))
        .form(&[("email", email)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn forgot_password_answers_the_same_whether_or_not_the_address_has_an_account() {
    let app = crate::helpers::spawn_app_with_webhooks().await;
    vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let known = ask_for_reset(&app, &app.http, "pat@acme.example").await;
    let unknown = ask_for_reset(&app, &app.http, "nobody@acme.example").await;
    assert_eq!(known.status(), 200);
    assert_eq!(unknown.status(), 200);
    let known = known.text().await.unwrap();
    let unknown = unknown.text().await.unwrap();
    assert!(
        known.contains("If pat@acme.example has an account"),
        "{known}"
    );
    assert_eq!(
        known.replace("pat@acme.example", "ADDRESS"),
        unknown.replace("nobody@acme.example", "ADDRESS"),
        "the answers differ only by the address typed"
    );
    assert_unbranded(&known);
}

#[tokio::test]
async fn a_reset_link_works_once_for_an_hour_and_ends_every_other_session() {
    let app = crate::helpers::spawn_app_with_webhooks().await;
    let login = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let mail = match app
        .app
        .request_password_reset("PAT@acme.example", "192.0.2.1")
        .await
        .unwrap()
    {
        wharf::app::portal::links::ResetRequest::Sent(mail) => mail,
        other => panic!("no reset mail: {other:?}"),
    };
    assert_eq!(mail.to_email, "pat@acme.example");
    assert!(
        mail.link
            .starts_with(&format!("{}/vendor/reset/", app.address))
    );

    let form = app.http.get(&mail.link).send().await.unwrap();
    assert!(form.text().await.unwrap().contains("Choose a new password"));
    let reset = set_password(
        &app,
        &mail.link,
        "a brand new password",
        "a brand new password",
    )
    .await;
    assert_eq!(reset.status(), 303);
    let new_session = session_cookie_of(&reset).unwrap();
    assert_eq!(
        login.get(&app, "/vendor/").await.status(),
        303,
        "the old session ended"
    );
    assert_eq!(app.get_page("/vendor/", &new_session).await.status(), 200);
    let old = post_login(&app, &app.http, &login.email, VENDOR_PASSWORD).await;
    assert_eq!(old.status(), 401, "the old password no longer works");
    assert_eq!(app.http.get(&mail.link).send().await.unwrap().status(), 410);

    // A second link, an hour later: expired, and the page says why a reset link is short.
    let ResetRequest::Sent(late) = app
        .app
        .request_password_reset("pat@acme.example", "192.0.2.1")
        .await
        .unwrap()
    else {
        panic!("a second reset mail is made");
    };
    sqlx::query("UPDATE vendor_user_links SET expires_at = expires_at - 3600000")
        .execute(app.app.db.pool())
        .await
        .unwrap();
    let expired = app.http.get(&late.link).send().await.unwrap();
    assert_eq!(expired.status(), 410);
    assert!(
        expired
            .text()
            .await
            .unwrap()
            .contains("works for one hour, so that an old e-mail cannot open your account")
    );
}

#[tokio::test]
async fn asking_for_reset_links_is_throttled_per_address_in_words() {
    let app = crate::helpers::spawn_app_with_webhooks().await;
    let client = client_from("127.0.0.9");
    let mut answers = Vec::new();
    for attempt in 0..12 {
        let response =
            ask_for_reset(&app, &client, &format!("someone{attempt}@acme.example")).await;
        answers.push(response.status().as_u16());
    }
    assert!(answers[..10].iter().all(|s| *s == 200), "{answers:?}");
    assert_eq!(answers.last(), Some(&429), "{answers:?}");
    let throttled = ask_for_reset(&app, &client, "pat@acme.example").await;
    assert!(throttled.text().await.unwrap().contains("Try again in"));
}
