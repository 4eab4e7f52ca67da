//! wharf as deployed for many stores: `wharf serve --no-workers` (UI, APIs, the webhook
//! receiver) and `wharf worker` processes, children of the benchmark on one PostgreSQL
//! database, each logging to a file; and what the kernel says each of them used.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::bail;

use super::setup::FleetDatabase;
use crate::measure::{process_cpu_time, process_peak_rss_kib};

/// The running processes: `serve` first, then the workers.
pub(crate) struct WharfProcesses {
    children: Vec<(String, Child)>,
}

impl WharfProcesses {
    /// Starts `serve --no-workers` on `listen` and `workers` worker processes, and waits until
    /// `serve` answers.
    pub(crate) async fn start(
        db: &FleetDatabase,
        sim_url: &str,
        listen: &str,
        workers: usize,
        logs: &Path,
    ) -> anyhow::Result<WharfProcesses> {
        let exe = std::env::current_exe()?.with_file_name("wharf");
        if !exe.exists() {
            bail!(
                "{} not found: build it with `cargo build --release -p wharf`",
                exe.display()
            );
        }
        std::fs::create_dir_all(logs)?;
        let spawn = |name: &str, args: &[&str]| -> anyhow::Result<(String, Child)> {
            let log = std::fs::File::create(logs.join(format!("{name}.log")))?;
            let child = Command::new(&exe)
                .args(args)
                .env("WHARF_DATABASE_URL", &db.url)
                .env("WHARF_SECRET_KEY_FILE", &db.key_file)
                .env("WHARF_BIGCOMMERCE_API_BASE", sim_url)
                .env("WHARF_PUBLIC_URL", format!("http://{listen}"))
                .env("WHARF_ADMIN_PASSWORD", "fleet-admin-password")
                .env_remove("WHARF_SECRET_KEY")
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()?;
            Ok((name.to_owned(), child))
        };
        let mut children = vec![spawn(
            "serve",
            &["serve", "--no-workers", "--listen", listen],
        )?];
        for n in 1..=workers {
            children.push(spawn(&format!("worker {n}"), &["worker"])?);
        }
        let processes = WharfProcesses { children };
        let deadline = Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(listen).await.is_err() {
            if Instant::now() > deadline {
                bail!(
                    "wharf serve did not listen on {listen} (logs in {})",
                    logs.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(processes)
    }

    /// Each process's name and CPU time so far.
    pub(crate) fn cpu_times(&self) -> Vec<(String, Duration)> {
        self.children
            .iter()
            .map(|(name, child)| (name.clone(), process_cpu_time(&child.id().to_string())))
            .collect()
    }

    /// Each process's name and peak resident memory (VmHWM) in KiB.
    pub(crate) fn peak_rss_kib(&self) -> Vec<(String, Option<u64>)> {
        self.children
            .iter()
            .map(|(name, child)| (name.clone(), process_peak_rss_kib(&child.id().to_string())))
            .collect()
    }

    /// Whether every process still runs (a crash would make every figure meaningless).
    pub(crate) fn all_running(&mut self) -> anyhow::Result<bool> {
        for (_, child) in &mut self.children {
            if child.try_wait()?.is_some() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Stops every process with SIGTERM (a clean shutdown) and waits for them.
    pub(crate) fn stop(mut self) -> anyhow::Result<()> {
        let mut children = std::mem::take(&mut self.children);
        for (_, child) in &children {
            Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()?;
        }
        for (_, child) in &mut children {
            child.wait()?;
        }
        Ok(())
    }
}

impl Drop for WharfProcesses {
    /// A benchmark that failed half-way leaves no process of its own behind.
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// CPU time of every PostgreSQL process (the server's backends serve every client, wharf's and
/// the benchmark's alike), found by name in `/proc`.
pub(crate) fn postgres_cpu_time() -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter(|e| {
            std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| c.trim() == "postgres")
        })
        .map(|e| process_cpu_time(&e.file_name().to_string_lossy()))
        .sum()
}
