//! The Activity page: recent jobs with their outcome, failed ones with the error and Retry,
//! filtered by flow, order and status.

use serde_json::json;
use wharf::app::jobs::Job;
use wharf::db::jobs::{self, NewJob};
use wharf::jobs::{Worker, WorkerConfig};

use crate::helpers::{spawn_app, spawn_app_without_workers};
use crate::shipments::{purchase_order, ship, shop, wait_for_shipment};

#[tokio::test]
async fn failed_jobs_show_their_error_filter_by_flow_and_order_and_retry() {
    let app = spawn_app_without_workers().await;
    // A poll of a store that does not exist fails for good: a job the operator must see.
    let poll = NewJob::new(
        wharf::app::jobs::OrderPoll::KIND,
        &json!({ "store_id": 999 }),
    );
    let failed = jobs::enqueue_now(&app.app.db, &poll)
        .await
        .unwrap()
        .unwrap();
    let fetch = NewJob::new(
        wharf::app::jobs::OrderFetch::KIND,
        &json!({ "store_id": 999, "order_id": 4242 }),
    )
    .run_after(std::time::Duration::from_secs(3600));
    let waiting = jobs::enqueue_now(&app.app.db, &fetch)
        .await
        .unwrap()
        .unwrap();
    let worker = Worker::new(
        app.app.db.clone(),
        wharf::startup::job_handlers(&app.app),
        WorkerConfig::default(),
    );
    worker.run_due_jobs().await.unwrap();

    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let page = |path: &'static str| {
        let (app, cookie) = (&app, cookie.clone());
        async move { app.get_page(path, &cookie).await.text().await.unwrap() }
    };
    let all = page("/activity").await;
    assert!(all.contains(&format!("id=\"job-{failed}\"")), "{all}");
    // Jobs in words and states as labels: no kind names, payloads or state keys.
    assert!(
        all.contains("Check BigCommerce for new and changed orders"),
        "{all}"
    );
    assert!(all.contains("Read order #4242 from BigCommerce"), "{all}");
    assert!(all.contains(">Failed</span>") && all.contains(">Waiting</span>"));
    for internal in [
        "orders.poll",
        "orders.fetch",
        "store_id",
        ">failed<",
        ">pending<",
    ] {
        assert!(!all.contains(internal), "{internal} shows: {all}");
    }
    assert!(
        all.contains("there is no store “999”"),
        "the error is shown: {all}"
    );
    assert!(
        all.contains(&format!("/activity/jobs/{failed}/retry")),
        "{all}"
    );

    let failed_only = page("/activity?status=failed").await;
    assert!(failed_only.contains(&format!("job-{failed}")));
    assert!(!failed_only.contains(&format!("job-{waiting}")));
    let of_order = page("/activity?order=4242").await;
    assert!(of_order.contains(&format!("job-{waiting}")), "{of_order}");
    assert!(!of_order.contains(&format!("job-{failed}\"")));
    let inventory = page("/activity?flow=inventory").await;
    assert!(inventory.contains("Nothing here."), "{inventory}");

    let response = app
        .http
        .post(format!("{}/activity/jobs/{failed}/retry", app.address))
        .header("cookie", &cookie)
        .header("x-csrf-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let job = jobs::get(&app.app.db, failed).await.unwrap().unwrap();
    assert_eq!(job.status, jobs::JobStatus::Pending);
    assert_eq!(job.attempts, 0);
}

#[tokio::test]
async fn a_shipment_reads_as_words_in_activity_and_links_to_its_carrier() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let po = purchase_order(&app, order_id).await;
    let line = &po["lines"][0];
    let shipment = json!({
        "tracking_number": "1Z999AA10123456784",
        "carrier": "UPS",
        "lines": [{ "line_id": line["order_line_id"], "quantity": 1 }],
    });
    let response = ship(
        &app,
        &shop.alpha_token,
        po["id"].as_i64().unwrap(),
        shipment,
    )
    .await;
    assert_eq!(response.status(), 201);
    let shipment: serde_json::Value = response.json().await.unwrap();
    wait_for_shipment(&app, shipment["id"].as_i64().unwrap(), &["pushed"]).await;

    let cookie = app.session_cookie().await;
    let activity = app
        .get_page("/activity?flow=shipments", &cookie)
        .await
        .text()
        .await
        .unwrap();
    let expected = format!("Push shipment 1Z999AA10123456784 for order #{external} to BigCommerce");
    assert!(activity.contains(&expected), "{activity}");
    assert!(!activity.contains("shipment_id"), "{activity}");

    // Given no tracking URL, the number links to the carrier's own tracking page.
    let order_page = app
        .get_page(
            &format!("/stores/{}/orders/{external}", shop.store_id),
            &cookie,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        order_page.contains("href=\"https://www.ups.com/track?tracknum=1Z999AA10123456784\""),
        "{order_page}"
    );
}

#[tokio::test]
async fn the_latency_page_shows_each_flows_percentiles_over_the_last_hour() {
    let app = crate::helpers::spawn_app_without_workers().await;
    let now = wharf::db::now_ms();
    for ms in 1..=100 {
        app.app.record_lag("shipments", now - ms * 10).await;
    }
    app.app.record_lag("orders", now - 1500).await;
    let cookie = app.session_cookie().await;
    let page = app
        .get_page("/latency", &cookie)
        .await
        .text()
        .await
        .unwrap();
    let row = |flow: &str| {
        let start = page.find(&format!("id=\"latency-{flow}\"")).unwrap();
        page[start..start + page[start..].find("</tr>").unwrap()].to_owned()
    };
    let shipments = row("shipments");
    assert!(shipments.contains(">100<"), "{shipments}");
    // 10 ms … 1000 ms ago: p50 500 ms, p99 990 ms, plus however long recording them took.
    let cell = |class: &str| -> i64 {
        let start = shipments.find(&format!("class=\"{class}\">")).unwrap() + class.len() + 9;
        shipments[start..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let (p50, p99) = (cell("p50"), cell("p99"));
    assert!(
        (500..1500).contains(&p50) && (990..2000).contains(&p99) && p50 < p99,
        "{shipments}"
    );
    assert!(row("orders").contains(">1<"), "{page}");
    assert!(row("inventory").contains(">0<"), "{page}");
}
