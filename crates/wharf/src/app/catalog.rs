//! Importing products and reading the catalog.

use serde::Serialize;

use bigcommerce::StoreClient;

use super::App;
use super::error::{AppError, SyncError};
use super::jobs::CatalogImport;
use crate::channels::bigcommerce::catalog::CatalogPages;
use crate::db::catalog::{self, CATALOG_CURSOR, CatalogRow, ImportIssue, ImportRecord};
use crate::db::{DbError, is_unique_violation};
use crate::domain::catalog::{ImportMode, ImportStatus, modified_since};
use crate::jobs::JobOutcome;

/// The tables an import fills, whose statistics it refreshes as they grow.
const CATALOG_TABLES: &[&str] = &["bindings", "products", "variants"];
/// Issues listed with a run; the count says how many there are in all.
const ISSUES_SHOWN: i64 = 200;

/// A run as the progress bar, the API and the CLI show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportView {
    #[serde(flatten)]
    pub run: ImportRecord,
    pub percent: i64,
    pub issue_count: i64,
    pub issues: Vec<ImportIssue>,
}

impl ImportView {
    pub fn is_finished(&self) -> bool {
        self.run.status.is_finished()
    }
}

impl App {
    /// Queues an import of the store's products; when one is already queued or running,
    /// returns that one instead of starting a second.
    pub async fn start_import(
        &self,
        store_id: i64,
        mode: ImportMode,
    ) -> Result<ImportView, AppError> {
        self.store(store_id).await?;
        let since = match mode {
            ImportMode::Full => None,
            ImportMode::Incremental => crate::db::cursors::get(&self.db, store_id, CATALOG_CURSOR)
                .await?
                .map(modified_since),
        };
        // Two tries: a run that blocked the first may finish before we can join it.
        for _ in 0..2 {
            if let Some(active) = catalog::active_import(&self.db, store_id).await? {
                return self.import_view(active.id).await;
            }
            let mut tx = self.db.begin().await?;
            let import_id = match catalog::create_import(&mut tx, store_id, mode, since).await {
                Ok(id) => id,
                // Another request created one between our check and our insert: join it.
                Err(DbError::Sqlx(e)) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e.into()),
            };
            CatalogImport { import_id }
                .enqueue(&mut tx, store_id)
                .await?;
            tx.commit().await.map_err(DbError::from)?;
            tracing::info!(
                store_id,
                import_id,
                mode = mode.as_str(),
                "catalog import queued"
            );
            self.wake_workers();
            return self.import_view(import_id).await;
        }
        Err(AppError::Db(DbError::Corrupt(
            "could not start or join an import".into(),
        )))
    }

    pub async fn import_view(&self, import_id: i64) -> Result<ImportView, AppError> {
        let run = catalog::get_import(&self.db, import_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "import",
                id: import_id.to_string(),
            })?;
        let percent = run.counts.percent(run.status);
        let issue_count = catalog::count_import_issues(&self.db, import_id).await?;
        let issues = catalog::import_issues(&self.db, import_id, ISSUES_SHOWN).await?;
        Ok(ImportView {
            run,
            percent,
            issue_count,
            issues,
        })
    }

    /// Every issue a run reported, in the order found (the view lists the first few hundred).
    pub async fn import_issues(&self, import_id: i64) -> Result<Vec<ImportIssue>, AppError> {
        Ok(catalog::import_issues(&self.db, import_id, i64::MAX).await?)
    }

    pub async fn latest_import(&self, store_id: i64) -> Result<Option<ImportView>, AppError> {
        match catalog::latest_import(&self.db, store_id).await? {
            Some(run) => Ok(Some(self.import_view(run.id).await?)),
            None => Ok(None),
        }
    }

    pub async fn search_catalog(
        &self,
        store_id: Option<i64>,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<CatalogRow>, i64), AppError> {
        Ok(catalog::search_catalog(&self.db, store_id, search, false, limit, offset).await?)
    }

    /// Runs or resumes an import run from its checkpoint (the `catalog.import` job): a
    /// transient failure retries, unless this was the last attempt; anything else fails the
    /// run with its reason.
    pub(crate) async fn run_import(&self, import_id: i64, last_attempt: bool) -> JobOutcome {
        let outcome = self.import_once(import_id).await;
        match outcome {
            Ok(()) => JobOutcome::Done,
            Err(SyncError::Remote(bigcommerce::BcError::RateLimited { retry_after })) => {
                JobOutcome::Snooze { delay: retry_after }
            }
            Err(error) if error.is_transient() && !last_attempt => {
                let message = format!("retrying after: {error}");
                let _ = catalog::note_import_error(&self.db, import_id, &message).await;
                JobOutcome::Retry {
                    error: error.to_string(),
                }
            }
            Err(error) => {
                let message = error.to_string();
                if let Err(e) = catalog::fail_import(&self.db, import_id, &message).await {
                    tracing::warn!(import_id, error = %e, "could not mark an import failed");
                }
                JobOutcome::Fail { error: message }
            }
        }
    }

    async fn import_once(&self, import_id: i64) -> Result<(), SyncError> {
        let Some(run) = catalog::get_import(&self.db, import_id).await? else {
            return Ok(());
        };
        if run.status.is_finished() {
            return Ok(());
        }
        catalog::mark_running(&self.db, import_id).await?;
        let run = catalog::get_import(&self.db, import_id)
            .await?
            .unwrap_or(run);
        let client = self.sales_client_for(run.store_id).await?;
        self.import_pages(&client, &run).await?;
        let finished = catalog::get_import(&self.db, import_id).await?;
        if let Some(done) = finished.filter(|r| r.status == ImportStatus::Completed) {
            tracing::info!(
                import_id,
                products = done.counts.products_seen,
                variants = done.counts.variants_seen,
                created = done.counts.products_created,
                updated = done.counts.products_updated,
                archived = done.counts.products_archived,
                "catalog import completed"
            );
        }
        Ok(())
    }
}

impl App {
    /// Runs (or resumes) an import until every page is stored and the run is finished. Each
    /// page is stored in one transaction with the run's checkpoint (its last product id),
    /// advanced by compare-and-set: a run that dies resumes after the last stored page, and a
    /// runner whose lease was taken over finds the checkpoint moved and stops.
    async fn import_pages(
        &self,
        client: &StoreClient,
        run: &ImportRecord,
    ) -> Result<(), SyncError> {
        let mut after = run.last_product_id.max(0) as u64;
        let mut pages_done = run.counts.pages_done;
        let mut pages = CatalogPages::open(client, after, run.modified_since_ms).await?;
        while let Some(page) = pages.next_page().await? {
            pages_done += 1;
            let mut tx = self.db.begin().await?;
            let stored = catalog::store_page(
                &mut tx,
                run,
                &page.products,
                &page.issues,
                after as i64,
                page.last_id as i64,
                pages_done + page.pages_left,
            )
            .await?;
            if stored.is_none() {
                tracing::info!(
                    run = run.id,
                    "another runner of this import is ahead; stopping this one"
                );
                tx.rollback().await?;
                return Ok(());
            }
            tx.commit().await?;
            tracing::debug!(
                run = run.id,
                page = pages_done,
                last_id = page.last_id,
                "catalog page stored"
            );
            if (pages_done as u64).is_power_of_two() {
                // The tables are growing fast: keep the planner's picture of them current.
                self.db.refresh_statistics(CATALOG_TABLES).await?;
            }
            after = page.last_id;
        }
        let mut run = catalog::get_import(&self.db, run.id)
            .await?
            .unwrap_or_else(|| run.clone());
        if run.last_product_id != after as i64 {
            tracing::info!(
                run = run.id,
                "another runner of this import is ahead; stopping this one"
            );
            return Ok(());
        }
        run.last_product_id = after as i64;
        self.db.refresh_statistics(CATALOG_TABLES).await?;
        let mut tx = self.db.begin().await?;
        if catalog::finish_import(&mut tx, &run).await? {
            // New, renamed and archived items: the next push works every level out again.
            crate::db::inventory::changes::mark_everything(&mut tx, run.store_id).await?;
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(())
    }
}
