//! The orders pages: the list, searched, filtered and paged (`list.rs`), and one order with
//! its routing, purchase orders, shipments and timeline (`order.rs`).
//!
//! An order's address is its store and BigCommerce order number, `/stores/{id}/orders/{number}`:
//! the number is what the operator, the customer and BigCommerce call it, and wharf's own id
//! never appears to a person.

mod list;
mod order;

use axum::Router;

use crate::app::App;
use crate::db::orders::OrderSummary;

pub(super) fn routes() -> Router<App> {
    list::routes().merge(order::routes())
}

/// Where the order's page is.
pub(super) fn order_path(order: &OrderSummary) -> String {
    format!("/stores/{}/orders/{}", order.store_id, order.external_id)
}
