//! Wire types: BigCommerce JSON as it arrives, read leniently (unknown fields ignored, fields
//! the API may omit are `Option`). Converting them into anyone's domain types is the caller's job.

pub mod order_status;
pub mod store;
pub(crate) mod time;
