//! Connecting a vendor's own store: saving its credentials (sealed; a blank secret keeps the
//! stored one), Connect with the vendor scope set, its settings, and Disconnect.

use super::{App, VendorStore};
use crate::app::error::AppError;
use crate::app::jobs::WebhookRemoval;
use crate::app::stores::{ACCESS_TOKEN, CLIENT_SECRET};
use crate::channels::bigcommerce::connect::check_connection_for;
use crate::channels::bigcommerce::locations::{StoreLocation, enabled_locations};
use crate::db::{self, DbError, stores::NewStoreRow};
use crate::domain::connection::{ConnectionStatus, RequiredScope};
use crate::domain::store::{NewStore, NewStoreInput, StoreUrl, last4};
use crate::domain::store_removal::OrdersOnRemoval;
use crate::domain::vendor_store::{VendorStoreInput, VendorStoreSettingsInput};
use crate::domain::{FieldError, FieldErrors};

/// The internal `stores.name` of a vendor's store: never shown, and outside the sales stores'
/// names (their uniqueness covers sales stores only).
fn internal_store_name(vendor_id: i64) -> String {
    format!("vendor {vendor_id} store")
}

impl App {
    /// Saves the vendor's store: added on the first save (every field required), edited after
    /// (a blank secret keeps the stored one; new credentials leave it unchecked). A hash that
    /// is a sales store or another vendor's store is refused on its field.
    pub async fn save_vendor_store(
        &self,
        vendor_id: i64,
        input: &VendorStoreInput,
    ) -> Result<VendorStore, AppError> {
        self.vendor_record(vendor_id).await?;
        match db::stores::get_by_vendor(&self.db, vendor_id).await? {
            Some(record) => self.save_store_edit(&record, &input.as_edit()).await?,
            None => self.add_vendor_store(vendor_id, input).await?,
        }
        self.existing_vendor_store(vendor_id).await
    }

    async fn add_vendor_store(
        &self,
        vendor_id: i64,
        input: &VendorStoreInput,
    ) -> Result<(), AppError> {
        let text = |field: &Option<String>| field.clone().unwrap_or_default();
        let input = NewStoreInput {
            name: internal_store_name(vendor_id),
            store_url: text(&input.store_url),
            store_hash: text(&input.store_hash),
            api_path: text(&input.api_path),
            client_id: text(&input.client_id),
            client_secret: text(&input.client_secret),
            access_token: text(&input.access_token),
            auth_type: "private".to_owned(),
        };
        let parsed = NewStore::parse(&input);
        let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
        if let Ok(store) = &parsed
            && let Some(in_use) = self.hash_in_use(store.store_hash.as_str()).await?
        {
            errors.push(in_use.field_error());
        }
        let store = match parsed {
            Ok(store) if errors.is_empty() => store,
            _ => return Err(AppError::Invalid(errors)),
        };
        let client_secret_sealed = self.cipher.seal(CLIENT_SECRET, &store.client_secret);
        let access_token_sealed = self.cipher.seal(ACCESS_TOKEN, &store.access_token);
        let row = NewStoreRow {
            name: store.name.as_str(),
            auth_type: store.auth_type.as_str(),
            store_url: store.store_url.host(),
            store_hash: store.store_hash.as_str(),
            client_id: &store.client_id,
            client_secret_sealed: &client_secret_sealed,
            client_secret_last4: &last4(&store.client_secret),
            access_token_sealed: &access_token_sealed,
            access_token_last4: &last4(&store.access_token),
            vendor_id: Some(vendor_id),
        };
        match db::stores::insert(&self.db, &row).await {
            Ok(store_id) => {
                tracing::info!(store_id, vendor_id, "vendor store added");
                Ok(())
            }
            // Another request took the hash between the check and the insert.
            Err(DbError::Duplicate("store_hash")) => {
                let hash = store.store_hash.as_str();
                let error = match self.hash_in_use(hash).await? {
                    Some(in_use) => in_use.field_error(),
                    None => FieldError::new(
                        "store_hash",
                        format!("Store hash {hash} was just added as another store"),
                    ),
                };
                Err(AppError::Invalid(FieldErrors(vec![error])))
            }
            Err(DbError::Duplicate(_)) => Err(AppError::Conflict(
                "This vendor's store was just saved by another request: reload to see it"
                    .to_owned(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs Connect against the vendor's store with the scopes a vendor store needs and
    /// records the verdict; green with a public URL queues its webhook registration.
    pub async fn connect_vendor_store(&self, vendor_id: i64) -> Result<VendorStore, AppError> {
        let record = self.vendor_store_record(vendor_id).await?;
        let client = self.store_client(&record)?;
        let store_url =
            StoreUrl::parse(&record.store_url).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let report = check_connection_for(&client, &store_url, &RequiredScope::VENDOR).await;
        let mut tx = self.db.begin().await?;
        db::stores::record_connection(&mut tx, record.id, &report, db::now_ms()).await?;
        // A remote write, so a job, queued with the verdict that calls for it.
        if report.status() == ConnectionStatus::Connected && self.public_url.is_some() {
            self.queue_webhook_registration(&mut tx, record.id).await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        tracing::info!(
            store_id = record.id,
            vendor_id,
            status = report.status().as_str(),
            "vendor store connection checked"
        );
        self.existing_vendor_store(vendor_id).await
    }

    /// Changes the vendor store's settings; every bad field is named and nothing is saved.
    pub async fn update_vendor_store_settings(
        &self,
        vendor_id: i64,
        input: &VendorStoreSettingsInput,
    ) -> Result<VendorStore, AppError> {
        self.vendor_store_record(vendor_id).await?;
        let mut tx = self.db.begin().await?;
        let current = db::vendor_store_settings::get(&mut tx, vendor_id).await?;
        let next = input.apply(&current).map_err(AppError::Invalid)?;
        db::vendor_store_settings::save(&mut tx, vendor_id, &next).await?;
        tx.commit().await.map_err(DbError::from)?;
        self.existing_vendor_store(vendor_id).await
    }

    /// Forgets the vendor's store: its credentials and hash claim go (the same BigCommerce
    /// store may be connected again), the vendor and its settings stay, and its webhooks are
    /// removed by a job queued with the change, from the access set aside for it.
    pub async fn disconnect_vendor_store(&self, vendor_id: i64) -> Result<(), AppError> {
        let record = self.vendor_store_record(vendor_id).await?;
        let now = db::now_ms();
        let mut tx = self.db.begin().await?;
        // Removal takes only a disabled store: the same guard as the sales stores' removal.
        db::stores::set_disabled(&mut tx, record.id, Some(now)).await?;
        if db::store_removals::remove(&mut tx, record.id, OrdersOnRemoval::Keep, now)
            .await?
            .is_none()
        {
            return Err(AppError::Conflict(
                "The vendor's store was disconnected meanwhile".to_owned(),
            ));
        }
        WebhookRemoval::of_removed_store(record.id)
            .enqueue(&mut tx)
            .await?;
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        tracing::info!(store_id = record.id, vendor_id, "vendor store disconnected");
        Ok(())
    }

    /// The vendor store's enabled locations, for the stock location choice: empty when it has
    /// none wharf may read (its API account need not read locations).
    pub async fn vendor_store_locations(
        &self,
        vendor_id: i64,
    ) -> Result<Vec<StoreLocation>, AppError> {
        let (_, client) = self.vendor_store_client(vendor_id).await?;
        match enabled_locations(&client).await {
            Ok(locations) => Ok(locations),
            Err(e) => {
                tracing::info!(vendor_id, error = %e, "vendor store locations not readable");
                Ok(Vec::new())
            }
        }
    }

    async fn vendor_store_record(
        &self,
        vendor_id: i64,
    ) -> Result<db::stores::StoreRecord, AppError> {
        self.vendor_record(vendor_id).await?;
        db::stores::get_by_vendor(&self.db, vendor_id)
            .await?
            .ok_or_else(|| no_store(vendor_id))
    }

    async fn existing_vendor_store(&self, vendor_id: i64) -> Result<VendorStore, AppError> {
        self.vendor_store(vendor_id)
            .await?
            .ok_or_else(|| no_store(vendor_id))
    }

    async fn vendor_record(&self, vendor_id: i64) -> Result<db::vendors::VendorRecord, AppError> {
        db::vendors::get(&self.db, vendor_id)
            .await?
            .ok_or_else(|| AppError::not_found("vendor", vendor_id))
    }
}

fn no_store(vendor_id: i64) -> AppError {
    AppError::NotFound {
        what: "vendor store",
        id: vendor_id.to_string(),
    }
}
