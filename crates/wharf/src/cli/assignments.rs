//! `wharf assignments …`: which vendor ships which variant, one rule at a time or from a CSV;
//! either way the orders waiting for an assignment are routed at once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::command::{print_csv_report, read_csv, refused_input, with_app};
use crate::app::App;
use crate::app::vendors::AssignmentInput;
use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub(super) enum AssignmentsCommand {
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
        file: PathBuf,
    },
}

pub(super) async fn run(
    settings: &Settings,
    command: AssignmentsCommand,
) -> anyhow::Result<ExitCode> {
    match command {
        AssignmentsCommand::Add {
            store,
            sku,
            brand,
            sku_prefix,
            default,
            vendor,
        } => {
            // A command that names no rule fails before the database is opened (and migrated).
            let rule = match (sku, brand, sku_prefix, default) {
                (Some(sku), _, _, _) => AssignmentInput::Sku { sku, vendor },
                (_, Some(brand), _, _) => AssignmentInput::Brand { brand, vendor },
                (_, _, Some(prefix), _) => AssignmentInput::SkuPrefix { prefix, vendor },
                (_, _, _, true) => AssignmentInput::Default { vendor },
                _ => anyhow::bail!("say which rule: --sku, --brand, --sku-prefix or --default"),
            };
            with_app(settings, async |app| assign(app, &store, &rule).await).await
        }
        AssignmentsCommand::Import { store, file } => {
            with_app(settings, async |app| {
                import_assignments(app, &store, &file).await
            })
            .await
        }
    }
}

async fn assign(app: &App, store: &str, rule: &AssignmentInput) -> anyhow::Result<ExitCode> {
    let store = app.find_store(store).await?;
    match app.assign(store.id, rule).await {
        Ok(()) => {
            let routed = app.reroute_needing_attention(store.id).await?;
            println!("Assigned. {routed} order(s) waiting in Needs attention are routed now.");
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => refused_input(error, "Nothing was saved:"),
    }
}

/// Applies a CSV of assignments, reports every bad row by line, and routes the orders that
/// were waiting for one. Exit 2 when any row was rejected.
async fn import_assignments(app: &App, store: &str, file: &Path) -> anyhow::Result<ExitCode> {
    let store = app.find_store(store).await?;
    let text = read_csv(file)?;
    let report = match app.import_assignments_csv(store.id, &text).await {
        Ok(report) => report,
        Err(error) => return refused_input(error, ""),
    };
    let code = print_csv_report(
        format!(
            "{} row(s) applied, {} rejected",
            report.applied,
            report.errors.len()
        ),
        &report.errors,
    );
    let routed = app.reroute_needing_attention(store.id).await?;
    if routed > 0 {
        println!("{routed} order(s) waiting for an assignment are routed now");
    }
    Ok(code)
}
