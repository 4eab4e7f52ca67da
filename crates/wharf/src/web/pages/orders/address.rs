//! An order's address is its store and BigCommerce order number, `/stores/{id}/orders/{number}`:
//! the number is what the operator, the customer and BigCommerce call it, and wharf's own id
//! never appears to a person.

use crate::db::orders::OrderSummary;

/// Where the order's page is.
pub(super) fn order_path(order: &OrderSummary) -> String {
    format!("/stores/{}/orders/{}", order.store_id, order.external_id)
}
