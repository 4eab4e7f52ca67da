//! A push in a process of its own (`wharf-bench inventory-push`, hidden): the benchmark's own
//! process holds the seeded catalog, the stock plan and what the import and the stock report
//! left behind, so its peak memory says nothing about a push. A worker that picks up a push
//! opens the database and pushes; so does this child, and it reports its own figures.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use wharf::app::App;
use wharf::config::Settings;

use crate::harness::BenchWharf;
use crate::measure::{cpu_time, process_peak_rss_kib};

/// What the child measured, printed by it as one line of JSON.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct PushFigures {
    pub(super) pushed: usize,
    pub(super) refused: usize,
    pub(super) requests: usize,
    pub(super) wall_ms: u64,
    /// Awaiting BigCommerce's answers (the simulator's, here).
    pub(super) waited_ms: u64,
    pub(super) cpu_ms: u64,
    /// The process's resident memory once the database was opened, before the push.
    pub(super) rss_before_kib: u64,
    /// Its peak resident memory (VmHWM), start to end.
    pub(super) peak_rss_kib: u64,
}

/// Runs one push of the bench's store in a child process and returns its figures.
pub(super) fn push_in_child(bench: &BenchWharf) -> anyhow::Result<PushFigures> {
    let settings = &bench.settings;
    let key = settings
        .secret_key_file
        .as_ref()
        .context("the bench's settings name a key file")?;
    let output = Command::new(std::env::current_exe()?)
        .arg("inventory-push")
        .args(["--database-url", &settings.database_url])
        .arg("--secret-key-file")
        .arg(key)
        .args(["--api-base", settings.bigcommerce_api_base.as_str()])
        .args(["--store-id", &bench.store_id.to_string()])
        // Its log (RUST_LOG applies to it too) and any error go where this process's go.
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !output.status.success() {
        bail!(
            "the push process failed ({}): see its error above",
            output.status
        );
    }
    let stdout = String::from_utf8(output.stdout)?;
    let line = stdout
        .lines()
        .last()
        .context("the push process printed nothing")?;
    Ok(serde_json::from_str(line)?)
}

/// The child: opens wharf on the bench's database, as a worker would, and pushes.
pub(crate) async fn run_inventory_push(
    database_url: String,
    secret_key_file: PathBuf,
    api_base: url::Url,
    store_id: i64,
) -> anyhow::Result<()> {
    let settings = Settings::local(database_url, secret_key_file, api_base, None);
    let app = App::open(&settings).await?;
    let rss_before_kib = resident_kib();
    let cpu_before = cpu_time();
    let started = Instant::now();
    let report = app.push_inventory(store_id, false).await?;
    let figures = PushFigures {
        pushed: report.pushed,
        refused: report.refused,
        requests: report.requests,
        wall_ms: started.elapsed().as_millis() as u64,
        waited_ms: report.waited_ms,
        cpu_ms: cpu_time().saturating_sub(cpu_before).as_millis() as u64,
        rss_before_kib,
        peak_rss_kib: process_peak_rss_kib("self").unwrap_or(0),
    };
    app.db.close().await;
    println!("{}", serde_json::to_string(&figures)?);
    Ok(())
}

/// This process's resident memory now (VmRSS), in KiB; 0 where the kernel does not say.
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}
