//! The words people read for wharf's states. States are stored as short keys
//! (`needs_attention`, `partially_shipped`); a page shows these labels and keeps the key only as
//! the badge's CSS class. A key this module does not know (one a newer wharf wrote) shows as
//! "Other" rather than as itself.

const OTHER: &str = "Other";

/// An order's routing state.
pub fn order_state(key: &str) -> &'static str {
    match key {
        "waiting" => "Not routed yet",
        "routed" => "Routed",
        "needs_attention" => "Needs attention",
        "cancelled" => "Cancelled",
        _ => OTHER,
    }
}

/// A purchase order's status.
pub fn purchase_order_status(key: &str) -> &'static str {
    match key {
        "open" => "Open",
        "cancelled" => "Cancelled",
        "closed" => "Closed: every line declined",
        _ => OTHER,
    }
}

/// How much of a purchase order has shipped.
pub fn fulfilment(key: &str) -> &'static str {
    match key {
        "unshipped" => "Not shipped",
        "partially_shipped" => "Partly shipped",
        "shipped" => "Shipped",
        _ => OTHER,
    }
}

/// Where a shipment stands with BigCommerce.
pub fn shipment_state(key: &str) -> &'static str {
    match key {
        "pending" => "Sending to BigCommerce",
        "pushed" => "In BigCommerce",
        "failed" => "Refused by BigCommerce",
        "held" => "Held: order cancelled",
        "imported" => "Made in BigCommerce",
        _ => OTHER,
    }
}

/// Where a shipment was recorded.
pub fn shipment_source(key: &str) -> &'static str {
    match key {
        "vendor_api" => "Vendor API",
        "vendor_portal" => "Vendor portal",
        "operator" => "Operator",
        "csv" => "Tracking file",
        "bigcommerce" => "BigCommerce",
        "vendor_store" => "Vendor's store",
        _ => OTHER,
    }
}

/// A queued job's status.
pub fn job_status(key: &str) -> &'static str {
    match key {
        "pending" => "Waiting",
        "running" => "Running",
        "done" => "Done",
        "failed" => "Failed",
        "superseded" => "Replaced by a newer one",
        _ => OTHER,
    }
}

/// A catalog import's status.
pub fn import_status(key: &str) -> &'static str {
    match key {
        "queued" => "Waiting to start",
        "running" => "Running",
        "completed" => "Completed",
        "failed" => "Failed",
        _ => OTHER,
    }
}

/// A flow, as the Activity filter offers it.
pub fn flow(key: &str) -> &'static str {
    match key {
        "orders" => "Orders",
        "shipments" => "Shipments",
        "inventory" => "Inventory",
        "catalog" => "Catalog",
        "webhooks" => "Webhooks",
        "mail" => "E-mail",
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key wharf stores has a label of its own: a new state added to the database but
    /// not here would show as "Other".
    #[test]
    fn every_stored_state_has_a_label() {
        use crate::db::jobs::JobStatus;
        use crate::domain::catalog::ImportStatus;
        let jobs = [
            JobStatus::Pending,
            JobStatus::Running,
            JobStatus::Done,
            JobStatus::Failed,
            JobStatus::Superseded,
        ];
        for status in jobs {
            assert_ne!(job_status(status.as_str()), OTHER, "{status:?}");
        }
        let imports = [
            ImportStatus::Queued,
            ImportStatus::Running,
            ImportStatus::Completed,
            ImportStatus::Failed,
        ];
        for status in imports {
            assert_ne!(import_status(status.as_str()), OTHER, "{status:?}");
        }
        for key in ["waiting", "routed", "needs_attention", "cancelled"] {
            assert_ne!(order_state(key), OTHER, "{key}");
        }
        for key in ["open", "cancelled", "closed"] {
            assert_ne!(purchase_order_status(key), OTHER, "{key}");
        }
        for key in ["pending", "pushed", "failed", "held", "imported"] {
            assert_ne!(shipment_state(key), OTHER, "{key}");
        }
        assert_eq!(order_state("needs_attention"), "Needs attention");
        assert_eq!(order_state("something_new"), "Other");
    }
}
