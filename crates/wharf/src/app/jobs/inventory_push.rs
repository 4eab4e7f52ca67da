//! `inventory.push`: sends the store's changed levels (every level when `full`).
//!
//! When pushes start: a change queues one due at once, so its level goes out as soon as no
//! push of the store is running and the store's API budget allows. A push that finds another
//! one running snoozes; whatever changed meanwhile is the next push's, and the running push,
//! when it ends, queues that next one. Pushes of one store start at most every
//! [`PUSH_SPACING`] × the store's even request spacing, so a steady stream of changes
//! (ten a second, say) becomes a push every second or so, never a burst that empties the
//! store's window and then waits out the rest of it. Every change made while a push runs or
//! waits goes out in the one push after it.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::db::inventory::changes;
use crate::db::{DbError, jobs, now_ms};
use crate::jobs::{ClaimedJob, JobOutcome};

/// A store's pushes start at least this many times its even request spacing apart
/// ([`bigcommerce::StoreClient::even_spacing`]): one-request pushes spend at most half of
/// its share, leaving the rest to orders and shipments. With the smallest plans' quota (150
/// per 30 s) and a share of 0.5, 0.8 s.
const PUSH_SPACING: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
pub struct InventoryPush {
    pub store_id: i64,
    #[serde(default)]
    pub full: bool,
}

impl InventoryPush {
    /// Queues the push to run now, collapsing with one already waiting (and bringing that one
    /// forward if it was snoozed): a burst of changes (a feed, a busy minute of orders)
    /// becomes one push.
    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        self.enqueue_after(conn, Duration::ZERO).await
    }

    async fn enqueue_after(self, conn: &mut AnyConnection, delay: Duration) -> Result<(), DbError> {
        let job = self
            .collapsing_job(format_args!("{}:{}", self.store_id, self.full))
            .store(self.store_id)
            .run_after(delay)
            .bring_twin_forward();
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }

    /// The change-driven push of a store's changed levels.
    pub(crate) fn of_changes(store_id: i64) -> Self {
        InventoryPush {
            store_id,
            full: false,
        }
    }

    /// How far apart the store's pushes start; `None` when its client cannot be had (the
    /// push itself then says why).
    async fn spacing(app: &App, store_id: i64) -> Option<Duration> {
        let client = app.sales_client_for(store_id).await.ok()?;
        Some(client.even_spacing() * PUSH_SPACING)
    }

    /// How long this push must still wait for the store's spacing since its last push ended.
    async fn wait_for_spacing(
        app: &App,
        store_id: i64,
        spacing: Duration,
    ) -> Result<Option<Duration>, DbError> {
        let Some(last) = jobs::last_done_at(&app.db, Self::KIND, store_id).await? else {
            return Ok(None);
        };
        let left = last + spacing.as_millis() as i64 - now_ms();
        Ok((left > 0).then(|| Duration::from_millis(left as u64)))
    }

    /// After a push that finished: changes marked while it ran are the next push's, queued
    /// for when the spacing allows. (Their own jobs may be snoozed behind this push, or may
    /// have been claimed and be about to snooze; either way this one runs.) A push that
    /// failed queues nothing: its own retry, with its backoff, takes its marks again.
    async fn queue_next_if_changed(
        app: &App,
        store_id: i64,
        spacing: Duration,
    ) -> Result<(), DbError> {
        if !changes::any_waiting(&app.db, store_id).await? {
            return Ok(());
        }
        let mut tx = app.db.begin().await?;
        InventoryPush::of_changes(store_id)
            .enqueue_after(&mut tx, spacing)
            .await?;
        tx.commit().await?;
        app.wake_workers();
        Ok(())
    }
}

impl Job for InventoryPush {
    const KIND: &'static str = "inventory.push";

    fn describe(&self) -> JobAbout {
        JobAbout::Words(if self.full {
            "Push every stock level to BigCommerce".to_owned()
        } else {
            "Push changed stock levels to BigCommerce".to_owned()
        })
    }

    async fn run(self, app: &App, claim: &ClaimedJob) -> JobOutcome {
        let spacing = Self::spacing(app, self.store_id)
            .await
            .unwrap_or(Duration::ZERO);
        match Self::wait_for_spacing(app, self.store_id, spacing).await {
            Ok(Some(delay)) => return JobOutcome::Snooze { delay },
            Ok(None) => {}
            Err(e) => {
                return JobOutcome::Retry {
                    error: e.to_string(),
                };
            }
        }
        let outcome = app
            .run_inventory_push(self.store_id, self.full, claim.id)
            .await;
        if outcome == JobOutcome::Done
            && let Err(e) = Self::queue_next_if_changed(app, self.store_id, spacing).await
        {
            // The changes' own jobs still push them, a snooze later.
            tracing::warn!(store_id = self.store_id, error = %e, "could not queue the next inventory push");
        }
        outcome
    }
}
