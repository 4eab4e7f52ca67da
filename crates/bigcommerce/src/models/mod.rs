//! Wire types: BigCommerce JSON as it arrives, read leniently (unknown fields ignored, fields
//! the API may omit are `Option`). Converting them into anyone's domain types is the caller's job.
//!
//! Catalog amounts are [`rust_decimal::Decimal`], read from JSON numbers and strings alike;
//! catalog dates are [`jiff::Timestamp`], read from RFC 3339 text with an offset. Order (v2) money
//! arrives as strings and reads the same way; v2 dates are RFC 2822, hook and webhook times unix
//! seconds.

pub mod brand;
pub(crate) mod de;
pub mod hook;
pub mod inventory;
pub mod new_order;
pub mod order;
pub mod order_status;
pub mod product;
pub mod shipment;
pub mod store;
pub(crate) mod time;
pub mod webhook_event;
