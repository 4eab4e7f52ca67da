//! The Branding and e-mail settings page and `/api/v1/branding`: the name (the first store's by
//! default), accent, support address and operator mail, each checked beside its field; the logo
//! uploaded, served publicly with its type, and removed; a vendor's mail schedule.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRtest-logo-bytes";

async fn branding(app: &TestApp) -> Value {
    app.api_get("/branding").await.json().await.unwrap()
}

/// A `multipart/form-data` body with the form token and one file field `logo`.
fn upload(token: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "wharf-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.png\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_branding_page_checks_each_field_beside_it_and_saves_them_together() {
    let app = spawn_app().await;
    assert_eq!(branding(&app).await["name"], "Your store");
    app.connected_store().await;
    assert_eq!(
        branding(&app).await["name"],
        "Main store",
        "the first store's name by default"
    );

    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let post = |form: Vec<(&'static str, String)>| {
        app.http
            .post(format!("{}/settings/branding", app.address))
            .header("cookie", &cookie)
            .form(&form)
            .send()
    };
    let refused = post(vec![
        ("csrf_token", token.clone()),
        ("name", "Trail Co".into()),
        ("accent", "teal".into()),
        ("support_email", "help@trail.example".into()),
        ("operator_email", "not an address".into()),
    ])
    .await
    .unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("id=\"branding-accent-error\""), "{page}");
    assert!(
        page.contains("aria-describedby=\"operator-email-error"),
        "{page}"
    );
    assert!(
        page.contains("value=\"Trail Co\""),
        "what was typed is kept"
    );
    assert_eq!(
        branding(&app).await["name"],
        "Main store",
        "nothing half-written"
    );
    assert_eq!(app.app.operator_mail_to().await.unwrap(), None);

    let saved = post(vec![
        ("csrf_token", token.clone()),
        ("name", "Trail Co".into()),
        ("accent", "#0F766E".into()),
        ("support_email", "help@trail.example".into()),
        ("operator_email", "team@trail.example".into()),
    ])
    .await
    .unwrap();
    assert_eq!(saved.status(), 303);
    let now = branding(&app).await;
    assert_eq!(now["name"], "Trail Co");
    assert_eq!(now["accent"], "#0f766e");
    assert_eq!(now["support_email"], "help@trail.example");
    assert_eq!(
        app.app.operator_mail_to().await.unwrap().as_deref(),
        Some("team@trail.example")
    );
    let page = app
        .get_page("/settings/branding", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("value=\"team@trail.example\""), "{page}");
    let setup = app.get_page("/setup", &cookie).await.text().await.unwrap();
    assert!(setup.contains("href=\"/settings/branding\""));
}

#[tokio::test]
async fn a_logo_is_uploaded_served_publicly_with_its_type_and_removed() {
    let app = spawn_app().await;
    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let send = |body: (String, Vec<u8>)| {
        app.http
            .post(format!("{}/settings/branding/logo", app.address))
            .header("cookie", &cookie)
            .header("content-type", body.0)
            .body(body.1)
            .send()
    };

    let svg = send(upload(&token, b"<svg onload=\"alert(1)\"/>"))
        .await
        .unwrap();
    assert_eq!(svg.status(), 422);
    assert!(
        svg.text()
            .await
            .unwrap()
            .contains("must be a PNG or JPEG image")
    );
    let forged = send(upload("not-the-token", PNG)).await.unwrap();
    assert_eq!(
        forged.status(),
        403,
        "an upload without the form token is refused"
    );
    let big = [PNG, &vec![0; 300 * 1024]].concat();
    let too_big = send(upload(&token, &big)).await.unwrap();
    assert_eq!(too_big.status(), 422);
    assert_eq!(
        app.http
            .get(format!("{}/branding/logo", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    assert_eq!(send(upload(&token, PNG)).await.unwrap().status(), 303);
    assert_eq!(branding(&app).await["has_logo"], true);
    // Public: no cookie.
    let logo = app
        .http
        .get(format!("{}/branding/logo", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(logo.headers()["x-content-type-options"], "nosniff");
    assert_eq!(logo.bytes().await.unwrap().as_ref(), PNG);

    let removed = app
        .http
        .post(format!("{}/settings/branding/logo/remove", app.address))
        .header("cookie", &cookie)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 303);
    assert_eq!(
        app.http
            .get(format!("{}/branding/logo", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn a_vendors_mail_schedule_is_chosen_on_the_vendors_page() {
    let app = spawn_app().await;
    let vendor: Value = app
        .api_post(
            "/vendors",
            &json!({ "name": "Alpha Supply", "email": "ops@alpha.example" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = vendor["id"].as_i64().unwrap();
    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let page = app
        .get_page("/vendors", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("for=\"mail-schedule-{id}\"")),
        "{page}"
    );
    let choose = |schedule: &'static str| {
        app.http
            .post(format!("{}/vendors/{id}/mail-schedule", app.address))
            .header("cookie", &cookie)
            .form(&[("csrf_token", token.as_str()), ("mail_schedule", schedule)])
            .send()
    };
    assert_eq!(choose("weekly").await.unwrap().status(), 422);
    assert_eq!(choose("hourly").await.unwrap().status(), 303);
    assert_eq!(
        app.app.vendor_mail_schedule(id).await.unwrap(),
        wharf::domain::mail::MailSchedule::Hourly
    );
    let page = app
        .get_page("/vendors", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<option value=\"hourly\" selected>"),
        "{page}"
    );
    let other = app
        .http
        .post(format!("{}/vendors/999999/mail-schedule", app.address))
        .header("cookie", &cookie)
        .form(&[("csrf_token", token.as_str()), ("mail_schedule", "hourly")])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}

async fn put_branding(app: &TestApp, body: &Value) -> reqwest::Response {
    app.http
        .put(format!("{}/api/v1/branding", app.address))
        .basic_auth(
            crate::helpers::ADMIN_USER,
            Some(crate::helpers::ADMIN_PASSWORD),
        )
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_business_address_round_trips_and_each_bad_field_is_named() {
    let app = spawn_app().await;
    let unset = branding(&app).await["business_address"].clone();
    assert_eq!(unset["company"], "Your store", "the name by default");
    assert_eq!(unset["street_1"], Value::Null);

    let refused = put_branding(
        &app,
        &json!({
            "name": "Trail Co",
            "address_street_1": "1 Harbour Road",
            "address_country": "Britain",
            "address_phone": "call me",
            "address_email": "orders@",
        }),
    )
    .await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    let mut fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "address_city",
            "address_country",
            "address_email",
            "address_phone",
            "address_postcode"
        ],
        "{body}"
    );
    assert_eq!(branding(&app).await["name"], "Your store", "nothing stored");

    let saved = put_branding(
        &app,
        &json!({
            "name": "Trail Co",
            "support_email": "help@trail.example",
            "address_street_1": "1 Harbour Road",
            "address_street_2": "Unit 4",
            "address_city": "Bristol",
            "address_state": "Avon",
            "address_postcode": "BS1 5TY",
            "address_country": "gb",
            "address_phone": "+44 117 000 0000",
        }),
    )
    .await;
    assert_eq!(saved.status(), 200);
    let address = branding(&app).await["business_address"].clone();
    assert_eq!(
        address,
        json!({
            "company": "Trail Co",
            "street_1": "1 Harbour Road",
            "street_2": "Unit 4",
            "city": "Bristol",
            "state": "Avon",
            "postcode": "BS1 5TY",
            "country_iso2": "GB",
            "phone": "+44 117 000 0000",
            "email": "help@trail.example",
        }),
        "company and e-mail take the name and support address"
    );
    // The page shows it, and says who sees it.
    let cookie = app.session_cookie().await;
    let page = app
        .get_page("/settings/branding", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("value=\"BS1 5TY\""), "{page}");
    assert!(page.contains("see this address as the buyer"), "{page}");

    // Cleared, it goes back to the defaults.
    assert_eq!(put_branding(&app, &json!({})).await.status(), 200);
    let cleared = branding(&app).await["business_address"].clone();
    assert_eq!(cleared["street_1"], Value::Null);
    assert_eq!(cleared["company"], "Your store");
}
