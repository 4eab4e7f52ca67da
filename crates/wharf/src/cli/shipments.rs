//! `wharf shipments import`: shipments recorded from a vendor's tracking CSV.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::command::{print_csv_report, read_csv, refused_input, with_app};
use crate::app::App;
use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub(super) enum ShipmentsCommand {
    /// Record shipments from a tracking CSV (order, sku, quantity, tracking_number, carrier,
    /// optionally tracking_url and shipping_method); the worker (`wharf serve`) pushes them.
    Import {
        /// The store's name (or id).
        store: String,
        /// The CSV file.
        file: PathBuf,
        /// Only this vendor's purchase orders (name or id), as the vendor's own upload would.
        #[arg(long)]
        vendor: Option<String>,
    },
}

pub(super) async fn run(
    settings: &Settings,
    command: ShipmentsCommand,
) -> anyhow::Result<ExitCode> {
    let ShipmentsCommand::Import {
        store,
        file,
        vendor,
    } = command;
    with_app(settings, async |app| {
        import_tracking(app, &store, &file, vendor.as_deref()).await
    })
    .await
}

async fn import_tracking(
    app: &App,
    store: &str,
    file: &Path,
    vendor: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let store = app.find_store(store).await?;
    let vendor_id = match vendor {
        Some(name) => Some(app.find_vendor(name).await?.id),
        None => None,
    };
    let text = read_csv(file)?;
    let report = match app.import_tracking_csv(store.id, vendor_id, &text).await {
        Ok(report) => report,
        Err(error) => return refused_input(error, ""),
    };
    Ok(print_csv_report(
        format!(
            "{} shipment(s) recorded from {} row(s), {} row(s) rejected",
            report.shipments_recorded,
            report.lines_recorded,
            report.errors.len()
        ),
        &report.errors,
    ))
}
