//! The durable job queue every remote side effect goes through.
//!
//! Semantics borrowed from Oban/River/queue_job:
//! - `enqueue` takes the caller's transaction, so a job exists exactly when the state change that
//!   caused it was committed (transactional outbox);
//! - a `dedupe_key` collapses a new job into an identical one that is still pending;
//! - `claim` leases jobs to one worker (PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite a single
//!   `UPDATE … RETURNING`, which SQLite serialises), and every later transition checks the lease
//!   holder, so a worker whose lease was rescued cannot overwrite the new owner's result;
//! - a crashed worker's jobs come back when their lease expires (`rescue_expired`);
//! - failures back off exponentially with jitter via a stored `run_at`; `snooze` (rate limits)
//!   reschedules without spending an attempt; after `max_attempts` a job is `failed` and stays
//!   visible until an operator retries it.

use std::time::Duration;

use serde::{Serialize, de::DeserializeOwned};
use sqlx::{AnyConnection, Row};

use super::{Backend, Db, DbError, is_unique_violation, now_ms};

pub const DEFAULT_MAX_ATTEMPTS: i64 = 20;

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
        }
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
    /// Attempts including this one.
    pub attempt: i64,
    pub max_attempts: i64,
    pub locked_until_ms: i64,
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
/// (same dedupe key) already exists and this one collapsed into it.
pub async fn enqueue(conn: &mut AnyConnection, job: &NewJob) -> Result<Option<i64>, DbError> {
    let now = now_ms();
    // ON CONFLICT with the partial index's predicate: only a *pending* twin absorbs the new job;
    // a running one does not, because its read may predate the change that caused this enqueue.
    let row = sqlx::query(
        "INSERT INTO jobs (kind, payload, dedupe_key, store_id, status, attempts, max_attempts, run_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7, $7)
         ON CONFLICT (dedupe_key) WHERE status = 'pending' DO NOTHING
         RETURNING id",
    )
    .bind(&job.kind)
    .bind(job.payload.to_string())
    .bind(job.dedupe_key.as_deref())
    .bind(job.store_id)
    .bind(job.max_attempts)
    .bind(job.run_at_ms)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.get::<i64, _>("id")))
}

/// Enqueues in a transaction of its own, for callers with no state change to commit alongside.
pub async fn enqueue_now(db: &Db, job: &NewJob) -> Result<Option<i64>, DbError> {
    let mut tx = db.begin().await?;
    let id = enqueue(&mut tx, job).await?;
    tx.commit().await?;
    Ok(id)
}

/// The claim, per backend: lease the oldest due pending jobs to one worker in one statement.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2,
                    attempts = attempts + 1, updated_at = $3
             WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND run_at <= $3
                          ORDER BY run_at, id LIMIT $4 ",
            $lock,
            ")
             RETURNING id, kind, payload, store_id, attempts, max_attempts, locked_until"
        )
    };
}
/// SKIP LOCKED: concurrent claimers each take different rows instead of queueing on row locks.
const CLAIM_POSTGRES: &str = claim_sql!("FOR UPDATE SKIP LOCKED");
/// SQLite runs one write statement at a time, so the UPDATE is atomic without row locks.
const CLAIM_SQLITE: &str = claim_sql!("");

/// Leases up to `limit` due jobs to `worker_id` for `lease`. Each claim spends one attempt.
pub async fn claim(
    db: &Db,
    worker_id: &str,
    limit: i64,
    lease: Duration,
) -> Result<Vec<ClaimedJob>, DbError> {
    let now = now_ms();
    let locked_until = now + lease.as_millis() as i64;
    let claim_sql = match db.backend() {
        Backend::Postgres => CLAIM_POSTGRES,
        Backend::Sqlite => CLAIM_SQLITE,
    };
    let rows = sqlx::query(claim_sql)
        .bind(worker_id)
        .bind(locked_until)
        .bind(now)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
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
                last_error = COALESCE($3, last_error), run_at = $4, attempts = attempts - $5, updated_at = $6
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

/// Returns jobs whose worker died (lease expired) to the queue. The attempt the dead worker spent
/// stays spent, so a job that crashes its worker every time ends `failed` instead of looping.
pub async fn rescue_expired(db: &Db) -> Result<u64, DbError> {
    let now = now_ms();
    let expired = sqlx::query(
        "SELECT id, dedupe_key, attempts, max_attempts FROM jobs
         WHERE status = 'running' AND locked_until < $1",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let mut rescued = 0;
    for row in expired {
        let id: i64 = row.get("id");
        let attempts: i64 = row.get("attempts");
        let max_attempts: i64 = row.get("max_attempts");
        let (status, error) = if attempts >= max_attempts {
            ("failed", "worker stopped during the last attempt")
        } else {
            ("pending", "worker stopped during the attempt; retried")
        };
        let result = sqlx::query(
            "UPDATE jobs SET status = $2, locked_by = NULL, locked_until = NULL, last_error = $3, updated_at = $4
             WHERE id = $1 AND status = 'running' AND locked_until < $4",
        )
        .bind(id)
        .bind(status)
        .bind(error)
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
        "UPDATE jobs SET status = 'pending', attempts = 0, run_at = $2, updated_at = $2
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
