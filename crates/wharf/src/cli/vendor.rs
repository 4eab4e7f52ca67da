//! `wharf vendor …`: add, edit and list the vendors who ship the goods; replace a token,
//! deactivate and reactivate a vendor, clear its unmatched SKUs; invite, list and remove its
//! portal users (`vendor_users`).

use std::process::ExitCode;

use clap::Subcommand;

use super::command::{refused_input, with_app};
use crate::app::error::AppError;
use crate::config::Settings;
use crate::domain::vendor::VendorInput;

#[derive(Debug, Subcommand)]
pub(super) enum VendorCommand {
    /// Add a vendor; prints its API token once.
    Add {
        /// The vendor's name, unique among vendors.
        #[arg(long)]
        name: String,
        /// The vendor's contact email (optional).
        #[arg(long, default_value = "")]
        email: String,
    },
    /// Change a vendor's name or email.
    Edit {
        /// The vendor's current name (or id).
        vendor: String,
        /// The vendor's new name.
        #[arg(long)]
        name: Option<String>,
        /// The vendor's new email.
        #[arg(long)]
        email: Option<String>,
    },
    /// List vendors (their API tokens masked).
    List {
        /// Print JSON (the API's shape) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Give a vendor a new API token, printed once; the old one fails from now on.
    RotateToken {
        /// The vendor's name (or id).
        vendor: String,
    },
    /// Stop a vendor: its token is refused, routing skips it (its new lines wait in Needs
    /// attention) and its stock does not count. Its purchase orders stay.
    Deactivate {
        /// The vendor's name (or id).
        vendor: String,
    },
    /// Undo deactivate.
    Activate {
        /// The vendor's name (or id).
        vendor: String,
    },
    /// Delete the vendor's reported SKUs that match no store item.
    ClearUnmatched {
        /// The vendor's name (or id).
        vendor: String,
    },
    /// Invite a person to the vendor portal as one of the vendor's users; prints their
    /// invitation link once.
    Invite {
        /// The vendor's name (or id).
        vendor: String,
        /// The person's e-mail address, which they will sign in with.
        #[arg(long)]
        email: String,
        /// The person's name (optional).
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List the vendor's portal users.
    Users {
        /// The vendor's name (or id).
        vendor: String,
        /// Print JSON (the API's shape) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Change a portal user's name or e-mail address.
    EditUser {
        /// The vendor's name (or id).
        vendor: String,
        /// The user's current e-mail address.
        #[arg(long)]
        email: String,
        /// The user's new e-mail address.
        #[arg(long)]
        new_email: Option<String>,
        /// The user's new name.
        #[arg(long)]
        name: Option<String>,
    },
    /// Remove one of the vendor's portal users; their sessions end.
    RemoveUser {
        /// The vendor's name (or id).
        vendor: String,
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// Save the vendor's own BigCommerce store and check it: exit 0 when green, 1 when red,
    /// 2 for a bad field. With WHARF_PUBLIC_URL set, its webhooks are then registered.
    ConnectBigcommerce(super::vendor_store::ConnectArgs),
    /// Show the vendor's BigCommerce store, its last Connect and its settings.
    Bigcommerce {
        /// The vendor's name (or id).
        vendor: String,
        /// Print JSON (the API's shape) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Read the vendor's BigCommerce catalog now (only reads: its store is never changed),
    /// match it to your items and take its stock levels.
    ReadCatalog {
        /// The vendor's name (or id).
        vendor: String,
    },
    /// List how the vendor's BigCommerce variants match your items.
    Matches {
        /// The vendor's name (or id).
        vendor: String,
        /// matched (default), unmatched or ambiguous.
        #[arg(long)]
        state: Option<String>,
        /// Print JSON (the API's shape) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Change how wharf uses the vendor's BigCommerce store; only the flags given change.
    BigcommerceSettings(super::vendor_store::SettingsArgs),
    /// Forget the vendor's BigCommerce store (its webhooks are removed); the vendor stays.
    DisconnectBigcommerce {
        /// The vendor's name (or id).
        vendor: String,
    },
}

pub(super) async fn run(settings: &Settings, command: VendorCommand) -> anyhow::Result<ExitCode> {
    with_app(settings, async |app| match command {
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
                Err(error) => refused_input(error, "Nothing was saved:"),
            }
        }
        VendorCommand::List { json } => {
            let vendors = app.list_vendors().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&vendors)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{:<4} {:<32} {:<32} {:<12} STATUS",
                "ID", "NAME", "EMAIL", "API TOKEN"
            );
            for vendor in vendors {
                println!(
                    "{:<4} {:<32} {:<32} {:<12} {}",
                    vendor.id,
                    vendor.name,
                    vendor.email.unwrap_or_default(),
                    vendor.api_token,
                    if vendor.active { "" } else { "Inactive" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        VendorCommand::RotateToken { vendor } => {
            use secrecy::ExposeSecret;
            let vendor = app.find_vendor(&vendor).await?;
            let rotated = app.rotate_vendor_token(vendor.id).await?;
            println!(
                "Vendor {:?} has a new API token; the old one no longer works.",
                vendor.name
            );
            println!(
                "The new token, shown this once: {}",
                rotated.api_token_once.expose_secret()
            );
            Ok(ExitCode::SUCCESS)
        }
        VendorCommand::Deactivate { vendor } => {
            let vendor = app.find_vendor(&vendor).await?;
            app.set_vendor_active(vendor.id, false).await?;
            println!(
                "Vendor {:?} is inactive: its token is refused, its new order lines wait in \
                 Needs attention and its stock does not count.",
                vendor.name
            );
            Ok(ExitCode::SUCCESS)
        }
        VendorCommand::Activate { vendor } => {
            let vendor = app.find_vendor(&vendor).await?;
            app.set_vendor_active(vendor.id, true).await?;
            println!("Vendor {:?} is active again.", vendor.name);
            Ok(ExitCode::SUCCESS)
        }
        VendorCommand::ClearUnmatched { vendor } => {
            let vendor = app.find_vendor(&vendor).await?;
            let cleared = app.clear_unmatched_skus(vendor.id).await?;
            println!(
                "{cleared} stock row(s) of {:?} that matched no store item cleared.",
                vendor.name
            );
            Ok(ExitCode::SUCCESS)
        }
        VendorCommand::Invite {
            vendor,
            email,
            name,
        } => super::vendor_users::invite(app, &vendor, email, name).await,
        VendorCommand::Users { vendor, json } => {
            super::vendor_users::list(app, &vendor, json).await
        }
        VendorCommand::EditUser {
            vendor,
            email,
            new_email,
            name,
        } => super::vendor_users::edit(app, &vendor, &email, new_email, name).await,
        VendorCommand::RemoveUser { vendor, email } => {
            super::vendor_users::remove(app, &vendor, &email).await
        }
        VendorCommand::ConnectBigcommerce(args) => super::vendor_store::connect(app, args).await,
        VendorCommand::Bigcommerce { vendor, json } => {
            super::vendor_store::show(app, &vendor, json).await
        }
        VendorCommand::BigcommerceSettings(args) => super::vendor_store::settings(app, args).await,
        VendorCommand::DisconnectBigcommerce { vendor } => {
            super::vendor_store::disconnect(app, &vendor).await
        }
        VendorCommand::ReadCatalog { vendor } => super::vendor_catalog::read(app, &vendor).await,
        VendorCommand::Matches {
            vendor,
            state,
            json,
        } => super::vendor_catalog::matches(app, &vendor, state.as_deref(), json).await,
    })
    .await
}
