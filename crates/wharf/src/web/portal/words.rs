//! What the portal's work pages say for stored values: times, a purchase order's name and
//! state's badge, what a reported SKU is to the stores, and a feed's interval — words, never the keys
//! or ids they are stored as.

use crate::app::inventory::routed::SkuFate;
use crate::domain::purchase_order::PurchaseOrderState;

/// A stored time (unix ms) as the portal shows it.
pub fn when(at_ms: i64) -> String {
    crate::db::to_timestamp(at_ms)
        .strftime("%Y-%m-%d %H:%M UTC")
        .to_string()
}

/// A purchase order is named by its store order's number, as the shop's customer knows it.
pub fn order_name(order_external_id: i64) -> String {
    format!("Order #{order_external_id}")
}

/// The badge class of a purchase order's state (the operators' badge colours); its words are
/// `PurchaseOrderState::label`, the same in the portal, the operator's pages and the CLI.
/// Takes the state or a reference to it, as templates hold either.
pub fn state_class(state: impl std::borrow::Borrow<PurchaseOrderState>) -> &'static str {
    match state.borrow() {
        PurchaseOrderState::Cancelled | PurchaseOrderState::Closed => "cancelled",
        PurchaseOrderState::Shipped => "shipped",
        PurchaseOrderState::PartlyShipped => "partially_shipped",
        PurchaseOrderState::Accepted => "routed",
        PurchaseOrderState::Open => "open",
    }
}

/// Where a shipment stands with the shop, as a vendor needs to know it.
pub fn shipment_state(state: &str) -> &'static str {
    match state {
        "pending" => "Being sent to the shop",
        "pushed" | "imported" => "With the shop",
        "failed" => "Refused by the shop: the merchant will look at it",
        "held" => "Held: the order was cancelled",
        _ => "Other",
    }
}

/// What a reported SKU is to the stores.
pub fn sku_fate(fate: SkuFate) -> &'static str {
    match fate {
        SkuFate::Counts => "Matched",
        SkuFate::NotRoutedToVendor => "Not routed to you",
        SkuFate::Unmatched => "Unmatched",
    }
}

/// A duration in seconds as people say it ("15 minutes", "2 hours", "1 day").
pub fn duration(secs: i64) -> String {
    let (n, unit) = match secs {
        s if s % 86_400 == 0 => (s / 86_400, "day"),
        s if s % 3_600 == 0 => (s / 3_600, "hour"),
        s if s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration(900), "15 minutes");
        assert_eq!(duration(3_600), "1 hour");
        assert_eq!(duration(172_800), "2 days");
        assert_eq!(duration(61), "61 seconds");
    }
}
