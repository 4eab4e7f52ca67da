//! The portal and e-mail together: an invitation travels by mail with its link, the portal
//! wears the merchant's branding, a vendor's portal users hear of its purchase orders, and
//! they choose how on their Account page. Through a real SMTP server (aiosmtpd).

use serde_json::{Value, json};
use wharf::domain::branding::BrandingInput;
use wharf::domain::mail::MailSchedule;

use crate::helpers::{MAIL_PUBLIC_URL, spawn_app_with_mail};
use crate::mail::{place_order, store_routing_to, sync};
use crate::mail_server::MailServer;
use crate::portal_helpers::portal_user;

#[tokio::test]
async fn an_invitation_arrives_by_mail_and_its_link_opens_the_merchants_portal() {
    let server = MailServer::start();
    let app = spawn_app_with_mail(&server.url()).await;
    app.app
        .set_branding(&BrandingInput {
            name: "Trail & Co".into(),
            accent: "#0f766e".into(),
            support_email: String::new(),
            ..BrandingInput::default()
        })
        .await
        .unwrap();
    let vendor: Value = app
        .api_post("/vendors", &json!({ "name": "Alpha Supply" }))
        .await
        .json()
        .await
        .unwrap();
    let invited = app
        .api_post(
            &format!("/vendors/{}/users", vendor["id"]),
            &json!({ "name": "Pat", "email": "pat@alpha.example" }),
        )
        .await;
    assert_eq!(invited.status(), 201, "{}", invited.text().await.unwrap());

    let received = server.wait_for(1).await;
    let mail = &received[0];
    assert_eq!(mail.to, "pat@alpha.example");
    assert!(mail.subject.contains("Alpha Supply"), "{mail:#?}");
    assert!(mail.text.contains("Hello Pat,"), "{}", mail.text);
    let prefix = format!("{MAIL_PUBLIC_URL}vendor/invitation/");
    let start = mail.text.find(&prefix).expect("the mail carries the link");
    let link: String = mail.text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let page = app
        .http
        .get(link.replacen(MAIL_PUBLIC_URL, &format!("{}/", app.address), 1))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("Trail &amp; Co") || page.contains("Trail &#38; Co"),
        "{page}"
    );
    assert!(
        page.contains("Pat"),
        "the link knows whom it is for: {page}"
    );
    assert!(!page.to_lowercase().contains("wharf"), "{page}");

    // One link, one mail: nothing else was sent.
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn portal_users_hear_of_purchase_orders_and_choose_how_on_their_account_page() {
    let server = MailServer::start();
    let app = spawn_app_with_mail(&server.url()).await;
    let (store_id, product, variant_id) = store_routing_to(&app, "ops@alpha.example").await;
    let vendor_id = app
        .app
        .list_vendors()
        .await
        .unwrap()
        .iter()
        .find(|v| v.name == "Alpha Supply")
        .unwrap()
        .id;
    let pat = portal_user(&app, vendor_id, "pat@alpha.example").await;

    let order_number = place_order(&app, product, variant_id);
    sync(&app, store_id).await;
    let received = server.wait_for(2).await;
    let mut to: Vec<&str> = received.iter().map(|m| m.to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["ops@alpha.example", "pat@alpha.example"]);
    assert!(
        received
            .iter()
            .all(|m| m.subject.contains(&format!("order #{order_number}"))),
        "{received:#?}"
    );

    let account = pat.get(&app, "/vendor/account").await.text().await.unwrap();
    assert!(account.contains("ops@alpha.example"), "{account}");
    let saved = pat
        .post(
            &app,
            "/vendor/account/notifications",
            &[("mail_schedule", "hourly")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        app.app.vendor_mail_schedule(vendor_id).await.unwrap(),
        MailSchedule::Hourly
    );
    let account = pat
        .get(&app, "/vendor/account?saved=notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(account.contains("id=\"notifications-saved\""), "{account}");
    assert!(
        account.contains("<option value=\"hourly\" selected>"),
        "{account}"
    );

    // A schedule no one offers is refused, and nothing changes.
    let refused = pat
        .post(
            &app,
            "/vendor/account/notifications",
            &[("mail_schedule", "weekly")],
        )
        .await;
    assert!(refused.status().is_client_error(), "{}", refused.status());
    assert_eq!(
        app.app.vendor_mail_schedule(vendor_id).await.unwrap(),
        MailSchedule::Hourly
    );
}
