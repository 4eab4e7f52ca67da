//! `wharf-bench login-flood`: webhook intake and vendor API throughput without, then during, a
//! flood of wrong passwords (login form posts and HTTP Basic requests).
//!
//! The flooders run in a child process (this binary, re-executed with `login-flooder`), so their
//! CPU is not counted as wharf's; the load that is measured runs in this process, the same in
//! both phases. `--spread` gives each flooder its own loopback address and a new username per
//! try, so neither the per-address nor the per-account throttle stops them early and the
//! bounded hashing pool is what holds.

use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use base64::Engine;
use secrecy::SecretString;

use crate::harness::{BenchWharf, serve, start_simulator};
use crate::measure::{peak_rss, reset_peak_rss};
use crate::webhook_load::{Delivery, Poster, give_webhook_secret};

const ADMIN: &str = "admin";
/// Concurrent webhook posters and vendor API callers: the load whose throughput is measured.
const WEBHOOK_CLIENTS: usize = 8;
const VENDOR_CLIENTS: usize = 4;

pub(crate) struct LoginFloodBench {
    pub(crate) baseline_secs: u64,
    pub(crate) flood_secs: u64,
    pub(crate) flooders: usize,
    pub(crate) spread: bool,
}

struct Throughput {
    webhooks: u64,
    vendor: u64,
    failed: u64,
    elapsed: Duration,
}

impl Throughput {
    fn per_sec(&self, n: u64) -> f64 {
        n as f64 / self.elapsed.as_secs_f64()
    }
}

pub(crate) async fn bench_login_flood(options: LoginFloodBench) -> anyhow::Result<()> {
    let sim = start_simulator(20, 1, None, 0)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = format!("http://{}", listener.local_addr()?);
    let bench = BenchWharf::start(&sim, None, None).await?;
    bench
        .app
        .ensure_admin(ADMIN, Some(&SecretString::from("bench-admin-password")))
        .await?;
    let vendor_token = bench.import_and_route_to_one_vendor().await?;
    give_webhook_secret(&bench).await?;
    let (stop, serving) = serve(&bench, listener)?;
    let load = Load {
        address: address.clone(),
        webhooks: Poster::new(&address, bench.store_id, Delivery::Stored),
        vendor_token,
        http: reqwest::Client::new(),
    };

    println!("baseline: {} s without a flood…", options.baseline_secs);
    let baseline = load
        .measure(Duration::from_secs(options.baseline_secs))
        .await;

    let mut flooder = Command::new(std::env::current_exe()?)
        .args(["login-flooder", "--url", &address])
        .args(["--flooders", &options.flooders.to_string()])
        .args(["--secs", &(options.flood_secs + 2).to_string()])
        .args(options.spread.then_some("--spread"))
        .stdout(Stdio::piped())
        .spawn()?;
    let mut flooder_out = BufReader::new(flooder.stdout.take().context("flooder stdout")?);
    let mut line = String::new();
    flooder_out.read_line(&mut line)?; // "flooding": its clients are running
    println!(
        "flood: {} s with {} flooders{}…",
        options.flood_secs,
        options.flooders,
        if options.spread {
            " on as many addresses"
        } else {
            ""
        }
    );
    reset_peak_rss();
    let flooded = load.measure(Duration::from_secs(options.flood_secs)).await;
    let rss = peak_rss();
    let mut summary = String::new();
    flooder_out.read_line(&mut summary)?;
    let _ = flooder.wait();
    let _ = stop.send(());
    let _ = serving.await;

    println!("login flood benchmark (SQLite, HTTP + workers in one process)");
    for (name, t) in [("without flood", &baseline), ("during flood", &flooded)] {
        println!(
            "  {name:<14} webhooks {} in {:.1} s = {:.0}/s; vendor API {} = {:.0}/s; failed {}",
            t.webhooks,
            t.elapsed.as_secs_f64(),
            t.per_sec(t.webhooks),
            t.vendor,
            t.per_sec(t.vendor),
            t.failed
        );
    }
    let ratio = |f: fn(&Throughput) -> u64| {
        100.0 * flooded.per_sec(f(&flooded)) / baseline.per_sec(f(&baseline)).max(f64::EPSILON)
    };
    println!(
        "  ratio           webhooks {:.0} %, vendor API {:.0} % (target ≥ 80 %)",
        ratio(|t| t.webhooks),
        ratio(|t| t.vendor)
    );
    println!("  flood answers   {}", summary.trim());
    println!("  peak RSS (wharf, flood phase)  {rss}");
    bench.finish().await?;
    Ok(())
}

/// The measured load: webhook deliveries (each a new event, stored without a job) and vendor
/// API reads.
struct Load {
    address: String,
    webhooks: Poster,
    vendor_token: String,
    http: reqwest::Client,
}

impl Load {
    async fn measure(&self, duration: Duration) -> Throughput {
        let webhooks = Arc::new(AtomicU64::new(0));
        let vendor = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let deadline = started + duration;
        let mut tasks = Vec::new();
        for _ in 0..WEBHOOK_CLIENTS {
            let (poster, count, failed) = (self.webhooks.clone(), webhooks.clone(), failed.clone());
            tasks.push(tokio::spawn(async move {
                while Instant::now() < deadline {
                    let counter = if poster.post().await.is_ok() {
                        &count
                    } else {
                        &failed
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        for _ in 0..VENDOR_CLIENTS {
            let (http, count, failed) = (self.http.clone(), vendor.clone(), failed.clone());
            let url = format!("{}/vendor-api/v1/purchase-orders", self.address);
            let token = self.vendor_token.clone();
            tasks.push(tokio::spawn(async move {
                while Instant::now() < deadline {
                    let sent = http.get(&url).bearer_auth(&token).send().await;
                    tally(sent, &count, &failed);
                }
            }));
        }
        for task in tasks {
            let _ = task.await;
        }
        Throughput {
            webhooks: webhooks.load(Ordering::Relaxed),
            vendor: vendor.load(Ordering::Relaxed),
            failed: failed.load(Ordering::Relaxed),
            elapsed: started.elapsed(),
        }
    }
}

fn tally(sent: reqwest::Result<reqwest::Response>, ok: &AtomicU64, failed: &AtomicU64) {
    match sent {
        Ok(response) if response.status().is_success() => ok.fetch_add(1, Ordering::Relaxed),
        _ => failed.fetch_add(1, Ordering::Relaxed),
    };
}

/// The flooder process: `flooders` clients sending wrong passwords for `secs`, half through the
/// login form, half as HTTP Basic; prints "flooding" when started and a tally of answers at the end.
pub(crate) async fn run_flooder(
    url: String,
    flooders: usize,
    secs: u64,
    spread: bool,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let statuses: Arc<std::sync::Mutex<std::collections::BTreeMap<String, u64>>> =
        Default::default();
    let mut tasks = Vec::new();
    for i in 0..flooders {
        let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        if spread {
            let local: IpAddr = format!("127.1.{}.{}", i / 250, 1 + i % 250).parse()?;
            builder = builder.local_address(local);
        }
        let http = builder.build()?;
        let (url, statuses) = (url.clone(), statuses.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let username = if spread {
                    format!("guess-{i}-{n}")
                } else {
                    ADMIN.to_owned()
                };
                let sent = if i % 2 == 0 {
                    http.post(format!("{url}/login"))
                        .form(&[("username", username.as_str()), ("password", "wrong")])
                        .send()
                        .await
                } else {
                    let credentials = base64::engine::general_purpose::STANDARD
                        .encode(format!("{username}:wrong"));
                    http.get(format!("{url}/api/v1/stores"))
                        .header("authorization", format!("Basic {credentials}"))
                        .send()
                        .await
                };
                let key = match sent {
                    Ok(response) => response.status().as_u16().to_string(),
                    Err(_) => "error".to_owned(),
                };
                *statuses.lock().unwrap().entry(key).or_default() += 1;
            }
        }));
    }
    println!("flooding");
    for task in tasks {
        let _ = task.await;
    }
    let statuses = statuses.lock().unwrap();
    let tally: Vec<String> = statuses.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    println!("{}", tally.join(", "));
    Ok(())
}
