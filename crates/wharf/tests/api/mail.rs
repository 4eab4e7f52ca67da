//! E-mail end to end, through a real SMTP server (aiosmtpd): what vendors are told of their
//! purchase orders, once each, with both parts, the branding and the link; a refused send on
//! Activity with Retry; e-mail off.

use bigcommerce_sim::{ShopperLine, ShopperOrder};
use serde_json::{Value, json};
use wharf::domain::branding::BrandingInput;
use wharf::domain::mail::MailState;

use crate::helpers::{MAIL_PUBLIC_URL, STORE_HASH, TestApp, spawn_app, spawn_app_with_mail};
use crate::mail_server::MailServer;
use crate::orders::{assign, store_with_catalog, variant};

/// A store whose orders all go to one vendor reached at `email`; returns the store's id and a
/// function placing an order that routes (status Awaiting Fulfillment).
pub(crate) async fn store_routing_to(app: &TestApp, email: &str) -> (i64, u64, u64) {
    let (store_id, seeded) = store_with_catalog(app).await;
    let response = app
        .api_post(
            "/vendors",
            &json!({ "name": "Alpha Supply", "email": email }),
        )
        .await;
    assert_eq!(response.status(), 201);
    assign(
        app,
        store_id,
        json!({ "rule": "default", "vendor": "Alpha Supply" }),
    )
    .await;
    let (product, variant_id, _) = variant(app, &seeded, 0);
    (store_id, product, variant_id)
}

pub(crate) fn place_order(app: &TestApp, product: u64, variant_id: u64) -> u64 {
    let mut order = ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant_id), 2)]);
    order.status_id = 11;
    app.sim.simulator.place_order(STORE_HASH, order)
}

pub(crate) async fn sync(app: &TestApp, store_id: i64) {
    let response = app
        .api_post(&format!("/stores/{store_id}/orders/sync"), &json!({}))
        .await;
    let status = response.status();
    assert_eq!(
        status,
        200,
        "syncing orders: {}",
        response.text().await.unwrap()
    );
}

/// Waits until every mail of the outbox is in a final state, and returns them.
async fn settled_mails(app: &TestApp, n: usize) -> Vec<wharf::app::mail::MailSummary> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let mails = app.app.recent_mails(100).await.unwrap();
        if mails.len() >= n
            && mails
                .iter()
                .all(|m| !matches!(m.state, MailState::Pending | MailState::Sending))
        {
            return mails;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "mails did not settle: {mails:#?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_vendor_hears_of_a_new_and_a_cancelled_purchase_order_once_each() {
    let server = MailServer::start();
    let app = spawn_app_with_mail(&server.url()).await;
    app.app
        .set_branding(&BrandingInput {
            name: "Trail & Co".into(),
            accent: "#0f766e".into(),
            support_email: "help@trail.example".into(),
            ..BrandingInput::default()
        })
        .await
        .unwrap();
    let (store_id, product, variant_id) = store_routing_to(&app, "ops@alpha.example").await;
    let order_number = place_order(&app, product, variant_id);
    sync(&app, store_id).await;

    let received = server.wait_for(1).await;
    let mail = &received[0];
    assert_eq!(mail.to, "ops@alpha.example");
    assert_eq!(mail.from, "Trail & Co <orders@wharf.test>");
    assert_eq!(mail.reply_to.as_deref(), Some("help@trail.example"));
    assert!(
        mail.subject.contains(&format!("order #{order_number}")),
        "{mail:#?}"
    );
    let purchase_orders: Vec<Value> = app.api_get("/orders").await.json().await.unwrap();
    assert_eq!(purchase_orders.len(), 1);
    let link = format!("{MAIL_PUBLIC_URL}vendor/purchase-orders/");
    assert!(mail.text.contains("Hello Alpha Supply,"), "{}", mail.text);
    assert!(mail.text.contains(&link), "{}", mail.text);
    assert!(
        mail.html.contains(&format!("href=\"{link}")),
        "{}",
        mail.html
    );
    assert!(
        mail.html.contains("#0f766e"),
        "the accent colour: {}",
        mail.html
    );
    assert!(mail.html.contains("Trail &#38; Co") || mail.html.contains("Trail &amp; Co"));

    // The same order read again (a poll, a webhook) is one event: no second mail.
    sync(&app, store_id).await;
    app.sim
        .simulator
        .set_order_status(STORE_HASH, order_number, 5);
    sync(&app, store_id).await;
    let received = server.wait_for(2).await;
    let mails = settled_mails(&app, 2).await;
    assert_eq!(mails.len(), 2, "{mails:#?}");
    assert!(
        mails.iter().all(|m| m.state == MailState::Sent),
        "{mails:#?}"
    );
    // A Maildir's files are not in arrival order within a second: found by subject.
    let cancelled = received
        .iter()
        .find(|m| m.subject.starts_with("Cancelled:"))
        .unwrap_or_else(|| panic!("a cancellation mail: {received:#?}"));
    assert!(cancelled.subject.contains(&format!("#{order_number}")));
    assert_ne!(received[0].message_id, received[1].message_id);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_refused_mail_shows_on_activity_with_retry_and_retry_sends_it() {
    let server = MailServer::start();
    server.refuse(true);
    let app = spawn_app_with_mail(&server.url()).await;
    let (store_id, product, variant_id) = store_routing_to(&app, "refuse-me@alpha.example").await;
    place_order(&app, product, variant_id);
    sync(&app, store_id).await;

    let mails = settled_mails(&app, 1).await;
    assert_eq!(mails[0].state, MailState::Failed);
    assert!(
        mails[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("mailbox unavailable")
    );
    let cookie = app.session_cookie().await;
    let page = app
        .get_page("/activity?status=failed", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Send e-mail “New purchase order” to refuse-me@alpha.example"),
        "{page}"
    );
    assert!(page.contains("mailbox unavailable"), "{page}");
    let start = page
        .find("action=\"/activity/jobs/")
        .expect("a Retry button")
        + "action=\"".len();
    let retry = &page[start..start + page[start..].find('"').unwrap()];
    assert!(server.received().is_empty());

    server.refuse(false);
    let token = app.form_token(&cookie).await;
    let response = app
        .http
        .post(format!("{}{retry}", app.address))
        .header("cookie", &cookie)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let received = server.wait_for(1).await;
    assert_eq!(received[0].to, "refuse-me@alpha.example");
    assert_eq!(settled_mails(&app, 1).await[0].state, MailState::Sent);
}

#[tokio::test]
async fn with_email_off_mails_are_recorded_not_sent_and_the_pages_say_so() {
    let app = spawn_app().await;
    let (store_id, product, variant_id) = store_routing_to(&app, "ops@alpha.example").await;
    place_order(&app, product, variant_id);
    sync(&app, store_id).await;

    let mails = settled_mails(&app, 1).await;
    assert_eq!(mails[0].state, MailState::Off, "{mails:#?}");
    assert_eq!(mails[0].recipient, "ops@alpha.example");
    let cookie = app.session_cookie().await;
    for page in ["/activity", "/settings/branding"] {
        let html = app.get_page(page, &cookie).await.text().await.unwrap();
        assert!(html.contains("E-mail is off"), "{page}: {html}");
    }
}

#[tokio::test]
async fn an_hourly_vendor_gets_one_digest_and_operators_a_digest_only_of_news() {
    let server = MailServer::start();
    let app = spawn_app_with_mail(&server.url()).await;
    let (store_id, product, variant_id) = store_routing_to(&app, "ops@alpha.example").await;
    let vendors: Vec<Value> = app.api_get("/vendors").await.json().await.unwrap();
    let vendor_id = vendors[0]["id"].as_i64().unwrap();
    let response = app
        .http
        .put(format!(
            "{}/api/v1/vendors/{vendor_id}/mail-schedule",
            app.address
        ))
        .basic_auth(
            crate::helpers::ADMIN_USER,
            Some(crate::helpers::ADMIN_PASSWORD),
        )
        .json(&json!({ "mail_schedule": "hourly" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = app
        .http
        .put(format!("{}/api/v1/mail/operator", app.address))
        .basic_auth(
            crate::helpers::ADMIN_USER,
            Some(crate::helpers::ADMIN_PASSWORD),
        )
        .json(&json!({ "operator_email": "team@trail.example" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let first = place_order(&app, product, variant_id);
    let second = place_order(&app, product, variant_id);
    sync(&app, store_id).await;
    assert!(
        app.app.recent_mails(10).await.unwrap().is_empty(),
        "held for the digest"
    );

    let now = wharf::db::now_ms();
    assert_eq!(app.app.queue_due_digests(now).await.unwrap(), 1);
    let received = server.wait_for(1).await;
    assert_eq!(received[0].to, "ops@alpha.example");
    assert_eq!(received[0].subject, "2 new purchase orders to ship");
    for number in [first, second] {
        assert!(
            received[0].text.contains(&format!("order #{number}")),
            "{}",
            received[0].text
        );
    }
    // Within the hour nothing more, and nothing new for operators yet: no mail.
    assert_eq!(app.app.queue_due_digests(now).await.unwrap(), 0);

    // With its only vendor deactivated, a new order needs attention; a quarter of an hour
    // later operators hear of it.
    let response = app
        .api_post(&format!("/vendors/{vendor_id}/deactivate"), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    let stranded = place_order(&app, product, variant_id);
    sync(&app, store_id).await;
    let later = wharf::db::now_ms() + 15 * 60 * 1000;
    assert_eq!(app.app.queue_due_digests(later).await.unwrap(), 1);
    let received = server.wait_for(2).await;
    let digest = received
        .iter()
        .find(|m| m.to == "team@trail.example")
        .expect("the operators' digest");
    assert!(
        digest
            .text
            .contains(&format!("Order #{stranded} needs attention")),
        "{}",
        digest.text
    );
    assert!(
        digest
            .text
            .contains(&format!("{MAIL_PUBLIC_URL}orders?state=needs_attention"))
    );
    assert_eq!(
        app.app.queue_due_digests(later).await.unwrap(),
        0,
        "nothing new, no mail"
    );
}

#[tokio::test]
async fn a_line_taken_off_a_purchase_order_is_told_to_its_vendor_once() {
    let server = MailServer::start();
    let app = spawn_app_with_mail(&server.url()).await;
    let (store_id, product, variant_id) = store_routing_to(&app, "ops@alpha.example").await;
    let order_number = place_order(&app, product, variant_id);
    sync(&app, store_id).await;
    server.wait_for(1).await;
    let orders: Vec<Value> = app.api_get("/orders").await.json().await.unwrap();
    let detail: Value = app
        .api_get(&format!("/orders/{}", orders[0]["id"]))
        .await
        .json()
        .await
        .unwrap();
    let purchase_order = &detail["purchase_orders"][0];
    let line = wharf::app::mail::TakenLine {
        order_line_id: purchase_order["lines"][0]["order_line_id"]
            .as_i64()
            .unwrap(),
        sku: "SKU-1".into(),
        name: "Trail mug".into(),
        quantity: 2,
        reason: Some("the vendor could not fulfil it".into()),
    };
    // Called twice (a retried transaction, say): one mail.
    for _ in 0..2 {
        let mut tx = app.app.db.begin().await.unwrap();
        app.app
            .queue_line_taken_away(&mut tx, purchase_order["id"].as_i64().unwrap(), &line)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let received = server.wait_for(2).await;
    let mail = received
        .iter()
        .find(|m| m.subject.starts_with("Changed:"))
        .unwrap_or_else(|| panic!("the line's mail: {received:#?}"));
    assert!(
        mail.subject.contains(&format!("order #{order_number}")),
        "{mail:#?}"
    );
    assert!(
        mail.text.contains("- 2 × Trail mug (SKU-1)"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("Why: the vendor could not fulfil it."),
        "{}",
        mail.text
    );
    assert_eq!(settled_mails(&app, 2).await.len(), 2);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_mail_server_that_cannot_be_reached_is_tried_again_later_not_given_up() {
    // Nothing listens on a port just freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with_mail(&format!("smtp://127.0.0.1:{port}?tls=none")).await;
    let (store_id, product, variant_id) = store_routing_to(&app, "ops@alpha.example").await;
    place_order(&app, product, variant_id);
    sync(&app, store_id).await;

    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    let mail = loop {
        let mails = app.app.recent_mails(10).await.unwrap();
        if let Some(mail) = mails.into_iter().find(|m| m.last_error.is_some()) {
            break mail;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the send was never tried"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(mail.state, MailState::Pending, "{mail:#?}");
    assert!(
        mail.last_error
            .as_deref()
            .unwrap()
            .contains("could not be reached"),
        "{mail:#?}"
    );
    let cookie = app.session_cookie().await;
    let page = app
        .get_page("/activity?flow=mail", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Send e-mail “New purchase order” to ops@alpha.example"),
        "{page}"
    );
}
