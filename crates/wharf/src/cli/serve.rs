//! `wharf serve`, `wharf worker` and `wharf demo`: the commands that run until they are stopped.

use std::process::ExitCode;

use clap::Args;
use secrecy::SecretString;

use super::command::with_app;
use crate::app::App;
use crate::app::operators::AdminBootstrap;
use crate::config::{ServerSettings, Settings};
use crate::db::WorkerLock;
use crate::demo;
use crate::startup::{Application, shutdown_signal};

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// Address for the UI and API.
    #[arg(long, env = "WHARF_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// The operator account created on first start (or whose password WHARF_ADMIN_PASSWORD sets).
    #[arg(long, env = "WHARF_ADMIN_USERNAME", default_value = "admin")]
    admin_username: String,
    /// The operator's password. Without it, first start generates one and prints it once.
    #[arg(long, env = "WHARF_ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: Option<SecretString>,
    /// Serve HTTP only; job workers run in `wharf worker` processes (PostgreSQL: any number;
    /// SQLite: one process runs workers).
    #[arg(long, env = "WHARF_NO_WORKERS")]
    no_workers: bool,
    #[command(flatten)]
    pub(super) server: ServerSettings,
}

#[derive(Debug, Args)]
pub(super) struct WorkerArgs {
    #[command(flatten)]
    pub(super) server: ServerSettings,
}

#[derive(Debug, Args)]
pub(super) struct DemoArgs {
    /// Address for the UI.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// No simulated shopper or vendors: the store and its catalog only.
    #[arg(long)]
    calm: bool,
    /// Products in the simulated store's catalog (3 variants each).
    #[arg(long, default_value_t = 1200)]
    products: usize,
}

pub(super) async fn demo(args: DemoArgs) -> anyhow::Result<ExitCode> {
    demo::run(&args.listen, args.calm, args.products)
        .await
        .map(|()| ExitCode::SUCCESS)
}

pub(super) async fn serve(settings: &Settings, args: ServeArgs) -> anyhow::Result<ExitCode> {
    // Before opening the database: a refused second worker process neither migrates
    // nor waits behind the running workers' writes.
    let worker_lock = (!args.no_workers)
        .then(|| WorkerLock::take(&settings.database_url))
        .transpose()?;
    let app = App::open(settings).await?;
    announce_admin(
        app.ensure_admin(&args.admin_username, args.admin_password.as_ref())
            .await?,
    );
    let workers = (!args.no_workers).then(|| settings.worker_config());
    let mut server = Application::build(app, &args.listen, workers).await?;
    if let Some(lock) = worker_lock {
        server = server.holding(lock);
    }
    let server = server
        .with_schedules(settings.schedules())
        .with_shutdown_grace(settings.shutdown_grace());
    println!("wharf is serving on http://{}", server.local_addr());
    server.run_until(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn worker(settings: &Settings) -> anyhow::Result<ExitCode> {
    let worker_lock = WorkerLock::take(&settings.database_url)?;
    with_app(settings, async |app| {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let workers = crate::startup::start_workers(
            app,
            worker_lock,
            settings.worker_config(),
            settings.schedules(),
            stop_rx,
        );
        println!("wharf worker running (stop with Ctrl-C or SIGTERM)");
        shutdown_signal().await;
        let _ = stop_tx.send(true);
        workers.finish().await;
        Ok(ExitCode::SUCCESS)
    })
    .await
}

/// Tells the operator how to sign in when this start created the account.
pub fn announce_admin(bootstrap: AdminBootstrap) {
    if let AdminBootstrap::Generated { username, password } = bootstrap {
        use secrecy::ExposeSecret;
        // Printed once, to the terminal only (not the log): there is no other way to learn it.
        println!(
            "Created the operator account {username:?} with password: {}",
            password.expose_secret()
        );
        println!("Set WHARF_ADMIN_PASSWORD to choose your own.");
    }
}
