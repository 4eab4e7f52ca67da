//! Typed methods on [`crate::StoreClient`], one file per API resource.

pub(crate) mod catalog;
mod hooks;
pub(crate) mod inventory;
mod order_statuses;
pub(crate) mod orders;
mod shipments;
mod store;
