//! The orders pages: the list, searched, filtered and paged (`list.rs`), and one order with
//! its routing, purchase orders, shipments and timeline (`order.rs`).
//!
//! An order's address (`address.rs`) is its store and BigCommerce order number.

mod address;
mod list;
mod order;

use axum::Router;

use crate::app::App;

pub(super) fn routes() -> Router<App> {
    list::routes().merge(order::routes())
}
