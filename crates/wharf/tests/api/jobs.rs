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
/// No per-store cap in the tests that are not about it (their jobs have no store anyway).
const ANY: i64 = 100;

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

    let claimed = jobs::claim(&db, "w1", 10, LEASE, ANY).await.unwrap();
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

    let claimed = jobs::claim(&db, "w1", 10, LEASE, ANY).await.unwrap();
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
        jobs::claim(&db, "w1", 10, LEASE, ANY).await.unwrap().len(),
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
                let claimed = jobs::claim(&db, worker, 4, LEASE, ANY).await.unwrap();
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
    let claimed = jobs::claim(&db, "dead-worker", 1, Duration::from_millis(50), ANY)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(
        jobs::claim(&db, "w2", 1, LEASE, ANY)
            .await
            .unwrap()
            .is_empty(),
        "leased jobs are not claimable"
    );

    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(jobs::rescue_expired(&db).await.unwrap(), 1);
    let reclaimed = jobs::claim(&db, "w2", 1, LEASE, ANY).await.unwrap();
    assert_eq!(reclaimed.len(), 1);
    assert_eq!(
        reclaimed[0].attempt, 1,
        "a worker's death is not the job's failed attempt"
    );

    // The dead worker waking up cannot overwrite the new owner's result.
    assert!(
        !jobs::complete(&db, claimed[0].id, "dead-worker")
            .await
            .unwrap()
    );
    assert!(jobs::complete(&db, reclaimed[0].id, "w2").await.unwrap());
}

#[tokio::test]
async fn a_job_whose_workers_keep_dying_is_given_up_visibly() {
    let (_app, db) = test_db().await;
    let id = jobs::enqueue_now(&db, &NewJob::new("test.poison", &json!({})))
        .await
        .unwrap()
        .unwrap();
    let die = |deaths: i64| {
        let db = db.clone();
        async move {
            for death in 1..=deaths {
                let claimed = jobs::claim(&db, "doomed", 1, Duration::from_millis(1), ANY)
                    .await
                    .unwrap();
                assert_eq!(
                    claimed.len(),
                    1,
                    "claimable again after death {}",
                    death - 1
                );
                assert!(claimed[0].attempt <= 2, "deaths are not attempts");
                tokio::time::sleep(Duration::from_millis(5)).await;
                assert_eq!(jobs::rescue_expired(&db).await.unwrap(), 1);
            }
        }
    };
    // Deaths short of the limit, then a run that finishes (failing): the count starts again.
    die(jobs::MAX_RESCUES - 1).await;
    let job = &jobs::claim(&db, "survivor", 1, LEASE, ANY).await.unwrap()[0];
    jobs::fail_attempt(&db, job.id, "survivor", "a real failure", now_ms())
        .await
        .unwrap();
    die(jobs::MAX_RESCUES - 1).await;
    assert_eq!(
        jobs::get(&db, id).await.unwrap().unwrap().status,
        JobStatus::Pending
    );
    // One more death in a row reaches the limit.
    die(1).await;
    let record = jobs::get(&db, id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Failed);
    assert!(record.last_error.unwrap().contains("worker stopped"));
}

/// Jobs of `count` new stores (they need real rows: jobs reference their store).
async fn stores(app: &crate::helpers::TestApp, count: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for n in 0..count {
        let mut input = app.store_input(&format!("Store {n}"));
        input["store_hash"] = json!(format!("capstore{n}"));
        ids.push(app.add_store(&input).await["id"].as_i64().unwrap());
    }
    ids
}

#[tokio::test]
async fn a_claim_leaves_each_store_at_most_its_cap_of_running_jobs() {
    let (app, db) = test_db().await;
    let ids = stores(&app, 2).await;
    let (busy, quiet) = (ids[0], ids[1]);
    for n in 0..10 {
        jobs::enqueue_now(&db, &NewJob::new("test.busy", &json!({"n": n})).store(busy))
            .await
            .unwrap();
    }
    for n in 0..3 {
        jobs::enqueue_now(
            &db,
            &NewJob::new("test.quiet", &json!({"n": n})).store(quiet),
        )
        .await
        .unwrap();
    }
    jobs::enqueue_now(&db, &NewJob::new("test.storeless", &json!({})))
        .await
        .unwrap();

    let first = jobs::claim(&db, "w1", 10, LEASE, 2).await.unwrap();
    let per_store = |claimed: &[jobs::ClaimedJob], store: Option<i64>| {
        claimed.iter().filter(|j| j.store_id == store).count()
    };
    assert_eq!(
        per_store(&first, Some(busy)),
        2,
        "one claim stops at the cap"
    );
    assert_eq!(per_store(&first, Some(quiet)), 2);
    assert_eq!(
        per_store(&first, None),
        1,
        "jobs of no store are not capped"
    );

    // Another worker (another process, as far as the database knows) gets nothing more.
    assert!(
        jobs::claim(&db, "w2", 10, LEASE, 2)
            .await
            .unwrap()
            .is_empty()
    );

    // A finished job frees its store's slot, for whichever worker claims next.
    let busy_job = first.iter().find(|j| j.store_id == Some(busy)).unwrap();
    assert!(jobs::complete(&db, busy_job.id, "w1").await.unwrap());
    let next = jobs::claim(&db, "w2", 10, LEASE, 2).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].store_id, Some(busy));
}

#[tokio::test]
async fn a_store_with_a_backlog_never_hides_another_stores_jobs() {
    let (app, db) = test_db().await;
    let ids = stores(&app, 2).await;
    let (backlogged, other) = (ids[0], ids[1]);
    // Thousands of due jobs of one store, all older than the other store's one.
    let mut tx = db.begin().await.unwrap();
    let mut backlog = Vec::new();
    for n in 0..1500 {
        let job = NewJob::new("test.backlog", &json!({ "n": n })).store(backlogged);
        backlog.push(jobs::enqueue(&mut tx, &job).await.unwrap().unwrap());
    }
    tx.commit().await.unwrap();
    let fresh = NewJob::new("test.new_order", &json!({})).store(other);
    let fresh = jobs::enqueue_now(&db, &fresh).await.unwrap().unwrap();
    jobs::enqueue_now(&db, &NewJob::new("test.storeless", &json!({})))
        .await
        .unwrap();

    let claimed = jobs::claim(&db, "w1", 10, LEASE, 4).await.unwrap();
    let of = |store: Option<i64>| {
        claimed
            .iter()
            .filter(|j| j.store_id == store)
            .map(|j| j.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of(Some(backlogged)),
        backlog[..4],
        "the backlog's store gets its cap, oldest first"
    );
    assert!(
        claimed.iter().any(|j| j.id == fresh),
        "the other store's job is not stuck behind the backlog"
    );
    assert_eq!(of(None).len(), 1);
}

#[tokio::test]
async fn racing_workers_never_run_more_than_the_cap_of_one_store() {
    let (app, db) = test_db().await;
    let store = stores(&app, 1).await[0];
    let total = 40;
    for n in 0..total {
        jobs::enqueue_now(
            &db,
            &NewJob::new("test.capped", &json!({"n": n})).store(store),
        )
        .await
        .unwrap();
    }
    const CAP: i64 = 3;
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let mut racers = Vec::new();
    // Different claim sizes, so the racers do not all reach for the same rows first.
    for (worker, batch) in [("a", 1), ("b", 2), ("c", 3), ("d", 2)] {
        let (db, running, most) = (db.clone(), running.clone(), most.clone());
        racers.push(tokio::spawn(async move {
            let mut done = 0;
            let mut idle_rounds = 0;
            while idle_rounds < 50 {
                let claimed = jobs::claim(&db, worker, batch, LEASE, CAP).await.unwrap();
                if claimed.is_empty() {
                    idle_rounds += 1;
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    continue;
                }
                idle_rounds = 0;
                let now = running.fetch_add(claimed.len(), Ordering::SeqCst) + claimed.len();
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(3)).await;
                for job in claimed {
                    // Leave the count before the database frees the slot, never after.
                    running.fetch_sub(1, Ordering::SeqCst);
                    assert!(jobs::complete(&db, job.id, worker).await.unwrap());
                    done += 1;
                }
            }
            done
        }));
    }
    let mut done = 0;
    for racer in racers {
        done += racer.await.unwrap();
    }
    assert_eq!(done, total);
    assert!(
        most.load(Ordering::SeqCst) as i64 <= CAP,
        "{} of the store's jobs ran at once (cap {CAP})",
        most.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn a_job_that_asks_brings_its_waiting_twin_forward_never_back() {
    let (_app, db) = test_db().await;
    let later = NewJob::new("test.push", &json!({}))
        .dedupe_key("push:1")
        .run_after(Duration::from_secs(60));
    let id = jobs::enqueue_now(&db, &later).await.unwrap().unwrap();
    assert_eq!(
        jobs::next_due_at(&db).await.unwrap(),
        Some(later.run_at_ms),
        "an idle worker sleeps until the waiting job is due"
    );
    // A plain twin collapses and leaves the waiting one's time alone.
    let plain = NewJob::new("test.push", &json!({})).dedupe_key("push:1");
    assert_eq!(jobs::enqueue_now(&db, &plain).await.unwrap(), None);
    assert!(
        jobs::claim(&db, "w1", 10, LEASE, ANY)
            .await
            .unwrap()
            .is_empty()
    );

    let sooner = NewJob::new("test.push", &json!({}))
        .dedupe_key("push:1")
        .bring_twin_forward();
    assert_eq!(
        jobs::enqueue_now(&db, &sooner).await.unwrap(),
        Some(id),
        "brought forward, not a second job"
    );
    // One due later than the twin leaves it where it is.
    let much_later = NewJob::new("test.push", &json!({}))
        .dedupe_key("push:1")
        .run_after(Duration::from_secs(600))
        .bring_twin_forward();
    assert_eq!(jobs::enqueue_now(&db, &much_later).await.unwrap(), None);
    assert_eq!(jobs::next_due_at(&db).await.unwrap(), None, "nothing waits");

    let claimed = jobs::claim(&db, "w1", 10, LEASE, ANY).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].id, id);
}

#[tokio::test]
async fn failures_back_off_then_fail_visibly_after_max_attempts() {
    let (_app, db) = test_db().await;
    let id = jobs::enqueue_now(&db, &NewJob::new("test.flaky", &json!({})).max_attempts(2))
        .await
        .unwrap()
        .unwrap();

    let job = &jobs::claim(&db, "w", 1, LEASE, ANY).await.unwrap()[0];
    let later = now_ms() + 60_000;
    assert_eq!(
        jobs::fail_attempt(&db, job.id, "w", "first failure", later)
            .await
            .unwrap(),
        JobStatus::Pending
    );
    assert!(
        jobs::claim(&db, "w", 1, LEASE, ANY)
            .await
            .unwrap()
            .is_empty(),
        "not due before its backoff"
    );
    let record = jobs::get(&db, id).await.unwrap().unwrap();
    assert_eq!(record.run_at_ms, later);
    assert_eq!(record.last_error.as_deref(), Some("first failure"));

    make_due(&db, id).await;
    let job = &jobs::claim(&db, "w", 1, LEASE, ANY).await.unwrap()[0];
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
    assert_eq!(
        jobs::claim(&db, "w", 1, LEASE, ANY).await.unwrap()[0].attempt,
        1
    );
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
        let job = &jobs::claim(&db, "w", 1, LEASE, ANY).await.unwrap()[0];
        assert_eq!(job.attempt, 1, "snoozes are free");
        assert_eq!(
            jobs::snooze(&db, job.id, "w", now_ms() + 60_000)
                .await
                .unwrap(),
            JobStatus::Pending
        );
        assert!(
            jobs::claim(&db, "w", 1, LEASE, ANY)
                .await
                .unwrap()
                .is_empty()
        );
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
        })
        .register("test.panics", |_job| async {
            if true {
                panic!("a bug in a handler");
            }
            JobOutcome::Done
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
    let panics = jobs::enqueue_now(&db, &NewJob::new("test.panics", &json!({})))
        .await
        .unwrap()
        .unwrap();

    let config = WorkerConfig {
        concurrency: 5,
        ..WorkerConfig::default()
    };
    let worker = Worker::new(db.clone(), handlers, config);
    assert_eq!(worker.run_due_jobs().await.unwrap(), 5);
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
    // A panic is the attempt's failure: recorded at once, backed off, not left to the lease.
    let panicked = status(panics).await;
    assert_eq!(panicked.status, JobStatus::Pending);
    assert_eq!(panicked.attempts, 1);
    assert!(
        panicked
            .last_error
            .unwrap()
            .contains("panicked: a bug in a handler")
    );
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

#[tokio::test]
async fn pruning_deletes_only_finished_jobs_older_than_the_history_kept() {
    let (_app, db) = test_db().await;
    let mut ids = Vec::new();
    for kind in [
        "test.old_done",
        "test.recent_done",
        "test.old_failed",
        "test.old_running",
    ] {
        let job = NewJob::new(kind, &json!({}));
        ids.push(jobs::enqueue_now(&db, &job).await.unwrap().unwrap());
    }
    let [old_done, recent_done, old_failed, old_running] = ids[..] else {
        unreachable!()
    };
    assert_eq!(
        jobs::claim(&db, "w1", 10, LEASE, ANY).await.unwrap().len(),
        4
    );
    let old_pending = jobs::enqueue_now(&db, &NewJob::new("test.old_pending", &json!({})))
        .await
        .unwrap()
        .unwrap();
    assert!(jobs::complete(&db, old_done, "w1").await.unwrap());
    assert!(jobs::complete(&db, recent_done, "w1").await.unwrap());
    jobs::fail_permanently(&db, old_failed, "w1", "needs an operator")
        .await
        .unwrap();
    // Everything but one finished job was last touched eight days ago.
    let eight_days_ago = now_ms() - 8 * 86_400_000;
    sqlx::query("UPDATE jobs SET updated_at = $1 WHERE id <> $2")
        .bind(eight_days_ago)
        .bind(recent_done)
        .execute(db.pool())
        .await
        .unwrap();

    let week_ago = now_ms() - 7 * 86_400_000;
    assert_eq!(jobs::prune_history(&db, week_ago).await.unwrap(), 1);
    assert!(jobs::get(&db, old_done).await.unwrap().is_none());
    for kept in [recent_done, old_failed, old_running, old_pending] {
        assert!(jobs::get(&db, kept).await.unwrap().is_some(), "job {kept}");
    }
    assert_eq!(jobs::prune_history(&db, week_ago).await.unwrap(), 0);
}
