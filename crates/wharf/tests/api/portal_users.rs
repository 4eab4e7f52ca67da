//! A vendor's portal users, managed by the operator (page, API, CLI) and by the vendor's own
//! users on the portal's Account page — each only ever reaching its own vendor's users.

use serde_json::{Value, json};

use crate::cli::wharf;
use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, TestApp, spawn_app};
use crate::portal_helpers::{PortalLogin, portal_user, vendor_with_user};

fn api(app: &TestApp, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    app.http
        .request(method, format!("{}/api/v1{path}", app.address))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
}

fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {page}"))
        + start.len();
    &page[from..from + page[from..].find(end).unwrap()]
}

#[tokio::test]
async fn the_operator_invites_resends_and_removes_portal_users_on_the_vendors_page() {
    let app = spawn_app().await;
    let vendor = app
        .api_post("/vendors", &json!({ "name": "Acme Supply" }))
        .await;
    let vendor = vendor.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let vendors = app
        .get_page("/vendors", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        vendors.contains(&format!("/vendors/{vendor}/users")),
        "linked from the list"
    );

    let post = |path: String, form: Vec<(&'static str, String)>| {
        let mut form = form;
        form.push(("csrf_token", token.clone()));
        app.http
            .post(format!("{}{path}", app.address))
            .header("cookie", &cookie)
            .form(&form)
            .send()
    };
    let invited = post(
        format!("/vendors/{vendor}/users"),
        vec![("email", "pat@acme.example".into()), ("name", "Pat".into())],
    )
    .await
    .unwrap();
    assert_eq!(invited.status(), 200);
    let page = invited.text().await.unwrap();
    let link = between(&page, r#"<code id="invitation-link">"#, "</code>").to_owned();
    assert!(
        link.starts_with(&format!("{}/vendor/invitation/", app.address)),
        "{link}"
    );
    assert!(page.contains("Invited, not signed up yet"));
    let shown_again = app
        .get_page(&format!("/vendors/{vendor}/users"), &cookie)
        .await;
    let shown_again = shown_again.text().await.unwrap();
    assert!(!shown_again.contains(&link), "the link is shown once");

    // The same address in other letters: refused beside the field.
    let twice = post(
        format!("/vendors/{vendor}/users"),
        vec![("email", "PAT@Acme.example".into())],
    )
    .await
    .unwrap();
    assert_eq!(twice.status(), 422);
    let twice = twice.text().await.unwrap();
    assert!(twice.contains(r#"id="invite-email-error""#), "{twice}");
    assert!(twice.contains("already has a portal account"));

    let user = app.app.vendor_users(vendor).await.unwrap()[0].id;
    // Corrected: a bad address is said beside that row's field; a good one is kept.
    let bad_edit = post(
        format!("/vendors/{vendor}/users/{user}"),
        vec![("name", "Pat".into()), ("email", "pat at acme".into())],
    )
    .await
    .unwrap();
    assert_eq!(bad_edit.status(), 422);
    let bad_edit = bad_edit.text().await.unwrap();
    assert!(
        bad_edit.contains(&format!(r#"aria-describedby="user-{user}-email-error""#)),
        "{bad_edit}"
    );
    assert!(
        bad_edit.contains(r#"value="pat at acme""#),
        "what was typed stays"
    );
    let edited = post(
        format!("/vendors/{vendor}/users/{user}"),
        vec![
            ("name", "Pat Smith".into()),
            ("email", "pat.smith@acme.example".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(edited.status(), 303);
    let edited = app.app.vendor_user(vendor, user).await.unwrap();
    assert_eq!(
        (edited.name.as_str(), edited.email.as_str()),
        ("Pat Smith", "pat.smith@acme.example")
    );

    let resent = post(format!("/vendors/{vendor}/users/{user}/invitation"), vec![])
        .await
        .unwrap();
    let resent = resent.text().await.unwrap();
    let new_link = between(&resent, r#"<code id="invitation-link">"#, "</code>");
    assert_ne!(new_link, link);
    assert_eq!(
        app.http.get(&link).send().await.unwrap().status(),
        404,
        "old link ends"
    );

    let removed = post(format!("/vendors/{vendor}/users/{user}/remove"), vec![])
        .await
        .unwrap();
    assert_eq!(removed.status(), 303);
    assert!(app.app.vendor_users(vendor).await.unwrap().is_empty());
    let gone = post(format!("/vendors/{vendor}/users/{user}/remove"), vec![])
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
}

#[tokio::test]
async fn the_api_lists_invites_and_removes_a_vendors_users_and_no_other_vendors() {
    let app = spawn_app().await;
    let acme = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let beta = vendor_with_user(&app, "Beta Goods", "bo@beta.example").await;

    let invited = api(
        &app,
        reqwest::Method::POST,
        &format!("/vendors/{}/users", acme.vendor_id),
    )
    .json(&json!({ "email": "sam@acme.example", "name": "Sam" }))
    .send()
    .await
    .unwrap();
    assert_eq!(invited.status(), 201);
    assert_eq!(invited.headers()["cache-control"], "no-store");
    let invited: Value = invited.json().await.unwrap();
    assert_eq!(invited["user"]["signed_up"], false);
    assert!(
        invited["invitation_link"]
            .as_str()
            .unwrap()
            .contains("/vendor/invitation/")
    );

    let listed: Value = api(
        &app,
        reqwest::Method::GET,
        &format!("/vendors/{}/users", acme.vendor_id),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let emails: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["pat@acme.example", "sam@acme.example"]);

    let bad = api(
        &app,
        reqwest::Method::POST,
        &format!("/vendors/{}/users", acme.vendor_id),
    )
    .json(&json!({ "email": "not an address" }))
    .send()
    .await
    .unwrap();
    assert_eq!(bad.status(), 422);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["fields"][0]["field"],
        "email"
    );

    // Beta's user through Acme's address: not found, and still there.
    let forged = api(
        &app,
        reqwest::Method::DELETE,
        &format!("/vendors/{}/users/{}", acme.vendor_id, beta.user_id),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(forged.status(), 404);
    assert_eq!(
        beta.get(&app, "/vendor/").await.status(),
        200,
        "Beta's user is untouched"
    );

    let removed = api(
        &app,
        reqwest::Method::DELETE,
        &format!("/vendors/{}/users/{}", acme.vendor_id, acme.user_id),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(
        acme.get(&app, "/vendor/").await.status(),
        303,
        "their session ended"
    );
}

#[tokio::test]
async fn the_cli_invites_lists_and_removes_portal_users() {
    let app = spawn_app().await;
    app.api_post("/vendors", &json!({ "name": "Acme Supply" }))
        .await;
    let invited = wharf(
        &app,
        &[
            "vendor",
            "invite",
            "Acme Supply",
            "--email",
            "pat@acme.example",
            "--name",
            "Pat",
        ],
    )
    .await;
    let out = String::from_utf8_lossy(&invited.stdout).to_string();
    assert!(invited.status.success(), "{out}");
    let link = out
        .split_whitespace()
        .find(|w| w.starts_with("/vendor/invitation/"))
        .unwrap_or_else(|| panic!("an invitation link in {out}"));
    let page = app.get_page(link, "").await;
    assert_eq!(page.status(), 200, "the printed link works");

    let twice = wharf(
        &app,
        &[
            "vendor",
            "invite",
            "Acme Supply",
            "--email",
            "PAT@acme.example",
        ],
    )
    .await;
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("email"));

    let listed = wharf(&app, &["vendor", "users", "Acme Supply", "--json"]).await;
    let users: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(users[0]["email"], "pat@acme.example");
    assert_eq!(users[0]["signed_up"], false);

    let edited = wharf(
        &app,
        &[
            "vendor",
            "edit-user",
            "Acme Supply",
            "--email",
            "PAT@acme.example",
            "--new-email",
            "pat.smith@acme.example",
        ],
    )
    .await;
    assert!(
        edited.status.success(),
        "{}",
        String::from_utf8_lossy(&edited.stderr)
    );
    let refused = wharf(
        &app,
        &[
            "vendor",
            "edit-user",
            "Acme Supply",
            "--email",
            "pat.smith@acme.example",
            "--new-email",
            "nope",
        ],
    )
    .await;
    assert_eq!(refused.status.code(), Some(2));

    let removed = wharf(
        &app,
        &[
            "vendor",
            "remove-user",
            "Acme Supply",
            "--email",
            "pat.smith@acme.example",
        ],
    )
    .await;
    assert!(removed.status.success());
    let listed = wharf(&app, &["vendor", "users", "Acme Supply", "--json"]).await;
    assert_eq!(
        serde_json::from_slice::<Value>(&listed.stdout).unwrap(),
        json!([])
    );
}

async fn account_page(app: &TestApp, login: &PortalLogin) -> String {
    let response = login.get(app, "/vendor/account").await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn on_the_account_page_a_vendor_user_invites_and_removes_colleagues_but_not_the_last_user() {
    let app = spawn_app().await;
    let pat = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let page = account_page(&app, &pat).await;
    assert!(page.contains("You are the only user"), "{page}");
    assert!(
        page.contains(r#"id="notifications""#) && page.contains(r#"name="mail_schedule""#),
        "how the vendor hears of new purchase orders: {page}"
    );

    let alone = pat
        .post(
            &app,
            &format!("/vendor/account/users/{}/remove", pat.user_id),
            &[],
        )
        .await;
    assert_eq!(alone.status(), 409);
    assert!(
        alone
            .text()
            .await
            .unwrap()
            .contains("invite a colleague before removing yourself")
    );

    let invited = pat
        .post(
            &app,
            "/vendor/account/users",
            &[("email", "sam@acme.example"), ("name", "Sam")],
        )
        .await;
    assert_eq!(invited.status(), 200);
    let invited = invited.text().await.unwrap();
    let link = between(&invited, r#"<code id="invitation-link">"#, "</code>");
    assert!(link.contains("/vendor/invitation/"));
    let sam = app.app.vendor_users(pat.vendor_id).await.unwrap();
    let sam = sam
        .iter()
        .find(|u| u.email == "sam@acme.example")
        .unwrap()
        .id;

    let bad = pat
        .post(&app, "/vendor/account/users", &[("email", "nope")])
        .await;
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains(r#"aria-describedby="invite-email-error""#)
    );

    let removed = pat
        .post(&app, &format!("/vendor/account/users/{sam}/remove"), &[])
        .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(app.app.vendor_users(pat.vendor_id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_account_page_replaces_the_api_token_shown_once_and_the_old_one_stops() {
    let app = spawn_app().await;
    let created = app
        .api_post("/vendors", &json!({ "name": "Acme Supply" }))
        .await;
    let created: Value = created.json().await.unwrap();
    let vendor = created["id"].as_i64().unwrap();
    let old_token = created["api_token_once"].as_str().unwrap().to_owned();
    let pat = portal_user(&app, vendor, "pat@acme.example").await;
    let me = |token: String| {
        app.http
            .get(format!("{}/vendor-api/v1/me", app.address))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(me(old_token.clone()).await.unwrap().status(), 200);

    let page = account_page(&app, &pat).await;
    assert!(
        !page.contains(&old_token),
        "the token itself is never shown again"
    );
    let rotated = pat.post(&app, "/vendor/account/token", &[]).await;
    assert_eq!(rotated.status(), 200);
    assert_eq!(rotated.headers()["cache-control"], "no-store");
    let rotated = rotated.text().await.unwrap();
    let new_token = between(&rotated, r#"<code id="new-token">"#, "</code>").to_owned();
    assert!(new_token.starts_with("whv_"));

    assert_eq!(
        me(old_token).await.unwrap().status(),
        401,
        "the old token stops at once"
    );
    assert_eq!(me(new_token.clone()).await.unwrap().status(), 200);
    assert!(
        !account_page(&app, &pat).await.contains(&new_token),
        "shown once"
    );
}

#[tokio::test]
async fn another_vendors_user_ids_get_nothing_from_the_account_page() {
    let app = spawn_app().await;
    let pat = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let bo = vendor_with_user(&app, "Beta Goods", "bo@beta.example").await;
    portal_user(&app, bo.vendor_id, "kim@beta.example").await;

    let page = account_page(&app, &pat).await;
    assert!(!page.contains("bo@beta.example") && !page.contains("Beta Goods"));

    for path in [
        format!("/vendor/account/users/{}/remove", bo.user_id),
        "/vendor/account/users/not-a-number/remove".to_owned(),
        "/vendor/account/users/999999/remove".to_owned(),
    ] {
        let response = pat.post(&app, &path, &[]).await;
        assert_eq!(response.status(), 404, "{path}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("Not found") && !page.to_lowercase().contains("wharf"),
            "{page}"
        );
    }
    assert_eq!(
        bo.get(&app, "/vendor/").await.status(),
        200,
        "Beta's user is untouched"
    );
    assert_eq!(app.app.vendor_users(bo.vendor_id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn two_last_users_removing_themselves_at_once_leave_one() {
    let app = spawn_app().await;
    let pat = vendor_with_user(&app, "Acme Supply", "pat@acme.example").await;
    let sam = portal_user(&app, pat.vendor_id, "sam@acme.example").await;
    let pat_leaves = format!("/vendor/account/users/{}/remove", pat.user_id);
    let sam_leaves = format!("/vendor/account/users/{}/remove", sam.user_id);
    let (first, second) = tokio::join!(
        pat.post(&app, &pat_leaves, &[]),
        sam.post(&app, &sam_leaves, &[])
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(
        statuses,
        [303, 409],
        "one leaves, the other is told to invite first"
    );
    assert_eq!(app.app.vendor_users(pat.vendor_id).await.unwrap().len(), 1);
}
