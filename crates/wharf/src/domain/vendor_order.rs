//! A purchase order sent as an order to its vendor's own BigCommerce store.
//!
//! The rules, in order:
//! 1. The vendor sees the merchant's reference `PO-{merchant order number}-{purchase order id}`
//!    on its order; it is also what wharf searches the vendor store by before sending again.
//! 2. A send attempt moves intent → sending → created, or → failed when the vendor store
//!    refused it or nothing on it could be sent. While an attempt is *live* (intent, sending,
//!    created) no other may start: at most one vendor order per purchase order.
//! 3. An attempt that may have reached the vendor store (sending) looks for the order among
//!    those created since [`LOOKUP_WINDOW_MS`] before its intent before it sends again.
//! 4. *Send again* is for a failed or cancelled attempt only; it marks that attempt replaced and
//!    records a fresh intent.
//! 5. A cancelled purchase order cancels the vendor's order unless the vendor shipped some of
//!    it; a shipment that comes back for a cancelled purchase order is kept and flagged
//!    "shipped after cancellation" (the shipment push holds it: `app::shipments`).

/// How far before its intent a lookup searches the vendor store's orders. The vendor store
/// stamps `date_created` with its own clock, which may run behind ours; ten minutes covers
/// any clock skew seen in practice while keeping the read to a handful of orders.
pub const LOOKUP_WINDOW_MS: i64 = 10 * 60 * 1000;

/// BigCommerce's order status "Awaiting Fulfillment", the default for a vendor order.
pub const DEFAULT_STATUS_ID: i64 = 11;
/// BigCommerce's order status "Cancelled".
pub const CANCELLED_STATUS_ID: i64 = 5;

/// The reference a vendor sees on the order: names the merchant's order and the purchase order.
pub fn reference(merchant_order_number: i64, purchase_order_id: i64) -> String {
    format!("PO-{merchant_order_number}-{purchase_order_id}")
}

/// Where one send attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorOrderState {
    /// Recorded; nothing sent yet.
    Intent,
    /// A create may have reached the vendor store: look before sending again.
    Sending,
    Created,
    /// Refused by the vendor store, or nothing on it could be sent.
    Failed,
    /// The vendor's order was set to Cancelled.
    Cancelled,
    /// Superseded by an operator's Send again.
    Replaced,
}

impl VendorOrderState {
    pub const ALL: [VendorOrderState; 6] = [
        VendorOrderState::Intent,
        VendorOrderState::Sending,
        VendorOrderState::Created,
        VendorOrderState::Failed,
        VendorOrderState::Cancelled,
        VendorOrderState::Replaced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VendorOrderState::Intent => "intent",
            VendorOrderState::Sending => "sending",
            VendorOrderState::Created => "created",
            VendorOrderState::Failed => "failed",
            VendorOrderState::Cancelled => "cancelled",
            VendorOrderState::Replaced => "replaced",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == key)
    }

    /// The state in words, for the order page, the API and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            VendorOrderState::Intent | VendorOrderState::Sending => "Being sent",
            VendorOrderState::Created => "In the vendor's store",
            VendorOrderState::Failed => "Not sent: the vendor's store refused it",
            VendorOrderState::Cancelled => "Cancelled in the vendor's store",
            VendorOrderState::Replaced => "Replaced by a later send",
        }
    }

    /// The vendor's store may hold this order (or is about to): nothing else may be sent.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            VendorOrderState::Intent | VendorOrderState::Sending | VendorOrderState::Created
        )
    }

    /// *Send again* may replace this attempt.
    pub fn may_send_again(self) -> bool {
        matches!(self, VendorOrderState::Failed | VendorOrderState::Cancelled)
    }
}

/// What cancelling the purchase order does to the vendor's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelAction {
    /// Nothing was created in the vendor's store: just stop sending.
    NothingToCancel,
    /// Set the vendor's order to Cancelled.
    Cancel,
    /// The vendor shipped some of it: its order is kept and the operator told.
    KeepShipped,
}

/// Rule 5: what a cancellation does, given the attempt's state and whether the vendor shipped
/// any of it (in wharf or as last read from its store).
pub fn cancel_action(state: VendorOrderState, vendor_shipped: bool) -> CancelAction {
    match state {
        VendorOrderState::Created | VendorOrderState::Sending if vendor_shipped => {
            CancelAction::KeepShipped
        }
        // A sending attempt may have created the order: the cancel looks it up first.
        VendorOrderState::Created | VendorOrderState::Sending => CancelAction::Cancel,
        _ => CancelAction::NothingToCancel,
    }
}

/// Why one line could not go on the vendor's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftOut {
    /// No vendor variant matches the merchant's SKU.
    Unmatched,
    /// More than one vendor variant matches it.
    Ambiguous,
    /// The vendor store refused the line, in its words.
    Refused(String),
}

impl LeftOut {
    /// The reason, in words, naming the SKU.
    pub fn message(&self, sku: &str) -> String {
        match self {
            LeftOut::Unmatched => format!(
                "SKU {sku}: no product in the vendor's store has this SKU or barcode; match it, then Send again"
            ),
            LeftOut::Ambiguous => format!(
                "SKU {sku}: several products in the vendor's store match it; make the match unique, then Send again"
            ),
            LeftOut::Refused(why) => {
                format!("SKU {sku}: the vendor's store refused it: {why}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_names_order_and_purchase_order() {
        assert_eq!(reference(1042, 7), "PO-1042-7");
    }

    #[test]
    fn states_round_trip_and_only_intent_sending_created_are_live() {
        for state in VendorOrderState::ALL {
            assert_eq!(VendorOrderState::parse(state.as_str()), Some(state));
            assert_ne!(
                state.is_live(),
                state.may_send_again() || state == VendorOrderState::Replaced
            );
        }
        assert_eq!(VendorOrderState::parse("bogus"), None);
    }

    #[test]
    fn send_again_only_after_failure_or_cancellation() {
        assert!(VendorOrderState::Failed.may_send_again());
        assert!(VendorOrderState::Cancelled.may_send_again());
        assert!(!VendorOrderState::Created.may_send_again());
        assert!(!VendorOrderState::Sending.may_send_again());
        assert!(!VendorOrderState::Replaced.may_send_again());
    }

    #[test]
    fn cancelling_keeps_what_the_vendor_shipped() {
        use VendorOrderState::*;
        assert_eq!(cancel_action(Created, false), CancelAction::Cancel);
        assert_eq!(cancel_action(Sending, false), CancelAction::Cancel);
        assert_eq!(cancel_action(Created, true), CancelAction::KeepShipped);
        assert_eq!(cancel_action(Failed, false), CancelAction::NothingToCancel);
        assert_eq!(cancel_action(Intent, false), CancelAction::NothingToCancel);
    }

    #[test]
    fn left_out_lines_say_what_to_do() {
        assert!(LeftOut::Unmatched.message("A-1").contains("A-1"));
        assert!(
            LeftOut::Refused("out of stock".into())
                .message("B")
                .ends_with("out of stock")
        );
    }
}
