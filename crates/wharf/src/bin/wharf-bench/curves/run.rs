//! One measurement: a benchmark run as a child process of this binary (a fresh process per
//! size, so its peak memory is that run's own), its output passed through and its summary
//! line kept.

use std::collections::VecDeque;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use super::measurements::Measurement;
use crate::figures::{Database, Figures, Workload};

/// Stderr lines kept to say why a run failed.
const STDERR_TAIL: usize = 3;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Run {
    pub(crate) workload: Workload,
    pub(crate) database: Database,
    pub(crate) size: u64,
}

impl Run {
    /// The benchmark's command line: the workload's phase only, where the benchmark can skip
    /// the others.
    fn args(&self, postgres_url: &str) -> Vec<String> {
        let size = self.size.to_string();
        let size = size.as_str();
        let mut args: Vec<String> = match self.workload {
            Workload::Import => vec!["import", "--products", size, "--variants-per-product", "10"],
            Workload::Orders => vec!["orders", "--orders", size],
            Workload::FullPush => vec![
                "inventory",
                "--variants",
                size,
                "--naive-sample",
                "10",
                "--updates",
                "1",
            ],
        }
        .into_iter()
        .map(str::to_owned)
        .collect();
        if self.database == Database::Postgres {
            args.extend(["--postgres-url".to_owned(), postgres_url.to_owned()]);
        }
        args
    }

    /// Runs the benchmark and returns what it measured, or why it has no figures.
    pub(crate) async fn measure(&self, postgres_url: &str, timeout: Duration) -> Measurement {
        let load_before = load_average();
        let outcome = tokio::time::timeout(timeout, self.run_child(postgres_url)).await;
        let load_after = load_average();
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(_) => Err(format!(
                "not finished within {} min (stopped)",
                timeout.as_secs() / 60
            )),
        };
        Measurement::new(self, outcome, load_before, load_after)
    }

    async fn run_child(&self, postgres_url: &str) -> Result<Figures, String> {
        let exe = std::env::current_exe().map_err(|e| format!("this binary's path: {e}"))?;
        let mut child = Command::new(exe)
            .args(self.args(postgres_url))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A stopped run takes its simulator with it: the simulator ends when its stdin,
            // held by the benchmark, closes.
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting the benchmark: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let stderr_tail = tokio::spawn(pass_through_stderr(BufReader::new(stderr)));

        let mut figures = None;
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            println!("    {line}");
            if let Some(parsed) = Figures::parse_line(&line) {
                figures = Some(parsed.map_err(|e| format!("unreadable figures: {e}"))?);
            }
        }
        let status = child
            .wait()
            .await
            .map_err(|e| format!("waiting for the benchmark: {e}"))?;
        let tail = stderr_tail.await.unwrap_or_default();
        if !status.success() {
            return Err(format!("failed ({status}): {tail}"));
        }
        figures.ok_or_else(|| "the benchmark printed no figures".to_owned())
    }
}

/// Echoes the child's log lines and returns its last few, for the record of a failure.
async fn pass_through_stderr(stderr: BufReader<tokio::process::ChildStderr>) -> String {
    let mut tail = VecDeque::with_capacity(STDERR_TAIL);
    let mut lines = stderr.lines();
    while let Ok(Some(line)) = lines.next_line().await {
        eprintln!("    {line}");
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    Vec::from(tail).join(" / ")
}

/// The machine's one-minute load average: with every figure, since other work moves them.
pub(crate) fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}
