//! `wharf products …`: import the store's catalog, list its variants with the vendor each
//! routes to, and list what the last import reported.

use std::process::ExitCode;

use clap::Subcommand;

use super::catalog_import::import_products;
use super::command::with_app;
use crate::app::App;
use crate::app::products::VendorFilter;
use crate::config::Settings;
use crate::db::catalog::CatalogRow;
use crate::domain::catalog::ImportMode;

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
    /// List variants with the vendor each routes to now, as the products page shows them.
    List {
        /// Only this store's variants (its name or id); every store's by default.
        #[arg(long)]
        store: Option<String>,
        /// Only variants whose product name, product SKU or SKU contains this text.
        #[arg(long, default_value = "")]
        q: String,
        /// Only variants that route to this vendor (its name or id).
        #[arg(long, conflicts_with = "no_vendor")]
        vendor: Option<String>,
        /// Only variants no active vendor would ship: their orders would wait in Needs
        /// attention.
        #[arg(long)]
        no_vendor: bool,
        /// At most this many variants; the listing says how many more match.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..))]
        limit: i64,
        /// Print JSON (the API's shape of a variant) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// List every issue the store's latest import reported (odd catalog data it skipped).
    Issues {
        /// The store's name (or id).
        store: String,
        /// Print JSON (the API's shape of an issue) for scripts.
        #[arg(long)]
        json: bool,
    },
}

pub(super) async fn run(settings: &Settings, command: ProductsCommand) -> anyhow::Result<ExitCode> {
    match command {
        ProductsCommand::Import { store, incremental } => {
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
        ProductsCommand::List {
            store,
            q,
            vendor,
            no_vendor,
            limit,
            json,
        } => {
            with_app(settings, async |app| {
                let store_id = match store {
                    Some(store) => Some(app.find_store(&store).await?.id),
                    None => None,
                };
                let filter = match (vendor, no_vendor) {
                    (Some(vendor), _) => VendorFilter::Vendor(app.find_vendor(&vendor).await?.id),
                    (None, true) => VendorFilter::NoVendor,
                    (None, false) => VendorFilter::Any,
                };
                let (variants, total) = app.search_products(store_id, &q, filter, limit, 0).await?;
                print_variants(&variants, total, json)
            })
            .await
        }
        ProductsCommand::Issues { store, json } => {
            with_app(settings, async |app| list_issues(app, &store, json).await).await
        }
    }
}

fn print_variants(variants: &[CatalogRow], total: i64, json: bool) -> anyhow::Result<ExitCode> {
    let more = total - variants.len() as i64;
    if json {
        println!("{}", serde_json::to_string_pretty(variants)?);
    } else {
        println!("{:<24} {:<48} VENDOR", "SKU", "NAME");
        for variant in variants {
            println!(
                "{:<24} {:<48} {}",
                variant.variant_sku.as_deref().unwrap_or("(no SKU)"),
                variant_name(variant),
                variant.vendor.as_deref().unwrap_or("(no vendor)"),
            );
        }
    }
    if more > 0 {
        // On stderr, so that a script reading the JSON reads JSON alone.
        eprintln!("…and {more} more (narrow with --q, --store or --vendor, or raise --limit)");
    }
    Ok(ExitCode::SUCCESS)
}

/// The product's name, with the variant's options when it has any ("Tee (Size: L)").
fn variant_name(variant: &CatalogRow) -> String {
    match variant.options.trim() {
        "" => variant.product_name.clone(),
        options => format!("{} ({options})", variant.product_name),
    }
}

async fn list_issues(app: &App, store: &str, json: bool) -> anyhow::Result<ExitCode> {
    let store = app.find_store(store).await?;
    let Some(import) = app.latest_import(store.id).await? else {
        anyhow::bail!(
            "{:?} has not been imported yet: run wharf products import {:?}",
            store.name,
            store.name
        );
    };
    let issues = app.import_issues(import.run.id).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&issues)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<12} {:<12} {:<24} {:<32} ISSUE",
        "PRODUCT", "VARIANT", "SKU", "NAME"
    );
    for issue in &issues {
        println!(
            "{:<12} {:<12} {:<24} {:<32} {}",
            issue.product_external_id,
            issue
                .variant_external_id
                .map_or(String::new(), |id| id.to_string()),
            issue.sku.as_deref().unwrap_or(""),
            issue.product_name,
            issue.message
        );
    }
    Ok(ExitCode::SUCCESS)
}
