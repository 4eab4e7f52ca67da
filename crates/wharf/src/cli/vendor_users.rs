//! `wharf vendor invite | users | edit-user | remove-user`: the vendor's portal users. An invitation
//! prints its link once (built on `WHARF_PUBLIC_URL`, else the path to put after wharf's
//! address), which is how it reaches the person while wharf sends no e-mail.

use std::process::ExitCode;

use super::command::refused_input;
use crate::app::App;
use crate::app::error::AppError;
use crate::app::portal::users::VendorUserView;
use crate::app::vendors::VendorView;
use crate::domain::vendor_user::VendorUserInput;

pub(super) async fn invite(
    app: &App,
    vendor: &str,
    email: String,
    name: String,
) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(vendor).await?;
    let input = VendorUserInput { name, email };
    let invitation = match app
        .invite_vendor_user(vendor.id, &input, app.public_url.as_ref())
        .await
    {
        Ok(invitation) => invitation,
        Err(error) => return refused_input(error, "Nobody was invited:"),
    };
    println!(
        "Invited {} <{}> to the vendor portal as a user of {:?}.",
        invitation.user.name, invitation.user.email, vendor.name
    );
    println!(
        "Their invitation link, shown this once (single use, valid 72 hours): {}",
        invitation.invitation_link
    );
    if app.public_url.is_none() {
        println!("Put wharf's address before it: WHARF_PUBLIC_URL is not set.");
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn list(app: &App, vendor: &str, json: bool) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(vendor).await?;
    let users = app.vendor_users(vendor.id).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&users)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{:<6} {:<32} {:<40} STATUS", "ID", "NAME", "EMAIL");
    for user in users {
        let status = if user.signed_up {
            "Signed up"
        } else {
            "Invited"
        };
        println!(
            "{:<6} {:<32} {:<40} {status}",
            user.id, user.name, user.email
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The vendor's user with this address, whatever its case.
async fn user_by_email(
    app: &App,
    vendor: &VendorView,
    email: &str,
) -> anyhow::Result<VendorUserView> {
    let users = app.vendor_users(vendor.id).await?;
    users
        .into_iter()
        .find(|u| u.email.eq_ignore_ascii_case(email.trim()))
        .ok_or_else(|| {
            AppError::NoneNamed {
                what: "portal user of this vendor",
                name: email.to_owned(),
            }
            .into()
        })
}

pub(super) async fn edit(
    app: &App,
    vendor: &str,
    email: &str,
    new_email: Option<String>,
    name: Option<String>,
) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(vendor).await?;
    let user = user_by_email(app, &vendor, email).await?;
    let input = VendorUserInput {
        name: name.unwrap_or(user.name),
        email: new_email.unwrap_or(user.email),
    };
    match app.update_vendor_user(vendor.id, user.id, &input).await {
        Ok(user) => {
            println!(
                "Portal user {} is now {} <{}>.",
                user.id, user.name, user.email
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => refused_input(error, "Nothing was saved:"),
    }
}

pub(super) async fn remove(app: &App, vendor: &str, email: &str) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(vendor).await?;
    let user = user_by_email(app, &vendor, email).await?;
    app.remove_vendor_user(vendor.id, user.id).await?;
    println!(
        "Removed {} from {:?}'s portal users; their sessions have ended.",
        user.email, vendor.name
    );
    Ok(ExitCode::SUCCESS)
}
