//! The `wharf` command line. Store commands call the same use cases as the UI and the API.
//!
//! One file per noun (`wharf store …` is `store.rs`); this one holds the top-level command, the
//! dispatch, and what every noun shares: opening the app for one command, and printing what a
//! CSV import did.

mod assignments;
mod catalog_import;
mod command;
mod inventory;
mod mail;
mod orders;
mod products;
mod serve;
mod shipments;
mod store;
mod vendor;
mod vendor_store;
mod vendor_catalog;
mod vendor_users;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{ServerSettings, Settings};
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
    Worker(serve::WorkerArgs),
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
    /// E-mail: the branding, who gets the digests, each vendor's schedule, what was sent.
    #[command(subcommand)]
    Mail(mail::MailCommand),
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
    let mut settings = cli.settings;
    settings.server = cli.command.server_settings()?;
    let settings = &settings;
    match cli.command {
        Command::Demo(args) => serve::demo(args).await,
        Command::Serve(args) => serve::serve(settings, args).await,
        Command::Worker(_) => serve::worker(settings).await,
        Command::Store(command) => store::run(settings, command).await,
        Command::Products(command) => products::run(settings, command).await,
        Command::Vendor(command) => vendor::run(settings, command).await,
        Command::Assignments(command) => assignments::run(settings, command).await,
        Command::Orders(command) => orders::run(settings, command).await,
        Command::Shipments(command) => shipments::run(settings, command).await,
        Command::Inventory(command) => inventory::run(settings, command).await,
        Command::Mail(command) => mail::run(settings, command).await,
    }
}

impl Command {
    /// `serve` and `worker` take the server settings as flags; every other command reads the
    /// same `WHARF_…` variables, so it runs jobs and talks to BigCommerce as the server would.
    fn server_settings(&self) -> anyhow::Result<ServerSettings> {
        match self {
            Command::Serve(args) => Ok(args.server.clone()),
            Command::Worker(args) => Ok(args.server.clone()),
            _ => ServerSettings::from_environment().map_err(|error| {
                anyhow::anyhow!("a WHARF_ server setting in the environment is invalid: {error}")
            }),
        }
    }
}
