//! The per-store API budget and job cap hold across processes: several wharf instances on one
//! database, each with its own client (as separate `wharf worker` processes have), together
//! stay within the configured share of the store's quota.

use std::time::Duration;

use serde_json::json;
use tokio::sync::watch;
use wharf::app::App;
use wharf::app::jobs::{Job, OrderFetch};
use wharf::db::jobs::{self, JobStatus, NewJob};
use wharf::jobs::{Worker, WorkerConfig};
use wharf::startup::job_handlers;

use crate::helpers::{STORE_HASH, spawn_app_without_workers};

/// The store's quota during the test, and wharf's share of it.
const QUOTA: u32 = 20;
const WINDOW: Duration = Duration::from_millis(1000);
const SHARE: f64 = 0.5;

#[tokio::test]
async fn three_workers_on_one_database_keep_within_the_stores_quota_share() {
    let app = spawn_app_without_workers().await;
    let store_id = app.connected_store().await;
    let simulator = &app.sim.simulator;
    let orders = simulator.seed_orders(STORE_HASH, 60);
    // From here on the store counts every request per window.
    simulator.set_quota(QUOTA, WINDOW);
    simulator.reset_stats();

    let mut settings = app.settings.clone();
    settings.server.api_quota_share = SHARE;
    let (stop, stopped) = watch::channel(false);
    let mut workers = Vec::new();
    for _ in 0..3 {
        // Its own App: its own HTTP client and rate gates, like another process.
        let instance = App::open(&settings).await.unwrap();
        let config = WorkerConfig {
            // Together the three could run 12 of the store's jobs at once; the cap is 4.
            concurrency: 4,
            per_store: 4,
            poll_interval: Duration::from_millis(20),
            ..WorkerConfig::default()
        };
        let worker = Worker::new(instance.db.clone(), job_handlers(&instance), config);
        workers.push(tokio::spawn(worker.run(stopped.clone())));
    }
    let mut fetches = Vec::new();
    for order_id in &orders {
        let job = NewJob::new(
            OrderFetch::KIND,
            &json!({ "store_id": store_id, "order_id": order_id }),
        )
        .store(store_id);
        fetches.push(jobs::enqueue_now(&app.app.db, &job).await.unwrap().unwrap());
    }

    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let mut most_running = 0;
    loop {
        let running: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE store_id = $1 AND status = 'running'",
        )
        .bind(store_id)
        .fetch_one(app.app.db.pool())
        .await
        .unwrap();
        most_running = most_running.max(running);
        let mut waiting = 0;
        for id in &fetches {
            let job = jobs::get(&app.app.db, *id).await.unwrap().unwrap();
            assert_ne!(job.status, JobStatus::Failed, "{job:?}");
            waiting += usize::from(job.status != JobStatus::Done);
        }
        if waiting == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{waiting} fetches still waiting"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }

    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE store_id = $1")
        .bind(store_id)
        .fetch_one(app.app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, orders.len() as i64, "every order was fetched");
    assert!(
        most_running <= 4,
        "{most_running} of the store's jobs ran at once across three workers (cap 4)"
    );
    let allowed = (f64::from(QUOTA) * SHARE) as u32;
    let busiest = simulator.busiest_window(STORE_HASH);
    assert!(
        busiest <= allowed,
        "{busiest} requests reached the store in one window; wharf's share is {allowed}"
    );
    let metrics = wharf::metrics::render(&app.app.db).await;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("wharf_api_budget_left{") && l.contains(STORE_HASH)),
        "the shared budget's remainder is a metric:\n{metrics}"
    );
    // The test must have pushed against the budget to show anything: more requests than one
    // window allows.
    let requests = simulator.request_stats().total;
    assert!(
        requests > u64::from(allowed) * 2,
        "only {requests} requests were sent"
    );
}
