//! The durable job queue, on whichever database the run uses.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use wharf::db::jobs::{self, JobStatus, NewJob};
use wharf::db::{Db, now_ms};
use wharf::jobs::{Handlers, JobOutcome, Worker, WorkerConfig};

use crate::helpers::spawn_app_without_workers;

const LEASE: Duration = Duration::from_secs(30);

async fn test_db() -> (crate::helpers::TestApp, Db) {
    let app = spawn_app_without_workers().await;
    let db = app.app.db.clone();
    (app, db)
}

#[tokio::test]
async fn a_job_exists_only_if_its_transaction_commits() {
    let (_app, db) = test_db().await;
    let mut tx = db.begin().await.unwrap();
    jobs::enqueue(&mut tx, &NewJob::new("test.rolled_back", &json!({})))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let id = jobs::enqueue(&mut tx, &NewJob::new("test.committed", &json!({"n": 1})))
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();

    let claimed = jobs::claim(&db, "w1", 10, LEASE).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].id, id);
    assert_eq!(claimed[0].kind, "test.committed");
    assert_eq!(claimed[0].payload, json!({"n": 1}));
    assert_eq!(claimed[0].attempt, 1);
}

#[tokio::test]
async fn a_dedupe_key_collapses_jobs_only_while_one_is_pending() {
    let (_app, db) = test_db().await;
    let job = NewJob::new("test.fetch_order", &json!({"order": 7})).dedupe_key("order:7");
    let first = jobs::enqueue_now(&db, &job).await.unwrap();
    assert!(first.is_some());
    assert_eq!(
        jobs::enqueue_now(&db, &job).await.unwrap(),
        None,
        "collapsed into the pending one"
    );

    let claimed = jobs::claim(&db, "w1", 10, LEASE).await.unwrap();
    assert_eq!(claimed.len(), 1);
    // While the first runs, a new change must be able to queue a fresh read.
    let second = jobs::enqueue_now(&db, &job).await.unwrap();
    assert!(second.is_some() && second != first);

    // The running one fails and would go back to pending, but its twin already waits: superseded.
    let status = jobs::fail_attempt(&db, claimed[0].id, "w1", "boom", now_ms())
        .await
        .unwrap();
    assert_eq!(status, JobStatus::Superseded);
    assert_eq!(
        jobs::claim(&db, "w1", 10, LEASE).await.unwrap().len(),
        1,
        "the twin still runs"
    );
}

#[tokio::test]
async fn two_workers_racing_never_claim_the_same_job() {
    let (_app, db) = test_db().await;
    let total = 60;
    for n in 0..total {
        jobs::enqueue_now(&db, &NewJob::new("test.race", &json!({"n": n})))
            .await
            .unwrap();
    }
    let mut racers = Vec::new();
    for worker in ["a", "b", "c"] {
        let db = db.clone();
        racers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let claimed = jobs::claim(&db, worker, 4, LEASE).await.unwrap();
                if claimed.is_empty() {
                    break;
                }
                for job in claimed {
                    assert!(jobs::complete(&db, job.id, worker).await.unwrap());
                    mine.push(job.id);
                }
            }
            mine
        }));
    }
    let mut seen = HashSet::new();
    let mut claims = 0;
    for racer in racers {
        for id in racer.await.unwrap() {
            claims += 1;
            assert!(seen.insert(id), "job {id} was claimed twice");
        }
    }
    assert_eq!(claims, total);
}

#[tokio::test]
async fn a_crashed_workers_job_is_rescued_when_its_lease_expires() {
    let (_app, db) = test_db().await;
    jobs::enqueue_now(&db, &NewJob::new("test.crash", &json!({})))
        .await
        .unwrap();
    let claimed = jobs::claim(&db, "dead-worker", 1, Duration::from_millis(50))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(
        jobs::claim(&db, "w2", 1, LEASE).await.unwrap().is_empty(),
        "leased jobs are not claimable"
    );

    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(jobs::rescue_expired(&db).await.unwrap(), 1);
    let reclaimed = jobs::claim(&db, "w2", 1, LEASE).await.unwrap();
    assert_eq!(reclaimed.len(), 1);
    assert_eq!(reclaimed[0].attempt, 2, "the crashed attempt counts");

    // The dead worker waking up cannot overwrite the new owner's result.
    assert!(
        !jobs::complete(&db, claimed[0].id, "dead-worker")
            .await
            .unwrap()
    );
    assert!(jobs::complete(&db, reclaimed[0].id, "w2").await.unwrap());
}

#[tokio::test]
async fn failures_back_off_then_fail_visibly_after_max_attempts() {
    let (_app, db) = test_db().await;
    let id = jobs::enqueue_now(&db, &NewJob::new("test.flaky", &json!({})).max_attempts(2))
        .await
        .unwrap()
        .unwrap();

    let job = &jobs::claim(&db, "w", 1, LEASE).await.unwrap()[0];
    let later = now_ms() + 60_000;
    assert_eq!(
        jobs::fail_attempt(&db, job.id, "w", "first failure", later)
            .await
            .unwrap(),
        JobStatus::Pending
    );
    assert!(
        jobs::claim(&db, "w", 1, LEASE).await.unwrap().is_empty(),
        "not due before its backoff"
    );
    let record = jobs::get(&db, id).await.unwrap().unwrap();
    assert_eq!(record.run_at_ms, later);
    assert_eq!(record.last_error.as_deref(), Some("first failure"));

    make_due(&db, id).await;
    let job = &jobs::claim(&db, "w", 1, LEASE).await.unwrap()[0];
    assert_eq!(job.attempt, 2);
    assert_eq!(
        jobs::fail_attempt(&db, job.id, "w", "second failure", now_ms())
            .await
            .unwrap(),
        JobStatus::Failed
    );
    let failed = jobs::list_by_status(&db, JobStatus::Failed, 10)
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_error.as_deref(), Some("second failure"));

    // The operator's Retry puts it back with fresh attempts.
    assert!(jobs::retry_failed(&db, id).await.unwrap());
    assert_eq!(jobs::claim(&db, "w", 1, LEASE).await.unwrap()[0].attempt, 1);
}

#[tokio::test]
async fn a_snooze_reschedules_without_spending_an_attempt() {
    let (_app, db) = test_db().await;
    let id = jobs::enqueue_now(
        &db,
        &NewJob::new("test.rate_limited", &json!({})).max_attempts(1),
    )
    .await
    .unwrap()
    .unwrap();
    for _ in 0..3 {
        let job = &jobs::claim(&db, "w", 1, LEASE).await.unwrap()[0];
        assert_eq!(job.attempt, 1, "snoozes are free");
        assert_eq!(
            jobs::snooze(&db, job.id, "w", now_ms() + 60_000)
                .await
                .unwrap(),
            JobStatus::Pending
        );
        assert!(jobs::claim(&db, "w", 1, LEASE).await.unwrap().is_empty());
        make_due(&db, id).await;
    }
}

#[tokio::test]
async fn the_worker_runs_handlers_and_records_their_outcomes() {
    let (_app, db) = test_db().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let handlers = Handlers::default()
        .register("test.ok", move |_job| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                JobOutcome::Done
            }
        })
        .register("test.broken", |_job| async {
            JobOutcome::Fail {
                error: "cannot ever work".into(),
            }
        })
        .register("test.transient", |_job| async {
            JobOutcome::Retry {
                error: "try later".into(),
            }
        });
    let ok = jobs::enqueue_now(&db, &NewJob::new("test.ok", &json!({})))
        .await
        .unwrap()
        .unwrap();
    let broken = jobs::enqueue_now(&db, &NewJob::new("test.broken", &json!({})))
        .await
        .unwrap()
        .unwrap();
    let transient = jobs::enqueue_now(&db, &NewJob::new("test.transient", &json!({})))
        .await
        .unwrap()
        .unwrap();
    let unknown = jobs::enqueue_now(&db, &NewJob::new("test.nobody_handles", &json!({})))
        .await
        .unwrap()
        .unwrap();

    let worker = Worker::new(db.clone(), handlers, WorkerConfig::default());
    assert_eq!(worker.run_due_jobs().await.unwrap(), 4);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let status = |id| {
        let db = db.clone();
        async move { jobs::get(&db, id).await.unwrap().unwrap() }
    };
    assert_eq!(status(ok).await.status, JobStatus::Done);
    assert_eq!(status(broken).await.status, JobStatus::Failed);
    let retried = status(transient).await;
    assert_eq!(retried.status, JobStatus::Pending);
    assert!(retried.run_at_ms > now_ms(), "retried after a backoff");
    let unknown = status(unknown).await;
    assert_eq!(unknown.status, JobStatus::Failed);
    assert!(unknown.last_error.unwrap().contains("no handler"));
}

#[tokio::test]
async fn a_running_worker_picks_up_jobs_and_stops_cleanly() {
    let (_app, db) = test_db().await;
    let done = Arc::new(tokio::sync::Notify::new());
    let signal = done.clone();
    let handlers = Handlers::default().register("test.ping", move |_job| {
        let signal = signal.clone();
        async move {
            signal.notify_one();
            JobOutcome::Done
        }
    });
    let config = WorkerConfig {
        poll_interval: Duration::from_millis(20),
        ..WorkerConfig::default()
    };
    let worker = Worker::new(db.clone(), handlers, config);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    let id = jobs::enqueue_now(&db, &NewJob::new("test.ping", &json!({})))
        .await
        .unwrap()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), done.notified())
        .await
        .expect("the worker ran the job");
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("the worker stops")
        .unwrap();
    assert_eq!(
        jobs::get(&db, id).await.unwrap().unwrap().status,
        JobStatus::Done
    );
}

async fn make_due(db: &Db, id: i64) {
    sqlx::query("UPDATE jobs SET run_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now_ms() - 1)
        .execute(db.pool())
        .await
        .unwrap();
}
