//! `wharf-bench fleet` (issue 20): many stores on one PostgreSQL database, wharf as deployed —
//! `wharf serve --no-workers` and `wharf worker` processes — with, per store, a shopper
//! ordering, a vendor shipping each purchase order and reporting levels through the vendor
//! API, all at a steady rate. Each store's latencies, requests against its quota share, each
//! process's peak memory and CPU, and the throughput, with each number of workers asked for.
//!
//! `simulator` is the one simulator process serving every store, `setup` the database and
//! stores, `processes` wharf's processes, `load` the actors, `track` what finds their
//! effects, `ledger` what they share, `run` one run and `report` its figures.

mod ledger;
mod load;
mod processes;
mod report;
mod run;
mod setup;
mod simulator;
mod track;

use std::time::Duration;

use anyhow::bail;

use report::{QuotaTerms, print_run, throughput};
use run::{FleetRun, run_fleet};
pub(crate) use simulator::{FleetSeed, serve_fleet_simulator};

pub(crate) struct FleetBench {
    pub(crate) stores: usize,
    pub(crate) minutes: f64,
    /// Worker process counts, one run each, in this order.
    pub(crate) workers: Vec<usize>,
    pub(crate) postgres_url: String,
    pub(crate) products: usize,
    pub(crate) variants_per_product: usize,
    pub(crate) rate: u32,
    pub(crate) quota: u32,
    pub(crate) window_ms: u64,
}

pub(crate) async fn bench_fleet(args: FleetBench) -> anyhow::Result<()> {
    if args.stores == 0 || args.workers.is_empty() || args.workers.contains(&0) {
        bail!("at least one store and at least one worker process per run");
    }
    let quota = QuotaTerms {
        quota: args.quota,
        window: Duration::from_millis(args.window_ms),
        // wharf's processes run with their default share, as deployed.
        share: wharf::config::Settings::local(
            "sqlite::memory:",
            "unused.key".into(),
            "http://127.0.0.1".parse()?,
            None,
        )
        .server
        .api_quota_share,
    };
    let mut throughputs = Vec::new();
    for &workers in &args.workers {
        let run = FleetRun {
            seed: FleetSeed {
                stores: args.stores,
                products: args.products,
                variants_per_product: args.variants_per_product,
                quota: args.quota,
                window_ms: args.window_ms,
            },
            load_for: Duration::from_secs_f64(args.minutes * 60.0),
            workers,
            postgres_url: args.postgres_url.clone(),
            rate: args.rate,
        };
        let measured = run_fleet(&run).await?;
        print_run(&measured, &quota);
        throughputs.push((workers, throughput(&measured)));
    }
    if throughputs.len() > 1 {
        let (fewest, base) = throughputs[0];
        println!();
        println!("scale-out (completed orders + shipments + levels per second while loaded):");
        for &(workers, per_second) in &throughputs {
            println!(
                "  {workers} worker(s): {per_second:.1}/s = {:.2} × {fewest} worker(s)",
                per_second / base.max(f64::MIN_POSITIVE)
            );
        }
    }
    Ok(())
}
