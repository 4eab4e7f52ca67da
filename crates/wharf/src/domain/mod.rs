//! Pure domain types and rules. No I/O: nothing here knows HTTP, SQL or BigCommerce JSON.

pub mod assignment_csv;
pub mod branding;
pub mod carrier;
pub mod catalog;
pub mod catalog_issues;
pub mod connection;
mod csv_lines;
pub mod email_address;
pub mod field_error;
pub mod incoming_order;
pub mod inventory;
pub mod mail;
pub mod order;
pub mod order_search;
pub mod password;
pub mod purchase_order;
pub mod routing;
pub mod shipment;
pub mod stock_csv;
pub mod store;
pub mod store_edit;
pub mod store_removal;
pub mod text;
pub mod tracking_csv;
pub mod vendor;
pub mod vendor_match;
pub mod vendor_order;
pub mod vendor_store;
pub mod vendor_user;

pub use field_error::{FieldError, FieldErrors};
