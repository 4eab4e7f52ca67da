//! Adding stores, listing them, and Connect.

use bigcommerce::StoreClient;
use secrecy::SecretString;
use serde::Serialize;

use super::App;
use super::error::AppError;
use crate::channels::bigcommerce::connect::check_connection;
use crate::db::{self, DbError, stores::NewStoreRow, stores::StoreRecord, stores::StoreRef};
use crate::domain::connection::{CheckResult, ConnectionStatus};
use crate::domain::store::{HashInUse, NewStore, NewStoreInput, StoreUrl, last4, masked};
use crate::domain::{FieldError, FieldErrors};

pub(super) const CLIENT_SECRET: &str = "stores.client_secret";
pub(super) const ACCESS_TOKEN: &str = "stores.access_token";

/// A store as shown to people and API clients: secrets masked to their last four characters.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoreView {
    pub id: i64,
    pub name: String,
    pub auth_type: String,
    pub store_url: String,
    pub store_hash: String,
    pub client_id: String,
    pub client_secret: String,
    pub access_token: String,
    pub connection: ConnectionView,
    /// BigCommerce status ids whose orders create purchase orders.
    pub routed_status_ids: Vec<i64>,
    /// The older store that has this store's hash, when one does (the same BigCommerce store
    /// added twice, before wharf refused it): this one then neither connects nor syncs.
    pub store_hash_used_by: Option<StoreRef>,
    /// Disabled by the operator: no syncs, pushes, polls or jobs until enabled again.
    pub disabled: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConnectionView {
    pub status: ConnectionStatus,
    pub label: &'static str,
    /// RFC 3339, UTC.
    pub checked_at: Option<String>,
    /// One line per failed check.
    pub failures: Vec<String>,
    pub checks: Vec<CheckResult>,
}

impl StoreView {
    pub(super) fn from_record(record: &StoreRecord) -> Self {
        // Whatever an earlier Connect recorded (both copies of a store connected green before
        // hashes were unique), a store whose hash another holds is shown as Connect finds it.
        let (status, report) = match hash_held_by_another(record) {
            Some(in_use) => {
                let report = in_use.connection_report();
                (report.status(), report)
            }
            None => (record.connection_status, record.connection_report.clone()),
        };
        StoreView {
            id: record.id,
            name: record.name.clone(),
            auth_type: record.auth_type.clone(),
            store_url: format!("https://{}", record.store_url),
            store_hash: record.store_hash.clone(),
            client_id: record.client_id.clone(),
            client_secret: masked(&record.client_secret_last4),
            access_token: masked(&record.access_token_last4),
            connection: ConnectionView {
                status,
                label: status.label(),
                checked_at: record
                    .last_checked_at_ms
                    .map(|ms| db::to_timestamp(ms).to_string()),
                failures: report.failures(),
                checks: report.checks,
            },
            routed_status_ids: record.routed_status_ids.clone(),
            store_hash_used_by: record.hash_used_by.clone(),
            disabled: record.disabled_at_ms.is_some(),
        }
    }

    /// Why wharf does not talk to BigCommerce for this store, if it does not.
    pub fn hash_in_use_reason(&self) -> Option<String> {
        self.store_hash_used_by.as_ref().map(|holder| {
            HashInUse {
                store_hash: self.store_hash.clone(),
                used_by: holder.name.clone(),
                by_vendor: false,
            }
            .reason()
        })
    }

    /// "11, 9", as the store page's field shows it.
    pub fn routed_statuses_text(&self) -> String {
        self.routed_status_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Connected and enabled: what the schedulers sync.
    pub fn is_connected(&self) -> bool {
        self.connection.status == ConnectionStatus::Connected && !self.disabled
    }
}

impl App {
    /// Validates every field and saves the store with its secrets sealed. Nothing is saved when
    /// any field is invalid or the name is taken.
    pub async fn add_store(&self, input: &NewStoreInput) -> Result<StoreView, AppError> {
        let parsed = NewStore::parse(input);
        let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
        let name_for_check = input.name.trim();
        if errors.for_field("name").is_none()
            && db::stores::name_taken(&self.db, name_for_check).await?
        {
            errors.push(duplicate_name(name_for_check));
        }
        // Checked here to report it with the other fields; the insert's claim is what holds
        // against a concurrent add.
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
            vendor_id: None,
        };
        let id = match db::stores::insert(&self.db, &row).await {
            Ok(id) => id,
            // Another request took the name or the hash between the check and the insert.
            Err(DbError::Duplicate("store_hash")) => {
                let hash = store.store_hash.as_str();
                let error = match self.hash_in_use(hash).await? {
                    Some(in_use) => in_use.field_error(),
                    None => FieldError::new(
                        "store_hash",
                        format!(
                            "Store hash {hash} was just added as another store: see the store list"
                        ),
                    ),
                };
                return Err(AppError::Invalid(FieldErrors(vec![error])));
            }
            Err(DbError::Duplicate(_)) => {
                return Err(AppError::Invalid(FieldErrors(vec![duplicate_name(
                    store.name.as_str(),
                )])));
            }
            Err(e) => return Err(e.into()),
        };
        tracing::info!(store_id = id, store = %store.name.as_str(), hash = %store.store_hash.as_str(), "store added");
        self.store(id).await
    }

    pub async fn list_stores(&self) -> Result<Vec<StoreView>, AppError> {
        Ok(db::stores::list(&self.db)
            .await?
            .iter()
            .map(StoreView::from_record)
            .collect())
    }

    pub async fn store(&self, id: i64) -> Result<StoreView, AppError> {
        Ok(StoreView::from_record(&self.store_record(id).await?))
    }

    /// A store by its name (case-insensitive) or, failing that, its numeric id: the CLI's handle.
    pub async fn find_store(&self, name_or_id: &str) -> Result<StoreView, AppError> {
        if let Some(record) = db::stores::find_by_name(&self.db, name_or_id).await? {
            return Ok(StoreView::from_record(&record));
        }
        let unknown = || AppError::NoneNamed {
            what: "store",
            name: name_or_id.to_owned(),
        };
        match name_or_id.parse::<i64>() {
            Ok(id) => self.store(id).await.map_err(|_| unknown()),
            Err(_) => Err(unknown()),
        }
    }

    /// Runs every Connect check live against the store and records the outcome. A store whose
    /// hash an older store has is red without asking BigCommerce anything.
    pub async fn connect_store(&self, id: i64) -> Result<StoreView, AppError> {
        let record = self.store_record(id).await?;
        let report = match hash_held_by_another(&record) {
            Some(in_use) => in_use.connection_report(),
            None => {
                let client = self.store_client(&record)?;
                let store_url = StoreUrl::parse(&record.store_url)
                    .map_err(|e| DbError::Corrupt(e.to_string()))?;
                check_connection(&client, &store_url).await
            }
        };
        let mut tx = self.db.begin().await?;
        db::stores::record_connection(&mut tx, id, &report, db::now_ms()).await?;
        // Green and reachable from BigCommerce: register the order webhooks (a remote write, so
        // a job, queued with the state change that calls for it).
        if report.status() == ConnectionStatus::Connected && self.public_url.is_some() {
            self.queue_webhook_registration(&mut tx, id).await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        tracing::info!(
            store_id = id,
            status = report.status().as_str(),
            failed_checks = report.failures().len(),
            "connection checked"
        );
        self.store(id).await
    }

    /// A BigCommerce client for this store, its token opened in memory only. Refused
    /// (`Conflict`, with the reason) for a store whose hash an older store has: every flow that
    /// reads or writes BigCommerce gets its client here, so such a store syncs nothing,
    /// whichever job or command asks.
    pub fn store_client(&self, record: &StoreRecord) -> Result<StoreClient, AppError> {
        if record.disabled_at_ms.is_some() {
            return Err(AppError::Conflict(format!(
                "Store “{}” is disabled: enable it to sync it again",
                record.name
            )));
        }
        self.enabled_or_not_client(record)
    }

    /// The client even of a disabled store: only for removing its webhooks.
    pub(super) fn enabled_or_not_client(
        &self,
        record: &StoreRecord,
    ) -> Result<StoreClient, AppError> {
        if let Some(in_use) = hash_held_by_another(record) {
            return Err(AppError::Conflict(in_use.reason()));
        }
        let token: SecretString = self
            .cipher
            .open(ACCESS_TOKEN, &record.access_token_sealed)?;
        Ok(self.bigcommerce.store(&record.store_hash, token))
    }

    /// The client of a removed store, from the access its removal set aside: only for
    /// removing its webhooks.
    pub(super) fn removed_store_client(
        &self,
        access: &db::store_removals::RemovedStoreAccess,
    ) -> Result<StoreClient, AppError> {
        let token: SecretString = self
            .cipher
            .open(ACCESS_TOKEN, &access.access_token_sealed)?;
        Ok(self.bigcommerce.store(&access.store_hash, token))
    }

    /// The client of a stored store, sales or a vendor's own, for what both kinds share
    /// (webhooks, the vendor store's flows): `NotFound` for a store that is gone, `Conflict`
    /// for one that may not sync (see `store_client`).
    pub async fn client_for(&self, store_id: i64) -> Result<StoreClient, AppError> {
        let record = db::stores::get_any(&self.db, store_id)
            .await?
            .ok_or_else(|| AppError::not_found("store", store_id))?;
        self.store_client(&record)
    }

    /// The client of a sales store, for the selling jobs (orders, shipments, catalog, stock
    /// push, drift): a vendor's own store is `NotFound` here, so none of them ever runs for
    /// one, whatever queued it.
    pub async fn sales_client_for(&self, store_id: i64) -> Result<StoreClient, AppError> {
        let record = db::stores::get(&self.db, store_id)
            .await?
            .ok_or_else(|| AppError::not_found("store", store_id))?;
        self.store_client(&record)
    }

    /// The store, if wharf may sync it: a store whose hash an older store has answers
    /// `Conflict` with the reason (for commands that would otherwise fail deep in a sync).
    pub async fn syncable_store(&self, id: i64) -> Result<StoreView, AppError> {
        let store = self.store(id).await?;
        match store.hash_in_use_reason() {
            Some(reason) => Err(AppError::Conflict(reason)),
            None => Ok(store),
        }
    }

    /// Logs a warning for every store whose hash an older store has (the same BigCommerce
    /// store added twice before wharf refused it), naming both: run at every start, so the
    /// operator hears of it even if nobody opens the store's page.
    pub async fn warn_of_shared_store_hashes(&self) -> Result<(), AppError> {
        for shared in db::stores::shared_hashes(&self.db).await? {
            tracing::warn!(
                store_hash = %shared.store_hash,
                store_id = shared.store.id,
                used_by_id = shared.used_by.id,
                "stores “{}” and “{}” have the same store hash {}: only “{}”, the older, connects \
                 and syncs; “{}” stays disconnected so that the store's orders are not imported twice",
                shared.used_by.name,
                shared.store.name,
                shared.store_hash,
                shared.used_by.name,
                shared.store.name,
            );
        }
        Ok(())
    }

    /// The store that holds `store_hash` already, as the reason another may not have it.
    pub(super) async fn hash_in_use(
        &self,
        store_hash: &str,
    ) -> Result<Option<HashInUse>, AppError> {
        Ok(db::stores::hash_holder(&self.db, store_hash)
            .await?
            .map(|holder| HashInUse {
                store_hash: store_hash.to_owned(),
                used_by: holder.name,
                by_vendor: holder.vendor_id.is_some(),
            }))
    }

    pub(super) async fn store_record(&self, id: i64) -> Result<StoreRecord, AppError> {
        db::stores::get(&self.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "store",
                id: id.to_string(),
            })
    }
}

/// Why this store may not talk to BigCommerce, when another store holds its hash.
fn hash_held_by_another(record: &StoreRecord) -> Option<HashInUse> {
    record.hash_used_by.as_ref().map(|holder| HashInUse {
        store_hash: record.store_hash.clone(),
        used_by: holder.name.clone(),
        by_vendor: false,
    })
}

pub(super) fn duplicate_name(name: &str) -> FieldError {
    FieldError::new("name", format!("A store named {name:?} already exists"))
}
