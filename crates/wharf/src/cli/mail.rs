//! `wharf mail …`: the branding mails carry, where operators' digests go, when a vendor hears
//! of new purchase orders, and the latest mails with their state.

use std::process::ExitCode;

use clap::Subcommand;

use super::command::{refused_input, with_app};
use crate::config::Settings;
use crate::domain::branding::BrandingInput;
use crate::domain::business_address::BusinessAddressInput;

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
        /// The business address: the billing address vendors with their own BigCommerce store
        /// see on wharf's orders. Every field is given at once; an empty one is cleared.
        #[command(flatten)]
        address: Box<AddressArgs>,
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

#[derive(Debug, clap::Args)]
pub struct AddressArgs {
    /// Company name (default: the branding name).
    #[arg(long = "address-company", default_value = "")]
    company: String,
    /// First line of the street address.
    #[arg(long = "address-street-1", default_value = "")]
    street_1: String,
    /// Second line of the street address.
    #[arg(long = "address-street-2", default_value = "")]
    street_2: String,
    /// City or town.
    #[arg(long = "address-city", default_value = "")]
    city: String,
    /// State or region.
    #[arg(long = "address-state", default_value = "")]
    state: String,
    /// Postcode or ZIP code.
    #[arg(long = "address-postcode", default_value = "")]
    postcode: String,
    /// ISO 3166 two-letter code, e.g. GB.
    #[arg(long = "address-country", default_value = "")]
    country: String,
    /// Phone number (digits and + - ( ) . only).
    #[arg(long = "address-phone", default_value = "")]
    phone: String,
    /// E-mail (default: the support e-mail).
    #[arg(long = "address-email", default_value = "")]
    email: String,
}

impl From<AddressArgs> for BusinessAddressInput {
    fn from(a: AddressArgs) -> Self {
        BusinessAddressInput {
            address_company: a.company,
            address_street_1: a.street_1,
            address_street_2: a.street_2,
            address_city: a.city,
            address_state: a.state,
            address_postcode: a.postcode,
            address_country: a.country,
            address_phone: a.phone,
            address_email: a.email,
        }
    }
}

pub(super) async fn run(settings: &Settings, command: MailCommand) -> anyhow::Result<ExitCode> {
    with_app(settings, async |app| match command {
        MailCommand::Branding {
            name,
            accent,
            support_email,
            address,
        } => {
            let input = BrandingInput {
                name,
                accent,
                support_email,
                address: (*address).into(),
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
