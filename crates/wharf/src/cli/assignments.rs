//! `wharf assignments …`: which vendor ships which variant — rules listed in the order they
//! are tried, added one at a time or from a CSV, changed and removed; whenever they change,
//! the orders waiting for an assignment are routed at once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::command::{print_csv_report, read_csv, refused_input, with_app};
use crate::app::App;
use crate::app::assignments::RuleChange;
use crate::app::vendors::AssignmentInput;
use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub(super) enum AssignmentsCommand {
    /// Add one rule: by a variant's SKU, a brand, a SKU prefix, or the store's default vendor.
    Add {
        /// The store's name (or id).
        store: String,
        /// Rule by one variant's SKU.
        #[arg(long, group = "rule")]
        sku: Option<String>,
        /// Rule by brand: every variant of the brand's products.
        #[arg(long, group = "rule")]
        brand: Option<String>,
        /// Rule by SKU prefix: every variant whose SKU starts with it.
        #[arg(long, group = "rule")]
        sku_prefix: Option<String>,
        /// Make the vendor the store's default (an empty vendor: hold unmatched lines instead).
        #[arg(long, group = "rule")]
        default: bool,
        /// The vendor's name (or id).
        #[arg(long, required = true)]
        vendor: String,
    },
    /// Assign variants to vendors from a CSV file with the columns sku and vendor.
    Import {
        /// The store's name (or id).
        store: String,
        /// The CSV file.
        file: PathBuf,
    },
    /// List a store's rules in the order they are tried, with the variants each decides.
    List {
        /// The store's name (or id).
        store: String,
        /// Print JSON (the API's shape) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Change a rule's vendor or its SKU, brand or prefix (the ID from `assignments list`).
    Edit {
        /// The rule's ID.
        id: i64,
        /// The new vendor's name.
        #[arg(long)]
        vendor: Option<String>,
        /// The new SKU, brand or prefix.
        #[arg(long)]
        key: Option<String>,
    },
    /// Remove a rule (the ID from `assignments list`); its variants fall to the next rule.
    Remove {
        /// The rule's ID.
        id: i64,
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
        AssignmentsCommand::List { store, json } => {
            with_app(settings, async |app| list_rules(app, &store, json).await).await
        }
        AssignmentsCommand::Edit { id, vendor, key } => {
            let change = RuleChange { vendor, key };
            with_app(settings, async |app| {
                match app.update_assignment_rule(id, &change).await {
                    Ok(update) => {
                        println!(
                            "Changed. {} order(s) waiting in Needs attention are routed now.",
                            update.orders_routed
                        );
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(error) => refused_input(error, "Nothing was changed:"),
                }
            })
            .await
        }
        AssignmentsCommand::Remove { id } => {
            with_app(settings, async |app| {
                app.remove_assignment_rule(id).await?;
                println!("Removed rule {id}.");
                Ok(ExitCode::SUCCESS)
            })
            .await
        }
    }
}

async fn list_rules(app: &App, store: &str, json: bool) -> anyhow::Result<ExitCode> {
    let store = app.find_store(store).await?;
    let rules = app.list_assignment_rules(store.id).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&rules)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<6} {:<14} {:<28} {:<28} VARIANTS",
        "ID", "RULE", "MATCHES", "VENDOR"
    );
    for rule in &rules {
        println!(
            "{:<6} {:<14} {:<28} {:<28} {}",
            rule.id.map_or("-".to_owned(), |id| id.to_string()),
            rule.rule.label(),
            rule.matches_text(),
            rule.vendor_text(),
            rule.covered_text(),
        );
    }
    Ok(ExitCode::SUCCESS)
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
