//! `wharf store …`: add or edit a BigCommerce store, check its connection, list stores, choose which
//! order statuses are routed.

use std::process::ExitCode;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{ArgGroup, Args, Subcommand};

use super::command::{refused_input, with_app};
use crate::app::error::AppError;
use crate::app::stores::StoreView;
use crate::config::Settings;
use crate::domain::store::NewStoreInput;
use crate::domain::store_edit::StoreEditInput;
use crate::domain::store_removal::{OrdersOnRemoval, StoreRemovalInput};

#[derive(Debug, Subcommand)]
pub(super) enum StoreCommand {
    /// Save a store's connection details (checked, nothing saved if any is invalid).
    Add(AddStoreArgs),
    /// Change a store's details; only the flags given change. New credentials (URL, hash,
    /// client id or a secret) leave it unchecked until `wharf store connect` runs again.
    Edit(EditStoreArgs),
    /// Stop syncing the store and remove its webhooks (its history is kept).
    Disable {
        /// The store's name (or id).
        name: String,
    },
    /// Sync the store again and re-register its webhooks.
    Enable {
        /// The store's name (or id).
        name: String,
    },
    /// Remove a disabled store for good (its webhooks too); its orders are kept unless
    /// --delete-orders.
    Remove {
        /// The store's name (or id).
        #[arg(long)]
        store: String,
        /// The store's name again, to confirm.
        #[arg(long)]
        confirm_name: String,
        /// Delete the store's orders (with their purchase orders and shipments) too.
        #[arg(long)]
        delete_orders: bool,
    },
    /// Check the connection live; exit 0 when every check passes.
    Connect {
        /// The store's name (or id).
        name: String,
    },
    /// List stores and their connection status.
    List {
        /// Print JSON (the API's shape) for scripts.
        #[arg(long)]
        json: bool,
    },
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
// One of the two is needed; clap's refusal then names both.
#[command(group(ArgGroup::new("hash").required(true).args(["api_path", "store_hash"])))]
pub(super) struct AddStoreArgs {
    /// A name for the store in wharf, unique among your stores.
    #[arg(long)]
    name: String,
    /// nameofyourstore.mybigcommerce.com (or https://…)
    #[arg(long)]
    store_url: String,
    /// The API path shown with the API account: https://api.bigcommerce.com/stores/{HASH}/v3/
    /// (or give --store-hash instead).
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
    /// How wharf signs in to the store.
    #[arg(long, default_value = "private", value_parser = auth_types())]
    auth_type: String,
}

/// The values `--auth-type` takes, as the store form offers them; `NewStore::parse` decides
/// which are accepted, so the command line refuses what the form refuses, in the same words.
fn auth_types() -> PossibleValuesParser {
    PossibleValuesParser::new([
        PossibleValue::new("private")
            .help("A store-level API account made in the store's control panel"),
        PossibleValue::new("app_oauth").help("An app installed through OAuth (not available yet)"),
    ])
}

#[derive(Debug, Args)]
pub(super) struct EditStoreArgs {
    /// The store's name (or id).
    store: String,
    /// A new name for the store.
    #[arg(long)]
    name: Option<String>,
    /// The store's new address: nameofyourstore.mybigcommerce.com (or https://…)
    #[arg(long)]
    store_url: Option<String>,
    /// The API path shown with the API account: https://api.bigcommerce.com/stores/{HASH}/v3/
    #[arg(long, conflicts_with = "store_hash")]
    api_path: Option<String>,
    /// A new store hash, the {HASH} in the API path (instead of --api-path).
    #[arg(long)]
    store_hash: Option<String>,
    /// A new client ID of the API account.
    #[arg(long)]
    client_id: Option<String>,
    /// A new client secret. Not read from the environment here: a variable left set would
    /// silently replace the stored secret on every edit.
    #[arg(long)]
    client_secret: Option<String>,
    /// A new access token. Like --client-secret, not read from the environment.
    #[arg(long)]
    access_token: Option<String>,
}

impl EditStoreArgs {
    fn changes(self) -> StoreEditInput {
        StoreEditInput {
            name: self.name,
            store_url: self.store_url,
            store_hash: self.store_hash,
            api_path: self.api_path,
            client_id: self.client_id,
            client_secret: self.client_secret,
            access_token: self.access_token,
        }
    }
}

pub(super) async fn run(settings: &Settings, command: StoreCommand) -> anyhow::Result<ExitCode> {
    with_app(settings, async |app| match command {
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
                Err(error) => refused_flags(error),
            }
        }
        StoreCommand::Edit(args) => {
            let store = app.find_store(&args.store).await?;
            match app.edit_store(store.id, &args.changes()).await {
                Ok(edited) => {
                    println!("Saved store {:?} (id {}).", edited.name, edited.id);
                    if !edited.is_connected() && store.is_connected() {
                        println!("New credentials: run wharf store connect {:?}", edited.name);
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => refused_flags(error),
            }
        }
        StoreCommand::Disable { name } => {
            let store = app.find_store(&name).await?;
            app.disable_store(store.id).await?;
            println!(
                "Disabled {:?}: no syncs; its webhooks are being removed.",
                store.name
            );
            Ok(ExitCode::SUCCESS)
        }
        StoreCommand::Enable { name } => {
            let store = app.find_store(&name).await?;
            app.enable_store(store.id).await?;
            println!("Enabled {:?}: syncs resume.", store.name);
            Ok(ExitCode::SUCCESS)
        }
        StoreCommand::Remove {
            store,
            confirm_name,
            delete_orders,
        } => {
            let store = app.find_store(&store).await?;
            let input = StoreRemovalInput {
                confirm_name,
                orders: match delete_orders {
                    true => OrdersOnRemoval::Delete,
                    false => OrdersOnRemoval::Keep,
                },
            };
            match app.remove_store(store.id, &input).await {
                Ok(removed) => {
                    let orders = match removed.orders {
                        OrdersOnRemoval::Keep => "kept",
                        OrdersOnRemoval::Delete => "deleted",
                    };
                    println!(
                        "Removed {:?}; {} order(s) {orders}. Its webhooks are being removed.",
                        removed.name, removed.order_count
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => refused_flags(error),
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
                Err(error) => refused_input(error, "Nothing was saved:"),
            }
        }
        StoreCommand::List { json } => {
            let stores = app.list_stores().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&stores)?);
                return Ok(ExitCode::SUCCESS);
            }
            if stores.is_empty() {
                println!("No stores yet. Add one with: wharf store add --help");
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{:<4} {:<24} {:<40} {:<12} {:<18} CHECKED",
                "ID", "NAME", "URL", "HASH", "STATUS"
            );
            for store in stores {
                let checked = store
                    .connection
                    .checked_at
                    .as_deref()
                    .unwrap_or("never checked");
                let status = match store.disabled {
                    true => "Disabled",
                    false => store.connection.label,
                };
                println!(
                    "{:<4} {:<24} {:<40} {:<12} {:<18} {}",
                    store.id, store.name, store.store_url, store.store_hash, status, checked
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    })
    .await
}

/// Exit 2 naming the flag of each bad field; other errors go up.
fn refused_flags(error: AppError) -> anyhow::Result<ExitCode> {
    let AppError::Invalid(errors) = error else {
        return Err(error.into());
    };
    eprintln!("Nothing was saved:");
    for error in errors.iter() {
        eprintln!("  --{}: {}", error.field.replace('_', "-"), error.message);
    }
    Ok(ExitCode::from(2))
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
