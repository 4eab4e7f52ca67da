//! Delivering fired events to subscribed hooks, off the request path.
//!
//! `emit` turns events into jobs (one per event and active matching hook) while the
//! store is locked only briefly, applies the configured faults, and queues the jobs for
//! a background worker. The worker sends first attempts one at a time in queue order,
//! so without faults a receiver sees events in the order they fired. A failed attempt
//! (non-2xx, connection error, or no answer within [`ATTEMPT_TIMEOUT`]) is retried on
//! its own task on BigCommerce's schedule (facts §8), scaled: every *minute* of the
//! real schedule lasts [`crate::SimConfig::webhook_retry_minute`]. When the last retry
//! fails too, the hook is deactivated (`is_active: false`), as BigCommerce does.
//!
//! Every attempt, and every dropped delivery, is recorded for
//! [`crate::Simulator::deliveries`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::sha1_hex;
use crate::events::Event;
use crate::simulator::{WeakSimulator, lock};
use crate::store::Store;

/// BigCommerce's retry delays after a failed delivery, in minutes: 60, 180, 300, 600,
/// 900, 1800, 3600, 7200, 21600, 50400 and 86400 seconds (facts §8).
pub const RETRY_SCHEDULE_MINUTES: [u32; 11] = [1, 3, 5, 10, 15, 30, 60, 120, 360, 840, 1440];

/// BigCommerce documents no timeout, only that timeouts count as failures.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Events held for reordering are released once this many are held, unless
/// [`WebhookFaults::reorder_batch`] says otherwise.
const DEFAULT_REORDER_BATCH: usize = 3;

/// Delivery faults. `Default` injects nothing: every delivery is sent once, at once, in
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WebhookFaults {
    /// Share of deliveries sent twice (same body, same `hash`), 0.0 to 1.0.
    pub duplicate_rate: f64,
    /// Share of deliveries never sent (recorded as [`DeliveryOutcome::Dropped`]).
    pub drop_rate: f64,
    /// Every delivery waits this long after its event before its first attempt.
    pub delay: Duration,
    /// Hold deliveries and release them in a shuffled order, never the original one,
    /// once `reorder_batch` are held (or on [`crate::Simulator::flush_webhooks`]).
    pub reorder: bool,
    /// 0 means 3.
    pub reorder_batch: usize,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "detail", rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// A 2xx answer.
    Delivered(u16),
    /// Any other status: a failure, retried.
    Rejected(u16),
    /// No answer (connection refused, timeout): a failure, retried.
    Failed(String),
    /// Dropped by [`WebhookFaults::drop_rate`]; never sent, never retried.
    Dropped,
}

impl DeliveryOutcome {
    pub fn succeeded(&self) -> bool {
        matches!(self, DeliveryOutcome::Delivered(_))
    }
}

/// One recorded delivery attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    pub hook_id: u64,
    pub scope: String,
    pub destination: String,
    /// The body sent: `{scope, store_id, data, hash, created_at, producer}`.
    pub payload: Value,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// The extra copy a duplicate fault sent.
    pub duplicate: bool,
    pub outcome: DeliveryOutcome,
    #[serde(skip)]
    pub at: SystemTime,
}

/// The webhook body for one event (facts §8): `hash` is the SHA-1 of the JSON-encoded
/// `data`, so the same event always hashes the same.
pub(crate) fn payload(store: &Store, event: &Event, created_at: i64) -> Value {
    let data = event.data.to_string();
    json!({
        "scope": event.scope,
        "store_id": store.spec.store_id.to_string(),
        "data": event.data,
        "hash": sha1_hex(data.as_bytes()),
        "created_at": created_at,
        "producer": format!("stores/{}", store.spec.hash),
    })
}

#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub store_hash: String,
    pub hook_id: u64,
    pub destination: String,
    pub headers: BTreeMap<String, String>,
    pub payload: Value,
    pub duplicate: bool,
    /// When the first attempt may go (event time + delay fault).
    pub due: tokio::time::Instant,
}

impl Job {
    fn scope(&self) -> String {
        self.payload["scope"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

const SEED: u64 = 0x0b16_c0ff_ee00_400c;

struct FaultState {
    faults: WebhookFaults,
    rng: StdRng,
    held: Vec<Job>,
}

pub(crate) struct Dispatcher {
    faults: Mutex<FaultState>,
    queue: Mutex<Option<mpsc::UnboundedSender<Job>>>,
    deliveries: Mutex<HashMap<String, Vec<Delivery>>>,
    retry_minute: Mutex<Duration>,
    http: reqwest::Client,
}

impl Dispatcher {
    pub fn new(retry_minute: Duration) -> Self {
        Self {
            faults: Mutex::new(FaultState {
                faults: WebhookFaults::default(),
                rng: StdRng::seed_from_u64(SEED),
                held: Vec::new(),
            }),
            queue: Mutex::new(None),
            deliveries: Mutex::new(HashMap::new()),
            retry_minute: Mutex::new(retry_minute),
            http: reqwest::Client::builder()
                .timeout(ATTEMPT_TIMEOUT)
                .build()
                .expect("a default reqwest client builds"),
        }
    }

    pub fn set_retry_minute(&self, minute: Duration) {
        *lock(&self.retry_minute) = minute;
    }

    /// Replaces the faults and re-seeds the dice, so the same faults and events give
    /// the same drops and duplicates. Turning reordering off releases what was held, in
    /// the order it was held.
    pub fn set_faults(&self, sim: &WeakSimulator, faults: WebhookFaults) {
        let clamp = |p: f64| if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        let released = {
            let mut state = lock(&self.faults);
            state.faults = WebhookFaults {
                duplicate_rate: clamp(faults.duplicate_rate),
                drop_rate: clamp(faults.drop_rate),
                ..faults
            };
            state.rng = StdRng::seed_from_u64(SEED);
            if faults.reorder {
                Vec::new()
            } else {
                std::mem::take(&mut state.held)
            }
        };
        self.enqueue(sim, released);
    }

    /// Releases held deliveries now, shuffled.
    pub fn flush(&self, sim: &WeakSimulator) {
        let released = {
            let mut state = lock(&self.faults);
            let mut held = std::mem::take(&mut state.held);
            shuffle_out_of_order(&mut held, &mut state.rng);
            held
        };
        self.enqueue(sim, released);
    }

    pub fn deliveries(&self, store_hash: &str) -> Vec<Delivery> {
        lock(&self.deliveries)
            .get(store_hash)
            .cloned()
            .unwrap_or_default()
    }

    fn record(&self, job: &Job, attempt: u32, outcome: DeliveryOutcome) {
        tracing::debug!(hook = job.hook_id, attempt, ?outcome, "webhook delivery");
        lock(&self.deliveries)
            .entry(job.store_hash.clone())
            .or_default()
            .push(Delivery {
                hook_id: job.hook_id,
                scope: job.scope(),
                destination: job.destination.clone(),
                payload: job.payload.clone(),
                attempt,
                duplicate: job.duplicate,
                outcome,
                at: SystemTime::now(),
            });
    }

    /// Applies drop, duplicate, delay and reorder faults, then queues what is left.
    pub fn dispatch(&self, sim: &WeakSimulator, jobs: Vec<Job>) {
        let ready = {
            let mut state = lock(&self.faults);
            let faults = state.faults;
            let mut ready = Vec::new();
            for mut job in jobs {
                job.due += faults.delay;
                if faults.drop_rate > 0.0 && state.rng.random_bool(faults.drop_rate) {
                    self.record(&job, 1, DeliveryOutcome::Dropped);
                    continue;
                }
                let twice =
                    faults.duplicate_rate > 0.0 && state.rng.random_bool(faults.duplicate_rate);
                let copy = twice.then(|| Job {
                    duplicate: true,
                    ..job.clone()
                });
                ready.push(job);
                ready.extend(copy);
            }
            if faults.reorder {
                state.held.extend(ready);
                let batch = match faults.reorder_batch {
                    0 => DEFAULT_REORDER_BATCH,
                    n => n,
                };
                if state.held.len() >= batch {
                    let mut held = std::mem::take(&mut state.held);
                    shuffle_out_of_order(&mut held, &mut state.rng);
                    held
                } else {
                    Vec::new()
                }
            } else {
                ready
            }
        };
        self.enqueue(sim, ready);
    }

    /// Hands jobs to the worker, starting it on the current runtime if needed. Outside
    /// a runtime nothing can be sent: the jobs are recorded as failed.
    fn enqueue(&self, sim: &WeakSimulator, jobs: Vec<Job>) {
        if jobs.is_empty() {
            return;
        }
        let mut queue = lock(&self.queue);
        let mut pending = jobs;
        for _ in 0..2 {
            if queue.as_ref().is_none_or(mpsc::UnboundedSender::is_closed) {
                let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                    for job in &pending {
                        self.record(
                            job,
                            1,
                            DeliveryOutcome::Failed("no tokio runtime to deliver from".into()),
                        );
                    }
                    return;
                };
                let (tx, rx) = mpsc::unbounded_channel();
                runtime.spawn(worker(sim.clone(), rx));
                *queue = Some(tx);
            }
            let tx = queue.as_ref().expect("set above");
            let mut unsent = Vec::new();
            for job in pending {
                if let Err(e) = tx.send(job) {
                    unsent.push(e.0);
                }
            }
            if unsent.is_empty() {
                return;
            }
            // The worker's runtime is gone (a finished test); start a new one here.
            *queue = None;
            pending = unsent;
        }
    }
}

/// Shuffles so that, with two or more jobs, the order always differs from the original.
fn shuffle_out_of_order(jobs: &mut [Job], rng: &mut StdRng) {
    if jobs.len() < 2 {
        return;
    }
    let before: Vec<String> = jobs.iter().map(|j| j.payload.to_string()).collect();
    jobs.shuffle(rng);
    let after: Vec<String> = jobs.iter().map(|j| j.payload.to_string()).collect();
    if before == after {
        jobs.rotate_left(1);
    }
}

async fn worker(sim: WeakSimulator, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(job) = rx.recv().await {
        tokio::time::sleep_until(job.due).await;
        if send(&sim, &job, 1).await == Some(false) {
            tokio::spawn(retry(sim.clone(), job));
        }
    }
}

/// Retries a failed delivery on the scaled schedule; stops when one succeeds or the hook
/// is gone or inactive, and deactivates the hook when the schedule is used up.
async fn retry(weak: WeakSimulator, job: Job) {
    for (i, &minutes) in RETRY_SCHEDULE_MINUTES.iter().enumerate() {
        let Some(wait) = weak
            .upgrade()
            .map(|sim| *lock(&sim.dispatcher().retry_minute) * minutes)
        else {
            return;
        };
        tokio::time::sleep(wait).await;
        let active = weak
            .upgrade()
            .is_some_and(|sim| sim.hook_is_active(&job.store_hash, job.hook_id));
        if !active {
            return;
        }
        match send(&weak, &job, i as u32 + 2).await {
            Some(false) => continue,
            _ => return,
        }
    }
    if let Some(sim) = weak.upgrade() {
        tracing::info!(
            hook = job.hook_id,
            "webhook retries exhausted; hook deactivated"
        );
        sim.deactivate_hook(&job.store_hash, job.hook_id);
    }
}

/// One attempt, recorded. `Some(succeeded)`, or `None` when the simulator is gone.
async fn send(weak: &WeakSimulator, job: &Job, attempt: u32) -> Option<bool> {
    let http = weak.upgrade()?.dispatcher().http.clone();
    let mut request = http.post(&job.destination).json(&job.payload);
    for (name, value) in &job.headers {
        request = request.header(name, value);
    }
    let outcome = match request.send().await {
        Ok(r) if r.status().is_success() => DeliveryOutcome::Delivered(r.status().as_u16()),
        Ok(r) => DeliveryOutcome::Rejected(r.status().as_u16()),
        Err(e) if e.is_timeout() => DeliveryOutcome::Failed("timed out".into()),
        Err(e) => DeliveryOutcome::Failed(e.to_string()),
    };
    let succeeded = outcome.succeeded();
    weak.upgrade()?.dispatcher().record(job, attempt, outcome);
    Some(succeeded)
}
