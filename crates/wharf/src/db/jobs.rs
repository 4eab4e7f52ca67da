//! The durable job queue every remote side effect goes through.
//!
//! Semantics borrowed from Oban/River/queue_job:
//! - `enqueue` takes the caller's transaction, so a job exists exactly when the state change that
//!   caused it was committed (transactional outbox);
//! - a `dedupe_key` collapses a new job into an identical one that is still pending (and, for
//!   a job that asks, brings that one forward when the new one is due sooner);
//! - `claim` leases jobs to one worker in one `UPDATE … RETURNING`, at most `per_store` running
//!   per store across every process (PostgreSQL's claims take a one-row lock, see below), and
//!   every later transition checks the lease holder, so a worker whose lease was rescued cannot
//!   overwrite the new owner's result;
//! - a crashed worker's jobs come back when their lease expires (`rescue_expired`); a rescue
//!   gives the attempt back, because the job did not fail, its worker died;
//! - failures back off exponentially with jitter via a stored `run_at`; `snooze` (rate limits)
//!   reschedules without spending an attempt; after `max_attempts` a job is `failed` and stays
//!   visible until an operator retries it.

use std::time::Duration;

use serde::{Serialize, de::DeserializeOwned};
use sqlx::{AnyConnection, Row};

use super::{Backend, Db, DbError, is_unique_violation, now_ms};

pub const DEFAULT_MAX_ATTEMPTS: i64 = 20;

/// How many times in a row a job's worker may die under it before the job is given up as
/// `failed`.
/// A worker killed by a deploy or a crash elsewhere is not the job's fault, but a job that
/// takes its worker down every time (out of memory, say) must not loop forever.
pub const MAX_RESCUES: i64 = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Pending,
    Running,
    Done,
    Failed,
    /// A retry found an identical job already waiting, which will do the same work.
    Superseded,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Superseded => "superseded",
        }
    }

    fn parse(s: &str) -> Result<Self, DbError> {
        Ok(match s {
            "pending" => JobStatus::Pending,
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            "failed" => JobStatus::Failed,
            "superseded" => JobStatus::Superseded,
            other => return Err(DbError::Corrupt(format!("unknown job status {other:?}"))),
        })
    }
}

/// A job to be enqueued.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub payload: serde_json::Value,
    pub dedupe_key: Option<String>,
    pub store_id: Option<i64>,
    pub run_at_ms: i64,
    pub max_attempts: i64,
    /// When it collapses into a pending twin due later (snoozed, say), the twin is brought
    /// forward to this job's time instead of keeping its own.
    pub brings_twin_forward: bool,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, payload: &impl Serialize) -> Self {
        NewJob {
            kind: kind.into(),
            payload: serde_json::to_value(payload).expect("job payloads serialize to JSON"),
            dedupe_key: None,
            store_id: None,
            run_at_ms: now_ms(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            brings_twin_forward: false,
        }
    }

    /// A pending twin due later than this job is brought forward to this job's time: for work
    /// that should start as soon as it can once it is asked for (an inventory push), where a
    /// twin may be waiting out a snooze its cause no longer has.
    pub fn bring_twin_forward(mut self) -> Self {
        self.brings_twin_forward = true;
        self
    }

    pub fn dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    pub fn store(mut self, store_id: i64) -> Self {
        self.store_id = Some(store_id);
        self
    }

    pub fn run_after(mut self, delay: Duration) -> Self {
        self.run_at_ms = now_ms() + delay.as_millis() as i64;
        self
    }

    pub fn max_attempts(mut self, max_attempts: i64) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }
}

/// A job leased to one worker.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub store_id: Option<i64>,
    /// Attempts including this one; a run whose worker died does not count.
    pub attempt: i64,
    pub max_attempts: i64,
    pub locked_until_ms: i64,
    /// When the job became due: the wait until its claim is `now - run_at_ms`.
    pub run_at_ms: i64,
    /// This run's hold on the job.
    pub lease: JobLease,
}

/// A claimed job's hold on its lease.
///
/// Renewed right before a remote write that must not happen twice, it fences off a worker
/// presumed dead: once the job was rescued and claimed by another worker, `renew` says so and
/// the write is left to the new owner. Renewed, the lease also outlasts the request when it is
/// longer than the client's timeout (the default 60 s lease against 30 s), so no successor can
/// look for what the request made before it has landed or failed.
#[derive(Debug, Clone)]
pub struct JobLease {
    pub job_id: i64,
    pub worker_id: String,
    pub duration: Duration,
}

impl JobLease {
    /// Extends the lease; false when the job now belongs to another worker.
    pub async fn renew(&self, db: &Db) -> Result<bool, DbError> {
        extend_lease(db, self.job_id, &self.worker_id, self.duration).await
    }
}

impl ClaimedJob {
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_value(self.payload.clone())
    }
}

/// What an operator sees of a job.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub status: JobStatus,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at_ms: i64,
    pub last_error: Option<String>,
}

/// Enqueues inside the caller's transaction. Returns `None` when an identical pending job
/// (same dedupe key) already exists and this one collapsed into it (the twin's id when the
/// job brought it forward).
pub async fn enqueue(conn: &mut AnyConnection, job: &NewJob) -> Result<Option<i64>, DbError> {
    let now = now_ms();
    // ON CONFLICT with the partial index's predicate: only a *pending* twin absorbs the new job;
    // a running one does not, because its read may predate the change that caused this enqueue.
    // The twin keeps its time unless the new job brings it forward ($8).
    let row = sqlx::query(
        "INSERT INTO jobs (kind, payload, dedupe_key, store_id, status, attempts, max_attempts, run_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7, $7)
         ON CONFLICT (dedupe_key) WHERE status = 'pending'
         DO UPDATE SET run_at = excluded.run_at, updated_at = excluded.updated_at
         WHERE $8 AND jobs.run_at > excluded.run_at
         RETURNING id",
    )
    .bind(&job.kind)
    .bind(job.payload.to_string())
    .bind(job.dedupe_key.as_deref())
    .bind(job.store_id)
    .bind(job.max_attempts)
    .bind(job.run_at_ms)
    .bind(now)
    .bind(job.brings_twin_forward)
    .fetch_optional(&mut *conn)
    .await?;
    if row.is_some() && job.run_at_ms <= now && conn.backend_name() == POSTGRES {
        // Delivered when the transaction commits (never if it rolls back), to every process's
        // listening worker; jobs due later are found by the workers' naps and polls.
        // A plain statement (`pg_notify` returns `void`, which the `Any` driver cannot decode).
        sqlx::Executor::execute(&mut *conn, NOTIFY_DUE_NOW).await?;
    }
    Ok(row.map(|r| r.get::<i64, _>("id")))
}

/// The PostgreSQL channel on which an enqueue tells workers in every process that a job is due
/// now, so they need not wait for their poll.
const DUE_NOW_CHANNEL: &str = "wharf_jobs_due_now";
const NOTIFY_DUE_NOW: &str = "NOTIFY wharf_jobs_due_now";

/// How sqlx's `Any` driver names the PostgreSQL backend.
const POSTGRES: &str = "PostgreSQL";

/// Wakes `wake` whenever another process (or this one) queues a job due now, on PostgreSQL;
/// returns at once on SQLite, where one process runs every worker. Runs until dropped; a lost
/// connection is made again (notifications sent meanwhile are lost, and the poll finds them).
pub async fn listen_for_due_jobs(db: Db, wake: std::sync::Arc<tokio::sync::Notify>) {
    use secrecy::ExposeSecret;
    let Some(url) = db.postgres_url() else {
        return;
    };
    loop {
        let listening = async {
            let mut listener = sqlx::postgres::PgListener::connect(url.expose_secret()).await?;
            listener.listen(DUE_NOW_CHANNEL).await?;
            loop {
                listener.recv().await?;
                wake.notify_one();
            }
        };
        let result: Result<(), sqlx::Error> = listening.await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "not listening for queued jobs; polling until reconnected");
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// Enqueues in a transaction of its own, for callers with no state change to commit alongside.
pub async fn enqueue_now(db: &Db, job: &NewJob) -> Result<Option<i64>, DbError> {
    let mut tx = db.begin().await?;
    let id = enqueue(&mut tx, job).await?;
    tx.commit().await?;
    Ok(id)
}

/// The jobs one claim takes: the oldest due, skipping those of a store that already has
/// `per_store` ($4) jobs running. The candidates are each store's oldest due jobs, as many as
/// its cap (a claim can take no more of them), and the oldest due jobs of no store: so a store
/// with a backlog of thousands cannot hide another store's jobs behind it, and a claim stays a
/// few short index scans however long the queue. `ROW_NUMBER` ranks each store's candidates so
/// one claim cannot take more than the store's free slots either.
///
/// `$store_candidates` reads each store's oldest due jobs; the backends say it differently
/// (PostgreSQL plans a correlated `IN` as a filter over every job, SQLite has no `LATERAL`).
macro_rules! claim_sql {
    ($store_candidates:literal) => {
        concat!(
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2,
                    attempts = attempts + 1, updated_at = $3
             WHERE status = 'pending' AND id IN (
                SELECT due.id FROM (
                    SELECT id, store_id, run_at,
                           ROW_NUMBER() OVER (PARTITION BY store_id ORDER BY run_at, id) AS nth
                    FROM jobs
                    WHERE id IN (",
            $store_candidates,
            "       UNION ALL
                        SELECT id FROM (
                            SELECT id FROM jobs
                            WHERE store_id IS NULL AND status = 'pending' AND run_at <= $3
                            ORDER BY run_at, id LIMIT $5) storeless)
                ) due
                LEFT JOIN (SELECT store_id, COUNT(*) AS running FROM jobs
                           WHERE status = 'running' AND store_id IS NOT NULL
                           GROUP BY store_id) busy ON busy.store_id = due.store_id
                WHERE due.store_id IS NULL OR COALESCE(busy.running, 0) + due.nth <= $4
                ORDER BY due.run_at, due.id LIMIT $5)
             RETURNING id, kind, payload, store_id, attempts, max_attempts, locked_until, run_at"
        )
    };
}

const CLAIM_SQLITE: &str = claim_sql!(
    "SELECT candidate.id FROM stores s JOIN jobs candidate ON candidate.id IN (
        SELECT id FROM jobs
        WHERE store_id = s.id AND status = 'pending' AND run_at <= $3
        ORDER BY run_at, id LIMIT $4)"
);

const CLAIM_POSTGRES: &str = claim_sql!(
    "SELECT candidate.id FROM stores s CROSS JOIN LATERAL (
        SELECT id FROM jobs
        WHERE store_id = s.id AND status = 'pending' AND run_at <= $3
        ORDER BY run_at, id LIMIT $4) candidate"
);

/// Leases up to `limit` due jobs to `worker_id` for `lease`, leaving each store at most
/// `per_store` running jobs. Each claim spends one attempt.
///
/// The per-store cap needs every claimer to see the others' claims. SQLite runs one write
/// statement at a time, so the single `UPDATE` is enough there. PostgreSQL claimers are
/// serialised by updating one row first, whose lock is held until commit (a claim takes a few
/// milliseconds): with `SKIP LOCKED` two processes could claim at once and both see a store
/// below its cap.
pub async fn claim(
    db: &Db,
    worker_id: &str,
    limit: i64,
    lease: Duration,
    per_store: i64,
) -> Result<Vec<ClaimedJob>, DbError> {
    let now = now_ms();
    let locked_until = now + lease.as_millis() as i64;
    let sql = match db.backend() {
        Backend::Sqlite => CLAIM_SQLITE,
        Backend::Postgres => CLAIM_POSTGRES,
    };
    let claim = sqlx::query(sql)
        .bind(worker_id)
        .bind(locked_until)
        .bind(now)
        .bind(per_store.max(1))
        .bind(limit);
    let rows = match db.backend() {
        Backend::Sqlite => claim.fetch_all(db.pool()).await?,
        Backend::Postgres => {
            let mut tx = db.begin().await?;
            sqlx::query("UPDATE job_claim_lock SET claimed_at = $1 WHERE id = 1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let rows = claim.fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows
        }
    };
    let mut jobs = rows
        .into_iter()
        .map(|row| {
            let payload: String = row.get("payload");
            Ok(ClaimedJob {
                id: row.get("id"),
                kind: row.get("kind"),
                payload: serde_json::from_str(&payload)
                    .map_err(|e| DbError::Corrupt(format!("job payload: {e}")))?,
                store_id: row.get("store_id"),
                attempt: row.get("attempts"),
                max_attempts: row.get("max_attempts"),
                locked_until_ms: row.get("locked_until"),
                run_at_ms: row.get("run_at"),
                lease: JobLease {
                    job_id: row.get("id"),
                    worker_id: worker_id.to_owned(),
                    duration: lease,
                },
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    jobs.sort_by_key(|j| j.id);
    Ok(jobs)
}

/// Marks a job done. False when the lease was lost (the job was rescued and belongs to another worker).
pub async fn complete(db: &Db, job_id: i64, worker_id: &str) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE jobs SET status = 'done', locked_by = NULL, locked_until = NULL, last_error = NULL, updated_at = $3
         WHERE id = $1 AND locked_by = $2 AND status = 'running'",
    )
    .bind(job_id)
    .bind(worker_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When the earliest pending job that is not yet due becomes due (`None` when none is
/// waiting), so an idle worker sleeps until then rather than a whole poll interval.
pub async fn next_due_at(db: &Db) -> Result<Option<i64>, DbError> {
    let row = sqlx::query(
        "SELECT MIN(run_at) AS due_at FROM jobs WHERE status = 'pending' AND run_at > $1",
    )
    .bind(now_ms())
    .fetch_one(db.pool())
    .await?;
    Ok(row.get("due_at"))
}

/// When the store's latest job of `kind` finished (`None` when none has), read through the
/// index of done jobs by kind.
pub async fn last_done_at(db: &Db, kind: &str, store_id: i64) -> Result<Option<i64>, DbError> {
    let row = sqlx::query(
        "SELECT MAX(updated_at) AS done_at FROM jobs
         WHERE kind = $1 AND status = 'done' AND store_id = $2",
    )
    .bind(kind)
    .bind(store_id)
    .fetch_one(db.pool())
    .await?;
    Ok(row.get("done_at"))
}

/// Deletes `done` and `superseded` jobs last updated before `before_ms`, a batch at a time so
/// no single statement holds SQLite's write lock for long. Returns how many were deleted.
pub async fn prune_history(db: &Db, before_ms: i64) -> Result<u64, DbError> {
    const BATCH: i64 = 5_000;
    let mut deleted = 0;
    loop {
        let batch = sqlx::query(
            "DELETE FROM jobs WHERE id IN (
                SELECT id FROM jobs
                WHERE status IN ('done', 'superseded') AND updated_at < $1
                LIMIT $2)",
        )
        .bind(before_ms)
        .bind(BATCH)
        .execute(db.pool())
        .await?
        .rows_affected();
        deleted += batch;
        if batch < BATCH as u64 {
            return Ok(deleted);
        }
    }
}

/// Records a failed attempt. The job waits until `run_at_ms` for its next attempt, or becomes
/// `failed` when it has used all of them.
pub async fn fail_attempt(
    db: &Db,
    job_id: i64,
    worker_id: &str,
    error: &str,
    run_at_ms: i64,
) -> Result<JobStatus, DbError> {
    let now = now_ms();
    let failed = sqlx::query(
        "UPDATE jobs SET status = 'failed', locked_by = NULL, locked_until = NULL, last_error = $3, updated_at = $4
         WHERE id = $1 AND locked_by = $2 AND status = 'running' AND attempts >= max_attempts",
    )
    .bind(job_id)
    .bind(worker_id)
    .bind(error)
    .bind(now)
    .execute(db.pool())
    .await?;
    if failed.rows_affected() == 1 {
        return Ok(JobStatus::Failed);
    }
    back_to_pending(db, job_id, worker_id, Some(error), run_at_ms, 0).await
}

/// Gives up on a job at once (an error no retry can fix). It stays visible as `failed`.
pub async fn fail_permanently(
    db: &Db,
    job_id: i64,
    worker_id: &str,
    error: &str,
) -> Result<bool, DbError> {
    let failed = sqlx::query(
        "UPDATE jobs SET status = 'failed', locked_by = NULL, locked_until = NULL, last_error = $3, updated_at = $4
         WHERE id = $1 AND locked_by = $2 AND status = 'running'",
    )
    .bind(job_id)
    .bind(worker_id)
    .bind(error)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(failed.rows_affected() == 1)
}

/// Reschedules without spending the attempt, e.g. while BigCommerce's quota refills.
pub async fn snooze(
    db: &Db,
    job_id: i64,
    worker_id: &str,
    until_ms: i64,
) -> Result<JobStatus, DbError> {
    back_to_pending(db, job_id, worker_id, None, until_ms, 1).await
}

/// Returns a job its worker finished running (it failed or snoozed) to the queue. Its worker
/// survived this run, so the count of deaths in a row starts again.
async fn back_to_pending(
    db: &Db,
    job_id: i64,
    worker_id: &str,
    error: Option<&str>,
    run_at_ms: i64,
    refund_attempts: i64,
) -> Result<JobStatus, DbError> {
    let result = sqlx::query(
        "UPDATE jobs SET status = 'pending', locked_by = NULL, locked_until = NULL,
                last_error = COALESCE($3, last_error), run_at = $4, attempts = attempts - $5,
                rescues = 0, updated_at = $6
         WHERE id = $1 AND locked_by = $2 AND status = 'running'",
    )
    .bind(job_id)
    .bind(worker_id)
    .bind(error)
    .bind(run_at_ms)
    .bind(refund_attempts)
    .bind(now_ms())
    .execute(db.pool())
    .await;
    match result {
        Ok(r) if r.rows_affected() == 1 => Ok(JobStatus::Pending),
        Ok(_) => Ok(JobStatus::Running), // lease lost: the job is someone else's now
        // An identical job is already waiting and will do this job's work.
        Err(e) if is_unique_violation(&e) => {
            supersede(db, job_id, Some(worker_id)).await?;
            Ok(JobStatus::Superseded)
        }
        Err(e) => Err(e.into()),
    }
}

async fn supersede(db: &Db, job_id: i64, worker_id: Option<&str>) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE jobs SET status = 'superseded', locked_by = NULL, locked_until = NULL, updated_at = $3
         WHERE id = $1 AND status = 'running' AND ($2 IS NULL OR locked_by = $2)",
    )
    .bind(job_id)
    .bind(worker_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Pushes a running job's lease forward; false when this worker no longer holds it.
pub async fn extend_lease(
    db: &Db,
    job_id: i64,
    worker_id: &str,
    lease: Duration,
) -> Result<bool, DbError> {
    let now = now_ms();
    let result = sqlx::query(
        "UPDATE jobs SET locked_until = $3, updated_at = $4
         WHERE id = $1 AND locked_by = $2 AND status = 'running'",
    )
    .bind(job_id)
    .bind(worker_id)
    .bind(now + lease.as_millis() as i64)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Returns jobs whose worker died (lease expired) to the queue. The dead worker's attempt is
/// given back, so the job's backoff grows with its own failures, not with worker deaths; the
/// death is counted in `rescues`, and a job whose workers die `MAX_RESCUES` times in a row
/// (no run finished in between) ends `failed`.
pub async fn rescue_expired(db: &Db) -> Result<u64, DbError> {
    let now = now_ms();
    let expired =
        sqlx::query("SELECT id, rescues FROM jobs WHERE status = 'running' AND locked_until < $1")
            .bind(now)
            .fetch_all(db.pool())
            .await?;
    let mut rescued = 0;
    for row in expired {
        let id: i64 = row.get("id");
        let rescues: i64 = row.get("rescues");
        let (status, error) = if rescues + 1 >= MAX_RESCUES {
            (
                "failed",
                format!("its worker stopped during each of its last {MAX_RESCUES} runs; given up"),
            )
        } else {
            (
                "pending",
                "worker stopped during the attempt; retried".to_owned(),
            )
        };
        let result = sqlx::query(
            "UPDATE jobs SET status = $2, locked_by = NULL, locked_until = NULL, last_error = $3,
                    attempts = attempts - 1, rescues = rescues + 1, updated_at = $4
             WHERE id = $1 AND status = 'running' AND locked_until < $4",
        )
        .bind(id)
        .bind(status)
        .bind(&error)
        .bind(now)
        .execute(db.pool())
        .await;
        match result {
            Ok(r) => rescued += r.rows_affected(),
            Err(e) if is_unique_violation(&e) => supersede(db, id, None).await?,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(rescued)
}

/// Puts a failed job back in the queue with fresh attempts (the operator's Retry button).
pub async fn retry_failed(db: &Db, job_id: i64) -> Result<bool, DbError> {
    let now = now_ms();
    let result = sqlx::query(
        "UPDATE jobs SET status = 'pending', attempts = 0, rescues = 0, run_at = $2, updated_at = $2
         WHERE id = $1 AND status = 'failed'",
    )
    .bind(job_id)
    .bind(now)
    .execute(db.pool())
    .await;
    match result {
        Ok(r) => Ok(r.rows_affected() == 1),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

pub async fn get(db: &Db, job_id: i64) -> Result<Option<JobRecord>, DbError> {
    let row = sqlx::query(
        "SELECT id, kind, status, attempts, max_attempts, run_at, last_error FROM jobs WHERE id = $1",
    )
    .bind(job_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| job_record(&row)).transpose()
}

pub async fn list_by_status(
    db: &Db,
    status: JobStatus,
    limit: i64,
) -> Result<Vec<JobRecord>, DbError> {
    let rows = sqlx::query(
        "SELECT id, kind, status, attempts, max_attempts, run_at, last_error FROM jobs
         WHERE status = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(status.as_str())
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(job_record).collect()
}

/// Count of jobs per status, for the dashboard and metrics.
pub async fn count_by_status(db: &Db) -> Result<Vec<(JobStatus, i64)>, DbError> {
    let rows =
        sqlx::query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status ORDER BY status")
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|row| Ok((JobStatus::parse(row.get("status"))?, row.get::<i64, _>("n"))))
        .collect()
}

fn job_record(row: &sqlx::any::AnyRow) -> Result<JobRecord, DbError> {
    Ok(JobRecord {
        id: row.get("id"),
        kind: row.get("kind"),
        status: JobStatus::parse(row.get("status"))?,
        attempts: row.get("attempts"),
        max_attempts: row.get("max_attempts"),
        run_at_ms: row.get("run_at"),
        last_error: row.get("last_error"),
    })
}

/// One job as the Activity page lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ActivityRow {
    pub id: i64,
    pub kind: String,
    pub store_id: Option<i64>,
    pub status: JobStatus,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub payload: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// Which jobs the Activity page shows.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub store_id: Option<i64>,
    /// The kind's prefix: `orders`, `shipments`, `inventory`, `catalog`, `webhooks`.
    pub flow: Option<String>,
    /// A BigCommerce order id the job's payload names.
    pub order_id: Option<i64>,
    pub status: Option<JobStatus>,
}

/// The most recently updated jobs matching the filter, newest first.
pub async fn activity(
    db: &Db,
    filter: &ActivityFilter,
    limit: i64,
) -> Result<Vec<ActivityRow>, DbError> {
    // Payloads are compact JSON written by serde_json, so an order id appears exactly so.
    let order_pattern = filter
        .order_id
        .map(|id| format!("%\"order_id\":{id}}}%"))
        .unwrap_or_default();
    let order_pattern_more = filter
        .order_id
        .map(|id| format!("%\"order_id\":{id},%"))
        .unwrap_or_default();
    let rows = sqlx::query(
        "SELECT id, kind, store_id, status, attempts, max_attempts, last_error, payload, created_at, updated_at
         FROM jobs
         WHERE ($1 < 0 OR store_id = $1) AND ($2 = '' OR kind LIKE $2) AND ($3 = '' OR status = $3)
           AND ($4 = '' OR payload LIKE $4 OR payload LIKE $5)
         ORDER BY updated_at DESC, id DESC LIMIT $6",
    )
    .bind(filter.store_id.unwrap_or(-1))
    .bind(
        filter
            .flow
            .as_deref()
            .map(|f| format!("{f}.%"))
            .unwrap_or_default(),
    )
    .bind(filter.status.map(JobStatus::as_str).unwrap_or_default())
    .bind(order_pattern)
    .bind(order_pattern_more)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ActivityRow {
                id: r.get("id"),
                kind: r.get("kind"),
                store_id: r.get("store_id"),
                status: JobStatus::parse(r.get("status"))?,
                attempts: r.get("attempts"),
                max_attempts: r.get("max_attempts"),
                last_error: r.get("last_error"),
                payload: r.get("payload"),
                created_at_ms: r.get("created_at"),
                updated_at_ms: r.get("updated_at"),
            })
        })
        .collect()
}
