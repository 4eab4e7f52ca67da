//! Removing a store for good: only a disabled one, its name typed to confirm, its orders kept
//! for the record or deleted as the operator chooses. Its webhooks are removed in BigCommerce
//! by a job queued in the removal's transaction, which reads the store's access from where the
//! removal set it aside (`db::store_removals`), since the store itself no longer gives it.

use serde::Serialize;

use super::App;
use super::error::{AppError, SyncError, outcome};
use super::jobs::WebhookRemoval;
use crate::channels::bigcommerce::webhooks::remove_hooks;
use crate::db::{self, DbError};
use crate::domain::FieldErrors;
use crate::domain::store_removal::{OrdersOnRemoval, StoreRemovalInput};
use crate::jobs::JobOutcome;

/// What a removal did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoreRemoved {
    pub id: i64,
    pub name: String,
    /// Whether the store's orders were kept for the record or deleted.
    pub orders: OrdersOnRemoval,
    /// How many orders were kept or deleted.
    pub order_count: i64,
}

impl App {
    /// Removes a disabled store whose name was typed to confirm: `Conflict` while it is enabled,
    /// `Invalid` (naming `confirm_name`) for another name. Nothing is removed unless all of it is.
    pub async fn remove_store(
        &self,
        id: i64,
        input: &StoreRemovalInput,
    ) -> Result<StoreRemoved, AppError> {
        let store = self.store(id).await?;
        if !store.disabled {
            return Err(AppError::Conflict(format!(
                "Disable “{}” before removing it: only a disabled store can be removed",
                store.name
            )));
        }
        let orders = input
            .confirm(&store.name)
            .map_err(|error| AppError::Invalid(FieldErrors(vec![error])))?;
        let mut tx = self.db.begin().await?;
        let Some(order_count) =
            db::store_removals::remove(&mut tx, id, orders, db::now_ms()).await?
        else {
            return Err(AppError::Conflict(format!(
                "“{}” was enabled or removed meanwhile: nothing was removed",
                store.name
            )));
        };
        WebhookRemoval::of_removed_store(id)
            .enqueue(&mut tx)
            .await?;
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        tracing::info!(store_id = id, ?orders, order_count, "store removed");
        Ok(StoreRemoved {
            id,
            name: store.name,
            orders,
            order_count,
        })
    }

    /// Removes a removed store's hooks with the access set aside for it, then forgets that
    /// access. Kept until the hooks are gone, so that a failed removal can be retried.
    pub(crate) async fn remove_removed_store_webhooks(&self, store_id: i64) -> JobOutcome {
        let result = async {
            let Some(access) = db::store_removals::access(&self.db, store_id).await? else {
                return Ok(()); // Done before: this is a retry of a job that finished.
            };
            if let Some(destination) = self.webhook_destination(store_id) {
                let client = self.removed_store_client(&access)?;
                let removed = remove_hooks(&client, &destination).await?;
                tracing::info!(store_id, removed, "webhooks of a removed store removed");
            }
            db::store_removals::forget(&self.db, store_id).await?;
            Ok::<_, SyncError>(())
        }
        .await;
        outcome(result)
    }
}
