//! A vendor's own BigCommerce store: a row of `stores` with its vendor set, so it has the sales
//! stores' sealed credentials, hash claim, rate gate, API budget, webhook secret and receiver.
//! Everything about selling (orders, catalog import, stock push, drift) reads sales stores only
//! (`db::stores::get`, `list`); what both kinds share reads `get_any`. Its `stores.name` is
//! internal: people see the vendor's name.

mod connect;
mod hints;

use bigcommerce::StoreClient;
use serde::Serialize;

use super::App;
use super::error::AppError;
use super::stores::{ConnectionView, StoreView};
use crate::db::{self, stores::StoreRecord};
use crate::domain::connection::RequiredScope;
use crate::domain::vendor_store::VendorStoreSettings;

/// A vendor's store as shown to people and API clients: secrets masked, never its internal name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorStore {
    pub vendor_id: i64,
    pub vendor_name: String,
    /// The `stores` row: what its webhooks, jobs and budget are keyed by.
    pub store_id: i64,
    pub store_url: String,
    pub store_hash: String,
    pub client_id: String,
    /// Masked to the last four characters.
    pub client_secret: String,
    /// Masked to the last four characters.
    pub access_token: String,
    pub connection: ConnectionView,
    pub settings: VendorStoreSettings,
    /// Which scopes to tick for the vendor's API account, and where, in words.
    pub scopes_to_tick: String,
}

impl VendorStore {
    /// Connected green: what the vendor-store flows may use.
    pub fn is_connected(&self) -> bool {
        self.connection.status == crate::domain::connection::ConnectionStatus::Connected
    }
}

impl App {
    /// The vendor's own store, if it connected one: `NotFound` for an unknown vendor.
    pub async fn vendor_store(&self, vendor_id: i64) -> Result<Option<VendorStore>, AppError> {
        let vendor = db::vendors::get(&self.db, vendor_id)
            .await?
            .ok_or_else(|| AppError::not_found("vendor", vendor_id))?;
        let Some(record) = db::stores::get_by_vendor(&self.db, vendor_id).await? else {
            return Ok(None);
        };
        Ok(Some(self.vendor_store_view(&record, vendor.name).await?))
    }

    /// Every vendor's own store, by vendor.
    pub async fn list_vendor_stores(&self) -> Result<Vec<VendorStore>, AppError> {
        let mut stores = Vec::new();
        for record in db::stores::list_vendor_stores(&self.db).await? {
            let Some(vendor_id) = record.vendor_id else {
                continue;
            };
            let Some(vendor) = db::vendors::get(&self.db, vendor_id).await? else {
                continue;
            };
            stores.push(self.vendor_store_view(&record, vendor.name).await?);
        }
        Ok(stores)
    }

    /// The vendor store's id and a client for it, through `client_for` (so a store whose hash
    /// another holds, or a disabled one, is refused there): `NotFound` when the vendor has no
    /// store.
    pub async fn vendor_store_client(
        &self,
        vendor_id: i64,
    ) -> Result<(i64, StoreClient), AppError> {
        let record = db::stores::get_by_vendor(&self.db, vendor_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "vendor store",
                id: vendor_id.to_string(),
            })?;
        Ok((record.id, self.client_for(record.id).await?))
    }

    /// The vendor whose own store this is; `None` for a sales store or one that is gone.
    pub async fn vendor_for_store(&self, store_id: i64) -> Result<Option<i64>, AppError> {
        let mut conn = self.db.pool().acquire().await.map_err(db::DbError::from)?;
        Ok(db::stores::vendor_of(&mut conn, store_id).await?)
    }

    async fn vendor_store_view(
        &self,
        record: &StoreRecord,
        vendor_name: String,
    ) -> Result<VendorStore, AppError> {
        let vendor_id = record.vendor_id.unwrap_or_default();
        let mut conn = self.db.pool().acquire().await.map_err(db::DbError::from)?;
        let settings = db::vendor_store_settings::get(&mut conn, vendor_id).await?;
        let store = StoreView::from_record(record);
        Ok(VendorStore {
            vendor_id,
            vendor_name,
            store_id: store.id,
            store_url: store.store_url,
            store_hash: store.store_hash,
            client_id: store.client_id,
            client_secret: store.client_secret,
            access_token: store.access_token,
            connection: store.connection,
            settings,
            scopes_to_tick: RequiredScope::how_to_grant(&RequiredScope::VENDOR),
        })
    }
}
