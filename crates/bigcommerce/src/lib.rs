//! Typed BigCommerce REST client.
//!
//! [`BigCommerce`] holds the HTTP pool and one rate gate per store; [`StoreClient`] talks to one
//! store and offers typed endpoints plus the generic building blocks (`get_v2_page`,
//! `get_v3_page`, `get_json`, `put_json`, `post_json`, `delete`) that further endpoints use.
//!
//! Architecture invariant: this crate knows nothing of wharf — no domain types, no database,
//! no job queue. It speaks BigCommerce's wire format and reports failures as [`BcError`].

mod client;
mod config;
mod endpoints;
mod error;
pub mod models;
mod paging;
mod rate_limit;

pub use client::{BigCommerce, StoreClient};
pub use config::{ClientConfig, DEFAULT_API_BASE};
pub use error::BcError;
pub use models::order_status::OrderStatus;
pub use models::store::{StoreInformation, StoreTimezone};
pub use paging::{Pagination, PaginationLinks, V3Page};
pub use rate_limit::RateLimitStatus;
