//! The Activity page: recent jobs with their outcome, failed ones with the error and Retry,
//! filtered by flow, order and status.

use serde_json::json;
use wharf::app::jobs::Job;
use wharf::db::jobs::{self, NewJob};
use wharf::jobs::{Worker, WorkerConfig};

use crate::helpers::spawn_app_without_workers;

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
