//! The `wharf` command line. Store commands call the same use cases as the UI and the API.
//!
//! One file per noun (`wharf store …` is `store.rs`); this one holds the top-level command, the
//! dispatch, and what every noun shares: opening the app for one command, and printing what a
//! CSV import did.

mod assignments;
mod inventory;
mod orders;
mod products;
mod serve;
mod shipments;
mod store;
mod vendor;

use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::App;
use crate::app::error::AppError;
use crate::config::Settings;
use crate::domain::tracking_csv::RowError;
use crate::telemetry;

pub use serve::announce_admin;

#[derive(Debug, Parser)]
#[command(
    name = "wharf",
    version,
    about = "Self-hosted dropship hub for BigCommerce stores"
)]
pub struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the UI and API and run the job workers (`--no-workers`: HTTP only).
    Serve(serve::ServeArgs),
    /// Run job workers only (order polls, pushes, imports, feeds), no HTTP. On PostgreSQL run as
    /// many as you like; on SQLite one process runs workers.
    Worker,
    /// Everything offline: a simulated BigCommerce store, a temporary SQLite database, the UI.
    Demo(serve::DemoArgs),
    /// Add, connect and list BigCommerce stores.
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// The store's catalog in wharf.
    #[command(subcommand)]
    Products(products::ProductsCommand),
    /// Vendors: the dropship providers who ship the goods.
    #[command(subcommand)]
    Vendor(vendor::VendorCommand),
    /// Which vendor ships which variant.
    #[command(subcommand)]
    Assignments(assignments::AssignmentsCommand),
    /// Orders from the store.
    #[command(subcommand)]
    Orders(orders::OrdersCommand),
    /// Vendors' shipments, pushed to BigCommerce with their tracking.
    #[command(subcommand)]
    Shipments(shipments::ShipmentsCommand),
    /// Vendors' stock, and what is published to the stores.
    #[command(subcommand)]
    Inventory(inventory::InventoryCommand),
}

/// Exit codes: 0 success, 1 the store is not connected, 2 invalid input, 3 anything else.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime starts");
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(3)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = &cli.settings;
    match cli.command {
        Command::Demo(args) => serve::demo(args).await,
        Command::Serve(args) => serve::serve(settings, args).await,
        Command::Worker => serve::worker(settings).await,
        Command::Store(command) => store::run(settings, command).await,
        Command::Products(command) => products::run(settings, command).await,
        Command::Vendor(command) => vendor::run(settings, command).await,
        Command::Assignments(command) => assignments::run(settings, command).await,
        Command::Orders(command) => orders::run(settings, command).await,
        Command::Shipments(command) => shipments::run(settings, command).await,
        Command::Inventory(command) => inventory::run(settings, command).await,
    }
}

/// Opens the app (migrating its database), runs one command on it, and closes the database
/// whatever the command answered.
async fn with_app(
    settings: &Settings,
    command: impl AsyncFnOnce(&App) -> anyhow::Result<ExitCode>,
) -> anyhow::Result<ExitCode> {
    let app = App::open(settings).await?;
    let code = command(&app).await;
    app.db.close().await;
    code
}

/// The text of a CSV file named on the command line.
fn read_csv(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))
}

/// Input a use case refused: printed under `heading` (if any), exit 2; any other error ends the
/// command (exit 3).
fn refused_input(error: AppError, heading: &str) -> anyhow::Result<ExitCode> {
    match error {
        AppError::Invalid(errors) if heading.is_empty() => eprintln!("{errors}"),
        AppError::Invalid(errors) => eprintln!("{heading}\n{errors}"),
        other => return Err(other.into()),
    }
    Ok(ExitCode::from(2))
}

/// Prints what a CSV import did, its summary and then every rejected row by its line. Exit 2
/// when any row was rejected.
fn print_csv_report(summary: String, rejected: &[RowError]) -> ExitCode {
    println!("{summary}");
    for error in rejected {
        eprintln!("  line {}: {}", error.line, error.message);
    }
    if rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
