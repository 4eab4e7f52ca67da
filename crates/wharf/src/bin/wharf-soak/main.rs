//! Soak test, as RELIABILITY.md runs it: `target/release/wharf-soak [--minutes 3] [--workers 3]
//! [--kills 100] [--postgres-url URL] [--orders-per-second 2] [--phase-secs 20]`.
//!
//! The simulator runs in a child process (this binary, re-executed); wharf runs as deployed —
//! `wharf serve --no-workers` receiving webhooks and `wharf worker` processes running jobs —
//! while a shopper orders, vendors ship and report stock, faults cycle and a killer SIGKILLs
//! workers. Afterwards it checks nothing was lost, duplicated or diverged. Needs the `wharf`
//! binary next to this one (`cargo build --release -p wharf`; `.ci/run` runs a short debug build).
//!
//! `setup` starts the simulator and wharf's database, `fleet` wharf's processes, `actors` and
//! `faults` the load, and `checks` the verdict; this file runs them in that order and drains
//! the queue between the load and the checks.

mod actors;
mod checks;
mod faults;
mod fleet;
mod setup;
mod vendor_store;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use sqlx::Row;

use actors::{Tally, run_actors};
use checks::check_everything;
use fleet::{Fleet, connect_with_webhooks, timeouts_logged, wait_for_http};
use setup::{Soak, create_vendors, sellable, serve_simulator, start_simulator};

const STORE_HASH: &str = "soakstore1";
const TOKEN: &str = "soak-token";
/// The simulator's quota outside a 429 storm: large, so only the storm throttles.
const QUOTA: u32 = 1_000_000;
const QUOTA_WINDOW_MS: u64 = 30_000;
/// wharf's share of the store's quota, as in production: the processes count it together.
const SHARE: f64 = 0.5;
const ADMIN_PASSWORD: &str = "soak-admin-password";

#[derive(Parser)]
#[command(name = "wharf-soak", about = "wharf's soak test (see RELIABILITY.md)")]
struct Cli {
    #[command(subcommand)]
    internal: Option<Internal>,
    /// How long the shopper, vendors, faults and killer run.
    #[arg(long, default_value_t = 3.0)]
    minutes: f64,
    /// `wharf worker` processes (forced to 1 on SQLite: one process may run workers there).
    #[arg(long, default_value_t = 3)]
    workers: usize,
    /// Worker processes to SIGKILL (at least), spread over the run.
    #[arg(long, default_value_t = 100)]
    kills: usize,
    /// A PostgreSQL server (a fresh database is created on it and dropped after); without it,
    /// a fresh SQLite file in a temporary directory.
    #[arg(long)]
    postgres_url: Option<String>,
    #[arg(long, default_value_t = 2.0)]
    orders_per_second: f64,
    /// How long each fault phase lasts; the run must be long enough for every phase to come.
    #[arg(long, default_value_t = 20)]
    phase_secs: u64,
    #[arg(long, default_value_t = 300)]
    products: usize,
}

#[derive(Subcommand)]
enum Internal {
    /// (internal) The simulator process the soak talks to.
    #[command(hide = true)]
    Simulator {
        #[arg(long)]
        products: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    wharf::telemetry::init();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime starts");
    let result = runtime.block_on(async {
        match cli.internal {
            Some(Internal::Simulator { products }) => serve_simulator(products).await,
            None => soak(&cli).await,
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn soak(cli: &Cli) -> anyhow::Result<bool> {
    let backend = if cli.postgres_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let workers = if cli.postgres_url.is_some() {
        cli.workers.max(1)
    } else {
        1
    };
    println!(
        "wharf soak ({backend}, {workers} worker process(es), {:.1} min, ≥{} kills, {} orders/s)",
        cli.minutes, cli.kills, cli.orders_per_second
    );
    let sim = start_simulator(cli.products)?;
    let soak = Soak::start(&sim, cli.postgres_url.as_deref()).await?;
    soak.import().await?;
    let vendors = Arc::new(create_vendors(&soak).await?);
    let sellable = sellable(&soak).await?;
    println!(
        "  catalog: {} variants sellable, {} SKUs stocked by 2 vendors (prefix rule {:?}); prefix {:?} to a vendor on its own store",
        sellable.len(),
        vendors.skus.len(),
        vendors.prefix,
        vendors.store_vendor.prefix
    );
    let fleet = Fleet::start(&soak, workers)?;
    wait_for_http(&soak.listen).await?;
    connect_with_webhooks(&soak).await?;
    println!(
        "  wharf serve (webhooks) on {}, logs in {}",
        soak.public_url,
        fleet.logs.display()
    );

    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    run_actors(&soak, &fleet, cli, sellable, vendors.clone(), tally.clone()).await?;
    println!(
        "  load stopped after {:.0} s; draining…",
        started.elapsed().as_secs_f64()
    );

    soak.http
        .post(format!("{}/__sim/webhook-faults/flush", soak.sim_url))
        .send()
        .await?;
    drain(&soak, Duration::from_secs(180)).await?;
    retry_refused_shipments(&soak, &tally).await?;
    let sent_again = vendor_store::send_refused_again(&soak, &tally).await?;
    println!("  operator sent {sent_again} purchase order(s) the vendor's store had refused again");
    drain(&soak, Duration::from_secs(120)).await?;
    vendor_store::poll_all(&soak).await?;
    let polled = soak.app.poll_orders(soak.store_id).await?;
    println!("  order poll read {} order(s)", polled.orders);
    drain(&soak, Duration::from_secs(120)).await?;
    let kills = fleet.kills.load(Ordering::Relaxed);
    let logs = fleet.logs.clone();
    fleet.stop()?;
    tally
        .client_timeouts
        .store(timeouts_logged(&logs)?, Ordering::Relaxed);

    let verdict = check_everything(&soak, &vendors, &tally, kills, cli.kills).await?;
    let passed = verdict.failures.is_empty();
    println!("{}", if passed { "PASS" } else { "FAIL" });
    for failure in &verdict.failures {
        println!("  failed: {failure}");
    }
    if passed {
        soak.finish().await?;
    } else {
        // Kept for a post-mortem: the database (SQLite) and every process's log.
        let kept = soak.dir.keep();
        println!("  kept {} for inspection", kept.display());
    }
    drop(sim);
    Ok(passed)
}

/// Waits until no job is due or running (future-scheduled ones may wait) for 3 s in a row.
pub(crate) async fn drain(soak: &Soak, limit: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    let mut quiet_since: Option<Instant> = None;
    loop {
        let now = wharf::db::now_ms();
        let busy = soak
            .count(&format!(
                "SELECT COUNT(*) FROM jobs WHERE status = 'running'
                 OR (status = 'pending' AND run_at <= {now})"
            ))
            .await?;
        if busy > 0 {
            quiet_since = None;
        } else if quiet_since.get_or_insert_with(Instant::now).elapsed() > Duration::from_secs(3) {
            return Ok(());
        }
        if Instant::now() > deadline {
            println!("  WARNING: {busy} job(s) still due or running after {limit:?}");
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// What an operator does with shipments BigCommerce refused (the refused-writes phase):
/// presses Retry on each. Their parts must then be created like any other.
async fn retry_refused_shipments(soak: &Soak, tally: &Tally) -> anyhow::Result<()> {
    let refused = sqlx::query(
        "SELECT DISTINCT shipment_id FROM shipment_parts WHERE state = 'failed' ORDER BY shipment_id",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    for row in &refused {
        soak.app.retry_shipment(row.get::<i64, _>(0)).await?;
        tally.shipments_retried.fetch_add(1, Ordering::Relaxed);
    }
    println!(
        "  operator retried {} shipment(s) BigCommerce had refused",
        refused.len()
    );
    drain(soak, Duration::from_secs(120)).await
}
