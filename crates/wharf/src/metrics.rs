//! Prometheus metrics: one recorder per process, rendered by the public `GET /metrics` route.
//!
//! Code records through the `metrics` facade (the `bigcommerce` crate too, which never sees the
//! exporter); [`install`] puts the Prometheus recorder behind it. Job queue depth is not
//! recorded as it changes but read from the `jobs` table at scrape time
//! (`db::metrics::queue_depth`), so it is right whatever process (web, worker, CLI) moved the jobs.
//!
//! | Metric | Type | Labels | Meaning |
//! |---|---|---|---|
//! | `wharf_jobs_total` | counter | `kind`, `outcome` | Job runs by outcome: `done`, `retry`, `snooze`, `fail` |
//! | `wharf_job_duration_seconds` | histogram | `kind` | How long a job's handler ran |
//! | `wharf_job_wait_seconds` | histogram | `kind` | From a job being due to a worker claiming it (queueing delay; includes a dead worker's lease) |
//! | `wharf_queue_depth` | gauge | `kind`, `status` | Jobs `pending`, `running` or `failed`, read at scrape time |
//! | `wharf_webhooks_received_total` | counter | `outcome` | Deliveries: `accepted`, `duplicate`, `unauthenticated`, `malformed`, `error` |
//! | `wharf_sign_ins_total` | counter | `via`, `outcome` | Operator sign-in attempts by `form` or HTTP `basic`: `accepted`, `refused` (wrong credentials), `throttled` (too many failures; not checked), `busy` (too many checks in flight; not checked) |
//! | `wharf_sync_lag_seconds` | histogram | `flow` | `orders`: from an order's `date_modified` in BigCommerce to wharf storing a new order or status; `shipments`: from wharf recording a shipment to creating it in BigCommerce; `inventory`: from the first stock change a push carries to that push (change-driven pushes that sent something) |
//! | `bigcommerce_requests_total` | counter | `store`, `method`, `status` | HTTP attempts to BigCommerce (retries included; status `error` = no answer) |
//! | `bigcommerce_rate_limited_total` | counter | `store` | 429 answers |
//! | `bigcommerce_quota_left` | gauge | `store` | Requests left in the window, as the store last reported |
//! | `wharf_api_budget_left` | gauge | `store` | Requests wharf's share still allows in the last window, counted across every process (set below a share of 1) |
//!
//! `store` is the store hash. Counters count since the process started, per process.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::db::Db;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Buckets in seconds for every histogram: jobs take milliseconds to minutes, sync lag seconds
/// to hours (a store whose orders wait for the next poll).
const BUCKETS: &[f64] = &[
    0.005, 0.025, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 14400.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The `(kind, status)` queue-depth series set by the last scrape, so one that emptied is set to
/// 0 instead of repeating its last count forever. Process-wide like the recorder: a process
/// serves one database (tests, which run several, only check that series exist).
static QUEUE_SERIES: Mutex<Option<HashSet<(String, String)>>> = Mutex::new(None);

/// Installs the Prometheus recorder as the process's global recorder. Idempotent: every router
/// calls it, and tests build many routers in one process.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(BUCKETS)
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            // Someone (an embedding program) installed its own recorder first: ours then stays
            // empty, and /metrics says so instead of taking the process down.
            tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
        }
        describe();
        handle
    })
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!("wharf_jobs_total", "Job runs by kind and outcome.");
    describe_histogram!(
        "wharf_job_duration_seconds",
        Unit::Seconds,
        "How long a job's handler ran."
    );
    describe_histogram!(
        "wharf_job_wait_seconds",
        Unit::Seconds,
        "From a job being due to a worker claiming it."
    );
    describe_gauge!(
        "wharf_queue_depth",
        "Jobs by kind and status (pending, running, failed), read at scrape time."
    );
    describe_counter!(
        "wharf_webhooks_received_total",
        "BigCommerce webhook deliveries by outcome."
    );
    describe_counter!(
        "wharf_sign_ins_total",
        "Operator sign-in attempts by way (form, basic) and outcome."
    );
    describe_histogram!(
        "wharf_sync_lag_seconds",
        Unit::Seconds,
        "From a change on one side to wharf carrying it to the other, by flow."
    );
    describe_counter!(
        "bigcommerce_requests_total",
        "HTTP attempts to BigCommerce by store, method and status."
    );
    describe_counter!(
        "bigcommerce_rate_limited_total",
        "429 answers from BigCommerce by store."
    );
    describe_gauge!(
        "bigcommerce_quota_left",
        "API requests left in the window, as the store last reported."
    );
    describe_gauge!(
        "wharf_api_budget_left",
        "API requests wharf's share of the store's quota still allows, across every process."
    );
}

/// The Prometheus text exposition, with the queue depth read from `db` just now.
pub async fn render(db: &Db) -> String {
    let handle = install();
    // A scrape still answers when the database does not: /readyz is what reports that.
    match crate::db::metrics::queue_depth(db).await {
        Ok(depths) => set_queue_depth(depths),
        Err(e) => tracing::warn!(error = %e, "could not read the job queue depth for /metrics"),
    }
    // No exporter task runs upkeep for us (we serve the route ourselves): do it per scrape.
    handle.run_upkeep();
    handle.render()
}

fn set_queue_depth(depths: Vec<(String, String, i64)>) {
    let mut previous = QUEUE_SERIES.lock().unwrap_or_else(|p| p.into_inner());
    let mut current = HashSet::new();
    for (kind, status, n) in depths {
        metrics::gauge!("wharf_queue_depth", "kind" => kind.clone(), "status" => status.clone())
            .set(n as f64);
        current.insert((kind, status));
    }
    for (kind, status) in previous.take().unwrap_or_default() {
        if !current.contains(&(kind.clone(), status.clone())) {
            metrics::gauge!("wharf_queue_depth", "kind" => kind, "status" => status).set(0.0);
        }
    }
    *previous = Some(current);
}

/// Records one job run; called by the worker.
pub(crate) fn job_finished(kind: &str, outcome: &'static str, elapsed: Duration) {
    metrics::counter!("wharf_jobs_total", "kind" => kind.to_owned(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("wharf_job_duration_seconds", "kind" => kind.to_owned())
        .record(elapsed.as_secs_f64());
}

/// Records what the shared API budget has left for a store after a request was counted.
pub(crate) fn api_budget_left(store_hash: &str, left: u32) {
    metrics::gauge!("wharf_api_budget_left", "store" => store_hash.to_owned()).set(f64::from(left));
}

/// Records how long a job waited between being due and being claimed.
pub(crate) fn job_claimed(kind: &str, waited_ms: i64) {
    metrics::histogram!("wharf_job_wait_seconds", "kind" => kind.to_owned())
        .record(waited_ms.max(0) as f64 / 1000.0);
}

/// Records one webhook delivery's outcome.
pub(crate) fn webhook_received(outcome: &'static str) {
    metrics::counter!("wharf_webhooks_received_total", "outcome" => outcome).increment(1);
}

/// Records one sign-in attempt's outcome.
pub(crate) fn sign_in(via: &'static str, outcome: &'static str) {
    metrics::counter!("wharf_sign_ins_total", "via" => via, "outcome" => outcome).increment(1);
}

/// Records how far behind a flow carried a change across, from when it happened (unix ms; for
/// orders BigCommerce's clock). A clock skewed ahead of ours counts as no lag.
pub(crate) fn sync_lag(flow: &'static str, changed_at_ms: i64) {
    let lag_ms = (crate::db::now_ms() - changed_at_ms).max(0);
    metrics::histogram!("wharf_sync_lag_seconds", "flow" => flow).record(lag_ms as f64 / 1000.0);
}
