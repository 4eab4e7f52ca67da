//! `wharf vendor …`: add, edit and list the vendors who ship the goods.

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
    })
    .await
}
