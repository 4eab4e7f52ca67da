//! Publishing levels: what each item may sell (`domain::inventory`), sent when it differs from
//! what BigCommerce confirmed, zeros first, in batches per location, one push per store.

use std::time::{Duration, Instant};

use bigcommerce::StoreClient;

use crate::app::App;
use crate::app::error::SyncError;
use crate::app::error::outcome;
use crate::app::jobs::InventoryPush;
use crate::app::tokens::random_token;
use crate::channels::bigcommerce::inventory::{LevelToSet, LevelsSet, set_levels};
use crate::db::inventory::changes::{self, Changed};
use crate::db::inventory::{self as stock};
use crate::db::{self, DbError};
use crate::domain::inventory::ItemAt;
use crate::jobs::JobOutcome;

use super::PushReport;
use super::desired::{Level, StoreWalk};
use super::outbox::{Outbox, batches};

/// How long a push holds its store's lease without renewing it: a push renews before every
/// request, so this is how long a killed worker's push blocks the store's next one.
const PUSH_LEASE_MS: i64 = 30 * 1000;

/// How often a walk of the whole store renews the lease when it sends nothing for a while.
const LEASE_RENEWAL: Duration = Duration::from_secs(5);

impl Level {
    fn to_set(&self) -> LevelToSet {
        LevelToSet {
            kind: self.at.kind,
            external_id: self.external_id,
            location_id: self.at.location_id,
            quantity: self.quantity,
        }
    }
}

impl App {
    /// Pushes the store's changed levels (all of them with `full`) as absolute adjustments:
    /// zeros first, grouped by location, at most 2,000 items per request, one request at a time.
    pub async fn push_inventory(&self, store_id: i64, full: bool) -> Result<PushReport, SyncError> {
        if !stock::take_push_lease(&self.db, store_id, PUSH_LEASE_MS).await? {
            return Ok(PushReport {
                busy: true,
                ..PushReport::default()
            });
        }
        let result = self.push_holding_lease(store_id, full).await;
        stock::release_push_lease(&self.db, store_id).await?;
        result
    }

    /// A push someone asked for (button, API, CLI): waits for a push already running (an
    /// automatic one, typically) to finish rather than answering "busy".
    pub async fn push_inventory_now(
        &self,
        store_id: i64,
        full: bool,
    ) -> Result<PushReport, SyncError> {
        // Someone asks: every level is worked out again, not only the marked ones.
        let mut conn = self.db.pool().acquire().await?;
        changes::mark_everything(&mut conn, store_id).await?;
        drop(conn);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let report = self.push_inventory(store_id, full).await?;
            if !report.busy || tokio::time::Instant::now() > deadline {
                return Ok(report);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn push_holding_lease(&self, store_id: i64, full: bool) -> Result<PushReport, SyncError> {
        let client = self.sales_client_for(store_id).await?;
        // What changed since the last push, claimed now: a change marked from here on is
        // the next push's.
        let token = random_token(16);
        let marked = changes::claim(&self.db, store_id, &token).await?;
        let changed = if full { Changed::Everything } else { marked };
        let terms = self.push_terms(store_id).await?;
        let mut report = PushReport::default();
        let mut outbox = Outbox::default();
        match changed {
            Changed::Skus(skus) => {
                let desired = self.levels_named(store_id, &skus, &terms).await?;
                for level in desired.into_sendable(full) {
                    if let Some(batch) = outbox.add(level) {
                        self.push_batch(&client, store_id, batch, &mut report)
                            .await?;
                    }
                }
            }
            // Every item, a chunk at a time: only the levels to send are kept, and a full
            // batch of zeros goes as soon as it is found.
            Changed::Everything => {
                let mut walk = StoreWalk::start(self, store_id).await?;
                let mut renewed = Instant::now();
                while let Some(desired) = walk.next(&self.db, &terms).await? {
                    for level in desired.into_sendable(full) {
                        if let Some(batch) = outbox.add(level) {
                            self.push_batch(&client, store_id, batch, &mut report)
                                .await?;
                        }
                    }
                    // A walk of a large store between two requests outlasts the lease.
                    if renewed.elapsed() >= LEASE_RENEWAL {
                        stock::renew_push_lease(&self.db, store_id, PUSH_LEASE_MS).await?;
                        renewed = Instant::now();
                    }
                }
            }
        }
        for batch in batches(&outbox.into_rest()) {
            self.push_batch(&client, store_id, batch.to_vec(), &mut report)
                .await?;
        }
        changes::forget_claimed(&self.db, store_id, &token).await?;
        if report.pushed + report.refused > 0 {
            tracing::info!(store_id, ?report, "inventory pushed");
        }
        Ok(report)
    }

    /// Sends one batch; when BigCommerce refuses items of it (422), flags those and sends the
    /// rest, so one bad item never holds back the others.
    async fn push_batch(
        &self,
        client: &StoreClient,
        store_id: i64,
        batch: Vec<Level>,
        report: &mut PushReport,
    ) -> Result<(), SyncError> {
        let mut pending = vec![batch];
        while let Some(batch) = pending.pop() {
            if batch.is_empty() {
                continue;
            }
            let levels: Vec<LevelToSet> = batch.iter().map(Level::to_set).collect();
            stock::renew_push_lease(&self.db, store_id, PUSH_LEASE_MS).await?;
            report.requests += 1;
            let asked = Instant::now();
            let answer = set_levels(client, &levels).await;
            report.waited_ms += asked.elapsed().as_millis() as u64;
            match answer? {
                LevelsSet::Applied => {
                    let confirmed: Vec<(ItemAt, i64)> =
                        batch.iter().map(|l| (l.at, l.quantity)).collect();
                    stock::confirm(&self.db, store_id, &confirmed).await?;
                    report.pushed += batch.len();
                }
                LevelsSet::Refused { refused, message } if refused.is_empty() => {
                    if batch.len() == 1 {
                        stock::flag(&self.db, store_id, &[batch[0].at], &message).await?;
                        report.refused += 1;
                    } else {
                        // BigCommerce did not say which: halve until it does.
                        let (left, right) = batch.split_at(batch.len() / 2);
                        pending.push(right.to_vec());
                        pending.push(left.to_vec());
                    }
                }
                // The whole refusal, request and every field BigCommerce named: which item and
                // why is in there.
                LevelsSet::Refused { refused, message } => {
                    let flagged: Vec<ItemAt> = refused.iter().map(|&i| batch[i].at).collect();
                    stock::flag(&self.db, store_id, &flagged, &message).await?;
                    report.refused += flagged.len();
                    let rest: Vec<Level> = batch
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| !refused.contains(i))
                        .map(|(_, l)| l)
                        .collect();
                    pending.push(rest);
                }
            }
        }
        Ok(())
    }

    /// Queues a push of the store's levels now, every one worked out again (and sent, with
    /// `full`).
    pub async fn queue_full_push(&self, store_id: i64, full: bool) -> Result<(), DbError> {
        let mut tx = self.db.begin().await?;
        changes::mark_everything(&mut tx, store_id).await?;
        InventoryPush { store_id, full }.enqueue(&mut tx).await?;
        tx.commit().await?;
        self.wake_workers();
        Ok(())
    }

    /// Pushes the store's levels (the `inventory.push` job `job_id`): one that finds another
    /// push holding the store runs after it, so its changes are not lost.
    pub(crate) async fn run_inventory_push(
        &self,
        store_id: i64,
        full: bool,
        job_id: i64,
    ) -> JobOutcome {
        match self.push_inventory(store_id, full).await {
            Ok(report) if report.busy => JobOutcome::Snooze {
                delay: Duration::from_secs(1),
            },
            Ok(report) => {
                if !full && report.pushed > 0 {
                    self.record_push_lag(job_id).await;
                }
                JobOutcome::Done
            }
            other => outcome(other.map(drop)),
        }
    }

    /// Sync lag of a change-driven push: later changes collapse into the pending push job, so
    /// the job's creation is the first change it carries.
    async fn record_push_lag(&self, job_id: i64) {
        match db::metrics::job_created_at(&self.db, job_id).await {
            Ok(Some(created_at)) => self.record_lag("inventory", created_at).await,
            Ok(None) => {}
            Err(e) => tracing::debug!(error = %e, "could not read the push job's creation time"),
        }
    }
}
