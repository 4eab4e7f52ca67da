//! SIGKILLs of `wharf` worker processes while they send mail never give anyone two copies:
//! every mail ends sent (and arrived once) or "may not have been sent" (and arrived at most
//! once), for a person to decide.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use sqlx::Row;
use wharf::domain::email_address::EmailAddress;
use wharf::domain::mail::{MailKind, MailLink, MailState, OutgoingMail};

use crate::helpers::{TestApp, spawn_app_without_workers, spawn_wharf_process};
use crate::mail_server::MailServer;

const MAILS: usize = 80;

/// The mails in `sending`.
async fn sending(app: &TestApp) -> HashSet<i64> {
    sqlx::query("SELECT id FROM mails WHERE state = 'sending'")
        .fetch_all(app.app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| row.get("id"))
        .collect()
}

async fn count_in(app: &TestApp, state: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM mails WHERE state = $1")
        .bind(state)
        .fetch_one(app.app.db.pool())
        .await
        .unwrap()
        .get("n")
}

#[tokio::test]
async fn killed_workers_never_send_a_mail_twice() {
    // Each message's data is answered 1.5 s late: plenty of time to kill a sender mid-send.
    let server = MailServer::start_with_delay(Some(Duration::from_millis(1500)));
    let app = spawn_app_without_workers().await;
    let mut tx = app.app.db.begin().await.unwrap();
    for i in 0..MAILS {
        let mail = OutgoingMail {
            kind: MailKind::PurchaseOrderNew,
            dedupe_key: format!("kill-test:{i}"),
            to: EmailAddress::parse_optional("to", &format!("vendor{i}@kill.example"))
                .unwrap()
                .unwrap(),
            to_name: Some(format!("Vendor {i}")),
            subject: format!("Mail {i}"),
            paragraphs: vec!["A purchase order.".into()],
            items: Vec::new(),
            link: Some(MailLink {
                label: "Open".into(),
                path: format!("/vendor/purchase-orders/{i}"),
            }),
        };
        assert!(app.app.queue_mail(&mut tx, &mail).await.unwrap().is_some());
    }
    tx.commit().await.unwrap();

    let url = server.url();
    let env = [
        ("WHARF_JOB_CONCURRENCY", "10"),
        ("WHARF_ORDER_POLL_SECS", "3600"),
        ("WHARF_SMTP_URL", url.as_str()),
        ("WHARF_MAIL_FROM", "orders@wharf.test"),
    ];
    let mut kills = 0;
    let mut killed_mid_send = HashSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(240);
    while count_in(&app, "pending").await > 0 || count_in(&app, "sending").await > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "mails still unsettled"
        );
        let mut worker = spawn_wharf_process(&app, &env);
        // Kill once this process is in the middle of several sends (or it took long enough).
        let wait_until = tokio::time::Instant::now() + Duration::from_secs(8);
        while sending(&app).await.difference(&killed_mid_send).count() < 5
            && tokio::time::Instant::now() < wait_until
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        worker.kill().expect("SIGKILL");
        worker.wait().unwrap();
        // Dead now: what it left `sending` was cut short mid-send.
        killed_mid_send.extend(sending(&app).await);
        kills += 1;
        if kills >= 6 {
            break;
        }
    }
    // A last process settles what the kills left (`sending` becomes "may not have been sent").
    let mut last = spawn_wharf_process(&app, &env);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
    while count_in(&app, "pending").await > 0 || count_in(&app, "sending").await > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the last worker did not settle the mails"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    last.kill().unwrap();
    last.wait().unwrap();

    let mut arrived: HashMap<String, usize> = HashMap::new();
    for message in server.received() {
        *arrived.entry(message.message_id).or_default() += 1;
    }
    let mails = app.app.recent_mails(500).await.unwrap();
    assert_eq!(mails.len(), MAILS);
    let mut uncertain = 0;
    for mail in &mails {
        let copies = arrived
            .get(mail.message_id.trim_matches(['<', '>']))
            .copied()
            .unwrap_or(0);
        assert!(copies <= 1, "{} arrived {copies} times", mail.message_id);
        match mail.state {
            MailState::Sent => assert_eq!(copies, 1, "{mail:#?} is sent but did not arrive"),
            MailState::Uncertain => uncertain += 1,
            other => panic!("{mail:#?} ended {other:?}"),
        }
    }
    assert!(
        arrived.values().all(|&n| n == 1),
        "a message arrived twice: {arrived:#?}"
    );
    let killed_mid_send = killed_mid_send.len();
    assert!(
        killed_mid_send >= 10,
        "only {killed_mid_send} mails killed mid-send in {kills} kills"
    );
    assert_eq!(
        uncertain, killed_mid_send,
        "every mail killed mid-send is for a person to decide"
    );
    eprintln!(
        "{kills} workers killed with {killed_mid_send} mails mid-send: {uncertain} marked \
         \"may not have been sent\", none arrived twice"
    );
}
