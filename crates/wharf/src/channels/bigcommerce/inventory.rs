//! The store's inventory levels: reading BigCommerce's inventory items as wharf's
//! [`RemoteItem`]s, a page at a time, and setting levels in batches.

use bigcommerce::{
    Adjustment, BcError, InventoryItem, InventoryItemsQuery, ItemKey, MAX_V3_PAGE_SIZE, PageBound,
    PageWalk, StoreClient,
};

use crate::domain::inventory::ItemKind;

/// One item as BigCommerce counts it: which catalog object, and its on-hand count per location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteItem {
    pub variant_id: Option<i64>,
    pub product_id: Option<i64>,
    /// Empty when the item has no SKU.
    pub sku: String,
    pub levels: Vec<RemoteLevel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteLevel {
    pub location_id: i64,
    pub on_hand: i64,
}

/// Every inventory item of the store, a page of 250 at a time; the walk is bounded
/// (`bigcommerce::PageBound`), so a server that keeps announcing pages ends it with an error.
pub struct InventoryItemPages<'a> {
    client: &'a StoreClient,
    page: u32,
    bound: PageBound,
    finished: bool,
}

impl<'a> InventoryItemPages<'a> {
    pub fn new(client: &'a StoreClient) -> Self {
        InventoryItemPages {
            client,
            page: 1,
            bound: PageBound::new("v3/inventory/items", PageWalk::Numbered),
            finished: false,
        }
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Vec<RemoteItem>>, BcError> {
        if self.finished {
            return Ok(None);
        }
        let query = InventoryItemsQuery {
            page: self.page,
            limit: MAX_V3_PAGE_SIZE,
            ..InventoryItemsQuery::default()
        };
        let page = self.client.inventory_items_page(&query).await?;
        self.finished = !self.bound.after_v3_page(&page, MAX_V3_PAGE_SIZE, row_id)?;
        self.page += 1;
        if page.data.is_empty() {
            return Ok(None);
        }
        Ok(Some(page.data.into_iter().map(to_remote_item).collect()))
    }
}

/// Items have no id of their own: a variant's id, else its product's, names one.
fn row_id(item: &InventoryItem) -> u64 {
    item.identity
        .variant_id
        .or(item.identity.product_id)
        .unwrap_or_default()
}

fn to_remote_item(item: InventoryItem) -> RemoteItem {
    RemoteItem {
        variant_id: item.identity.variant_id.map(|id| id as i64),
        product_id: item.identity.product_id.map(|id| id as i64),
        sku: item.identity.sku,
        levels: item
            .locations
            .iter()
            .map(|location| RemoteLevel {
                location_id: location.location_id as i64,
                on_hand: location.total_inventory_onhand,
            })
            .collect(),
    }
}

/// The most levels one request may set.
pub const MAX_LEVELS_PER_REQUEST: usize = bigcommerce::MAX_ADJUSTMENT_ITEMS;

/// Why levels are set, as BigCommerce records it with each adjustment.
const ADJUSTMENT_REASON: &str = "wharf: vendor stock";

/// A level to set: an item (a variant, or a product tracked as a whole, by its BigCommerce id)
/// at one location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelToSet {
    pub kind: ItemKind,
    pub external_id: i64,
    pub location_id: i64,
    pub quantity: i64,
}

/// What BigCommerce made of a batch of levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LevelsSet {
    /// All of them are set.
    Applied,
    /// None of them is set: BigCommerce refused the batch (422) for the levels at `refused`
    /// (positions in the batch; empty when it did not say which), with its whole refusal.
    Refused {
        refused: Vec<usize>,
        message: String,
    },
}

/// Sets the levels' on-hand counts (`PUT /v3/inventory/adjustments/absolute`), at most
/// [`MAX_LEVELS_PER_REQUEST`] at once. A refusal is an answer, not an error: it says which
/// levels BigCommerce named, by index (`items.N`) or else by identity (its title lists them).
pub async fn set_levels(client: &StoreClient, levels: &[LevelToSet]) -> Result<LevelsSet, BcError> {
    let adjustments: Vec<Adjustment> = levels.iter().map(adjustment).collect();
    match client
        .adjust_absolute(Some(ADJUSTMENT_REASON), &adjustments)
        .await
    {
        Ok(_) => Ok(LevelsSet::Applied),
        Err(refusal @ BcError::Validation { .. }) => Ok(LevelsSet::Refused {
            refused: refused_indexes(&refusal, &adjustments),
            message: refusal.to_string(),
        }),
        Err(error) => Err(error),
    }
}

fn adjustment(level: &LevelToSet) -> Adjustment {
    Adjustment {
        location_id: level.location_id as u64,
        item: match level.kind {
            ItemKind::Variant => ItemKey::Variant(level.external_id as u64),
            ItemKind::Product => ItemKey::Product(level.external_id as u64),
        },
        quantity: level.quantity,
    }
}

/// Which adjustments a 422 names: by index (`items.N` in its errors), else by identity (its
/// title lists them).
fn refused_indexes(error: &BcError, adjustments: &[Adjustment]) -> Vec<usize> {
    let mut indexes: Vec<usize> = bigcommerce::rejected_item_indexes(error)
        .into_iter()
        .filter(|&i| i < adjustments.len())
        .collect();
    if indexes.is_empty() {
        let named = bigcommerce::rejected_identities(error);
        indexes = adjustments
            .iter()
            .enumerate()
            .filter(|(_, a)| named.contains(&a.item))
            .map(|(i, _)| i)
            .collect();
    }
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}
