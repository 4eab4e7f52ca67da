//! Typed methods on [`crate::StoreClient`], one file per API resource.

use crate::error::BcError;

pub(crate) mod catalog;
mod hooks;
pub(crate) mod inventory;
mod order_statuses;
pub(crate) mod orders;
mod shipments;
mod store;

/// The single-object check: an answer must describe the object asked for (`kind` `asked`),
/// whatever the server put in it. A mismatch is [`BcError::WrongObject`] and the answer is
/// not used. **Invariant** of every single-object read and create of this crate.
pub(crate) fn same_object(
    method: &str,
    path: &str,
    kind: &str,
    asked: u64,
    answered: u64,
) -> Result<(), BcError> {
    if asked == answered {
        return Ok(());
    }
    Err(BcError::WrongObject {
        request: format!("{method} {path}"),
        asked: format!("{kind} {asked}"),
        answered: format!("{kind} {answered}"),
    })
}

/// The same check for what belongs to an order (a row of its sub-lists, a created shipment):
/// its `order_id` must be the order's, where the answer states one (`0` when it does not).
pub(crate) fn same_parent(
    method: &str,
    path: &str,
    order_id: u64,
    answered_order_id: u64,
) -> Result<(), BcError> {
    if answered_order_id == 0 {
        return Ok(());
    }
    same_object(method, path, "order", order_id, answered_order_id)
}
