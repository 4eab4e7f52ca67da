//! wharf's processes as deployed: `wharf serve --no-workers` receiving webhooks and the
//! `wharf worker` processes the killer picks from, with their logs.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use rand::Rng;

use crate::faults::CLIENT_TIMEOUT_SECS;
use crate::setup::Soak;
use crate::{ADMIN_PASSWORD, SHARE};

/// The wharf processes: one HTTP-only server (the webhook receiver) and the worker processes
/// the killer picks from. stderr of each goes to a log in the soak's temporary directory.
pub(crate) struct Fleet {
    exe: PathBuf,
    env: Vec<(String, String)>,
    pub(crate) logs: PathBuf,
    serve: Child,
    workers: Mutex<Vec<Child>>,
    pub(crate) kills: AtomicU64,
    spawned: AtomicU64,
}

impl Fleet {
    pub(crate) fn start(soak: &Soak, workers: usize) -> anyhow::Result<Fleet> {
        let exe = std::env::current_exe()?.with_file_name("wharf");
        if !exe.exists() {
            bail!(
                "{} not found: build it with `cargo build --release -p wharf`",
                exe.display()
            );
        }
        let env = vec![
            ("WHARF_DATABASE_URL", soak.settings.database_url.clone()),
            (
                "WHARF_SECRET_KEY_FILE",
                soak.dir.path().join("wharf.key").display().to_string(),
            ),
            ("WHARF_BIGCOMMERCE_API_BASE", soak.sim_url.clone()),
            ("WHARF_PUBLIC_URL", soak.public_url.clone()),
            ("WHARF_ADMIN_PASSWORD", ADMIN_PASSWORD.into()),
            // A killed worker's job is taken over once its lease runs out: keep that short.
            ("WHARF_JOB_LEASE_SECS", "1".into()),
            ("WHARF_API_QUOTA_SHARE", SHARE.to_string()),
            (
                "WHARF_BIGCOMMERCE_TIMEOUT_SECS",
                CLIENT_TIMEOUT_SECS.to_string(),
            ),
            // Polls recover orders whose webhooks were dropped.
            ("WHARF_ORDER_POLL_SECS", "30".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let logs = soak.dir.path().join("logs");
        std::fs::create_dir_all(&logs)?;
        let mut fleet = Fleet {
            exe,
            env,
            logs,
            // A placeholder (an already-finished process) until `spawn`, which needs the
            // fleet's environment, starts the real server just below.
            serve: Command::new("true").spawn()?,
            workers: Mutex::new(Vec::new()),
            kills: AtomicU64::new(0),
            spawned: AtomicU64::new(0),
        };
        fleet.serve = fleet.spawn(&["serve", "--no-workers", "--listen", &soak.listen])?;
        for _ in 0..workers {
            let worker = fleet.spawn(&["worker"])?;
            fleet.workers.lock().expect("fleet lock").push(worker);
        }
        Ok(fleet)
    }

    fn spawn(&self, args: &[&str]) -> anyhow::Result<Child> {
        let n = self.spawned.fetch_add(1, Ordering::Relaxed);
        let log = std::fs::File::create(self.logs.join(format!("{n:04}-{}.log", args[0])))?;
        Ok(Command::new(&self.exe)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env_remove("WHARF_SECRET_KEY")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?)
    }

    /// SIGKILLs a random worker and starts its replacement at once.
    pub(crate) fn kill_one(&self) -> anyhow::Result<()> {
        let mut workers = self.workers.lock().expect("fleet lock");
        let index = rand::rng().random_range(0..workers.len());
        workers[index].kill()?; // SIGKILL on Unix
        workers[index].wait()?;
        self.kills.fetch_add(1, Ordering::Relaxed);
        workers[index] = self.spawn(&["worker"])?;
        Ok(())
    }

    /// Stops every process with SIGTERM (a clean shutdown, so no job is left mid-run).
    pub(crate) fn stop(self) -> anyhow::Result<()> {
        let mut children = std::mem::take(&mut *self.workers.lock().expect("fleet lock"));
        children.push(self.serve);
        for child in &children {
            Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()?;
        }
        for mut child in children {
            child.wait()?;
        }
        Ok(())
    }
}

pub(crate) async fn wait_for_http(address: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(address).await.is_err() {
        if Instant::now() > deadline {
            bail!("wharf serve did not listen on {address}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Connects the store (the worker processes register its webhooks) and waits for the hooks.
pub(crate) async fn connect_with_webhooks(soak: &Soak) -> anyhow::Result<()> {
    soak.app.connect_store(soak.store_id).await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let wanted = wharf::channels::bigcommerce::webhooks::HOOK_SCOPES.len() as u64;
    loop {
        let stats = soak.sim_stats().await?;
        if stats["by_endpoint"]["POST /v3/hooks"].as_u64().unwrap_or(0) >= wanted {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the webhooks were not registered within a minute");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// How many requests wharf's processes gave up waiting for, from their logs: the client's
/// timeout error is the one message that says so.
pub(crate) fn timeouts_logged(logs: &std::path::Path) -> anyhow::Result<u64> {
    let mut count = 0;
    for entry in std::fs::read_dir(logs)? {
        let text = std::fs::read_to_string(entry?.path())?;
        count += text.matches("the request to BigCommerce timed out").count() as u64;
    }
    Ok(count)
}
