//! One fleet run with a given number of worker processes, from a fresh simulator and database
//! to the figures: set-up (not measured), the load for the run's minutes, a drain until every
//! cause has its effect (or a deadline), and what the processes used meanwhile.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::{Value, json};
use sqlx::Row;

use super::ledger::{Arrival, Ledger};
use super::load::{Load, StoreActor};
use super::processes::{WharfProcesses, postgres_cpu_time};
use super::setup::{FleetDatabase, FleetStore, add_stores, load_catalog};
use super::simulator::{FleetSeed, start_fleet_simulator};
use super::track::{PurchaseOrderTracker, track_shipments, watch_levels};
use crate::harness::SimProcess;
use crate::measure::{cpu_time, machine_busy_time, process_cpu_time};

/// A vendor ships a purchase order this long after it appears.
const SHIP_AFTER: Duration = Duration::from_secs(2);
/// How long the drain after the load may take before what is missing is reported as such.
const DRAIN_DEADLINE: Duration = Duration::from_secs(90);

pub(crate) struct FleetRun {
    pub(crate) seed: FleetSeed,
    pub(crate) load_for: Duration,
    pub(crate) workers: usize,
    pub(crate) postgres_url: String,
    /// Orders, shipments (one per order) and level reports per second, per store.
    pub(crate) rate: u32,
}

/// What one run measured.
pub(crate) struct Measured {
    pub(crate) workers: usize,
    pub(crate) hashes: Vec<String>,
    /// How long the load ran, and from when (unix ms).
    pub(crate) load_for: Duration,
    pub(crate) load_started_ms: i64,
    /// From the load's start to the end of the drain: what CPU and requests are counted over.
    pub(crate) measured_for: Duration,
    /// Per store, per flow: causes started, effects arrived.
    pub(crate) results: Vec<[(usize, Vec<Arrival>); 3]>,
    /// Per flow: the answer times (ms, sorted) of the calls that started causes.
    pub(crate) call_times: [Vec<i64>; 3],
    pub(crate) sim_stats: Value,
    pub(crate) busiest_windows: Value,
    /// (process, peak RSS in KiB) of `serve` and each worker.
    pub(crate) peak_rss: Vec<(String, Option<u64>)>,
    /// (what, CPU time over `measured_for`): wharf's processes, the simulator, PostgreSQL,
    /// this benchmark, and the whole machine last.
    pub(crate) cpu: Vec<(String, Duration)>,
    pub(crate) jobs_done_in_load: i64,
    pub(crate) failures: Vec<String>,
    pub(crate) logs: PathBuf,
}

pub(crate) async fn run_fleet(run: &FleetRun) -> anyhow::Result<Measured> {
    println!(
        "fleet: {} stores × {} products × {} variants, {} worker process(es), {:.1} minutes…",
        run.seed.stores,
        run.seed.products,
        run.seed.variants_per_product,
        run.workers,
        run.load_for.as_secs_f64() / 60.0
    );
    let sim = start_fleet_simulator(run.seed)?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let catalog = load_catalog(&http, &sim.base_url).await?;
    // The receiver's address is chosen now, so the webhooks and vendor calls agree on it.
    let listen = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .to_string();
    let wharf_url = format!("http://{listen}");
    let db = FleetDatabase::create(&run.postgres_url, &sim.base_url, &wharf_url).await?;
    let ordered: Vec<String> = catalog.ordered.iter().map(|(_, _, s)| s.clone()).collect();
    let outcome = async {
        let stores = add_stores(&db, run.seed.stores, &ordered).await?;
        let load = Arc::new(Load {
            http,
            sim_url: sim.base_url.clone(),
            wharf_url,
            ledger: Arc::new(Ledger::new(stores.len())),
            catalog,
            failures: Mutex::new(Vec::new()),
        });
        measure(run, &sim, &db, &stores, load, &listen).await
    }
    .await;
    db.drop().await?;
    outcome
}

async fn measure(
    run: &FleetRun,
    sim: &SimProcess,
    db: &FleetDatabase,
    stores: &[FleetStore],
    load: Arc<Load>,
    listen: &str,
) -> anyhow::Result<Measured> {
    let logs = std::env::temp_dir().join(format!(
        "wharf-fleet-{}-{}w",
        std::process::id(),
        run.workers
    ));
    let mut processes =
        WharfProcesses::start(db, &sim.base_url, listen, run.workers, &logs).await?;
    connect_stores(db, stores, &load).await?;
    wait_for_quiet_queue(db).await?;
    let hashes: Vec<String> = stores.iter().map(|s| s.hash.clone()).collect();

    // From here on the simulator counts, and each store's busiest window starts afresh.
    load.http
        .post(format!("{}/__sim/stats/reset", sim.base_url))
        .send()
        .await?
        .error_for_status()?;
    load.http
        .put(format!("{}/__sim/quota", sim.base_url))
        .json(&json!({ "quota": run.seed.quota, "window_ms": run.seed.window_ms }))
        .send()
        .await?
        .error_for_status()?;
    let cpu_before = cpu_snapshot(&processes, sim);
    let started = Instant::now();
    let load_started_ms = wharf::db::now_ms();
    let until = started + run.load_for;
    println!("load running until {} s from now…", run.load_for.as_secs());

    let stop = Arc::new(AtomicBool::new(false));
    let rate = run.rate;
    let mut actors = Vec::new();
    let mut shippers = Vec::new();
    let mut senders = Vec::new();
    for (index, store) in stores.iter().enumerate() {
        let actor = StoreActor {
            index,
            hash: store.hash.clone(),
            vendor_token: store.vendor_token.clone(),
            offset: Duration::from_secs_f64(index as f64 / stores.len() as f64),
        };
        let (send, receive) = tokio::sync::mpsc::unbounded_channel();
        senders.push(send);
        let (l, a) = (load.clone(), actor.clone());
        shippers.push(tokio::spawn(async move { l.ship(a, receive).await }));
        let (l, a) = (load.clone(), actor.clone());
        actors.push(tokio::spawn(async move { l.shop(a, rate, until).await }));
        let l = load.clone();
        actors.push(tokio::spawn(async move {
            l.restock(actor, rate, until).await;
            Ok(())
        }));
    }
    let store_index: HashMap<i64, usize> = stores
        .iter()
        .enumerate()
        .map(|(i, s)| (s.store_id, i))
        .collect();
    let purchase_orders = tokio::spawn(
        PurchaseOrderTracker::new(
            db.app.db.clone(),
            load.ledger.clone(),
            store_index,
            senders,
            SHIP_AFTER,
        )
        .run(stop.clone()),
    );
    let shipments = tokio::spawn(track_shipments(
        db.app.db.clone(),
        load.ledger.clone(),
        stop.clone(),
    ));
    let levels = tokio::spawn(watch_levels(
        load.http.clone(),
        sim.base_url.clone(),
        hashes.clone(),
        load.ledger.clone(),
        stop.clone(),
    ));
    for actor in actors {
        actor.await??;
    }
    drain(&load.ledger).await;
    stop.store(true, Ordering::Relaxed);
    for shipper in &shippers {
        shipper.abort();
    }
    purchase_orders.await??;
    shipments.await??;
    levels.await??;
    let measured_for = started.elapsed();
    let cpu = cpu_spent(cpu_before, cpu_snapshot(&processes, sim));
    let peak_rss = processes.peak_rss_kib();
    let sim_stats = get_json(&load.http, &format!("{}/__sim/stats", sim.base_url)).await?;
    let busiest_windows = get_json(
        &load.http,
        &format!("{}/__fleet/busiest-windows", sim.base_url),
    )
    .await?;
    let jobs_done_in_load = jobs_done(db, load_started_ms, run.load_for).await?;
    if !processes.all_running()? {
        bail!(
            "a wharf process exited during the run (logs in {})",
            logs.display()
        );
    }
    processes.stop()?;
    let failures = load.failures.lock().expect("failures lock").clone();
    Ok(Measured {
        workers: run.workers,
        hashes,
        load_for: run.load_for,
        load_started_ms,
        measured_for,
        results: load.ledger.results(),
        call_times: load.ledger.call_times(),
        sim_stats,
        busiest_windows,
        peak_rss,
        cpu,
        jobs_done_in_load,
        failures,
        logs,
    })
}

async fn get_json(http: &reqwest::Client, url: &str) -> anyhow::Result<Value> {
    Ok(http
        .get(url)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// Connects every store (the workers register its webhooks) and waits for all the hooks.
async fn connect_stores(
    db: &FleetDatabase,
    stores: &[FleetStore],
    load: &Load,
) -> anyhow::Result<()> {
    println!("connecting {} stores…", stores.len());
    for store in stores {
        db.app.connect_store(store.store_id).await?;
    }
    let wanted = wharf::channels::bigcommerce::webhooks::HOOK_SCOPES.len() as u64;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let stats = get_json(&load.http, &format!("{}/__sim/stats", load.sim_url)).await?;
        let missing = stores
            .iter()
            .filter(|s| {
                stats["by_store"][&s.hash]["by_endpoint"]["POST /v3/hooks"]
                    .as_u64()
                    .unwrap_or(0)
                    < wanted
            })
            .count();
        if missing == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{missing} stores' webhooks were not registered within 5 minutes");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Waits until no job runs and none is due: what connecting set off (webhooks, the first
/// pushes of the vendors' stock) is done before anything is measured.
async fn wait_for_quiet_queue(db: &FleetDatabase) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let busy: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM jobs
             WHERE status = 'running' OR (status = 'pending' AND run_at <= $1)",
        )
        .bind(wharf::db::now_ms())
        .fetch_one(db.app.db.pool())
        .await?
        .get("n");
        if busy == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{busy} jobs still due after 10 minutes of set-up");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Waits until every cause started has its effect, vendors included (a purchase order found
/// last is shipped `SHIP_AFTER` later), or the drain deadline passes.
async fn drain(ledger: &Ledger) {
    println!("load stopped; draining…");
    let deadline = Instant::now() + DRAIN_DEADLINE;
    let mut settled_since: Option<Instant> = None;
    while Instant::now() < deadline {
        if ledger.outstanding() == 0 {
            let since = *settled_since.get_or_insert_with(Instant::now);
            if since.elapsed() > SHIP_AFTER + Duration::from_secs(1) {
                return;
            }
        } else {
            settled_since = None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Jobs finished while the load ran.
async fn jobs_done(db: &FleetDatabase, from_ms: i64, load_for: Duration) -> anyhow::Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM jobs WHERE status = 'done' AND updated_at BETWEEN $1 AND $2",
    )
    .bind(from_ms)
    .bind(from_ms + load_for.as_millis() as i64)
    .fetch_one(db.app.db.pool())
    .await?
    .get("n"))
}

fn cpu_snapshot(processes: &WharfProcesses, sim: &SimProcess) -> Vec<(String, Duration)> {
    let mut cpu = processes.cpu_times();
    cpu.push(("simulator".into(), process_cpu_time(&sim.pid().to_string())));
    cpu.push(("PostgreSQL (all backends)".into(), postgres_cpu_time()));
    cpu.push(("benchmark (load and trackers)".into(), cpu_time()));
    cpu.push(("whole machine".into(), machine_busy_time()));
    cpu
}

fn cpu_spent(
    before: Vec<(String, Duration)>,
    after: Vec<(String, Duration)>,
) -> Vec<(String, Duration)> {
    after
        .into_iter()
        .zip(before)
        .map(|((name, after), (_, before))| (name, after.saturating_sub(before)))
        .collect()
}
