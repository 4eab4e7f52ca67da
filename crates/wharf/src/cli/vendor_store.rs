//! `wharf vendor connect-bigcommerce | bigcommerce | bigcommerce-settings |
//! disconnect-bigcommerce`: a vendor's own BigCommerce store, as on the vendor's page.

use std::process::ExitCode;

use clap::{ArgGroup, Args};

use crate::app::App;
use crate::app::error::AppError;
use crate::app::vendor_stores::VendorStore;
use crate::domain::vendor_store::{VendorStoreInput, VendorStoreSettingsInput};

#[derive(Debug, Args)]
// One of the two is needed; clap's refusal then names both.
#[command(group(ArgGroup::new("hash").required(true).args(["api_path", "store_hash"])))]
pub(super) struct ConnectArgs {
    /// The vendor's name (or id).
    vendor: String,
    /// The vendor's storefront: theirstore.mybigcommerce.com (or https://…)
    #[arg(long)]
    store_url: String,
    /// The API path shown with the vendor's API account:
    /// https://api.bigcommerce.com/stores/{HASH}/v3/ (or give --store-hash instead).
    #[arg(long, conflicts_with = "store_hash")]
    api_path: Option<String>,
    /// The store hash, the {HASH} in the API path (instead of --api-path).
    #[arg(long)]
    store_hash: Option<String>,
    /// The API account's client ID.
    #[arg(long)]
    client_id: String,
    /// The API account's client secret. Also read from WHARF_CLIENT_SECRET, which keeps it out
    /// of shell history.
    #[arg(long, env = "WHARF_CLIENT_SECRET", hide_env_values = true)]
    client_secret: String,
    /// The API account's access token. Also read from WHARF_ACCESS_TOKEN, which keeps it out of
    /// shell history.
    #[arg(long, env = "WHARF_ACCESS_TOKEN", hide_env_values = true)]
    access_token: String,
}

#[derive(Debug, Args)]
pub(super) struct SettingsArgs {
    /// The vendor's name (or id).
    vendor: String,
    /// The status the vendor's order is created in: a status id (11) or its name
    /// ("Awaiting Fulfillment").
    #[arg(long)]
    order_status: Option<String>,
    /// Send the end customer's e-mail and phone with the order (yes or no).
    #[arg(long)]
    include_customer_contact: Option<String>,
    /// Let the vendor's store send its own customer e-mails for the order (yes or no).
    #[arg(long)]
    send_customer_emails: Option<String>,
    /// The one location whose stock counts (its id), or "all" to add up every location.
    #[arg(long)]
    stock_location: Option<String>,
    /// Match the vendor's SKUs ignoring case (yes or no).
    #[arg(long)]
    sku_case_insensitive: Option<String>,
    /// A prefix removed from the vendor's SKUs before matching ("" for none).
    #[arg(long)]
    sku_strip_prefix: Option<String>,
    /// Send orders and read stock (yes), or pause both (no).
    #[arg(long)]
    active: Option<String>,
}

/// Saves the store and runs Connect: exit 0 only when green, 1 when red, 2 for a bad field.
pub(super) async fn connect(app: &App, args: ConnectArgs) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(&args.vendor).await?;
    let input = VendorStoreInput {
        store_url: Some(args.store_url),
        store_hash: args.store_hash,
        api_path: args.api_path,
        client_id: Some(args.client_id),
        client_secret: Some(args.client_secret),
        access_token: Some(args.access_token),
    };
    if let Err(error) = app.save_vendor_store(vendor.id, &input).await {
        return refused_flags(error);
    }
    let store = app.connect_vendor_store(vendor.id).await?;
    print_store(&store);
    if !store.is_connected() {
        println!("{}", store.scopes_to_tick);
        return Ok(ExitCode::from(1));
    }
    if app.public_url.is_some() {
        println!("Its webhooks are being registered.");
    }
    Ok(ExitCode::SUCCESS)
}

/// Shows the vendor's store, or says it has none.
pub(super) async fn show(app: &App, vendor: &str, json: bool) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(vendor).await?;
    let store = app.vendor_store(vendor.id).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&store)?);
        return Ok(ExitCode::SUCCESS);
    }
    match store {
        Some(store) => print_store(&store),
        None => println!(
            "{:?} has no BigCommerce store connected. Connect one with: wharf vendor connect-bigcommerce --help",
            vendor.name
        ),
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn settings(app: &App, args: SettingsArgs) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(&args.vendor).await?;
    let input = VendorStoreSettingsInput {
        order_status_id: args.order_status,
        include_customer_contact: args.include_customer_contact,
        send_customer_emails: args.send_customer_emails,
        stock_location_id: args.stock_location,
        sku_case_insensitive: args.sku_case_insensitive,
        sku_strip_prefix: args.sku_strip_prefix,
        active: args.active,
    };
    match app.update_vendor_store_settings(vendor.id, &input).await {
        Ok(store) => {
            print_store(&store);
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => refused_flags(error),
    }
}

pub(super) async fn disconnect(app: &App, vendor: &str) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(vendor).await?;
    app.disconnect_vendor_store(vendor.id).await?;
    println!(
        "{:?}'s BigCommerce store is disconnected: its credentials are forgotten and its webhooks \
         are being removed. The vendor stays.",
        vendor.name
    );
    Ok(ExitCode::SUCCESS)
}

/// Exit 2 naming the flag of each bad field; other errors go up.
fn refused_flags(error: AppError) -> anyhow::Result<ExitCode> {
    let AppError::Invalid(errors) = error else {
        return Err(error.into());
    };
    eprintln!("Nothing was saved:");
    for error in errors.iter() {
        let flag = match error.field {
            "order_status_id" => "order-status".to_owned(),
            "stock_location_id" => "stock-location".to_owned(),
            field => field.replace('_', "-"),
        };
        eprintln!("  --{flag}: {}", error.message);
    }
    Ok(ExitCode::from(2))
}

fn print_store(store: &VendorStore) {
    let yes_no = |on: bool| if on { "yes" } else { "no" };
    println!(
        "{}'s BigCommerce store {} ({}): {}",
        store.vendor_name, store.store_url, store.store_hash, store.connection.label
    );
    for check in &store.connection.checks {
        if check.passed {
            println!("  ok      {}", check.check.label());
        } else {
            println!("  FAILED  {}", check.message);
        }
    }
    let settings = &store.settings;
    println!("  New orders get status: {}", settings.order_status_label());
    println!(
        "  Customer's e-mail and phone sent: {}",
        yes_no(settings.include_customer_contact)
    );
    println!(
        "  The store's customer e-mails: {}",
        yes_no(settings.send_customer_emails)
    );
    match settings.stock_location_id {
        Some(id) => println!("  Stock read from location {id}"),
        None => println!("  Stock: the sum over every location"),
    }
    println!(
        "  SKUs matched ignoring case: {}; prefix removed: {}",
        yes_no(settings.sku_matching.case_insensitive),
        settings
            .sku_matching
            .strip_prefix
            .as_deref()
            .unwrap_or("none")
    );
    println!("  Active: {}", yes_no(settings.active));
}
