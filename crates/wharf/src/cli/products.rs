//! `wharf products import`: the store's catalog read into wharf, with a progress bar.

use std::process::ExitCode;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch;

use super::command::with_app;
use crate::app::App;
use crate::config::Settings;
use crate::domain::catalog::{ImportMode, ImportStatus};
use crate::jobs::{Worker, WorkerConfig};
use crate::startup::job_handlers;

#[derive(Debug, Subcommand)]
pub(super) enum ProductsCommand {
    /// Import the store's products and variants, showing progress; exit 0 when it completes.
    Import {
        /// The store's name (or id).
        store: String,
        /// Only products modified since the last import (with an overlap); archives nothing.
        #[arg(long)]
        incremental: bool,
    },
}

pub(super) async fn run(settings: &Settings, command: ProductsCommand) -> anyhow::Result<ExitCode> {
    let ProductsCommand::Import { store, incremental } = command;
    let mode = if incremental {
        ImportMode::Incremental
    } else {
        ImportMode::Full
    };
    with_app(settings, async |app| {
        import_products(app, &store, mode, settings.worker_config()).await
    })
    .await
}

/// Queues the import and runs a worker in this process until it finishes, drawing its progress.
async fn import_products(
    app: &App,
    store: &str,
    mode: ImportMode,
    workers: WorkerConfig,
) -> anyhow::Result<ExitCode> {
    let store = app.find_store(store).await?;
    let import = app.start_import(store.id, mode).await?;
    let (stop, stopped) = watch::channel(false);
    let worker = Worker::new(app.db.clone(), job_handlers(app), workers);
    let worker = tokio::spawn(worker.run(stopped));

    let bar = ProgressBar::new(100).with_style(
        ProgressStyle::with_template("{bar:40.cyan/blue} {pos:>3}% {msg}")
            .expect("a valid progress template"),
    );
    let view = loop {
        let view = app.import_view(import.run.id).await?;
        let counts = &view.run.counts;
        bar.set_position(view.percent as u64);
        bar.set_message(format!(
            "pages {}/{} · {} products · {} variants · {} issues",
            counts.pages_done,
            counts.pages_total,
            counts.products_seen,
            counts.variants_seen,
            view.issue_count
        ));
        if view.is_finished() {
            break view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    bar.finish();
    let _ = stop.send(true);
    let _ = worker.await;

    let counts = &view.run.counts;
    println!(
        "Import #{} of {:?}: {}. {} products and {} variants read; {} new, {} updated, {} archived products; {} issues.",
        view.run.id,
        store.name,
        view.run.status.as_str(),
        counts.products_seen,
        counts.variants_seen,
        counts.products_created,
        counts.products_updated,
        counts.products_archived,
        view.issue_count
    );
    for issue in view.issues.iter().take(20) {
        println!(
            "  product {} {:?}: {}",
            issue.product_external_id, issue.product_name, issue.message
        );
    }
    if let Some(error) = &view.run.last_error {
        eprintln!("error: {error}");
    }
    Ok(if view.run.status == ImportStatus::Completed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
