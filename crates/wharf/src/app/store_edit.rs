//! Editing a saved store: every field, with the add form's validation. A store saved with a
//! wrong hash or token is fixed here rather than re-added.

use secrecy::SecretString;

use super::App;
use super::error::AppError;
use super::stores::{ACCESS_TOKEN, CLIENT_SECRET, StoreView, duplicate_name};
use crate::db::{self, DbError, stores::StoreRecord, stores::StoreUpdateRow};
use crate::domain::store::{NewStoreInput, last4};
use crate::domain::store_edit::StoreEditInput;
use crate::domain::{FieldError, FieldErrors};

impl App {
    /// Applies the changes given and saves the store. Nothing is saved when any field is
    /// invalid, the name is another store's or the hash another store holds. New credentials
    /// (URL, hash, client id or a secret) leave the store unchecked: Connect runs again.
    pub async fn edit_store(&self, id: i64, edit: &StoreEditInput) -> Result<StoreView, AppError> {
        let record = self.store_record(id).await?;
        self.save_store_edit(&record, edit).await?;
        self.store(id).await
    }

    /// Saves an edit of a sales store or a vendor's own store (whose internal name no edit
    /// changes and no sales store's name can take).
    pub(super) async fn save_store_edit(
        &self,
        record: &StoreRecord,
        edit: &StoreEditInput,
    ) -> Result<(), AppError> {
        let id = record.id;
        let current = self.stored_input(record)?;
        let parsed = edit.apply(&current);
        let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
        if let Ok((store, _)) = &parsed {
            let name = store.name.as_str();
            if record.vendor_id.is_none()
                && db::stores::name_taken_by_another(&self.db, name, id).await?
            {
                errors.push(duplicate_name(name));
            }
            let hash = store.store_hash.as_str();
            if let Some(holder) = db::stores::hash_holder(&self.db, hash).await?
                && holder.store_id != id
                && !hash.eq_ignore_ascii_case(&record.store_hash)
            {
                errors.push(self.hash_in_use(hash).await?.map_or_else(
                    || FieldError::new("store_hash", format!("Store hash {hash} is in use")),
                    |in_use| in_use.field_error(),
                ));
            }
        }
        let (store, secrets) = match parsed {
            Ok(parsed) if errors.is_empty() => parsed,
            _ => return Err(AppError::Invalid(errors)),
        };
        let (secret_sealed, secret_last4) = match secrets.client_secret {
            true => (
                self.cipher.seal(CLIENT_SECRET, &store.client_secret),
                last4(&store.client_secret),
            ),
            false => (
                record.client_secret_sealed.clone(),
                record.client_secret_last4.clone(),
            ),
        };
        let (token_sealed, token_last4) = match secrets.access_token {
            true => (
                self.cipher.seal(ACCESS_TOKEN, &store.access_token),
                last4(&store.access_token),
            ),
            false => (
                record.access_token_sealed.clone(),
                record.access_token_last4.clone(),
            ),
        };
        let unverify = secrets.client_secret
            || secrets.access_token
            || store.store_url.host() != record.store_url
            || !store
                .store_hash
                .as_str()
                .eq_ignore_ascii_case(&record.store_hash)
            || store.client_id != record.client_id;
        let row = StoreUpdateRow {
            name: store.name.as_str(),
            store_url: store.store_url.host(),
            store_hash: store.store_hash.as_str(),
            client_id: &store.client_id,
            client_secret_sealed: &secret_sealed,
            client_secret_last4: &secret_last4,
            access_token_sealed: &token_sealed,
            access_token_last4: &token_last4,
            unverify,
        };
        match db::stores::update(&self.db, id, &row).await {
            Ok(true) => {}
            Ok(false) => return Err(AppError::not_found("store", id)),
            // Another request took the name or the hash between the check and the update.
            Err(DbError::Duplicate("store_hash")) => {
                let hash = store.store_hash.as_str();
                return Err(AppError::Invalid(FieldErrors(vec![FieldError::new(
                    "store_hash",
                    format!(
                        "Store hash {hash} was just added as another store: see the store list"
                    ),
                )])));
            }
            Err(DbError::Duplicate(_)) => {
                let name = store.name.as_str();
                return Err(AppError::Invalid(FieldErrors(vec![duplicate_name(name)])));
            }
            Err(e) => return Err(e.into()),
        }
        tracing::info!(store_id = id, unverified = unverify, "store edited");
        Ok(())
    }

    /// The stored store as the add form would have it, secrets opened in memory only: what an
    /// edit's changes are merged over.
    fn stored_input(&self, record: &StoreRecord) -> Result<NewStoreInput, AppError> {
        let open = |purpose, sealed| -> Result<String, AppError> {
            let secret: SecretString = self.cipher.open(purpose, sealed)?;
            Ok(secrecy::ExposeSecret::expose_secret(&secret).to_owned())
        };
        Ok(NewStoreInput {
            name: record.name.clone(),
            store_url: record.store_url.clone(),
            store_hash: record.store_hash.clone(),
            api_path: String::new(),
            client_id: record.client_id.clone(),
            client_secret: open(CLIENT_SECRET, &record.client_secret_sealed)?,
            access_token: open(ACCESS_TOKEN, &record.access_token_sealed)?,
            auth_type: record.auth_type.clone(),
        })
    }
}
