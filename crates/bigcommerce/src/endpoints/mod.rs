//! Typed methods on [`crate::StoreClient`], one file per API resource.

mod order_statuses;
mod store;
