//! The `wharf` command line. Store commands call the same use cases as the UI and the API.

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;

use crate::app::App;
use crate::app::error::AppError;
use crate::app::operators::AdminBootstrap;
use crate::app::stores::StoreView;
use crate::app::vendors::AssignmentInput;
use crate::config::Settings;
use crate::db::WorkerLock;
use crate::domain::catalog::{ImportMode, ImportStatus};
use crate::domain::store::NewStoreInput;
use crate::domain::vendor::VendorInput;
use crate::jobs::{Worker, WorkerConfig};
use crate::startup::{Application, job_handlers, shutdown_signal};
use crate::{demo, telemetry};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch;

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
    Serve(ServeArgs),
    /// Run job workers only (order polls, pushes, imports, feeds), no HTTP. On PostgreSQL run as
    /// many as you like; on SQLite one process runs workers.
    Worker,
    /// Everything offline: a simulated BigCommerce store, a temporary SQLite database, the UI.
    Demo(DemoArgs),
    /// Add, connect and list BigCommerce stores.
    #[command(subcommand)]
    Store(StoreCommand),
    /// The store's catalog in wharf.
    #[command(subcommand)]
    Products(ProductsCommand),
    /// Vendors: the dropship providers who ship the goods.
    #[command(subcommand)]
    Vendor(VendorCommand),
    /// Which vendor ships which variant.
    #[command(subcommand)]
    Assignments(AssignmentsCommand),
    /// Orders from the store.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Vendors' shipments, pushed to BigCommerce with their tracking.
    #[command(subcommand)]
    Shipments(ShipmentsCommand),
    /// Vendors' stock, and what is published to the stores.
    #[command(subcommand)]
    Inventory(InventoryCommand),
}

/// Which CSV columns hold what; by default common header spellings are recognised.
#[derive(Debug, Args)]
struct ColumnArgs {
    /// The header of the SKU column.
    #[arg(long)]
    sku_column: Option<String>,
    /// The header of the quantity column.
    #[arg(long)]
    quantity_column: Option<String>,
    /// The header of the warehouse column.
    #[arg(long)]
    warehouse_column: Option<String>,
}

impl ColumnArgs {
    fn mapping(&self) -> Option<crate::domain::stock_csv::ColumnMapping> {
        if self.sku_column.is_none()
            && self.quantity_column.is_none()
            && self.warehouse_column.is_none()
        {
            return None;
        }
        let default = crate::domain::stock_csv::ColumnMapping::default();
        Some(crate::domain::stock_csv::ColumnMapping {
            sku: self.sku_column.clone().unwrap_or(default.sku),
            quantity: self.quantity_column.clone().unwrap_or(default.quantity),
            warehouse: self.warehouse_column.clone().or(default.warehouse),
        })
    }
}

#[derive(Debug, Subcommand)]
enum InventoryCommand {
    /// Apply a vendor's stock file (sku, quantity, optionally warehouse); bad rows are reported
    /// by line, a mostly invalid file is refused whole. The worker (`wharf serve`) publishes it.
    Import {
        file: std::path::PathBuf,
        /// The vendor's name (or id).
        #[arg(long)]
        vendor: String,
        #[command(flatten)]
        columns: ColumnArgs,
    },
    /// Add a stock feed: a CSV at a URL, fetched now and then every --every-minutes.
    FeedAdd {
        url: String,
        /// The vendor's name (or id).
        #[arg(long)]
        vendor: String,
        #[arg(long, default_value_t = 15)]
        every_minutes: i64,
        #[command(flatten)]
        columns: ColumnArgs,
    },
    /// List stock feeds with when each was last fresh and its last error.
    Feeds,
    /// Fetch a feed now and apply it; exit 0 when it was applied.
    FeedRun { feed_id: i64 },
    /// Push the store's changed levels to BigCommerce now (every level with --full).
    Push {
        /// The store's name (or id).
        store: String,
        #[arg(long)]
        full: bool,
    },
    /// Compare BigCommerce's levels with wharf's; differences are listed and repaired.
    Drift {
        /// The store's name (or id).
        store: String,
    },
}

#[derive(Debug, Subcommand)]
enum ShipmentsCommand {
    /// Record shipments from a tracking CSV (order, sku, quantity, tracking_number, carrier,
    /// optionally tracking_url and shipping_method); the worker (`wharf serve`) pushes them.
    Import {
        /// The store's name (or id).
        store: String,
        file: std::path::PathBuf,
        /// Only this vendor's purchase orders (name or id), as the vendor's own upload would.
        #[arg(long)]
        vendor: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum VendorCommand {
    /// Add a vendor; prints its API token once.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        email: String,
    },
    /// Change a vendor's name or email.
    Edit {
        /// The vendor's current name (or id).
        vendor: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// List vendors.
    List,
}

#[derive(Debug, Subcommand)]
enum AssignmentsCommand {
    /// Add one rule: by a variant's SKU, a brand, a SKU prefix, or the store's default vendor.
    Add {
        /// The store's name (or id).
        store: String,
        #[arg(long, group = "rule")]
        sku: Option<String>,
        #[arg(long, group = "rule")]
        brand: Option<String>,
        #[arg(long, group = "rule")]
        sku_prefix: Option<String>,
        /// Make the vendor the store's default (an empty vendor: hold unmatched lines instead).
        #[arg(long, group = "rule")]
        default: bool,
        #[arg(long, required = true)]
        vendor: String,
    },
    /// Assign variants to vendors from a CSV file with the columns sku and vendor.
    Import {
        /// The store's name (or id).
        store: String,
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum OrdersCommand {
    /// Read the store's orders modified since the last read, now, and route them.
    Sync {
        /// The store's name (or id).
        store: String,
    },
}

#[derive(Debug, Subcommand)]
enum ProductsCommand {
    /// Import the store's products and variants, showing progress; exit 0 when it completes.
    Import {
        /// The store's name (or id).
        store: String,
        /// Only products modified since the last import (with an overlap); archives nothing.
        #[arg(long)]
        incremental: bool,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
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
}

#[derive(Debug, Args)]
struct DemoArgs {
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

#[derive(Debug, Subcommand)]
enum StoreCommand {
    /// Save a store's connection details (checked, nothing saved if any is invalid).
    Add(AddStoreArgs),
    /// Check the connection live; exit 0 when every check passes.
    Connect {
        /// The store's name (or id).
        name: String,
    },
    /// List stores and their connection status.
    List,
    /// Choose which BigCommerce order statuses create purchase orders.
    Routing {
        /// The store's name (or id).
        name: String,
        /// Status ids, comma-separated (default of a new store: 11,9).
        #[arg(long, value_delimiter = ',')]
        statuses: Vec<i64>,
    },
}

#[derive(Debug, Args)]
struct AddStoreArgs {
    #[arg(long)]
    name: String,
    /// nameofyourstore.mybigcommerce.com (or https://…)
    #[arg(long)]
    store_url: String,
    /// The API path shown with the API account: https://api.bigcommerce.com/stores/{HASH}/v3/
    #[arg(
        long,
        required_unless_present = "store_hash",
        conflicts_with = "store_hash"
    )]
    api_path: Option<String>,
    #[arg(long)]
    store_hash: Option<String>,
    #[arg(long)]
    client_id: String,
    /// Also read from WHARF_CLIENT_SECRET, which keeps it out of shell history.
    #[arg(long, env = "WHARF_CLIENT_SECRET", hide_env_values = true)]
    client_secret: String,
    /// Also read from WHARF_ACCESS_TOKEN, which keeps it out of shell history.
    #[arg(long, env = "WHARF_ACCESS_TOKEN", hide_env_values = true)]
    access_token: String,
    #[arg(long, default_value = "private")]
    auth_type: String,
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
    match cli.command {
        Command::Demo(args) => demo::run(&args.listen, args.calm, args.products)
            .await
            .map(|()| ExitCode::SUCCESS),
        Command::Serve(args) => {
            // Before opening the database: a refused second worker process neither migrates
            // nor waits behind the running workers' writes.
            let worker_lock = (!args.no_workers)
                .then(|| WorkerLock::take(&cli.settings.database_url))
                .transpose()?;
            let app = App::open(&cli.settings).await?;
            announce_admin(
                app.ensure_admin(&args.admin_username, args.admin_password.as_ref())
                    .await?,
            );
            let workers = (!args.no_workers).then(|| cli.settings.worker_config());
            let mut server = Application::build(app, &args.listen, workers).await?;
            if let Some(lock) = worker_lock {
                server = server.holding(lock);
            }
            let server = server
                .with_schedules(cli.settings.schedules())
                .with_shutdown_grace(cli.settings.shutdown_grace());
            println!("wharf is serving on http://{}", server.local_addr());
            server.run_until(shutdown_signal()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker => {
            let worker_lock = WorkerLock::take(&cli.settings.database_url)?;
            let app = App::open(&cli.settings).await?;
            let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
            let workers = crate::startup::start_workers(
                &app,
                worker_lock,
                cli.settings.worker_config(),
                cli.settings.schedules(),
                stop_rx,
            );
            println!("wharf worker running (stop with Ctrl-C or SIGTERM)");
            shutdown_signal().await;
            let _ = stop_tx.send(true);
            workers.finish().await;
            app.db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Store(command) => {
            let app = App::open(&cli.settings).await?;
            let code = run_store_command(&app, command).await;
            app.db.close().await;
            code
        }
        Command::Vendor(command) => {
            let app = App::open(&cli.settings).await?;
            let code = run_vendor_command(&app, command).await;
            app.db.close().await;
            code
        }
        Command::Assignments(AssignmentsCommand::Add {
            store,
            sku,
            brand,
            sku_prefix,
            default,
            vendor,
        }) => {
            let rule = match (sku, brand, sku_prefix, default) {
                (Some(sku), _, _, _) => AssignmentInput::Sku { sku, vendor },
                (_, Some(brand), _, _) => AssignmentInput::Brand { brand, vendor },
                (_, _, Some(prefix), _) => AssignmentInput::SkuPrefix { prefix, vendor },
                (_, _, _, true) => AssignmentInput::Default { vendor },
                _ => anyhow::bail!("say which rule: --sku, --brand, --sku-prefix or --default"),
            };
            let app = App::open(&cli.settings).await?;
            let store = app.find_store(&store).await?;
            let code = match app.assign(store.id, &rule).await {
                Ok(()) => {
                    let routed = app.reroute_needing_attention(store.id).await?;
                    println!(
                        "Assigned. {routed} order(s) waiting in Needs attention are routed now."
                    );
                    ExitCode::SUCCESS
                }
                Err(AppError::Invalid(errors)) => {
                    eprintln!("Nothing was saved:\n{errors}");
                    ExitCode::from(2)
                }
                Err(other) => return Err(other.into()),
            };
            app.db.close().await;
            Ok(code)
        }
        Command::Assignments(AssignmentsCommand::Import { store, file }) => {
            let app = App::open(&cli.settings).await?;
            let code = import_assignments(&app, &store, &file).await;
            app.db.close().await;
            code
        }
        Command::Shipments(ShipmentsCommand::Import {
            store,
            file,
            vendor,
        }) => {
            let app = App::open(&cli.settings).await?;
            let code = import_tracking(&app, &store, &file, vendor.as_deref()).await;
            app.db.close().await;
            code
        }
        Command::Inventory(command) => {
            let app = App::open(&cli.settings).await?;
            let code = run_inventory_command(&app, command).await;
            app.db.close().await;
            code
        }
        Command::Orders(OrdersCommand::Sync { store }) => {
            let app = App::open(&cli.settings).await?;
            let store = app.find_store(&store).await?;
            let store = app.syncable_store(store.id).await?;
            let report = app.poll_orders(store.id).await?;
            println!(
                "Read {} order(s) in {} page(s) from {:?}",
                report.orders, report.pages, store.name
            );
            app.db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Products(ProductsCommand::Import { store, incremental }) => {
            let app = App::open(&cli.settings).await?;
            let mode = if incremental {
                ImportMode::Incremental
            } else {
                ImportMode::Full
            };
            let code = import_products(&app, &store, mode, cli.settings.worker_config()).await;
            app.db.close().await;
            code
        }
    }
}

async fn run_store_command(app: &App, command: StoreCommand) -> anyhow::Result<ExitCode> {
    match command {
        StoreCommand::Add(args) => {
            let input = NewStoreInput {
                name: args.name,
                store_url: args.store_url,
                store_hash: args.store_hash.unwrap_or_default(),
                api_path: args.api_path.unwrap_or_default(),
                client_id: args.client_id,
                client_secret: args.client_secret,
                access_token: args.access_token,
                auth_type: args.auth_type,
            };
            match app.add_store(&input).await {
                Ok(store) => {
                    println!(
                        "Added store {:?} (id {}, hash {}). Next: wharf store connect {:?}",
                        store.name, store.id, store.store_hash, store.name
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(AppError::Invalid(errors)) => {
                    eprintln!("Nothing was saved:");
                    for error in errors.iter() {
                        eprintln!("  --{}: {}", error.field.replace('_', "-"), error.message);
                    }
                    Ok(ExitCode::from(2))
                }
                Err(other) => Err(other.into()),
            }
        }
        StoreCommand::Connect { name } => {
            let store = app.find_store(&name).await?;
            let store = app.connect_store(store.id).await?;
            print_connection(&store);
            Ok(if store.is_connected() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        StoreCommand::Routing { name, statuses } => {
            let store = app.find_store(&name).await?;
            match app.set_routed_statuses(store.id, &statuses).await {
                Ok(ids) => {
                    println!(
                        "{:?} creates purchase orders for statuses {ids:?}",
                        store.name
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(AppError::Invalid(errors)) => {
                    eprintln!("Nothing was saved:\n{errors}");
                    Ok(ExitCode::from(2))
                }
                Err(other) => Err(other.into()),
            }
        }
        StoreCommand::List => {
            let stores = app.list_stores().await?;
            if stores.is_empty() {
                println!("No stores yet. Add one with: wharf store add --help");
            }
            for store in stores {
                let checked = store
                    .connection
                    .checked_at
                    .as_deref()
                    .unwrap_or("never checked");
                println!(
                    "{:<4} {:<24} {:<40} {:<12} {:<18} {}",
                    store.id,
                    store.name,
                    store.store_url,
                    store.store_hash,
                    store.connection.label,
                    checked
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
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

async fn run_vendor_command(app: &App, command: VendorCommand) -> anyhow::Result<ExitCode> {
    match command {
        VendorCommand::Add { name, email } => {
            match app.add_vendor(&VendorInput { name, email }).await {
                Ok(created) => {
                    use secrecy::ExposeSecret;
                    println!(
                        "Added vendor {:?} (id {}).",
                        created.vendor.name, created.vendor.id
                    );
                    println!(
                        "Its API token, shown this once: {}",
                        created.api_token_once.expose_secret()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(AppError::Invalid(errors)) => {
                    eprintln!("Nothing was saved:");
                    for error in errors.iter() {
                        eprintln!("  --{}: {}", error.field, error.message);
                    }
                    Ok(ExitCode::from(2))
                }
                Err(other) => Err(other.into()),
            }
        }
        VendorCommand::Edit {
            vendor,
            name,
            email,
        } => {
            let current = app.find_vendor(&vendor).await?;
            let input = VendorInput {
                name: name.unwrap_or(current.name),
                email: email.unwrap_or_else(|| current.email.unwrap_or_default()),
            };
            match app.update_vendor(current.id, &input).await {
                Ok(updated) => {
                    println!(
                        "Vendor {} is now {:?} <{}>",
                        updated.id,
                        updated.name,
                        updated.email.unwrap_or_default()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(AppError::Invalid(errors)) => {
                    eprintln!("Nothing was saved:\n{errors}");
                    Ok(ExitCode::from(2))
                }
                Err(other) => Err(other.into()),
            }
        }
        VendorCommand::List => {
            for vendor in app.list_vendors().await? {
                println!(
                    "{:<4} {:<32} {:<32} {}",
                    vendor.id,
                    vendor.name,
                    vendor.email.unwrap_or_default(),
                    vendor.api_token
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Applies a CSV of assignments, reports every bad row by line, and routes the orders that
/// were waiting for one. Exit 2 when any row was rejected.
async fn import_assignments(
    app: &App,
    store: &str,
    file: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let store = app.find_store(store).await?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let report = match app.import_assignments_csv(store.id, &text).await {
        Ok(report) => report,
        Err(AppError::Invalid(errors)) => {
            eprintln!("{errors}");
            return Ok(ExitCode::from(2));
        }
        Err(other) => return Err(other.into()),
    };
    println!(
        "{} row(s) applied, {} rejected",
        report.applied,
        report.errors.len()
    );
    for error in &report.errors {
        eprintln!("  line {}: {}", error.line, error.message);
    }
    let routed = app.reroute_needing_attention(store.id).await?;
    if routed > 0 {
        println!("{routed} order(s) waiting for an assignment are routed now");
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

async fn import_tracking(
    app: &App,
    store: &str,
    file: &std::path::Path,
    vendor: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let store = app.find_store(store).await?;
    let vendor_id = match vendor {
        Some(name) => Some(app.find_vendor(name).await?.id),
        None => None,
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let report = match app.import_tracking_csv(store.id, vendor_id, &text).await {
        Ok(report) => report,
        Err(AppError::Invalid(errors)) => {
            eprintln!("{errors}");
            return Ok(ExitCode::from(2));
        }
        Err(other) => return Err(other.into()),
    };
    println!(
        "{} shipment(s) recorded from {} row(s), {} row(s) rejected",
        report.shipments_recorded,
        report.lines_recorded,
        report.errors.len()
    );
    for error in &report.errors {
        eprintln!("  line {}: {}", error.line, error.message);
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

async fn run_inventory_command(app: &App, command: InventoryCommand) -> anyhow::Result<ExitCode> {
    match command {
        InventoryCommand::FeedAdd {
            url,
            vendor,
            every_minutes,
            columns,
        } => {
            let vendor = app.find_vendor(&vendor).await?;
            let input = crate::app::inventory::FeedInput {
                url,
                interval_secs: Some(every_minutes * 60),
                mapping: columns.mapping(),
            };
            match app.add_feed(vendor.id, &input).await {
                Ok(feed) => {
                    println!(
                        "Feed {} added for {:?}: {} every {} min (fetched by the worker now)",
                        feed.id, vendor.name, feed.url_shown, every_minutes
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(AppError::Invalid(errors)) => {
                    eprintln!("{errors}");
                    Ok(ExitCode::from(2))
                }
                Err(other) => Err(other.into()),
            }
        }
        InventoryCommand::Feeds => {
            for feed in app.feeds(None).await? {
                let fresh = feed
                    .last_fresh_at_ms
                    .map(|ms| crate::db::to_timestamp(ms).to_string())
                    .unwrap_or_else(|| "never".into());
                println!(
                    "{:>4}  vendor {:<4} {}  every {} min  last fresh {}{}",
                    feed.id,
                    feed.vendor_id,
                    feed.url_shown,
                    feed.interval_secs / 60,
                    fresh,
                    feed.last_error
                        .map(|e| format!("  last error: {e}"))
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        InventoryCommand::FeedRun { feed_id } => match app.run_feed(feed_id).await? {
            Ok(report) => {
                println!(
                    "{} stock level(s) applied, {} row(s) rejected",
                    report.applied,
                    report.errors.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(message) => {
                eprintln!("feed {feed_id} not applied: {message}");
                Ok(ExitCode::from(2))
            }
        },
        InventoryCommand::Import {
            file,
            vendor,
            columns,
        } => {
            let vendor = app.find_vendor(&vendor).await?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let mapping = columns.mapping();
            let report = match app
                .import_stock_csv(vendor.id, &text, mapping.as_ref())
                .await
            {
                Ok(report) => report,
                Err(AppError::Invalid(errors)) => {
                    eprintln!("{errors}");
                    return Ok(ExitCode::from(2));
                }
                Err(other) => return Err(other.into()),
            };
            println!(
                "{} stock level(s) applied for {:?}, {} row(s) rejected",
                report.applied,
                vendor.name,
                report.errors.len()
            );
            for error in &report.errors {
                eprintln!("  line {}: {}", error.line, error.message);
            }
            let unmatched = app.unmatched_skus(vendor.id).await?;
            if !unmatched.is_empty() {
                println!(
                    "{} SKU(s) match no store item, e.g. {}",
                    unmatched.len(),
                    unmatched
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            Ok(if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        InventoryCommand::Push { store, full } => {
            let store = app.find_store(&store).await?;
            let report = app.push_inventory_now(store.id, full).await?;
            if report.busy {
                eprintln!(
                    "another push of {:?} is running; try again in a moment",
                    store.name
                );
                return Ok(ExitCode::from(1));
            }
            println!(
                "{} level(s) pushed to {:?} in {} request(s); {} refused by BigCommerce",
                report.pushed, store.name, report.requests, report.refused
            );
            Ok(ExitCode::SUCCESS)
        }
        InventoryCommand::Drift { store } => {
            let store = app.find_store(&store).await?;
            let report = app.check_drift(store.id).await?;
            println!(
                "{} item(s) checked in {} request(s); {} difference(s)",
                report.items_checked, report.requests, report.differences
            );
            for drift in app.drift_report(store.id).await? {
                println!(
                    "  {} at location {}: wharf published {}, BigCommerce has {}",
                    drift.sku.as_deref().unwrap_or("(no SKU)"),
                    drift.location_id,
                    drift.expected,
                    drift.found
                );
            }
            if report.differences > 0 {
                println!(
                    "a push is queued to repair them (run `wharf inventory push` to do it now)"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_connection(store: &StoreView) {
    println!("{}: {}", store.name, store.connection.label);
    for check in &store.connection.checks {
        if check.passed {
            println!("  ok      {}", check.check.label());
        } else {
            println!("  FAILED  {}", check.message);
        }
    }
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
