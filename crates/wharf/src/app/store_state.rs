//! Disabling and enabling a store. A disabled store keeps its history but wharf talks to
//! BigCommerce for it no more: `App::store_client` refuses it (so no job or command syncs it,
//! and jobs already queued end without a request), the schedulers skip it, and its webhooks
//! are removed through a queued job. Enabling queues their registration again.

use super::App;
use super::error::{AppError, SyncError, outcome};
use super::jobs::{WebhookRegistration, WebhookRemoval};
use super::stores::StoreView;
use crate::channels::bigcommerce::webhooks::remove_hooks;
use crate::db::{self, DbError};
use crate::jobs::JobOutcome;

impl App {
    pub async fn disable_store(&self, id: i64) -> Result<StoreView, AppError> {
        let store = self.store(id).await?;
        if !store.disabled {
            let mut tx = self.db.begin().await?;
            db::stores::set_disabled(&mut tx, id, Some(db::now_ms())).await?;
            // A remote write, so a job, queued with the change that calls for it.
            WebhookRemoval::of_disabled_store(id)
                .enqueue(&mut tx)
                .await?;
            tx.commit().await.map_err(DbError::from)?;
            tracing::info!(store_id = id, "store disabled");
        }
        self.store(id).await
    }

    pub async fn enable_store(&self, id: i64) -> Result<StoreView, AppError> {
        let store = self.store(id).await?;
        if store.disabled {
            let mut tx = self.db.begin().await?;
            db::stores::set_disabled(&mut tx, id, None).await?;
            if store.connection.status == crate::domain::connection::ConnectionStatus::Connected
                && self.public_url.is_some()
            {
                WebhookRegistration { store_id: id }
                    .enqueue(&mut tx)
                    .await?;
            }
            tx.commit().await.map_err(DbError::from)?;
            tracing::info!(store_id = id, "store enabled");
        }
        self.store(id).await
    }

    /// Removes the store's hooks, unless it was enabled again before this ran.
    pub(crate) async fn remove_webhooks(&self, store_id: i64) -> JobOutcome {
        let Some(destination) = self.webhook_destination(store_id) else {
            return JobOutcome::Done;
        };
        let result = async {
            let record = self.store_record(store_id).await?;
            if record.disabled_at_ms.is_none() {
                return Ok(());
            }
            let client = self.enabled_or_not_client(&record)?;
            let removed = remove_hooks(&client, &destination).await?;
            tracing::info!(store_id, removed, "webhooks removed");
            Ok::<_, SyncError>(())
        }
        .await;
        outcome(result)
    }
}
