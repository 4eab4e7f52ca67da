//! What a fleet run prints: a line per store (each flow's p50/p99, its requests against its
//! quota share), then the targets — every store's p99, fairness, quotas, memory — and where
//! the CPU went, and the throughput the workers reached.

use std::time::Duration;

use super::ledger::{Arrival, Flow};
use super::run::Measured;
use crate::measure::percentile;

/// Per flow: its name and the p99 every store must meet.
fn target(flow: Flow) -> (&'static str, i64) {
    match flow {
        Flow::OrdersIn => ("orders in (placed → purchase order)", 1_000),
        Flow::ShipmentsOut => ("shipments out (vendor API → BigCommerce)", 1_000),
        Flow::Stock => ("stock (vendor API → level in BigCommerce)", 2_000),
    }
}

/// Peak memory every wharf process must stay under.
const RSS_TARGET_MB: f64 = 150.0;

fn sorted_latencies(arrivals: &[Arrival]) -> Vec<i64> {
    let mut latencies: Vec<i64> = arrivals.iter().map(|a| a.latency_ms).collect();
    latencies.sort_unstable();
    latencies
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// The run's quota terms: requests per window per store, the window, and wharf's share.
pub(crate) struct QuotaTerms {
    pub(crate) quota: u32,
    pub(crate) window: Duration,
    pub(crate) share: f64,
}

impl QuotaTerms {
    fn allowed_per_window(&self) -> f64 {
        f64::from(self.quota) * self.share
    }

    fn allowed_per_second(&self) -> f64 {
        self.allowed_per_window() / self.window.as_secs_f64()
    }
}

pub(crate) fn print_run(run: &Measured, quota: &QuotaTerms) {
    println!();
    println!(
        "fleet run: {} stores, {} worker process(es); load {:.0} s, measured {:.0} s (load + drain)",
        run.hashes.len(),
        run.workers,
        run.load_for.as_secs_f64(),
        run.measured_for.as_secs_f64()
    );
    println!(
        "  load average at the end: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    print_stores(run, quota);
    for flow in Flow::ALL {
        print_flow(run, flow);
    }
    print_quota(run, quota);
    print_memory(run);
    print_cpu(run);
    print_throughput(run);
    if !run.failures.is_empty() {
        println!("  calls to wharf that failed: {}", run.failures.len());
        for failure in run.failures.iter().take(5) {
            println!("    {failure}");
        }
    }
    println!("  wharf's logs: {}", run.logs.display());
}

fn print_stores(run: &Measured, quota: &QuotaTerms) {
    println!(
        "  per store (ms): {:<23} | {:<23} | {:<23} | requests",
        "orders in n p50 p99", "shipments n p50 p99", "stock n p50 p99"
    );
    let seconds = run.measured_for.as_secs_f64();
    for (store, hash) in run.hashes.iter().enumerate() {
        let flows: Vec<String> = run.results[store]
            .iter()
            .map(|(started, arrivals)| {
                let latencies = sorted_latencies(arrivals);
                format!(
                    "{:>4}/{:<4} {:>5} {:>6}",
                    arrivals.len(),
                    started,
                    percentile(&latencies, 0.50).unwrap_or(-1),
                    percentile(&latencies, 0.99).unwrap_or(-1)
                )
            })
            .collect();
        let requests = run.sim_stats["by_store"][hash]["total"]
            .as_u64()
            .unwrap_or(0);
        let busiest = run.busiest_windows[hash].as_u64().unwrap_or(0);
        println!(
            "    {hash}  {} | {} | {} | {requests} ({:.2}/s of {:.2}/s; busiest window {busiest} of {:.0})",
            flows[0],
            flows[1],
            flows[2],
            requests as f64 / seconds,
            quota.allowed_per_second(),
            quota.allowed_per_window()
        );
    }
}

/// Every store's p99 against the target, the median store's and the worst store's, and
/// fairness (no store's p99 above twice the median store's).
fn print_flow(run: &Measured, flow: Flow) {
    let (name, target_ms) = target(flow);
    let mut p99s: Vec<(i64, &str)> = Vec::new();
    let (mut started, mut arrived) = (0, 0);
    for (store, hash) in run.hashes.iter().enumerate() {
        let (n, arrivals) = &run.results[store][flow as usize];
        started += n;
        arrived += arrivals.len();
        let latencies = sorted_latencies(arrivals);
        p99s.push((percentile(&latencies, 0.99).unwrap_or(i64::MAX), hash));
    }
    p99s.sort_unstable();
    let median = p99s[(p99s.len() - 1) / 2].0;
    let (worst, worst_store) = p99s[p99s.len() - 1];
    let over = p99s.iter().filter(|(p99, _)| *p99 > target_ms).count();
    let calls = &run.call_times[flow as usize];
    println!(
        "  {name}: {arrived} of {started} arrived; the {} answered in p50 {} ms, p99 {} ms",
        match flow {
            Flow::OrdersIn => "simulator's order placement",
            Flow::ShipmentsOut | Flow::Stock => "vendor API call",
        },
        percentile(calls, 0.50).unwrap_or(-1),
        percentile(calls, 0.99).unwrap_or(-1)
    );
    println!(
        "    p99: median store {median} ms, worst store {worst} ms ({worst_store}); every store ≤ {target_ms} ms: {} ({over} stores over)",
        verdict(over == 0)
    );
    println!(
        "    fairness: worst ≤ 2 × median ({:.2} ×): {}",
        worst as f64 / median.max(1) as f64,
        verdict(worst <= median.max(1).saturating_mul(2))
    );
}

fn print_quota(run: &Measured, quota: &QuotaTerms) {
    let share = quota.allowed_per_window();
    let busiest = run
        .hashes
        .iter()
        .map(|h| (run.busiest_windows[h].as_u64().unwrap_or(0), h))
        .max()
        .unwrap_or((0, &run.hashes[0]));
    let refused = run.sim_stats["by_status"]["429"].as_u64().unwrap_or(0);
    println!(
        "  quotas: each store {} requests / {} s, wharf's share {:.0}: busiest window of any store {} ({}): {}; 429 answers {refused}: {}",
        quota.quota,
        quota.window.as_secs(),
        share,
        busiest.0,
        busiest.1,
        verdict(busiest.0 as f64 <= share),
        verdict(refused == 0)
    );
}

fn print_memory(run: &Measured) {
    let figures: Vec<String> = run
        .peak_rss
        .iter()
        .map(|(name, kib)| match kib {
            Some(kib) => format!("{name} {:.1} MB", *kib as f64 / 1024.0),
            None => format!("{name} unknown"),
        })
        .collect();
    let worst = run
        .peak_rss
        .iter()
        .filter_map(|(_, kib)| *kib)
        .max()
        .unwrap_or(0) as f64
        / 1024.0;
    println!(
        "  peak RSS (VmHWM): {}; every process ≤ {RSS_TARGET_MB} MB: {}",
        figures.join(", "),
        verdict(worst <= RSS_TARGET_MB)
    );
}

/// CPU time of each process over the measured time, as a share of what the machine's cores
/// could give; "other" is the machine's busy time nobody listed accounts for.
fn print_cpu(run: &Measured) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let capacity = run.measured_for.as_secs_f64() * cores as f64;
    println!(
        "  CPU over the measured {:.0} s ({cores} cores = {capacity:.0} CPU-seconds):",
        run.measured_for.as_secs_f64()
    );
    let (listed, machine) = run.cpu.split_at(run.cpu.len() - 1);
    for (name, spent) in listed {
        println!(
            "    {name:<32} {:>8.1} s  {:>5.1} %",
            spent.as_secs_f64(),
            100.0 * spent.as_secs_f64() / capacity
        );
    }
    let listed_total: f64 = listed.iter().map(|(_, d)| d.as_secs_f64()).sum();
    let machine = machine[0].1.as_secs_f64();
    println!(
        "    {:<32} {:>8.1} s  {:>5.1} %",
        "other (the machine's other work)",
        (machine - listed_total).max(0.0),
        100.0 * (machine - listed_total).max(0.0) / capacity
    );
    println!(
        "    {:<32} {:>8.1} s  {:>5.1} %",
        "whole machine (busy)",
        machine,
        100.0 * machine / capacity
    );
}

/// Effects that arrived while the load ran, per second of load.
pub(crate) fn throughput(run: &Measured) -> f64 {
    let end = run.load_started_ms + run.load_for.as_millis() as i64;
    let arrived = run
        .results
        .iter()
        .flatten()
        .flat_map(|(_, arrivals)| arrivals)
        .filter(|a| a.at_ms <= end)
        .count();
    arrived as f64 / run.load_for.as_secs_f64()
}

fn print_throughput(run: &Measured) {
    let seconds = run.load_for.as_secs_f64();
    let end = run.load_started_ms + run.load_for.as_millis() as i64;
    let per_flow: Vec<String> = Flow::ALL
        .iter()
        .map(|&flow| {
            let (started, arrived) = run.results.iter().fold((0, 0), |(s, a), store| {
                let (n, arrivals) = &store[flow as usize];
                (
                    s + n,
                    a + arrivals.iter().filter(|x| x.at_ms <= end).count(),
                )
            });
            format!(
                "{} {:.1}/s of {:.1}/s started",
                target(flow).0.split(" (").next().unwrap_or_default(),
                arrived as f64 / seconds,
                started as f64 / seconds
            )
        })
        .collect();
    println!(
        "  throughput while loaded: {:.1} completed/s ({}); jobs finished {:.1}/s",
        throughput(run),
        per_flow.join(", "),
        run.jobs_done_in_load as f64 / seconds
    );
}
