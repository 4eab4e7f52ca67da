//! `GET /v2/order_statuses[/{id}]`: the fixed table of 15 statuses. Clients must match on
//! `id`, never on labels, because merchants rename `custom_label` (facts §4).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::Simulator;
use crate::errors::{ApiError, Flavor};

#[derive(Debug, Clone, Serialize)]
pub(crate) struct OrderStatus {
    pub id: u8,
    pub name: &'static str,
    pub system_label: &'static str,
    pub custom_label: String,
    pub system_description: &'static str,
    /// Position in the control panel's status list.
    pub order: u8,
}

/// (id, name, control-panel position, description). The positions follow the spec's
/// examples (Incomplete 0, Awaiting Fulfillment 3, Partially Refunded 14); the rest are
/// the workflow order a default store shows [inference].
const TABLE: [(u8, &str, u8, &str); 15] = [
    (
        0,
        "Incomplete",
        0,
        "An incomplete order happens when a shopper reached the payment page, but did not complete the transaction.",
    ),
    (
        1,
        "Pending",
        1,
        "Customer started the checkout process, but did not complete it.",
    ),
    (
        2,
        "Shipped",
        8,
        "Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.",
    ),
    (
        3,
        "Partially Shipped",
        6,
        "Only some items in the order have been shipped, due to some products being pre-order only or other reasons.",
    ),
    (4, "Refunded", 11, "Seller has used the Refund action."),
    (
        5,
        "Cancelled",
        9,
        "Seller has cancelled an order, due to a stock inconsistency or other reasons.",
    ),
    (
        6,
        "Declined",
        10,
        "Seller has marked the order as declined for lack of manual payment, or other reasons.",
    ),
    (
        7,
        "Awaiting Payment",
        2,
        "Customer has completed checkout process, but payment has yet to be confirmed.",
    ),
    (
        8,
        "Awaiting Pickup",
        5,
        "Order has been pulled, and is awaiting customer pickup from a seller-specified location.",
    ),
    (
        9,
        "Awaiting Shipment",
        4,
        "Order has been pulled and packaged, and is awaiting collection from a shipping provider.",
    ),
    (
        10,
        "Completed",
        7,
        "Client has paid for their digital product and their file(s) are available for download.",
    ),
    (
        11,
        "Awaiting Fulfillment",
        3,
        "Customer has completed the checkout process and payment has been confirmed.",
    ),
    (
        12,
        "Manual Verification Required",
        13,
        "Order is on hold while some aspect needs to be manually confirmed.",
    ),
    (
        13,
        "Disputed",
        12,
        "Customer has initiated a dispute resolution process for the PayPal transaction that paid for the order.",
    ),
    (
        14,
        "Partially Refunded",
        14,
        "Seller has partially refunded the order.",
    ),
];

pub(crate) fn defaults() -> Vec<OrderStatus> {
    TABLE
        .iter()
        .map(|&(id, name, order, system_description)| OrderStatus {
            id,
            name,
            system_label: name,
            custom_label: name.to_owned(),
            system_description,
            order,
        })
        .collect()
}

/// The label an order shows in its `status` field.
pub(crate) fn label(statuses: &[OrderStatus], id: u8) -> String {
    statuses
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.custom_label.clone())
        .unwrap_or_default()
}

pub(crate) fn is_valid(id: u64) -> bool {
    TABLE.iter().any(|&(known, ..)| u64::from(known) == id)
}

pub(crate) async fn list(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
) -> Result<Response, ApiError> {
    let statuses = sim
        .with_store(&hash, |s| s.order_statuses.clone())
        .ok_or(ApiError::not_found(Flavor::V2))?;
    Ok(Json(statuses).into_response())
}

pub(crate) async fn get(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found(Flavor::V2);
    let id: u8 = id.parse().map_err(|_| not_found())?;
    let status = sim
        .with_store(&hash, |s| {
            s.order_statuses.iter().find(|st| st.id == id).cloned()
        })
        .flatten()
        .ok_or_else(not_found)?;
    Ok(Json(status).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_0_to_14_in_order_with_unique_positions() {
        let statuses = defaults();
        assert_eq!(statuses.len(), 15);
        for (i, s) in statuses.iter().enumerate() {
            assert_eq!(usize::from(s.id), i);
        }
        let mut positions: Vec<u8> = statuses.iter().map(|s| s.order).collect();
        positions.sort_unstable();
        assert_eq!(positions, (0..15).collect::<Vec<u8>>());
        assert_eq!(label(&statuses, 11), "Awaiting Fulfillment");
        assert!(is_valid(14) && !is_valid(15));
    }
}
