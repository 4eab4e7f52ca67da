//! An order as the channel read it, in wharf's terms, before it is stored: BigCommerce's ids
//! are kept as `external_id`s for the bindings the storing makes.

use std::collections::HashSet;

use super::routing::LineKind;

/// An order as read from the channel, mapped to wharf's terms.
#[derive(Debug, Clone)]
pub struct IncomingOrder {
    pub external_id: i64,
    pub status_id: i64,
    pub status_label: String,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub total: Option<String>,
    pub currency_code: Option<String>,
    pub items_total: i64,
    pub items_shipped: i64,
    pub archived: bool,
    pub date_created_ms: Option<i64>,
    pub date_modified_ms: Option<i64>,
    /// What the customer wrote at checkout (delivery instructions, say): shown to the vendors
    /// who ship the order.
    pub customer_message: Option<String>,
    pub addresses: Vec<IncomingAddress>,
    pub lines: Vec<IncomingLine>,
}

#[derive(Debug, Clone)]
pub struct IncomingAddress {
    pub external_id: i64,
    pub name: String,
    pub company: Option<String>,
    pub street_1: String,
    pub street_2: Option<String>,
    pub city: String,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub country_iso2: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub shipping_method: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IncomingLine {
    pub external_id: i64,
    pub address_external_id: Option<i64>,
    pub variant_external_id: Option<i64>,
    pub name: String,
    pub sku: Option<String>,
    pub kind: LineKind,
    pub quantity: i64,
    pub quantity_shipped: i64,
}

/// Splits a page of orders into consecutive runs in which no order appears twice. A list
/// sorted by a key that moves while it is read can repeat an order within a page; storing a
/// run at a time, in page order, stores the later read over the earlier one, as reading them
/// one by one would.
pub fn runs_without_repeats(orders: &[IncomingOrder]) -> Vec<&[IncomingOrder]> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut in_run = HashSet::new();
    for (i, order) in orders.iter().enumerate() {
        if !in_run.insert(order.external_id) {
            runs.push(&orders[start..i]);
            start = i;
            in_run.clear();
            in_run.insert(order.external_id);
        }
    }
    if start < orders.len() {
        runs.push(&orders[start..]);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(external_id: i64) -> IncomingOrder {
        IncomingOrder {
            external_id,
            status_id: 11,
            status_label: "Awaiting Fulfillment".into(),
            customer_name: "A".into(),
            customer_email: None,
            total: None,
            currency_code: None,
            items_total: 0,
            items_shipped: 0,
            archived: false,
            date_created_ms: None,
            date_modified_ms: None,
            customer_message: None,
            addresses: Vec::new(),
            lines: Vec::new(),
        }
    }

    fn ids(runs: &[&[IncomingOrder]]) -> Vec<Vec<i64>> {
        runs.iter()
            .map(|run| run.iter().map(|o| o.external_id).collect())
            .collect()
    }

    #[test]
    fn a_page_without_repeats_is_one_run() {
        let page: Vec<_> = [1, 2, 3].into_iter().map(order).collect();
        assert_eq!(ids(&runs_without_repeats(&page)), vec![vec![1, 2, 3]]);
        assert!(runs_without_repeats(&[]).is_empty());
    }

    #[test]
    fn a_repeated_order_starts_a_new_run_in_page_order() {
        let page: Vec<_> = [1, 2, 1, 3, 2, 2].into_iter().map(order).collect();
        assert_eq!(
            ids(&runs_without_repeats(&page)),
            vec![vec![1, 2], vec![1, 3, 2], vec![2]]
        );
    }
}
