//! `GET /v2/order_statuses`. Match on `id`: merchants rename `custom_label`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStatus {
    /// Fixed across stores: 11 is Awaiting Fulfillment, 2 Shipped, and so on.
    pub id: u32,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub system_label: String,
    /// The merchant's label, shown in the control panel.
    #[serde(default)]
    pub custom_label: String,
    #[serde(default)]
    pub system_description: String,
    /// Sort position in the control panel.
    #[serde(default)]
    pub order: Option<u32>,
}
