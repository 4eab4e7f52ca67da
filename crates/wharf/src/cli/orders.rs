//! `wharf orders …`: read the store's changed orders now (`sync`), find orders (`list`, with the
//! orders page's search and filters), show one by its BigCommerce number (`show`), and send a
//! purchase order to its vendor's store again (`send-again`).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::command::with_app;
use crate::app::App;
use crate::app::error::AppError;
use crate::app::orders::OrderDetail;
use crate::config::Settings;
use crate::db::orders::{OrderSummary, UnroutedLine};
use crate::domain::FieldErrors;
use crate::domain::order::RoutingState;
use crate::domain::order_search::{MAX_PAGE_SIZE, OrderSearch, OrderSearchInput};

#[derive(Debug, Subcommand)]
pub(super) enum OrdersCommand {
    /// Read the store's orders modified since the last read, now, and route them.
    Sync {
        /// The store's name (or id).
        store: String,
    },
    /// List orders, newest first, searched and filtered as on the orders page.
    List(ListArgs),
    /// Show one order: its lines and their vendors, purchase orders, shipments with their
    /// tracking, and its timeline.
    Show {
        /// The store's name (or id).
        #[arg(long)]
        store: String,
        /// The order's BigCommerce order number.
        #[arg(long)]
        number: i64,
        /// Print JSON, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Send a purchase order to its vendor's BigCommerce store again, after the vendor's store
    /// refused it (Onport's "Mark as unsent"). Refused while an order exists there.
    SendAgain {
        /// The purchase order's number (its id, as the order page shows it).
        purchase_order: i64,
    },
}

#[derive(Debug, Args)]
pub(super) struct ListArgs {
    /// A BigCommerce order number, part of a customer's name or email, a SKU or a tracking
    /// number.
    #[arg(long)]
    q: Option<String>,
    /// The store's name (or id).
    #[arg(long)]
    store: Option<String>,
    /// Orders with a purchase order for this vendor (its name or id).
    #[arg(long)]
    vendor: Option<String>,
    /// waiting, routed, needs_attention or cancelled.
    #[arg(long)]
    state: Option<String>,
    /// Placed on or after this day (YYYY-MM-DD, UTC) or instant (RFC 3339).
    #[arg(long)]
    since: Option<String>,
    /// Placed on or before this day (YYYY-MM-DD, UTC; the whole day) or instant.
    #[arg(long)]
    until: Option<String>,
    /// At most this many orders (1 to 500); the rest are a `--cursor` away.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=MAX_PAGE_SIZE))]
    limit: i64,
    /// Where to continue: the cursor a previous listing printed.
    #[arg(long)]
    cursor: Option<String>,
    /// Print JSON, for scripts.
    #[arg(long)]
    json: bool,
}

pub(super) async fn run(settings: &Settings, command: OrdersCommand) -> anyhow::Result<ExitCode> {
    with_app(settings, async |app| match command {
        OrdersCommand::Sync { store } => {
            let store = app.find_store(&store).await?;
            let store = app.syncable_store(store.id).await?;
            let report = app.poll_orders(store.id).await?;
            println!(
                "Read {} order(s) in {} page(s) from {:?}",
                report.orders, report.pages, store.name
            );
            Ok(ExitCode::SUCCESS)
        }
        OrdersCommand::List(args) => list(app, args).await,
        OrdersCommand::Show {
            store,
            number,
            json,
        } => show(app, &store, number, json).await,
        OrdersCommand::SendAgain { purchase_order } => send_again(app, purchase_order).await,
    })
    .await
}

async fn send_again(app: &App, purchase_order_id: i64) -> anyhow::Result<ExitCode> {
    match app.send_vendor_store_order_again(purchase_order_id).await {
        Ok(view) => {
            println!(
                "Purchase order {} queued to be sent to the vendor's store again ({})",
                view.reference, view.state_label
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(refusal @ (AppError::Conflict(_) | AppError::NotFound { .. })) => {
            eprintln!("{refusal}");
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(other.into()),
    }
}

async fn list(app: &App, args: ListArgs) -> anyhow::Result<ExitCode> {
    let mut input = OrderSearchInput {
        q: args.q.unwrap_or_default(),
        state: args.state.unwrap_or_default(),
        from: args.since.unwrap_or_default(),
        to: args.until.unwrap_or_default(),
        cursor: args.cursor.unwrap_or_default(),
        ..OrderSearchInput::default()
    };
    if let Some(store) = &args.store {
        match app.find_store(store).await {
            Ok(store) => input.store_id = store.id.to_string(),
            Err(error) => return refused_flag("store", error),
        }
    }
    if let Some(vendor) = &args.vendor {
        match app.find_vendor(vendor).await {
            Ok(vendor) => input.vendor_id = vendor.id.to_string(),
            Err(error) => return refused_flag("vendor", error),
        }
    }
    let search = match OrderSearch::parse(&input) {
        Ok(search) => search,
        Err(errors) => return Ok(refused_filters(&errors)),
    };
    let page = app.find_orders(&search, args.limit).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&page.orders)?);
    } else if page.orders.is_empty() {
        println!("No orders match.");
    } else {
        print_order_table(app, &page.orders).await?;
    }
    if let Some(older) = page.older {
        eprintln!(
            "More orders match. The next {}: add --cursor {}",
            args.limit,
            older.encode()
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn print_order_table(app: &App, orders: &[OrderSummary]) -> anyhow::Result<()> {
    let stores = app.list_stores().await?;
    let split = app.vendor_split(orders).await?;
    let mut table = Table::new(&[
        "ORDER", "STORE", "PLACED", "CUSTOMER", "STATUS", "ROUTING", "VENDORS", "TOTAL",
    ]);
    for order in orders {
        let store = stores
            .iter()
            .find(|s| s.id == order.store_id)
            .map_or("—", |s| s.name.as_str());
        table.row(vec![
            format!("#{}", order.external_id),
            store.to_owned(),
            order.date_created_ms.map(day).unwrap_or_default(),
            order.customer_name.clone(),
            order.status_label.clone(),
            routing_words(&order.routing_state).to_owned(),
            split.get(&order.id).cloned().unwrap_or_else(|| "—".into()),
            order.total.clone().unwrap_or_default(),
        ]);
    }
    table.print();
    Ok(())
}

/// The order as `--json` prints it: its detail and the lines waiting for a vendor.
#[derive(Serialize)]
struct OrderJson {
    #[serde(flatten)]
    detail: OrderDetail,
    unmatched_lines: Vec<UnroutedLine>,
}

async fn show(app: &App, store: &str, number: i64, json: bool) -> anyhow::Result<ExitCode> {
    let store = match app.find_store(store).await {
        Ok(store) => store,
        Err(error) => return refused_flag("store", error),
    };
    let order = match app.order_by_number(store.id, number).await {
        Ok(order) => order,
        Err(AppError::NotFound { .. }) => {
            eprintln!("{:?} has no order #{number} in wharf", store.name);
            return Ok(ExitCode::from(2));
        }
        Err(other) => return Err(other.into()),
    };
    let detail = app.order_detail(order.id).await?;
    let unmatched_lines = app.unmatched_lines(order.id).await?;
    if json {
        let order = OrderJson {
            detail,
            unmatched_lines,
        };
        println!("{}", serde_json::to_string_pretty(&order)?);
        return Ok(ExitCode::SUCCESS);
    }
    let vendors = app.list_vendors().await?;
    let vendor_name = |id: i64| {
        vendors
            .iter()
            .find(|v| v.id == id)
            .map_or("(removed vendor)", |v| v.name.as_str())
    };
    let o = &detail.order;
    println!("Order #{} of {:?}", o.external_id, store.name);
    println!(
        "{}{} · {} · {}{}",
        o.customer_name,
        o.customer_email
            .as_deref()
            .map(|e| format!(" <{e}>"))
            .unwrap_or_default(),
        o.status_label,
        routing_words(&o.routing_state),
        o.total
            .as_deref()
            .map(|t| format!(" · total {t}"))
            .unwrap_or_default()
    );

    println!("\nLines");
    let mut lines = Table::new(&["ITEM", "SKU", "QUANTITY", "SHIPPED", "VENDOR"]);
    for po in &detail.purchase_orders {
        for line in &po.lines {
            lines.row(vec![
                line.name.clone(),
                line.sku.clone().unwrap_or_default(),
                line.quantity.to_string(),
                line.quantity_shipped.to_string(),
                vendor_name(po.vendor_id).to_owned(),
            ]);
        }
    }
    for line in &unmatched_lines {
        lines.row(vec![
            line.name.clone(),
            line.sku.clone().unwrap_or_default(),
            line.quantity.to_string(),
            "0".into(),
            "none: needs attention".into(),
        ]);
    }
    lines.print();

    println!("\nPurchase orders");
    if detail.purchase_orders.is_empty() {
        println!("None yet.");
    } else {
        let mut table = Table::new(&["VENDOR", "STATUS", "LINES", "UNITS", "SHIPPED"]);
        for po in &detail.purchase_orders {
            table.row(vec![
                vendor_name(po.vendor_id).to_owned(),
                po.state.label().to_owned(),
                po.lines.len().to_string(),
                po.lines.iter().map(|l| l.quantity).sum::<i64>().to_string(),
                po.lines
                    .iter()
                    .map(|l| l.quantity_shipped)
                    .sum::<i64>()
                    .to_string(),
            ]);
        }
        table.print();
    }

    println!("\nShipments");
    if detail.shipments.is_empty() {
        println!("None yet.");
    } else {
        let mut table = Table::new(&["TRACKING", "CARRIER", "ITEMS", "RECORDED"]);
        for shipment in &detail.shipments {
            let items = shipment
                .lines
                .iter()
                .map(|l| format!("{} × {}", l.quantity, l.sku.as_deref().unwrap_or(&l.name)))
                .collect::<Vec<_>>()
                .join(", ");
            table.row(vec![
                shipment.tracking_number.clone(),
                shipment.carrier.clone(),
                items,
                time(shipment.created_at_ms),
            ]);
        }
        table.print();
    }

    println!("\nTimeline");
    for event in &detail.timeline {
        println!("{}  {}", time(event.at_ms), event.message);
    }
    Ok(ExitCode::SUCCESS)
}

/// A table printed in aligned columns under a header row.
struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(header: &[&str]) -> Self {
        Table {
            rows: vec![header.iter().map(|h| (*h).to_owned()).collect()],
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn print(&self) {
        let columns = self.rows[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            println!("{}", cells.join("  ").trim_end());
        }
    }
}

/// The routing state in the words the pages use.
fn routing_words(key: &str) -> &'static str {
    match RoutingState::parse(key) {
        Some(RoutingState::Waiting) => "Not routed yet",
        Some(RoutingState::Routed) => "Routed",
        Some(RoutingState::NeedsAttention) => "Needs attention",
        Some(RoutingState::Cancelled) => "Cancelled",
        None => "Other",
    }
}

fn time(at_ms: i64) -> String {
    crate::db::to_timestamp(at_ms)
        .strftime("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

fn day(at_ms: i64) -> String {
    crate::db::to_timestamp(at_ms)
        .strftime("%Y-%m-%d")
        .to_string()
}

/// Filters the search refused, each named by its flag; exit 2.
fn refused_filters(errors: &FieldErrors) -> ExitCode {
    for error in errors.iter() {
        let flag = match error.field {
            "store_id" => "store",
            "vendor_id" => "vendor",
            "from" => "since",
            "to" => "until",
            other => other,
        };
        eprintln!("--{flag}: {}", error.message);
    }
    ExitCode::from(2)
}

/// A store or vendor flag naming none: exit 2 naming the flag; other errors go up.
fn refused_flag(flag: &str, error: AppError) -> anyhow::Result<ExitCode> {
    match error {
        AppError::NoneNamed { .. } | AppError::NotFound { .. } => {
            eprintln!("--{flag}: {error}");
            Ok(ExitCode::from(2))
        }
        other => Err(other.into()),
    }
}
