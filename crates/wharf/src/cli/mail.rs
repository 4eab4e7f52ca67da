//! `wharf mail …`: the branding mails carry, where operators' digests go, when a vendor hears
//! of new purchase orders, and the latest mails with their state.

use std::process::ExitCode;

use clap::Subcommand;

use super::command::{refused_input, with_app};
use crate::config::Settings;
use crate::domain::branding::BrandingInput;

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Set the branding every mail (and the vendor portal) shows; an empty value clears one back
    /// to its default. Prints the branding in force.
    Branding {
        /// The merchant's name (default: the first store's).
        #[arg(long, default_value = "")]
        name: String,
        /// #rrggbb
        #[arg(long, default_value = "")]
        accent: String,
        /// Where replies go.
        #[arg(long, default_value = "")]
        support_email: String,
    },
    /// Set the one address operators' digests go to (empty: none).
    Operator {
        /// An e-mail address; empty stops the digests.
        #[arg(long)]
        email: String,
    },
    /// When a vendor hears of new purchase orders: immediate or hourly.
    Schedule {
        /// The vendor's name (or id).
        vendor: String,
        /// immediate (a mail per purchase order) or hourly (one digest an hour).
        schedule: String,
    },
    /// The latest mails, newest first, with their state.
    List {
        /// How many mails, newest first (at most 500).
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

pub(super) async fn run(settings: &Settings, command: MailCommand) -> anyhow::Result<ExitCode> {
    with_app(settings, async |app| match command {
        MailCommand::Branding {
            name,
            accent,
            support_email,
        } => {
            let input = BrandingInput {
                name,
                accent,
                support_email,
            };
            match app.set_branding(&input).await {
                Ok(branding) => {
                    println!("{}", serde_json::to_string_pretty(&branding)?);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused_input(e, "The branding was not changed:"),
            }
        }
        MailCommand::Operator { email } => match app.set_operator_mail_to(&email).await {
            Ok(Some(to)) => {
                println!("Operators' digests go to {to}");
                Ok(ExitCode::SUCCESS)
            }
            Ok(None) => {
                println!("Operators get no digest");
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => refused_input(e, ""),
        },
        MailCommand::Schedule { vendor, schedule } => {
            let vendor = app.find_vendor(&vendor).await?;
            match app.set_vendor_mail_schedule(vendor.id, &schedule).await {
                Ok(schedule) => {
                    println!("{}: {}", vendor.name, schedule.label());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused_input(e, ""),
            }
        }
        MailCommand::List { limit, json } => {
            let mails = app.recent_mails(limit).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&mails)?);
            } else {
                println!("{:<20} {:<32} {:<24} SUBJECT", "WHEN (UTC)", "TO", "STATE");
                for mail in &mails {
                    println!(
                        "{:<20} {:<32} {:<24} {}",
                        crate::db::to_timestamp(mail.created_at_ms).strftime("%Y-%m-%d %H:%M:%S"),
                        mail.recipient,
                        mail.state.label(),
                        mail.subject
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    })
    .await
}
