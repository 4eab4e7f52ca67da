//! `wharf vendor read-catalog | matches`: the vendor's own BigCommerce store as a source — read
//! its catalog now, and list how its variants match your items.

use std::process::ExitCode;

use super::command::refused_input;
use crate::app::App;
use crate::app::vendor_catalog::MatchItem;
use crate::domain::vendor_match::MatchState;

pub(super) async fn read(app: &App, vendor: &str) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(vendor).await?;
    match app.read_vendor_catalog(vendor.id).await {
        Ok(report) => {
            println!(
                "Read {} variant(s) of {:?}'s BigCommerce store: {} matched, {} unmatched, {} \
                 ambiguous; stock of {} item(s) taken.",
                report.variants,
                vendor.name,
                report.matched,
                report.unmatched,
                report.ambiguous,
                report.stock_reported
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("The vendor's catalog could not be read: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub(super) async fn matches(
    app: &App,
    vendor: &str,
    state: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let vendor = app.find_vendor(vendor).await?;
    let mut page = match app.vendor_matches(vendor.id, state, None).await {
        Ok(page) => page,
        Err(error) => return refused_input(error, "Nothing to list:"),
    };
    let mut items = std::mem::take(&mut page.items);
    // The CLI lists the whole state, a page at a time (each page is bounded).
    while let Some(after) = page.next_after {
        page = app.vendor_matches(vendor.id, state, Some(after)).await?;
        items.append(&mut page.items);
    }
    if json {
        page.items = items;
        println!("{}", serde_json::to_string_pretty(&page)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} matched, {} unmatched, {} ambiguous.",
        page.counts.matched, page.counts.unmatched, page.counts.ambiguous
    );
    println!(
        "{:<24} {:<24} {:<32} WHY",
        "YOUR SKU", "VENDOR SKU", "PRODUCT"
    );
    for item in &items {
        println!("{}", line(item));
    }
    if items.is_empty() {
        println!("(none {})", in_words(page.state));
    }
    Ok(ExitCode::SUCCESS)
}

fn line(item: &MatchItem) -> String {
    let product = match (&item.product_name, &item.options) {
        (Some(name), Some(options)) if !options.is_empty() => format!("{name} ({options})"),
        (Some(name), _) => name.clone(),
        _ => String::new(),
    };
    format!(
        "{:<24} {:<24} {:<32} {}",
        item.merchant_sku.as_deref().unwrap_or("—"),
        item.vendor_sku.as_deref().unwrap_or("—"),
        product,
        item.reason
    )
}

fn in_words(state: MatchState) -> &'static str {
    match state {
        MatchState::Matched => "matched",
        MatchState::Unmatched => "unmatched",
        MatchState::Ambiguous => "ambiguous",
    }
}
