//! A store's inventory locations, as a person picks one (a vendor store's stock location).

use bigcommerce::{BcError, StoreClient};

/// A location a person can choose.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoreLocation {
    pub id: i64,
    /// The merchant's label, or its code when it has none.
    pub label: String,
}

/// The store's enabled locations (BigCommerce allows at most 100 active ones), by id.
pub async fn enabled_locations(client: &StoreClient) -> Result<Vec<StoreLocation>, BcError> {
    let mut locations: Vec<StoreLocation> = client
        .inventory_locations()
        .await?
        .into_iter()
        .filter(|location| location.enabled)
        .map(|location| StoreLocation {
            id: location.id as i64,
            label: if location.label.trim().is_empty() {
                location.code
            } else {
                location.label
            },
        })
        .collect();
    locations.sort_by_key(|location| location.id);
    Ok(locations)
}
