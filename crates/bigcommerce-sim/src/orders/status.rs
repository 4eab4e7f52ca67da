//! A status change with what it does to stock. The spec allows any status on any order
//! (`PUT /v2/orders/{id}` documents no transition rules), so none is refused. What follows
//! from the store settings BigCommerce ships with (settings.v3.yml,
//! `refund_order_stock_adjustment`: "whether stock levels automatically adjust when you
//! refund or cancel an order", on by default): moving an order to Cancelled (5) or Refunded
//! (4) puts the stock it took back, once. Moving it out again takes nothing a second time
//! (BigCommerce documents no re-deduction), and shipments stay as they are.

use super::Order;
use crate::events::Event;
use crate::store::Store;

pub(crate) const REFUNDED: u8 = 4;
pub(crate) const CANCELLED: u8 = 5;

/// `None` when there is no such order; the events otherwise (none when nothing changed).
pub(crate) fn change_status(store: &mut Store, id: u64, status_id: u8) -> Option<Vec<Event>> {
    let events = store.orders.set_status(id, status_id)?;
    if matches!(status_id, REFUNDED | CANCELLED) {
        let order: &mut Order = store.orders.get_mut(id)?;
        let taken = std::mem::take(&mut order.stock_taken);
        store.inventory.give_back(&taken);
    }
    Some(events)
}
