//! `wharf-bench webhook-intake`: how many webhook deliveries wharf as deployed (HTTP and
//! workers in one process, a store with a webhook secret) takes per second from N concurrent
//! clients, and where the ceiling is.
//!
//! Three kinds of delivery, the same load each: refused at the secret (the receiver and one
//! read), stored without a job, and stored with a job queued (which the workers then run). The
//! clients run in a child process (this binary, re-executed with `webhook-poster`), so wharf's
//! CPU time and peak memory are its own, and the clients' CPU is printed beside it: on two
//! cores the two compete, and the split says how much of the machine wharf had.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::harness::{BenchWharf, serve, start_simulator, wait_for_jobs};
use crate::measure::{cpu_time, peak_rss, percentile, reset_peak_rss};
use crate::webhook_load::{Delivery, Poster, give_webhook_secret};

pub(crate) struct WebhookIntakeBench {
    pub(crate) postgres_url: Option<String>,
    pub(crate) seconds: u64,
    pub(crate) clients: usize,
}

/// What the poster process measured, printed as one JSON line.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Posted {
    answered: u64,
    unexpected: u64,
    elapsed_ms: u64,
    p50_us: u64,
    p99_us: u64,
    max_us: u64,
    cpu_ms: u64,
}

pub(crate) async fn bench_webhook_intake(args: WebhookIntakeBench) -> anyhow::Result<()> {
    let sim = start_simulator(20, 1, None, 0)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = format!("http://{}", listener.local_addr()?);
    let bench = BenchWharf::start(&sim, args.postgres_url.as_deref(), None).await?;
    give_webhook_secret(&bench).await?;
    let (stop, serving) = serve(&bench, listener)?;
    let backend = if args.postgres_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "webhook intake ({backend}; HTTP + workers in one process; {} clients in a child process, \
         each posting its next delivery when the last is answered; {} s per kind)",
        args.clients, args.seconds
    );
    for delivery in [Delivery::Refused, Delivery::Stored, Delivery::Queued] {
        let jobs_before = jobs_queued(&bench).await?;
        reset_peak_rss();
        let cpu_before = cpu_time();
        let posted = post_from_child(&address, bench.store_id, delivery, &args).await?;
        let wharf_cpu = cpu_time().saturating_sub(cpu_before);
        let rss = peak_rss();
        let seconds = posted.elapsed_ms as f64 / 1000.0;
        println!("  {}", delivery.name());
        println!(
            "    deliveries       {} in {seconds:.1} s = {:.0}/s; unexpected answers {}",
            posted.answered,
            posted.answered as f64 / seconds,
            posted.unexpected
        );
        println!(
            "    answer time      p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            posted.p50_us as f64 / 1000.0,
            posted.p99_us as f64 / 1000.0,
            posted.max_us as f64 / 1000.0
        );
        println!(
            "    CPU              wharf {:.1} s ({:.0} % of a core), clients {:.1} s ({:.0} %), of {seconds:.1} s × 2 cores",
            wharf_cpu.as_secs_f64(),
            100.0 * wharf_cpu.as_secs_f64() / seconds,
            posted.cpu_ms as f64 / 1000.0,
            100.0 * posted.cpu_ms as f64 / 1000.0 / seconds
        );
        println!("    peak RSS (wharf) {rss}");
        if delivery == Delivery::Queued {
            let queued = jobs_queued(&bench).await? - jobs_before;
            let drained = Instant::now();
            wait_for_jobs(&bench.app, "orders.fetch", Duration::from_secs(300)).await?;
            println!(
                "    jobs             {queued} re-reads queued; the workers finished them {:.1} s after the load stopped",
                drained.elapsed().as_secs_f64()
            );
        }
        if posted.unexpected > 0 {
            bail!(
                "{} deliveries were not answered as expected",
                posted.unexpected
            );
        }
    }
    let _ = stop.send(());
    let _ = serving.await;
    bench.finish().await
}

async fn jobs_queued(bench: &BenchWharf) -> anyhow::Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'orders.fetch'")
            .fetch_one(bench.app.db.pool())
            .await?
            .get("n"),
    )
}

/// Runs the clients in a child process and reads what it measured.
async fn post_from_child(
    address: &str,
    store_id: i64,
    delivery: Delivery,
    args: &WebhookIntakeBench,
) -> anyhow::Result<Posted> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .args(["webhook-poster", "--url", address])
        .args(["--store-id", &store_id.to_string()])
        .args(["--delivery", &delivery_arg(delivery)?])
        .args(["--clients", &args.clients.to_string()])
        .args(["--seconds", &args.seconds.to_string()]);
    let output = tokio::task::spawn_blocking(move || command.output()).await??;
    if !output.status.success() {
        bail!(
            "the poster process failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let line = String::from_utf8(output.stdout)?;
    serde_json::from_str(line.trim()).context("the poster's figures")
}

/// The delivery kind as the poster's command line spells it.
fn delivery_arg(delivery: Delivery) -> anyhow::Result<String> {
    Ok(clap::ValueEnum::to_possible_value(&delivery)
        .context("every delivery kind has a name")?
        .get_name()
        .to_owned())
}

/// The poster process: `clients` clients posting deliveries for `seconds`, each its next when
/// the last is answered; prints one JSON line of figures.
pub(crate) async fn run_poster(
    url: String,
    store_id: i64,
    delivery: Delivery,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<()> {
    let poster = Poster::new(&url, store_id, delivery);
    let times: Arc<Mutex<Vec<u32>>> = Arc::default();
    let unexpected = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let cpu_before = cpu_time();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (poster, times, unexpected) = (poster.clone(), times.clone(), unexpected.clone());
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while Instant::now() < deadline {
                match poster.post().await {
                    Ok(took) => mine.push(took.as_micros().min(u32::MAX as u128) as u32),
                    Err(()) => {
                        unexpected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            }
            times.lock().expect("times lock").extend(mine);
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed();
    let mut times = std::mem::take(&mut *times.lock().expect("times lock"));
    times.sort_unstable();
    let at = |p: f64| percentile(&times, p).map_or(0, u64::from);
    let posted = Posted {
        answered: times.len() as u64,
        unexpected: unexpected.load(std::sync::atomic::Ordering::Relaxed),
        elapsed_ms: elapsed.as_millis() as u64,
        p50_us: at(0.50),
        p99_us: at(0.99),
        max_us: times.last().map_or(0, |&t| u64::from(t)),
        cpu_ms: cpu_time().saturating_sub(cpu_before).as_millis() as u64,
    };
    println!("{}", serde_json::to_string(&posted)?);
    Ok(())
}
