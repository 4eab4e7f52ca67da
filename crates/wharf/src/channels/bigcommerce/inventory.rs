//! Reading the store's inventory levels: BigCommerce's inventory items become wharf's
//! [`RemoteItem`]s, a page at a time.

use bigcommerce::{
    BcError, InventoryItem, InventoryItemsQuery, MAX_V3_PAGE_SIZE, PageBound, PageWalk, StoreClient,
};

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
