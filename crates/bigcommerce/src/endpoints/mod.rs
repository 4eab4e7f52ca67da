//! Typed methods on [`crate::StoreClient`], one file per API resource.

pub(crate) mod catalog;
mod order_statuses;
mod store;
