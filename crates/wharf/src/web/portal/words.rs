//! What the portal's work pages say for stored values: times, a purchase order's name and
//! state, what a reported SKU is to the stores, and a feed's interval — words, never the keys
//! or ids they are stored as.

use crate::app::inventory::routed::SkuFate;

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

/// A purchase order's state in words: cancelled, or how far its units have shipped.
pub fn purchase_order_state(status: &str, units: i64, shipped: i64) -> &'static str {
    match status {
        "cancelled" => "Cancelled",
        _ if units > 0 && shipped >= units => "Shipped",
        _ if shipped > 0 => "Partly shipped",
        _ => "To ship",
    }
}

/// The badge class of a state from [`purchase_order_state`] (the operators' badge colours).
pub fn state_class(state: &str) -> &'static str {
    match state {
        "Cancelled" => "cancelled",
        "Shipped" => "shipped",
        "Partly shipped" => "partially_shipped",
        _ => "open",
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
    fn states_read_as_words() {
        assert_eq!(purchase_order_state("open", 3, 0), "To ship");
        assert_eq!(purchase_order_state("open", 3, 1), "Partly shipped");
        assert_eq!(purchase_order_state("open", 3, 3), "Shipped");
        assert_eq!(purchase_order_state("cancelled", 3, 1), "Cancelled");
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration(900), "15 minutes");
        assert_eq!(duration(3_600), "1 hour");
        assert_eq!(duration(172_800), "2 days");
        assert_eq!(duration(61), "61 seconds");
    }
}
