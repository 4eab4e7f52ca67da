//! Inventory v3 (scopes `store_inventory_read_only` / `store_inventory`): stock per item and
//! location, the locations themselves, and absolute and relative adjustments.
//!
//! The API is asynchronous: a read right after an adjustment may not show it yet. BigCommerce
//! also asks that adjustments to a store go one at a time (send the next when the previous has
//! answered) and not alongside bulk catalog or order work; this client doesn't enforce that,
//! since only the caller knows what else it is running.

use crate::client::StoreClient;
use crate::endpoints::catalog::{comma_list, page_query};
use crate::error::BcError;
use crate::models::inventory::{
    Adjustment, AdjustmentRequest, InventoryItem, ItemKey, Location, TransactionResponse,
};
use crate::paging::{MAX_V3_PAGE_SIZE, V3Page};

/// The most items one adjustment request may carry. Callers split larger batches, grouped by
/// location as BigCommerce recommends (e.g. 2000 items at one location, or 200 at each of 10).
pub const MAX_ADJUSTMENT_ITEMS: usize = 2000;

/// Filters and paging for `GET /v3/inventory/items`.
///
/// An empty list means "no filter on this field" and is left out of the request, so the
/// unfiltered query lists every item of the store. Ids and SKUs go into the URL: keep each list
/// to a few hundred entries. A SKU containing a comma can't be asked for, since the list is
/// comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryItemsQuery {
    /// 1-based.
    pub page: u32,
    /// Items per page; `Default` asks for [`MAX_V3_PAGE_SIZE`].
    pub limit: u32,
    /// `variant_id:in`.
    pub variant_ids: Vec<u64>,
    /// `product_id:in`.
    pub product_ids: Vec<u64>,
    /// `sku:in`.
    pub skus: Vec<String>,
    /// `location_id:in`: which locations each item lists, not which items are listed.
    pub location_ids: Vec<u64>,
}

impl Default for InventoryItemsQuery {
    fn default() -> Self {
        InventoryItemsQuery {
            page: 1,
            limit: MAX_V3_PAGE_SIZE,
            variant_ids: Vec::new(),
            product_ids: Vec::new(),
            skus: Vec::new(),
            location_ids: Vec::new(),
        }
    }
}

impl InventoryItemsQuery {
    /// The query string pairs, in a fixed order.
    fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut query = page_query(self.page, self.limit);
        if !self.variant_ids.is_empty() {
            query.push(("variant_id:in", comma_list(&self.variant_ids)));
        }
        if !self.product_ids.is_empty() {
            query.push(("product_id:in", comma_list(&self.product_ids)));
        }
        if !self.skus.is_empty() {
            query.push(("sku:in", self.skus.join(",")));
        }
        if !self.location_ids.is_empty() {
            query.push(("location_id:in", comma_list(&self.location_ids)));
        }
        query
    }
}

impl StoreClient {
    /// `PUT v3/inventory/adjustments/absolute`: sets each item's on-hand count at its location
    /// and answers BigCommerce's `transaction_id`. BigCommerce's recommended way to write stock.
    ///
    /// Retried after timeouts, 5xx and transport errors like every PUT: setting the same counts
    /// twice leaves the same stock. (A relative adjustment or order landing in between could be
    /// overwritten by the repeat, but equally by the first attempt arriving late.)
    ///
    /// At most [`MAX_ADJUSTMENT_ITEMS`] items; callers split larger batches. Exceeding it is a
    /// bug in the caller, so debug builds panic; release builds send the request and return
    /// BigCommerce's rejection. A 422 rejects the whole request; [`rejected_item_indexes`] and
    /// [`rejected_identities`] say which items were at fault when BigCommerce does.
    pub async fn adjust_absolute(
        &self,
        reason: Option<&str>,
        items: &[Adjustment],
    ) -> Result<String, BcError> {
        debug_assert!(
            items.len() <= MAX_ADJUSTMENT_ITEMS,
            "{} adjustment items; BigCommerce takes at most {MAX_ADJUSTMENT_ITEMS} per request",
            items.len()
        );
        let answer: TransactionResponse = self
            .put_json(
                "v3/inventory/adjustments/absolute",
                &AdjustmentRequest { reason, items },
            )
            .await?;
        Ok(answer.transaction_id)
    }

    /// `POST v3/inventory/adjustments/relative`: adds each item's `quantity` (negative to take
    /// stock away) at its location and answers BigCommerce's `transaction_id`. Rejected (422)
    /// if it would take stock below the safety stock, or for an item that has never had an
    /// absolute adjustment.
    ///
    /// Never retried automatically (except after a 429, which BigCommerce did not process):
    /// a repeat after a lost answer would apply the change twice, and BigCommerce has no
    /// idempotency key to spot that. A [`BcError::Timeout`], transport error or 5xx therefore
    /// means "may have happened"; since reads lag behind writes, the safe recovery is usually
    /// an [`StoreClient::adjust_absolute`] with the count the caller knows to be right.
    ///
    /// At most [`MAX_ADJUSTMENT_ITEMS`] items, as for [`StoreClient::adjust_absolute`].
    pub async fn adjust_relative(
        &self,
        reason: Option<&str>,
        items: &[Adjustment],
    ) -> Result<String, BcError> {
        debug_assert!(
            items.len() <= MAX_ADJUSTMENT_ITEMS,
            "{} adjustment items; BigCommerce takes at most {MAX_ADJUSTMENT_ITEMS} per request",
            items.len()
        );
        let answer: TransactionResponse = self
            .post_json(
                "v3/inventory/adjustments/relative",
                &AdjustmentRequest { reason, items },
            )
            .await?;
        Ok(answer.transaction_id)
    }

    /// `GET v3/inventory/items`: one page of items with their stock at each location.
    pub async fn inventory_items_page(
        &self,
        query: &InventoryItemsQuery,
    ) -> Result<V3Page<InventoryItem>, BcError> {
        self.get_v3_page("v3/inventory/items", &query.to_query())
            .await
    }

    /// `GET v3/inventory/locations`, all pages, enabled or not; a store has at most 100 active
    /// locations.
    pub async fn inventory_locations(&self) -> Result<Vec<Location>, BcError> {
        self.collect_v3("v3/inventory/locations", &[], |location: &Location| {
            location.id
        })
        .await
    }
}

/// The positions (into the `items` sent) of the adjustment items a 422 names in its `errors`
/// keys (`items.3`, `items.3.quantity`, `items[3]`, `items[3].sku`), ascending, without repeats.
///
/// Empty for any other error, including a 422 that names no item: BigCommerce rejects the whole
/// request either way, so with nothing named the caller has to split the batch to find the
/// culprit. See also [`rejected_identities`].
pub fn rejected_item_indexes(error: &BcError) -> Vec<usize> {
    let BcError::Validation { fields, .. } = error else {
        return Vec::new();
    };
    let mut indexes: Vec<usize> = fields.keys().filter_map(|key| item_index(key)).collect();
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}

/// The items a 422's title names in brackets, as BigCommerce writes them:
/// `[Item with variant_id 106 is tracked by product, please update stock by product id]` or
/// `Items with identity: [product_id 113, variant_id 7] requires absolute adjustment before
/// relative`. In the order named, without repeats.
///
/// A key counts only where it opens a list entry (first in the brackets, after a comma or
/// colon, or after `with`), so prose such as "update stock by sku" isn't read as an item. A SKU
/// is read up to the next space or comma; SKUs containing those can't be recovered.
///
/// Empty for any other error. See also [`rejected_item_indexes`].
pub fn rejected_identities(error: &BcError) -> Vec<ItemKey> {
    let BcError::Validation { message, .. } = error else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    for list in bracketed(message) {
        for key in identities_in(list) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// `items.3…` or `items[3]…` → 3.
fn item_index(key: &str) -> Option<usize> {
    let rest = key.strip_prefix("items")?;
    let (digits, tail) = if let Some(rest) = rest.strip_prefix('.') {
        split_digits(rest)
    } else {
        let (digits, tail) = split_digits(rest.strip_prefix('[')?);
        (digits, tail.strip_prefix(']')?)
    };
    // `items.3x` is some other field, not item 3.
    if !(tail.is_empty() || tail.starts_with('.') || tail.starts_with('[')) {
        return None;
    }
    digits.parse().ok()
}

fn split_digits(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(end)
}

/// The text between each `[` and the next `]`.
fn bracketed(message: &str) -> impl Iterator<Item = &str> {
    message.split('[').skip(1).filter_map(|after| {
        let end = after.find(']')?;
        Some(&after[..end])
    })
}

fn identities_in(list: &str) -> Vec<ItemKey> {
    let tokens: Vec<&str> = list.split_whitespace().collect();
    let mut keys = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let opens_entry = i == 0 || {
            let previous = tokens[i - 1];
            previous.ends_with(',')
                || previous.ends_with(':')
                || previous.eq_ignore_ascii_case("with")
        };
        let (name, inline_value) = match tokens[i].split_once([':', '=']) {
            Some((name, value)) => (name, Some(value).filter(|v| !v.is_empty())),
            None => (tokens[i], None),
        };
        let value = match inline_value {
            Some(value) => Some(value),
            None => tokens.get(i + 1).copied(),
        };
        let key = match (opens_entry, value) {
            (true, Some(value)) => item_key(name, clean_value(value)),
            _ => None,
        };
        match key {
            Some(key) => {
                keys.push(key);
                i += if inline_value.is_some() { 1 } else { 2 };
            }
            None => i += 1,
        }
    }
    keys
}

fn item_key(name: &str, value: &str) -> Option<ItemKey> {
    if value.is_empty() {
        return None;
    }
    if name.eq_ignore_ascii_case("variant_id") {
        value.parse().ok().map(ItemKey::Variant)
    } else if name.eq_ignore_ascii_case("product_id") {
        value.parse().ok().map(ItemKey::Product)
    } else if name.eq_ignore_ascii_case("sku") {
        Some(ItemKey::Sku(value.to_owned()))
    } else {
        None
    }
}

/// `113,` → `113`; `"RE-130"` → `RE-130`.
fn clean_value(value: &str) -> &str {
    value
        .trim_end_matches([',', ';'])
        .trim_matches(|c| c == '"' || c == '\'')
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn validation(message: &str, fields: &[&str]) -> BcError {
        BcError::Validation {
            request: "PUT v3/inventory/adjustments/absolute".into(),
            status: 422,
            message: message.into(),
            fields: fields
                .iter()
                .map(|field| ((*field).to_owned(), "invalid".to_owned()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn item_indexes_come_from_dotted_and_bracketed_keys() {
        let err = validation(
            "Payload contains invalid fields",
            &[
                "items.3",
                "items.12.quantity",
                "items[0]",
                "items[7].sku",
                "items.3.location_id",
            ],
        );
        assert_eq!(rejected_item_indexes(&err), vec![0, 3, 7, 12]);
    }

    #[test]
    fn keys_that_name_no_item_are_ignored() {
        let err = validation(
            "Payload contains invalid fields",
            &[
                "items",
                "items.",
                "items.x",
                "items.3x",
                "items[4",
                "items[]",
                "itemsx.1",
                "reason",
                "setting.0.settings",
                "items.99999999999999999999999",
            ],
        );
        assert_eq!(rejected_item_indexes(&err), Vec::<usize>::new());
    }

    #[test]
    fn other_errors_reject_no_items() {
        let server = BcError::Server {
            status: 500,
            message: "[Item with variant_id 106 is tracked by product]".into(),
        };
        assert!(rejected_item_indexes(&server).is_empty());
        assert!(rejected_identities(&server).is_empty());
        assert!(
            rejected_identities(&validation("Missing Required Fields", &["items.1"])).is_empty()
        );
    }

    #[test]
    fn tracking_mode_title_names_the_variant() {
        let err = validation(
            "[Item with variant_id 106 is tracked by product, please update stock by product id]",
            &[],
        );
        assert_eq!(rejected_identities(&err), vec![ItemKey::Variant(106)]);
    }

    #[test]
    fn absolute_before_relative_title_names_every_listed_item() {
        let err = validation(
            "Items with identity: [product_id 113] requires absolute adjustment before relative",
            &[],
        );
        assert_eq!(rejected_identities(&err), vec![ItemKey::Product(113)]);

        let err = validation(
            "Items with identity: [product_id 113, variant_id 7, sku RE-130, product_id 113] requires absolute adjustment before relative",
            &[],
        );
        assert_eq!(
            rejected_identities(&err),
            vec![
                ItemKey::Product(113),
                ItemKey::Variant(7),
                ItemKey::Sku("RE-130".into())
            ]
        );
    }

    #[test]
    fn several_tracking_mode_items_in_one_list() {
        let err = validation(
            "[Item with variant_id 106 is tracked by product, please update stock by product id, Item with sku RE-1 is tracked by product, please update stock by sku or product id]",
            &[],
        );
        assert_eq!(
            rejected_identities(&err),
            vec![ItemKey::Variant(106), ItemKey::Sku("RE-1".into())],
            "\"by sku or\" is prose, not an item"
        );
    }

    #[test]
    fn several_bracketed_lists_and_inline_values() {
        let err = validation(
            "[Item with variant_id 1 is tracked by product]: [variant_id:2, sku=\"A B\", product_id 3;]",
            &[],
        );
        assert_eq!(
            rejected_identities(&err),
            vec![
                ItemKey::Variant(1),
                ItemKey::Variant(2),
                ItemKey::Sku("A".into()),
                ItemKey::Product(3)
            ],
            "a SKU is cut at a space, as documented"
        );
    }

    #[test]
    fn unreadable_or_unbracketed_identities_are_skipped() {
        for message in [
            "Item with variant_id 106 is tracked by product",
            "[variant_id abc, product_id -4, sku]",
            "[Item with variant_id",
            "[]",
            "",
        ] {
            assert_eq!(
                rejected_identities(&validation(message, &[])),
                Vec::<ItemKey>::new(),
                "{message}"
            );
        }
    }

    #[test]
    fn items_query_leaves_out_empty_filters() {
        assert_eq!(
            InventoryItemsQuery::default().to_query(),
            vec![("page", "1".to_owned()), ("limit", "250".to_owned())]
        );
        let query = InventoryItemsQuery {
            page: 2,
            limit: 50,
            variant_ids: vec![1, 2],
            product_ids: vec![3],
            skus: vec!["A-1".into(), "B 2".into()],
            location_ids: vec![1, 4],
        };
        assert_eq!(
            query.to_query(),
            vec![
                ("page", "2".to_owned()),
                ("limit", "50".to_owned()),
                ("variant_id:in", "1,2".to_owned()),
                ("product_id:in", "3".to_owned()),
                ("sku:in", "A-1,B 2".to_owned()),
                ("location_id:in", "1,4".to_owned()),
            ]
        );
    }
}
