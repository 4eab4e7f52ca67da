//! Typed BigCommerce REST client.
//!
//! [`BigCommerce`] holds the HTTP pool and one rate gate per store; [`StoreClient`] talks to one
//! store and offers typed endpoints plus the generic building blocks (`get_v2_page`,
//! `get_v3_page`, `get_json`, `put_json`, `post_json`, `delete`) that further endpoints use.
//!
//! Architecture invariant: this crate knows nothing of wharf — no domain types, no database,
//! no job queue. It speaks BigCommerce's wire format and reports failures as [`BcError`].
//!
//! Metrics go through the `metrics` facade only (a no-op until the application installs a
//! recorder): `bigcommerce_requests_total{store,method,status}` per HTTP attempt (status "error"
//! when no answer came), `bigcommerce_rate_limited_total{store}` per 429, and
//! `bigcommerce_quota_left{store}`, the requests left the store last reported.

pub mod budget;
mod client;
mod config;
mod endpoints;
mod error;
pub mod models;
mod paging;
mod rate_limit;

pub use budget::{Quota, SharedBudget};
pub use client::{BigCommerce, StoreClient};
pub use config::{ClientConfig, DEFAULT_API_BASE};
pub use endpoints::catalog::{ProductQuery, ProductSort, ProductSortField, SortDirection};
pub use endpoints::inventory::{
    InventoryItemsQuery, MAX_ADJUSTMENT_ITEMS, rejected_identities, rejected_item_indexes,
};
pub use endpoints::orders::{MAX_V2_PAGE_SIZE, OrderQuery, OrderSortField};
pub use error::BcError;
pub use models::brand::Brand;
pub use models::hook::{Hook, HookUpdate, NewHook};
pub use models::inventory::{
    Adjustment, InventoryItem, ItemIdentity, ItemKey, ItemLocation, ItemSettings, Location,
};
pub use models::new_order::{
    NewOrder, NewOrderAddress, NewOrderProduct, NewOrderProductOption, NewShippingAddress,
    OrderUpdate,
};
pub use models::order::{
    BillingAddress, ConsignmentWarning, Consignments, Order, OrderCount, OrderProduct,
    OrderProductOption, OrderProductType, OrderStatusCount, ShippingAddress, ShippingConsignment,
};
pub use models::order_status::OrderStatus;
pub use models::product::{InventoryTracking, OptionValue, Product, Variant};
pub use models::shipment::{NewShipment, NewShipmentItem, Shipment, ShipmentItem};
pub use models::store::{StoreInformation, StoreTimezone};
pub use models::webhook_event::{InventoryChange, StatusChange, WebhookData, WebhookEvent};
pub use paging::{
    MAX_V3_PAGE_SIZE, PageBound, PageWalk, Pagination, PaginationLinks, UnreadableRow, V3Page,
};
pub use rate_limit::RateLimitStatus;
