//! Worker processes: `wharf worker` runs jobs without HTTP and stops cleanly on SIGTERM,
//! `wharf serve --no-workers` serves HTTP only, and a SQLite file takes one worker process.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use wharf::app::jobs::Job;

use bigcommerce_sim::Faults;
use sqlx::Row;

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, TestApp, spawn_app, spawn_app_without_workers};

fn wharf(app: &TestApp, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wharf"));
    command
        .args(args)
        .env("WHARF_DATABASE_URL", &app.settings.database_url)
        .env("WHARF_SECRET_KEY_FILE", app.dir.path().join("wharf.key"))
        .env("WHARF_BIGCOMMERCE_API_BASE", &app.sim.base_url)
        .env("WHARF_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("WHARF_API_QUOTA_SHARE", "1")
        .env_remove("WHARF_SECRET_KEY");
    command
}

fn on_postgres(app: &TestApp) -> bool {
    app.settings.database_url.starts_with("postgres")
}

fn sigterm(child: &Child) {
    // std's Child::kill sends SIGKILL; a graceful stop is asked for with SIGTERM.
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits without blocking the test's runtime: the in-process wharf runs on it, and frozen
/// mid-transaction it would hold SQLite's write lock against the child process.
async fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the process did not stop within {within:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn wharf_worker_runs_queued_jobs_and_stops_cleanly_on_sigterm() {
    let app = spawn_app_without_workers().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(300, 2);
    let import = app.start_import(store_id, "full").await;

    let mut worker = wharf(&app, &["worker"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let run = app.wait_for_import(import["id"].as_i64().unwrap()).await;
    assert_eq!(run["status"], "completed", "{run:#}");
    sigterm(&worker);
    let status = wait_exit(&mut worker, Duration::from_secs(20)).await;
    assert!(status.success(), "exit after SIGTERM: {status:?}");
}

#[tokio::test]
async fn a_sqlite_file_takes_one_worker_process_and_serve_without_workers_shares_it() {
    // The in-process wharf runs workers on this database (answering a request shows its
    // server task, which took the workers' lock, has started).
    let app = spawn_app().await;
    let health = app
        .http
        .get(format!("{}/healthz", app.address))
        .send()
        .await;
    assert_eq!(health.unwrap().status(), 200);
    let mut second = wharf(&app, &["worker"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if on_postgres(&app) {
        // PostgreSQL takes any number of worker processes.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(second.try_wait().unwrap().is_none(), "a second worker runs");
        sigterm(&second);
        assert!(
            wait_exit(&mut second, Duration::from_secs(20))
                .await
                .success()
        );
    } else {
        let status = wait_exit(&mut second, Duration::from_secs(20)).await;
        assert!(!status.success());
        let mut stderr = String::new();
        std::io::Read::read_to_string(second.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert!(
            stderr.contains("another wharf process already runs job workers"),
            "{stderr}"
        );
    }

    // HTTP only: no lock needed, so it starts beside the workers.
    let mut server = wharf(&app, &["serve", "--no-workers", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let address = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("wharf is serving on ").map(str::to_owned))
    })
    .await
    .unwrap()
    .expect("serve prints its address");
    let health = app
        .http
        .get(format!("{address}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    sigterm(&server);
    assert!(
        wait_exit(&mut server, Duration::from_secs(20))
            .await
            .success()
    );
}

/// Issue item 2: a worker asked to stop waited for its running jobs with no deadline, and went
/// on sending requests for minutes. With a grace period of 1 s, a job hanging on BigCommerce is
/// cut short, the process exits, and the job is taken over by the next worker, as after a crash.
#[tokio::test]
async fn a_stopping_worker_cuts_a_hanging_job_short_after_its_grace_period() {
    let app = spawn_app_without_workers().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(20, 1);
    // BigCommerce hangs: every answer takes two minutes (wharf waits 30 s for one).
    let simulator = &app.sim.simulator;
    simulator.set_faults(Faults {
        latency: Duration::from_secs(120),
        ..Faults::default()
    });
    simulator.reset_stats();
    let import = app.start_import(store_id, "full").await;
    let import_id = import["id"].as_i64().unwrap();

    let mut worker = wharf(&app, &["worker"])
        .env("WHARF_SHUTDOWN_GRACE_SECS", "1")
        .env("WHARF_JOB_LEASE_SECS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while simulator.request_stats().total == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker never asked BigCommerce"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    sigterm(&worker);
    let status = wait_exit(&mut worker, Duration::from_secs(15)).await;
    assert!(status.success(), "exit after SIGTERM: {status:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(worker.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    // The import, and the order poll a worker queues at start, both hang.
    let cut_short: usize = stderr
        .split("job worker stopped with ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the worker says how many jobs it cut short: {stderr}"));
    assert!(cut_short >= 1, "{stderr}");

    // Gone means gone: nothing more reaches BigCommerce from it.
    let sent_before_exit = simulator.request_stats().total;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(simulator.request_stats().total, sent_before_exit);
    // Cut short, not failed: the job waits for its lease to run out, like a crashed worker's.
    let job = sqlx::query("SELECT status, last_error FROM jobs WHERE kind = $1")
        .bind(wharf::app::jobs::CatalogImport::KIND)
        .fetch_one(app.app.db.pool())
        .await
        .unwrap();
    assert_eq!(job.get::<String, _>("status"), "running");
    assert_eq!(job.get::<Option<String>, _>("last_error"), None);

    // BigCommerce answers again; a fresh worker takes the import over and finishes it.
    simulator.set_faults(Faults::default());
    let mut fresh = wharf(&app, &["worker"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let run = app.wait_for_import(import_id).await;
    assert_eq!(run["status"], "completed", "{run:#}");
    assert_eq!(run["counts"]["products_seen"], 20, "{run:#}");
    sigterm(&fresh);
    assert!(
        wait_exit(&mut fresh, Duration::from_secs(20))
            .await
            .success()
    );
}

/// `wharf serve` stops the same way: requests still running after the grace period are cut
/// short with the jobs (both had it at once), and the process exits.
#[tokio::test]
async fn a_stopping_server_cuts_hanging_requests_and_jobs_short_after_its_grace_period() {
    let app = spawn_app_without_workers().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(5, 1);
    let simulator = &app.sim.simulator;
    simulator.set_faults(Faults {
        latency: Duration::from_secs(120),
        ..Faults::default()
    });
    simulator.reset_stats();
    app.start_import(store_id, "full").await;

    let mut server = wharf(&app, &["serve", "--listen", "127.0.0.1:0"])
        .env("WHARF_SHUTDOWN_GRACE_SECS", "1")
        .env("WHARF_JOB_LEASE_SECS", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let address = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("wharf is serving on ").map(str::to_owned))
    })
    .await
    .unwrap()
    .expect("serve prints its address");
    // A Connect through it hangs on BigCommerce like the import.
    let connect = tokio::spawn(
        app.http
            .post(format!("{address}/api/v1/stores/{store_id}/connect"))
            .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
            .send(),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !["GET /v2/store", "GET /v3/catalog/brands"]
        .iter()
        .all(|endpoint| {
            simulator
                .request_stats()
                .by_endpoint
                .contains_key(*endpoint)
        })
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the request and the job never reached BigCommerce: {:?}",
            simulator.request_stats()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    sigterm(&server);
    let status = wait_exit(&mut server, Duration::from_secs(15)).await;
    assert!(status.success(), "exit after SIGTERM: {status:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(server.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("HTTP requests still running after the grace period were cut short"),
        "{stderr}"
    );
    assert!(stderr.contains("job worker stopped with "), "{stderr}");
    let answered = connect.await.unwrap();
    assert!(answered.is_err(), "the cut-short request got {answered:?}");
    let sent_before_exit = simulator.request_stats().total;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(simulator.request_stats().total, sent_before_exit);
}
