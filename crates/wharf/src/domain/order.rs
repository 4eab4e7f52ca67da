//! Orders as wharf keeps them: which BigCommerce statuses route, which cancel.

use serde::Serialize;

/// BigCommerce's order status ids (stable; merchants may rename the labels, never the ids).
pub mod status {
    pub const INCOMPLETE: i64 = 0;
    pub const SHIPPED: i64 = 2;
    pub const PARTIALLY_SHIPPED: i64 = 3;
    pub const REFUNDED: i64 = 4;
    pub const CANCELLED: i64 = 5;
    pub const DECLINED: i64 = 6;
    pub const AWAITING_SHIPMENT: i64 = 9;
    pub const AWAITING_FULFILLMENT: i64 = 11;
}

/// The statuses that create purchase orders unless the store says otherwise.
pub const DEFAULT_ROUTED_STATUSES: [i64; 2] =
    [status::AWAITING_FULFILLMENT, status::AWAITING_SHIPMENT];

/// Whether an order in this status (or archived) must have its open purchase orders cancelled.
pub fn cancels_fulfilment(status_id: i64, archived: bool) -> bool {
    archived
        || matches!(
            status_id,
            status::CANCELLED | status::REFUNDED | status::DECLINED
        )
}

/// Whether an order in this status may create purchase orders for the store. Incomplete orders
/// (failed or unfinished checkouts) never do, whatever the store's list says.
pub fn routes(status_id: i64, routed_statuses: &[i64]) -> bool {
    status_id != status::INCOMPLETE && routed_statuses.contains(&status_id)
}

/// The store's routed statuses, stored as "11,9".
pub fn parse_status_list(text: &str) -> Vec<i64> {
    text.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// Where an order stands in wharf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutingState {
    /// Its status does not create purchase orders (yet).
    Waiting,
    /// Every physical line is on a vendor's purchase order.
    Routed,
    /// Some line matched no assignment rule: a person must decide.
    NeedsAttention,
    /// Cancelled, refunded, declined or archived in BigCommerce.
    Cancelled,
}

impl RoutingState {
    pub fn as_str(self) -> &'static str {
        match self {
            RoutingState::Waiting => "waiting",
            RoutingState::Routed => "routed",
            RoutingState::NeedsAttention => "needs_attention",
            RoutingState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "waiting" => Some(RoutingState::Waiting),
            "routed" => Some(RoutingState::Routed),
            "needs_attention" => Some(RoutingState::NeedsAttention),
            "cancelled" => Some(RoutingState::Cancelled),
            _ => None,
        }
    }
}

/// What the order's timeline says about routing it, if anything: a state is recorded when the
/// order enters it, never again while it stays there. Polls re-read every modified order and
/// every assignment re-routes the orders waiting for one, so the same outcome comes round many
/// times; the timeline must tell what changed, not how often it was checked.
pub fn routing_entry(
    previous: Option<RoutingState>,
    now: RoutingState,
    unmatched_lines: usize,
) -> Option<String> {
    if previous == Some(now) {
        return None;
    }
    match (previous, now) {
        (_, RoutingState::NeedsAttention) => Some(format!(
            "{unmatched_lines} line(s) match no vendor: assign their variants"
        )),
        (Some(RoutingState::NeedsAttention), RoutingState::Routed) => {
            Some("Every line now has a vendor".to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_orders_never_route() {
        assert!(!routes(status::INCOMPLETE, &[0, 11]));
        assert!(routes(11, &DEFAULT_ROUTED_STATUSES));
        assert!(!routes(7, &DEFAULT_ROUTED_STATUSES));
    }

    #[test]
    fn cancelling_statuses() {
        assert!(cancels_fulfilment(status::CANCELLED, false));
        assert!(cancels_fulfilment(status::AWAITING_FULFILLMENT, true));
        assert!(!cancels_fulfilment(status::SHIPPED, false));
        assert_eq!(parse_status_list("11, 9,x"), vec![11, 9]);
    }

    #[test]
    fn the_timeline_records_a_state_change_once() {
        use RoutingState::*;
        let first = routing_entry(Some(Waiting), NeedsAttention, 3);
        assert_eq!(
            first.as_deref(),
            Some("3 line(s) match no vendor: assign their variants")
        );
        // The next poll, and every assignment that routes nothing, find it unchanged.
        assert_eq!(routing_entry(Some(NeedsAttention), NeedsAttention, 3), None);
        assert_eq!(routing_entry(Some(NeedsAttention), NeedsAttention, 2), None);
        assert_eq!(
            routing_entry(Some(NeedsAttention), Routed, 0).as_deref(),
            Some("Every line now has a vendor")
        );
        assert_eq!(routing_entry(Some(Routed), Routed, 0), None);
        // Routed straight away: its purchase orders are the entries.
        assert_eq!(routing_entry(Some(Waiting), Routed, 0), None);
    }
}

/// Parses the statuses a merchant chooses to route: BigCommerce ids 1–14, at least one;
/// Incomplete (0) is refused, since an unfinished checkout must never reach a vendor.
pub fn parse_routed_statuses(ids: &[i64]) -> Result<Vec<i64>, crate::domain::FieldError> {
    use crate::domain::FieldError;
    if ids.is_empty() {
        return Err(FieldError::new(
            "routed_status_ids",
            "Choose at least one status that creates purchase orders",
        ));
    }
    if let Some(bad) = ids.iter().find(|id| !(1..=14).contains(*id)) {
        return Err(FieldError::new(
            "routed_status_ids",
            format!(
                "{bad} is not a routable BigCommerce status id (1–14; Incomplete, 0, never routes)"
            ),
        ));
    }
    let mut ids = ids.to_vec();
    ids.dedup();
    Ok(ids)
}

#[cfg(test)]
mod routed_status_tests {
    #[test]
    fn routed_statuses_are_checked() {
        assert_eq!(super::parse_routed_statuses(&[11, 9]).unwrap(), vec![11, 9]);
        assert!(super::parse_routed_statuses(&[]).is_err());
        assert!(
            super::parse_routed_statuses(&[0])
                .unwrap_err()
                .message
                .contains("Incomplete")
        );
        assert!(super::parse_routed_statuses(&[15]).is_err());
    }
}
