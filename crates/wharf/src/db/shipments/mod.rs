//! Shipments, their lines, and their parts: one BigCommerce shipment per (shipment × shipping
//! address).
//!
//! `records` writes a shipment with its lines and reads what is left to ship; `parts` holds every
//! query of a part's life (the push's plan, its states and fences, its binding), so the
//! exactly-once protocol (ARCHITECTURE.md, *Shipments out*) reads against one file; `views`
//! reads shipments as pages and APIs show them. Callers name them all as `db::shipments::…`.

mod parts;
mod records;
mod views;

pub use parts::{
    PART, Part, PartLine, PushPlan, bind_imported_part, bound_external_ids, created_parts,
    items_known_shipped, items_known_shipped_of_orders, mark_created, mark_sending, push_plan,
    release, set_already_shipped, set_part_state, settle_state, settle_unsent_part,
    unsettled_shipments,
};
pub(crate) use records::SHIPPED_OF_LINE;
pub use records::{
    ShipmentRecord, flag_shipped_after_cancellation, insert, local_address, local_line,
    lock_purchase_order, set_state, shippable_lines, shipped_by_line, store_of,
};
pub use views::{ShipmentLineView, ShipmentView, get, list};
