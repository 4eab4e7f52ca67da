//! `wharf inventory …`: vendors' stock files and feeds in, levels pushed to the stores, and the
//! drift check that compares them with BigCommerce's.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::command::{print_csv_report, read_csv, refused_input, with_app};
use crate::app::App;
use crate::app::inventory::{FeedEdit, FeedInput};
use crate::config::Settings;
use crate::domain::stock_csv::ColumnMapping;

#[derive(Debug, Subcommand)]
pub(super) enum InventoryCommand {
    /// Apply a vendor's stock file (sku, quantity, optionally warehouse); bad rows are reported
    /// by line, a mostly invalid file is refused whole. The worker (`wharf serve`) publishes it.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// The vendor's name (or id).
        #[arg(long)]
        vendor: String,
        #[command(flatten)]
        columns: ColumnArgs,
    },
    /// Add a stock feed: a CSV at a URL, fetched now and then every --every-minutes.
    FeedAdd {
        /// The feed's URL (http or https).
        url: String,
        /// The vendor's name (or id).
        #[arg(long)]
        vendor: String,
        /// Minutes between fetches.
        #[arg(long, default_value_t = 15)]
        every_minutes: i64,
        #[command(flatten)]
        columns: ColumnArgs,
    },
    /// List stock feeds with when each was last fresh and its last error.
    Feeds {
        /// Print JSON (the API's shape) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Fetch a feed now and apply it; exit 0 when it was applied.
    FeedRun {
        /// The feed's ID, from `inventory feeds`.
        feed_id: i64,
    },
    /// Change a feed's URL or interval (what is not given stays); it is fetched again now.
    FeedEdit {
        /// The feed's ID, from `inventory feeds`.
        feed_id: i64,
        /// The new URL of the CSV.
        #[arg(long)]
        url: Option<String>,
        /// How often to fetch it, in minutes.
        #[arg(long)]
        every_minutes: Option<i64>,
    },
    /// Delete a feed; the stock it delivered stays until the vendor reports again.
    FeedRemove {
        /// The feed's ID, from `inventory feeds`.
        feed_id: i64,
    },
    /// Push the store's changed levels to BigCommerce now (every level with --full).
    Push {
        /// The store's name (or id).
        store: String,
        /// Every level, not only those that differ from what BigCommerce confirmed.
        #[arg(long)]
        full: bool,
    },
    /// Compare BigCommerce's levels with wharf's; differences are listed and repaired.
    Drift {
        /// The store's name (or id).
        store: String,
    },
}

/// Which CSV columns hold what; by default common header spellings are recognised.
#[derive(Debug, Args)]
pub(super) struct ColumnArgs {
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
    fn mapping(&self) -> Option<ColumnMapping> {
        if self.sku_column.is_none()
            && self.quantity_column.is_none()
            && self.warehouse_column.is_none()
        {
            return None;
        }
        let default = ColumnMapping::default();
        Some(ColumnMapping {
            sku: self.sku_column.clone().unwrap_or(default.sku),
            quantity: self.quantity_column.clone().unwrap_or(default.quantity),
            warehouse: self.warehouse_column.clone().or(default.warehouse),
        })
    }
}

pub(super) async fn run(
    settings: &Settings,
    command: InventoryCommand,
) -> anyhow::Result<ExitCode> {
    with_app(settings, async |app| match command {
        InventoryCommand::FeedAdd {
            url,
            vendor,
            every_minutes,
            columns,
        } => {
            let vendor = app.find_vendor(&vendor).await?;
            let input = FeedInput {
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
                Err(error) => refused_input(error, ""),
            }
        }
        InventoryCommand::Feeds { json } => {
            let feeds = app.feeds(None).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&feeds)?);
                return Ok(ExitCode::SUCCESS);
            }
            for feed in feeds {
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
        InventoryCommand::FeedEdit {
            feed_id,
            url,
            every_minutes,
        } => {
            let edit = FeedEdit {
                url,
                interval_secs: every_minutes.map(|m| m * 60),
                mapping: None,
            };
            match app.edit_feed(feed_id, &edit).await {
                Ok(feed) => {
                    println!(
                        "Feed {} saved: {} every {} min (fetched by the worker now)",
                        feed.id,
                        feed.url_shown,
                        feed.interval_secs / 60
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => refused_input(error, ""),
            }
        }
        InventoryCommand::FeedRemove { feed_id } => {
            app.delete_feed(feed_id).await?;
            println!("Feed {feed_id} deleted; the stock it delivered stays");
            Ok(ExitCode::SUCCESS)
        }
        InventoryCommand::Import {
            file,
            vendor,
            columns,
        } => import_stock(app, &file, &vendor, columns.mapping().as_ref()).await,
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
    })
    .await
}

/// Applies a vendor's stock file, reports every bad row by line and the SKUs that match no
/// store item. Exit 2 when any row was rejected.
async fn import_stock(
    app: &App,
    file: &Path,
    vendor: &str,
    mapping: Option<&ColumnMapping>,
) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(vendor).await?;
    let text = read_csv(file)?;
    let report = match app.import_stock_csv(vendor.id, &text, mapping).await {
        Ok(report) => report,
        Err(error) => return refused_input(error, ""),
    };
    let code = print_csv_report(
        format!(
            "{} stock level(s) applied for {:?}, {} row(s) rejected",
            report.applied,
            vendor.name,
            report.errors.len()
        ),
        &report.errors,
    );
    for not_routed in &report.not_routed {
        println!("{}", not_routed.message);
    }
    if let Some(capped) = &report.unmatched_capped {
        println!("{}", capped.message);
    }
    let unmatched = app.unmatched_skus(vendor.id).await?;
    if unmatched.count > 0 {
        println!(
            "{} SKU(s) match no store item, e.g. {}",
            unmatched.count,
            unmatched
                .first
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(code)
}
