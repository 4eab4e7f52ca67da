//! `wharf orders sync`: read the store's changed orders now and route them.

use std::process::ExitCode;

use clap::Subcommand;

use super::command::with_app;
use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub(super) enum OrdersCommand {
    /// Read the store's orders modified since the last read, now, and route them.
    Sync {
        /// The store's name (or id).
        store: String,
    },
}

pub(super) async fn run(settings: &Settings, command: OrdersCommand) -> anyhow::Result<ExitCode> {
    let OrdersCommand::Sync { store } = command;
    with_app(settings, async |app| {
        let store = app.find_store(&store).await?;
        let store = app.syncable_store(store.id).await?;
        let report = app.poll_orders(store.id).await?;
        println!(
            "Read {} order(s) in {} page(s) from {:?}",
            report.orders, report.pages, store.name
        );
        Ok(ExitCode::SUCCESS)
    })
    .await
}
