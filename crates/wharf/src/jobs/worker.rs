use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::backoff::retry_delay;
use super::handlers::{Handlers, JobOutcome};
use crate::db::jobs::ClaimedJob;
use crate::db::{Db, jobs, now_ms};

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs run at once by this worker.
    pub concurrency: usize,
    /// Jobs of one store running at once across every worker sharing the database.
    pub per_store: usize,
    /// How long a claim holds a job; renewed while the job runs. A worker that dies stops
    /// renewing, and the job returns to the queue when the lease runs out.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs (enqueues in this process, and on PostgreSQL
    /// in any process, wake it sooner).
    pub poll_interval: Duration,
    /// How long a stopping worker lets its running jobs finish before it cuts them short.
    pub shutdown_grace: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: 4,
            per_store: 4,
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_millis(500),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// One job worker: claims due jobs and runs them until told to stop.
#[derive(Clone)]
pub struct Worker {
    db: Db,
    handlers: Arc<Handlers>,
    id: String,
    config: WorkerConfig,
    wake: Arc<Notify>,
}

impl Worker {
    pub fn new(db: Db, handlers: Handlers, config: WorkerConfig) -> Self {
        Worker {
            db,
            handlers: Arc::new(handlers),
            id: format!("worker-{}", uuid::Uuid::now_v7()),
            config,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Shares a waker with whoever enqueues in this process (see `App::wake_workers`), so a
    /// job queued here starts at once instead of at the next poll.
    pub fn with_waker(mut self, wake: Arc<Notify>) -> Self {
        self.wake = wake;
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Wakes an idle worker at once, e.g. right after this process enqueued a job.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Runs until `shutdown` turns true; then claims nothing more, lets running jobs finish for
    /// up to `shutdown_grace`, and cuts short those still running (see [`Self::stop`]).
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let slots = Arc::new(Semaphore::new(self.config.concurrency));
        let mut running = JoinSet::new();
        // Jobs other processes queue for now wake this worker at once (PostgreSQL only).
        let _listening = AbortOnDrop(tokio::spawn(jobs::listen_for_due_jobs(
            self.db.clone(),
            self.wake.clone(),
        )));
        tracing::info!(worker = %self.id, concurrency = self.config.concurrency, "job worker started");
        while !*shutdown.borrow() {
            if let Err(e) = jobs::rescue_expired(&self.db).await {
                tracing::warn!(error = %e, "could not rescue expired jobs");
            }
            let free = slots.available_permits() as i64;
            let claimed = if free > 0 {
                self.claim(free).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "could not claim jobs");
                    Vec::new()
                })
            } else {
                Vec::new()
            };
            let idle = claimed.is_empty();
            for job in claimed {
                let permit = slots
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("semaphore is never closed");
                let worker = self.clone();
                running.spawn(async move {
                    worker.run_job(job).await;
                    drop(permit);
                });
            }
            while running.try_join_next().is_some() {}
            if idle {
                let nap = self.nap().await;
                tokio::select! {
                    _ = shutdown.changed() => {}
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(nap) => {}
                    Some(_) = running.join_next() => {}
                }
            }
        }
        self.stop(running).await;
    }

    /// How long an idle worker sleeps: until the next job waiting in the queue is due (a
    /// snoozed push, a delayed re-read), at most the poll interval, which is how soon it sees
    /// jobs other processes queue for now.
    async fn nap(&self) -> Duration {
        let poll = self.config.poll_interval;
        match jobs::next_due_at(&self.db).await {
            Ok(Some(due_at)) => {
                let until_due = Duration::from_millis((due_at - now_ms()).max(0) as u64);
                until_due.clamp(Duration::from_millis(1), poll)
            }
            Ok(None) => poll,
            Err(e) => {
                tracing::warn!(error = %e, "could not look for the next due job");
                poll
            }
        }
    }

    /// Waits up to the grace period for the running jobs, then aborts the rest. An aborted job
    /// records nothing: it stays `running` under this worker's lease, which nobody renews any
    /// more, and is taken over when the lease runs out, as after a crash (the attempt given
    /// back, `rescues` counted). Handlers are written for that already (a push looks before it
    /// sends again); marking them failed would make an operator retry what was merely stopped.
    async fn stop(&self, mut running: JoinSet<()>) {
        let grace = self.config.shutdown_grace;
        tracing::info!(
            worker = %self.id,
            in_flight = running.len(),
            grace_secs = grace.as_secs_f64(),
            "job worker stopping"
        );
        let drained = tokio::time::timeout(grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if drained.is_ok() {
            return;
        }
        running.abort_all();
        let mut cut_short = 0;
        while let Some(joined) = running.join_next().await {
            if joined.is_err_and(|e| e.is_cancelled()) {
                cut_short += 1;
            }
        }
        tracing::warn!(
            worker = %self.id,
            cut_short,
            grace_secs = grace.as_secs_f64(),
            "job worker stopped with {cut_short} job(s) still running after the grace period: \
             they were cut short and are taken over when their leases run out"
        );
    }

    /// Claims and runs the jobs that are due now, returning how many ran. For tests and CLI one-shots.
    pub async fn run_due_jobs(&self) -> Result<usize, crate::db::DbError> {
        jobs::rescue_expired(&self.db).await?;
        let claimed = self.claim(self.config.concurrency as i64).await?;
        let count = claimed.len();
        futures::future::join_all(claimed.into_iter().map(|job| self.run_job(job))).await;
        Ok(count)
    }

    async fn claim(&self, limit: i64) -> Result<Vec<ClaimedJob>, crate::db::DbError> {
        let claimed = jobs::claim(
            &self.db,
            &self.id,
            limit,
            self.config.lease,
            self.config.per_store as i64,
        )
        .await?;
        let now = now_ms();
        for job in &claimed {
            crate::metrics::job_claimed(&job.kind, now - job.run_at_ms);
        }
        Ok(claimed)
    }

    async fn run_job(&self, job: ClaimedJob) {
        let span = tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempt);
        async {
            let started = std::time::Instant::now();
            let outcome = match self.handlers.get(&job.kind) {
                Some(handler) => {
                    // A panicking handler is a failed attempt like any other: caught here, it
                    // backs off and ends `failed`, instead of looking like a dead worker whose
                    // job is rescued over and over.
                    let run = std::panic::AssertUnwindSafe(handler.run(job.clone())).catch_unwind();
                    match self.run_with_lease(Box::pin(run), job.id).await {
                        Ok(outcome) => outcome,
                        Err(panic) => JobOutcome::Retry {
                            error: format!(
                                "the job's handler panicked: {}",
                                panic_message(&*panic)
                            ),
                        },
                    }
                }
                None => JobOutcome::Fail {
                    error: format!("no handler for job kind {:?}", job.kind),
                },
            };
            // What the handler said, whether or not recording it below succeeds.
            crate::metrics::job_finished(&job.kind, outcome_label(&outcome), started.elapsed());
            if let Err(e) = self.record(&job, &outcome).await {
                // The lease will run out and the job will be retried: at-least-once, by design.
                tracing::warn!(error = %e, "could not record a job's outcome");
            }
        }
        .instrument(span)
        .await
    }

    /// Awaits the handler while a separate task renews the job's lease, so long jobs are not
    /// rescued under it. The renewal must not share the handler's task: on SQLite it waits for
    /// the write lock the handler may hold, and a handler that is not polled meanwhile never
    /// releases it.
    async fn run_with_lease<T>(
        &self,
        work: futures::future::BoxFuture<'static, T>,
        job_id: i64,
    ) -> T {
        let renew_every = self.config.lease / 3;
        let (db, worker_id, lease) = (self.db.clone(), self.id.clone(), self.config.lease);
        // Aborted when this future ends or is dropped (a job cut short at shutdown): a lease
        // renewed after its job stopped would keep the job from being taken over.
        let _renewal = AbortOnDrop(tokio::spawn(async move {
            loop {
                tokio::time::sleep(renew_every).await;
                match jobs::extend_lease(&db, job_id, &worker_id, lease).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(job = job_id, "lost the lease of a running job"),
                    Err(e) => {
                        tracing::warn!(job = job_id, error = %e, "could not renew a job's lease")
                    }
                }
            }
        }));
        work.await
    }

    async fn record(
        &self,
        job: &ClaimedJob,
        outcome: &JobOutcome,
    ) -> Result<(), crate::db::DbError> {
        match outcome {
            JobOutcome::Done => {
                jobs::complete(&self.db, job.id, &self.id).await?;
            }
            JobOutcome::Retry { error } => {
                let run_at = now_ms() + retry_delay(job.attempt).as_millis() as i64;
                let status = jobs::fail_attempt(&self.db, job.id, &self.id, error, run_at).await?;
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempt, ?status, %error, "job attempt failed");
            }
            JobOutcome::Snooze { delay } => {
                jobs::snooze(
                    &self.db,
                    job.id,
                    &self.id,
                    now_ms() + delay.as_millis() as i64,
                )
                .await?;
            }
            JobOutcome::Fail { error } => {
                jobs::fail_permanently(&self.db, job.id, &self.id, error).await?;
                tracing::error!(job = job.id, kind = %job.kind, %error, "job failed");
            }
        }
        Ok(())
    }
}

/// A task that lives no longer than its owner.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

fn outcome_label(outcome: &JobOutcome) -> &'static str {
    match outcome {
        JobOutcome::Done => "done",
        JobOutcome::Retry { .. } => "retry",
        JobOutcome::Snooze { .. } => "snooze",
        JobOutcome::Fail { .. } => "fail",
    }
}
