//! Inventory out: vendors report stock (vendor API, CSV upload, feeds); wharf publishes to each
//! store what can really be sold — the formula in `domain::inventory` — pushing only what
//! changed since BigCommerce last confirmed it, zeros first, one push in flight per store; and a
//! drift check compares BigCommerce's levels with what wharf confirmed and repairs them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use bigcommerce::{Adjustment, BcError, ItemKey, StoreClient};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::App;
use super::error::{AppError, outcome};
use crate::app::error::SyncError;
use crate::channels::bigcommerce::inventory::InventoryItemPages;
use crate::db::inventory::{self as stock, ItemAt, ItemKind, StoreItem, VendorStockTerms};
use crate::db::{self, DbError, jobs, now_ms};
use crate::domain::inventory::{Stocked, VendorTerms, published_levels};
use crate::domain::stock_csv::{ColumnMapping, parse_stock_csv};
use crate::domain::{FieldError, FieldErrors};
use crate::jobs::{ClaimedJob, JobOutcome, NewJob};

pub const PUSH_JOB: &str = "inventory.push";
pub const DRIFT_JOB: &str = "inventory.drift";
pub const FEED_JOB: &str = "inventory.feed";
const FEED_URL_PURPOSE: &str = "stock_feeds.url";
/// Feeds are fetched at most this often, and at least once a week.
const FEED_INTERVALS: std::ops::RangeInclusive<i64> = 60..=7 * 24 * 3600;
const DEFAULT_FEED_INTERVAL_SECS: i64 = 15 * 60;
/// BigCommerce's limit per adjustment request.
const MAX_ITEMS_PER_REQUEST: usize = bigcommerce::MAX_ADJUSTMENT_ITEMS;
/// Items one vendor API call may set.
pub const MAX_STOCK_ITEMS_PER_CALL: usize = 10_000;
/// How long a push holds its store's lease without renewing it: a push renews before every
/// request, so this is how long a killed worker's push blocks the store's next one.
const PUSH_LEASE_MS: i64 = 30 * 1000;
const ADJUSTMENT_REASON: &str = "wharf: vendor stock";

#[derive(Debug, Serialize, Deserialize)]
struct PushJob {
    store_id: i64,
    #[serde(default)]
    full: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct DriftJob {
    store_id: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct FeedJob {
    feed_id: i64,
}

/// A stock feed to add: the URL of a CSV, how often to fetch it, and its columns.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FeedInput {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub interval_secs: Option<i64>,
    #[serde(default)]
    pub mapping: Option<ColumnMapping>,
}

/// How a vendor's stock is taken: buffer, staleness, SKU matching.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StockTermsInput {
    #[serde(default)]
    pub buffer: i64,
    /// Stock older than this publishes 0; absent or 0: never stale.
    #[serde(default)]
    pub stale_after_secs: Option<i64>,
    #[serde(default)]
    pub case_insensitive: bool,
    #[serde(default)]
    pub strip_prefix: Option<String>,
}

/// Absolute stock levels a vendor sends.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StockInput {
    #[serde(default)]
    pub items: Vec<StockItemInput>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StockItemInput {
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub quantity: i64,
    /// The vendor's warehouse code; `main` when absent.
    #[serde(default)]
    pub warehouse: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct StockReport {
    pub applied: usize,
}

/// What a stock file did: valid rows applied, each bad row reported with its line.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct StockImportReport {
    pub applied: usize,
    pub errors: Vec<crate::domain::tracking_csv::RowError>,
}

/// What one push did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct PushReport {
    /// Item levels BigCommerce confirmed.
    pub pushed: usize,
    /// Items BigCommerce refused (flagged with its message).
    pub refused: usize,
    pub requests: usize,
    /// Another push of this store was in flight; this one waits.
    pub busy: bool,
}

/// What one drift check found.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct DriftReport {
    pub items_checked: usize,
    pub differences: usize,
    pub requests: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RefusedItem {
    pub kind: ItemKind,
    pub sku: String,
    pub location_id: i64,
    pub error: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InventoryView {
    pub store_id: i64,
    /// Item levels wharf has published (or tried to).
    pub published: usize,
    pub refused: Vec<RefusedItem>,
    pub drift: Vec<stock::Drift>,
}

/// One level to publish.
#[derive(Debug, Clone)]
struct Level {
    at: ItemAt,
    external_id: i64,
    quantity: i64,
}

impl Level {
    fn adjustment(&self) -> Adjustment {
        let (kind, _, location_id) = self.at;
        Adjustment {
            location_id: location_id as u64,
            item: match kind {
                ItemKind::Variant => ItemKey::Variant(self.external_id as u64),
                ItemKind::Product => ItemKey::Product(self.external_id as u64),
            },
            quantity: self.quantity,
        }
    }
}

impl App {
    /// Sets a vendor's absolute stock levels (per warehouse) and queues a push to every store.
    /// The whole call is refused, naming each bad item, if any item is invalid.
    pub async fn set_vendor_stock(
        &self,
        vendor_id: i64,
        input: &StockInput,
    ) -> Result<StockReport, AppError> {
        let mut problems = Vec::new();
        if input.items.is_empty() {
            problems.push("send at least one item".to_owned());
        }
        if input.items.len() > MAX_STOCK_ITEMS_PER_CALL {
            problems.push(format!(
                "at most {MAX_STOCK_ITEMS_PER_CALL} items per call ({} sent)",
                input.items.len()
            ));
        }
        for (i, item) in input.items.iter().enumerate() {
            let n = i + 1;
            if item.sku.trim().is_empty() || item.sku.len() > 255 {
                problems.push(format!(
                    "item {n}: sku is required (at most 255 characters)"
                ));
            }
            if item.quantity < 0 {
                problems.push(format!(
                    "item {n} (SKU {}): quantity must be 0 or more",
                    item.sku.trim()
                ));
            }
            if item
                .warehouse
                .as_deref()
                .is_some_and(|w| w.trim().len() > 50)
            {
                problems.push(format!("item {n}: warehouse is at most 50 characters"));
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(FieldErrors(vec![FieldError::new(
                "items",
                problems.join("; "),
            )])));
        }
        let levels: Vec<(Option<String>, String, i64)> = input
            .items
            .iter()
            .map(|i| {
                (
                    i.warehouse.clone().filter(|w| !w.trim().is_empty()),
                    i.sku.trim().to_owned(),
                    i.quantity,
                )
            })
            .collect();
        self.record_stock(vendor_id, &levels).await?;
        Ok(StockReport {
            applied: levels.len(),
        })
    }

    /// Stores (warehouse, SKU, quantity) levels for a vendor and queues every store's push, in
    /// one transaction.
    pub(crate) async fn record_stock(
        &self,
        vendor_id: i64,
        levels: &[(Option<String>, String, i64)],
    ) -> Result<(), AppError> {
        db::vendors::get(&self.db, vendor_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            })?;
        let mut tx = self.db.begin().await?;
        let mut warehouses: HashMap<String, i64> = HashMap::new();
        let mut rows = Vec::with_capacity(levels.len());
        for (warehouse, sku, quantity) in levels {
            let code = warehouse
                .as_deref()
                .map(str::trim)
                .unwrap_or(stock::MAIN_WAREHOUSE)
                .to_owned();
            let id = match warehouses.get(&code) {
                Some(id) => *id,
                None => {
                    let id = stock::warehouse(&mut tx, vendor_id, &code).await?;
                    warehouses.insert(code, id);
                    id
                }
            };
            rows.push((id, sku.clone(), *quantity));
        }
        stock::set_stock(&mut tx, vendor_id, &rows).await?;
        for store_id in self.connected_store_ids().await? {
            queue_inventory_push(&mut tx, store_id, self.inventory_push_delay).await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(())
    }

    /// Stores whose levels wharf publishes: the connected ones (a store whose credentials failed
    /// would only collect failed pushes).
    async fn connected_store_ids(&self) -> Result<Vec<i64>, AppError> {
        Ok(self
            .list_stores()
            .await?
            .into_iter()
            .filter(|s| s.is_connected())
            .map(|s| s.id)
            .collect())
    }

    /// Applies a stock file (an upload or a feed). A file that is broken as a whole (missing
    /// columns, mostly invalid rows) is refused with the reason and changes nothing.
    pub async fn import_stock_csv(
        &self,
        vendor_id: i64,
        text: &str,
        mapping: Option<&ColumnMapping>,
    ) -> Result<StockImportReport, AppError> {
        let default = ColumnMapping::default();
        let upload = parse_stock_csv(text, mapping.unwrap_or(&default))
            .map_err(|m| AppError::Invalid(FieldErrors(vec![FieldError::new("file", m)])))?;
        let levels: Vec<(Option<String>, String, i64)> = upload
            .rows
            .iter()
            .map(|r| (r.warehouse.clone(), r.sku.clone(), r.quantity))
            .collect();
        if !levels.is_empty() {
            self.record_stock(vendor_id, &levels).await?;
        }
        Ok(StockImportReport {
            applied: levels.len(),
            errors: upload.errors,
        })
    }

    /// Sets how the vendor's stock is taken, and republishes every store.
    pub async fn set_stock_terms(
        &self,
        vendor_id: i64,
        input: &StockTermsInput,
    ) -> Result<(), AppError> {
        let mut errors = FieldErrors::default();
        if !(0..=1_000_000).contains(&input.buffer) {
            errors.push(FieldError::new(
                "buffer",
                "Buffer must be between 0 and 1,000,000 units",
            ));
        }
        let stale = input.stale_after_secs.filter(|s| *s != 0);
        if stale.is_some_and(|s| !(60..=90 * 24 * 3600).contains(&s)) {
            errors.push(FieldError::new(
                "stale_after_secs",
                "Stale after must be between 60 seconds and 90 days (or 0 for never)",
            ));
        }
        let prefix = input
            .strip_prefix
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        if prefix.is_some_and(|p| p.len() > 50) {
            errors.push(FieldError::new(
                "strip_prefix",
                "Prefix is at most 50 characters",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let matching = crate::domain::inventory::SkuMatching {
            case_insensitive: input.case_insensitive,
            strip_prefix: prefix.map(str::to_owned),
        };
        if !stock::set_vendor_terms(&self.db, vendor_id, input.buffer, stale, &matching).await? {
            return Err(AppError::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            });
        }
        self.queue_pushes_everywhere().await?;
        Ok(())
    }

    /// Maps a vendor's warehouse to a BigCommerce inventory location.
    pub async fn set_warehouse_location(
        &self,
        warehouse_id: i64,
        location_id: i64,
    ) -> Result<(), AppError> {
        if location_id < 1 {
            return Err(AppError::Invalid(FieldErrors(vec![FieldError::new(
                "location_id",
                "A BigCommerce location id is 1 or more",
            )])));
        }
        if !stock::set_warehouse_location(&self.db, warehouse_id, location_id).await? {
            return Err(AppError::NotFound {
                what: "warehouse",
                id: warehouse_id.to_string(),
            });
        }
        self.queue_pushes_everywhere().await?;
        Ok(())
    }

    async fn queue_pushes_everywhere(&self) -> Result<(), AppError> {
        let stores = self.connected_store_ids().await?;
        let mut tx = self.db.begin().await?;
        for store_id in stores {
            queue_inventory_push(&mut tx, store_id, self.inventory_push_delay).await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(())
    }

    /// Adds a stock feed (its URL sealed: it may hold a token) and fetches it at once.
    pub async fn add_feed(
        &self,
        vendor_id: i64,
        input: &FeedInput,
    ) -> Result<stock::Feed, AppError> {
        db::vendors::get(&self.db, vendor_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            })?;
        let mut errors = FieldErrors::default();
        let url = match crate::feeds::check_feed_url(input.url.trim(), &self.feed_policy) {
            Ok(url) => Some(url),
            Err(e) => {
                errors.push(FieldError::new("url", e.to_string()));
                None
            }
        };
        let interval = input.interval_secs.unwrap_or(DEFAULT_FEED_INTERVAL_SECS);
        if !FEED_INTERVALS.contains(&interval) {
            errors.push(FieldError::new(
                "interval_secs",
                "Fetch the feed every 60 seconds to every 7 days",
            ));
        }
        let Some(url) = url.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let mut shown = url.clone();
        shown.set_query(None);
        shown.set_fragment(None);
        let _ = shown.set_password(None);
        let sealed = self.cipher.seal(
            FEED_URL_PURPOSE,
            &secrecy::SecretString::from(url.to_string()),
        );
        let mapping = input.mapping.clone().unwrap_or_default();
        let id = stock::add_feed(
            &self.db,
            vendor_id,
            &sealed,
            shown.as_str(),
            interval,
            &mapping,
        )
        .await?;
        self.queue_feed(id).await?;
        self.feeds(Some(vendor_id))
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| AppError::NotFound {
                what: "feed",
                id: id.to_string(),
            })
    }

    pub async fn feeds(&self, vendor_id: Option<i64>) -> Result<Vec<stock::Feed>, AppError> {
        Ok(stock::feeds(&self.db, vendor_id).await?)
    }

    /// Fetches a feed and applies it. What went wrong (unreachable, refused address, a broken
    /// file) is recorded on the feed, and the vendor's last good stock stays as it was.
    pub async fn run_feed(
        &self,
        feed_id: i64,
    ) -> Result<Result<StockImportReport, String>, AppError> {
        let feed = stock::feeds(&self.db, None)
            .await?
            .into_iter()
            .find(|f| f.id == feed_id)
            .ok_or_else(|| AppError::NotFound {
                what: "feed",
                id: feed_id.to_string(),
            })?;
        let url = self.cipher.open(FEED_URL_PURPOSE, &feed.url_sealed)?;
        let outcome = match crate::feeds::fetch_feed(
            secrecy::ExposeSecret::expose_secret(&url),
            &self.feed_policy,
        )
        .await
        {
            Err(e) => Err(e.to_string()),
            Ok(text) => match self
                .import_stock_csv(feed.vendor_id, &text, Some(&feed.mapping))
                .await
            {
                Ok(report) => Ok(report),
                Err(AppError::Invalid(fields)) => Err(fields.to_string()),
                Err(other) => return Err(other),
            },
        };
        stock::feed_ran(
            &self.db,
            feed_id,
            outcome.as_ref().err().map(String::as_str),
        )
        .await?;
        if let Err(error) = &outcome {
            tracing::warn!(feed_id, %error, "stock feed not applied");
        }
        Ok(outcome)
    }

    async fn queue_feed(&self, feed_id: i64) -> Result<(), DbError> {
        let job =
            NewJob::new(FEED_JOB, &FeedJob { feed_id }).dedupe_key(format!("{FEED_JOB}:{feed_id}"));
        jobs::enqueue_now(&self.db, &job).await?;
        self.wake_workers();
        Ok(())
    }

    /// Queues every feed whose interval has passed since its last run.
    pub async fn queue_due_feeds(&self) -> Result<usize, AppError> {
        let now = now_ms();
        let mut queued = 0;
        for feed in stock::feeds(&self.db, None).await? {
            let due = feed
                .last_run_at_ms
                .is_none_or(|at| now - at >= feed.interval_secs * 1000);
            if due {
                self.queue_feed(feed.id).await?;
                queued += 1;
            }
        }
        Ok(queued)
    }

    pub async fn run_feed_job(&self, job: ClaimedJob) -> JobOutcome {
        match job.payload::<FeedJob>() {
            // A feed that fails is recorded and tried again at its next interval, not retried now.
            Ok(FeedJob { feed_id }) => match self.run_feed(feed_id).await {
                Ok(_) => JobOutcome::Done,
                Err(e) => JobOutcome::Retry {
                    error: e.to_string(),
                },
            },
            Err(e) => JobOutcome::Fail {
                error: format!("bad payload: {e}"),
            },
        }
    }

    /// The store's inventory as its page shows it: items BigCommerce refused and the last drift
    /// check's findings.
    pub async fn inventory_view(&self, store_id: i64) -> Result<InventoryView, AppError> {
        let items = stock::store_items(&self.db, store_id).await?;
        let sku_of: HashMap<(ItemKind, i64), String> = items
            .iter()
            .map(|i| ((i.kind, i.id), i.skus.first().cloned().unwrap_or_default()))
            .collect();
        let refused = stock::refused(&self.db, store_id)
            .await?
            .into_iter()
            .map(|((kind, id, location_id), error)| RefusedItem {
                kind,
                sku: sku_of.get(&(kind, id)).cloned().unwrap_or_default(),
                location_id,
                error,
            })
            .collect();
        Ok(InventoryView {
            store_id,
            published: stock::published(&self.db, store_id).await?.len(),
            refused,
            drift: stock::drift_report(&self.db, store_id).await?,
        })
    }

    /// The vendor's reported SKUs that match no tracked item of any store.
    pub async fn unmatched_skus(&self, vendor_id: i64) -> Result<Vec<String>, AppError> {
        let terms = stock::vendor_terms(&self.db)
            .await?
            .into_iter()
            .find(|t| t.vendor_id == vendor_id)
            .ok_or_else(|| AppError::NotFound {
                what: "vendor",
                id: vendor_id.to_string(),
            })?;
        let mut matched_keys = HashSet::new();
        for store in db::stores::list(&self.db).await? {
            for item in stock::store_items(&self.db, store.id).await? {
                for sku in &item.skus {
                    matched_keys.insert(terms.matching.store_key(sku));
                }
            }
        }
        let mut unmatched: Vec<String> = stock::stock_rows(&self.db, Some(vendor_id))
            .await?
            .into_iter()
            .map(|row| row.sku)
            .filter(|sku| !matched_keys.contains(&terms.matching.vendor_key(sku)))
            .collect();
        unmatched.sort();
        unmatched.dedup();
        Ok(unmatched)
    }

    /// What the store should show now, per item and location, for every item a vendor stocks
    /// (and 0 for items wharf published before that no vendor stocks any more).
    async fn desired_levels(&self, store_id: i64) -> Result<Vec<Level>, DbError> {
        let items = stock::store_items(&self.db, store_id).await?;
        let terms: HashMap<i64, VendorStockTerms> = stock::vendor_terms(&self.db)
            .await?
            .into_iter()
            .map(|t| (t.vendor_id, t))
            .collect();
        let rows = stock::stock_rows(&self.db, None).await?;
        let allocated = stock::allocated(&self.db, store_id).await?;
        let now = now_ms();

        // SKU → items, exactly and case-folded; a SKU naming two items is ambiguous and skipped.
        let mut exact: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut folded: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, item) in items.iter().enumerate() {
            for sku in &item.skus {
                exact.entry(sku.trim()).or_default().push(index);
                folded
                    .entry(sku.trim().to_lowercase())
                    .or_default()
                    .push(index);
            }
        }
        // Two spellings of one SKU in one warehouse ("ABC-1", "abc-1" when matching ignores
        // case) are one report: the latest wins, never the sum.
        let mut latest: HashMap<(i64, String), &stock::StockRow> = HashMap::new();
        for row in &rows {
            let Some(vendor) = terms.get(&row.vendor_id) else {
                continue;
            };
            let key = (row.warehouse_id, vendor.matching.vendor_key(&row.sku));
            match latest.get(&key) {
                Some(seen) if seen.updated_at_ms > row.updated_at_ms => {}
                _ => {
                    latest.insert(key, row);
                }
            }
        }
        let mut stocked: BTreeMap<usize, Vec<Stocked>> = BTreeMap::new();
        for ((_, key), row) in &latest {
            let vendor = &terms[&row.vendor_id];
            let found = if vendor.matching.case_insensitive {
                folded.get(key)
            } else {
                exact.get(key.as_str())
            };
            let Some(found) = found else { continue };
            let mut found = found.clone();
            found.dedup();
            if let [index] = found.as_slice() {
                stocked.entry(*index).or_default().push(Stocked {
                    vendor_id: row.vendor_id,
                    location_id: row.location_id,
                    quantity: row.quantity,
                });
            }
        }
        let vendor_terms = |vendor_id: i64| match terms.get(&vendor_id) {
            Some(t) => VendorTerms {
                buffer: t.buffer,
                fresh: t.fresh_at(now),
            },
            None => VendorTerms::default(),
        };
        let mut levels = Vec::new();
        for (index, stocked) in stocked {
            let item = &items[index];
            let taken: i64 = item
                .variant_ids
                .iter()
                .filter_map(|v| allocated.get(v))
                .sum();
            for (location_id, quantity) in published_levels(&stocked, taken, vendor_terms) {
                levels.push(Level {
                    at: (item.kind, item.id, location_id),
                    external_id: item.external_id,
                    quantity,
                });
            }
        }
        // Published before, stocked by nobody now: nobody vouches for it any more.
        let wanted: HashSet<ItemAt> = levels.iter().map(|l| l.at).collect();
        let by_id: HashMap<(ItemKind, i64), &StoreItem> =
            items.iter().map(|i| ((i.kind, i.id), i)).collect();
        for (at, published) in stock::published(&self.db, store_id).await? {
            if wanted.contains(&at) || published.quantity == Some(0) {
                continue;
            }
            if let Some(item) = by_id.get(&(at.0, at.1)) {
                levels.push(Level {
                    at,
                    external_id: item.external_id,
                    quantity: 0,
                });
            }
        }
        Ok(levels)
    }

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
        let client = self.client_for(store_id).await?;
        let published = stock::published(&self.db, store_id).await?;
        let mut changed: Vec<Level> = self
            .desired_levels(store_id)
            .await?
            .into_iter()
            .filter(|l| {
                full || published
                    .get(&l.at)
                    .is_none_or(|p| p.quantity != Some(l.quantity) || p.error.is_some())
            })
            .collect();
        order_for_sending(&mut changed);
        let mut report = PushReport::default();
        for batch in batches(&changed) {
            self.push_batch(&client, store_id, batch.to_vec(), &mut report)
                .await?;
        }
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
            let adjustments: Vec<Adjustment> = batch.iter().map(Level::adjustment).collect();
            stock::renew_push_lease(&self.db, store_id, PUSH_LEASE_MS).await?;
            report.requests += 1;
            match client
                .adjust_absolute(Some(ADJUSTMENT_REASON), &adjustments)
                .await
            {
                Ok(_) => {
                    let confirmed: Vec<(ItemAt, i64)> =
                        batch.iter().map(|l| (l.at, l.quantity)).collect();
                    stock::confirm(&self.db, store_id, &confirmed).await?;
                    report.pushed += batch.len();
                }
                Err(error @ BcError::Validation { .. }) => {
                    let refused = refused_indexes(&error, &adjustments);
                    if refused.is_empty() {
                        if batch.len() == 1 {
                            let message = error.to_string();
                            stock::flag(&self.db, store_id, &[batch[0].at], &message).await?;
                            report.refused += 1;
                        } else {
                            // BigCommerce did not say which: halve until it does.
                            let (left, right) = batch.split_at(batch.len() / 2);
                            pending.push(right.to_vec());
                            pending.push(left.to_vec());
                        }
                        continue;
                    }
                    // The whole refusal, request and every field BigCommerce named: which item
                    // and why is in there.
                    let message = error.to_string();
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
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Reads the store's levels from BigCommerce and compares them with what wharf confirmed:
    /// differences (someone edited stock by hand, an app overwrote it) are recorded for the
    /// drift page, forgotten as confirmed, and fixed by the push queued right after.
    pub async fn check_drift(&self, store_id: i64) -> Result<DriftReport, SyncError> {
        let client = self.client_for(store_id).await?;
        let items = stock::store_items(&self.db, store_id).await?;
        let by_external: HashMap<(ItemKind, i64), &StoreItem> =
            items.iter().map(|i| ((i.kind, i.external_id), i)).collect();
        let confirmed: HashMap<ItemAt, i64> = stock::published(&self.db, store_id)
            .await?
            .into_iter()
            .filter_map(|(at, p)| p.quantity.map(|q| (at, q)))
            .collect();
        let mut report = DriftReport::default();
        let mut drift = Vec::new();
        let checked_at = now_ms();
        let mut pages = InventoryItemPages::new(&client);
        while let Some(remote_items) = pages.next_page().await? {
            report.requests += 1;
            for remote in &remote_items {
                let key = match (remote.variant_id, remote.product_id) {
                    (Some(v), _) if by_external.contains_key(&(ItemKind::Variant, v)) => {
                        (ItemKind::Variant, v)
                    }
                    (_, Some(p)) => (ItemKind::Product, p),
                    _ => continue,
                };
                let Some(item) = by_external.get(&key) else {
                    continue;
                };
                report.items_checked += 1;
                for level in &remote.levels {
                    let at = (item.kind, item.id, level.location_id);
                    let Some(&expected) = confirmed.get(&at) else {
                        continue;
                    };
                    let found = level.on_hand;
                    if found != expected {
                        drift.push(stock::Drift {
                            checked_at_ms: checked_at,
                            item_kind: item.kind,
                            item_id: item.id,
                            location_id: at.2,
                            sku: remote_sku(&remote.sku, item),
                            expected,
                            found,
                        });
                    }
                }
            }
        }
        report.differences = drift.len();
        stock::record_drift(&self.db, store_id, &drift).await?;
        if !drift.is_empty() {
            let items: Vec<ItemAt> = drift
                .iter()
                .map(|d| (d.item_kind, d.item_id, d.location_id))
                .collect();
            stock::forget_confirmed(&self.db, store_id, &items).await?;
            let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
            queue_inventory_push(&mut conn, store_id, Duration::ZERO).await?;
            self.wake_workers();
        }
        Ok(report)
    }

    pub async fn drift_report(&self, store_id: i64) -> Result<Vec<stock::Drift>, AppError> {
        Ok(stock::drift_report(&self.db, store_id).await?)
    }

    /// Queues a push of the store's levels now (all of them with `full`).
    pub async fn queue_full_push(&self, store_id: i64, full: bool) -> Result<(), DbError> {
        let job = NewJob::new(PUSH_JOB, &PushJob { store_id, full })
            .store(store_id)
            .dedupe_key(format!("{PUSH_JOB}:{store_id}:{full}"));
        jobs::enqueue_now(&self.db, &job).await?;
        self.wake_workers();
        Ok(())
    }

    pub async fn queue_drift_check(&self, store_id: i64) -> Result<(), DbError> {
        let job = NewJob::new(DRIFT_JOB, &DriftJob { store_id })
            .store(store_id)
            .dedupe_key(format!("{DRIFT_JOB}:{store_id}"));
        jobs::enqueue_now(&self.db, &job).await?;
        self.wake_workers();
        Ok(())
    }

    pub async fn run_inventory_push_job(&self, job: ClaimedJob) -> JobOutcome {
        match job.payload::<PushJob>() {
            Ok(PushJob { store_id, full }) => match self.push_inventory(store_id, full).await {
                // Another push holds the store: run after it, so its changes are not lost.
                Ok(report) if report.busy => JobOutcome::Snooze {
                    delay: Duration::from_secs(1),
                },
                Ok(report) => {
                    if !full && report.pushed > 0 {
                        self.record_push_lag(job.id).await;
                    }
                    JobOutcome::Done
                }
                other => outcome(other.map(drop)),
            },
            Err(e) => JobOutcome::Fail {
                error: format!("bad payload: {e}"),
            },
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

    pub async fn run_drift_job(&self, job: ClaimedJob) -> JobOutcome {
        match job.payload::<DriftJob>() {
            Ok(DriftJob { store_id }) => outcome(self.check_drift(store_id).await.map(drop)),
            Err(e) => JobOutcome::Fail {
                error: format!("bad payload: {e}"),
            },
        }
    }
}

fn remote_sku(sku: &str, item: &StoreItem) -> Option<String> {
    if sku.is_empty() {
        item.skus.first().cloned()
    } else {
        Some(sku.to_owned())
    }
}

/// Zeros first — an item that sold out must stop selling before anything else changes — then
/// by location, so that batches group by location.
fn order_for_sending(levels: &mut [Level]) {
    levels.sort_by_key(|l| (l.quantity != 0, l.at.2, l.at.0, l.at.1));
}

/// Consecutive levels at one location, at most [`MAX_ITEMS_PER_REQUEST`] each; the input's
/// order (zeros first) is kept.
fn batches(levels: &[Level]) -> Vec<&[Level]> {
    let mut batches = Vec::new();
    let mut start = 0;
    for i in 1..=levels.len() {
        let boundary = i == levels.len()
            || levels[i].at.2 != levels[start].at.2
            || i - start == MAX_ITEMS_PER_REQUEST;
        if boundary {
            batches.push(&levels[start..i]);
            start = i;
        }
    }
    batches
}

/// Which adjustments a 422 names: by index (`items.N` in its errors), else by identity (its
/// title lists them).
fn refused_indexes(error: &BcError, adjustments: &[Adjustment]) -> Vec<usize> {
    let mut indexes: Vec<usize> = bigcommerce::rejected_item_indexes(error)
        .into_iter()
        .filter(|&i| i < adjustments.len())
        .collect();
    if indexes.is_empty() {
        let named = bigcommerce::rejected_identities(error);
        indexes = adjustments
            .iter()
            .enumerate()
            .filter(|(_, a)| named.contains(&a.item))
            .map(|(i, _)| i)
            .collect();
    }
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}

/// Queues a push of the store's changed levels after `delay`, collapsing with one already
/// waiting: a burst of changes (a feed, a busy minute of orders) becomes one push.
pub(crate) async fn queue_inventory_push(
    conn: &mut AnyConnection,
    store_id: i64,
    delay: Duration,
) -> Result<(), DbError> {
    let job = NewJob::new(
        PUSH_JOB,
        &PushJob {
            store_id,
            full: false,
        },
    )
    .store(store_id)
    .dedupe_key(format!("{PUSH_JOB}:{store_id}:false"))
    .run_after(delay);
    jobs::enqueue(conn, &job).await?;
    Ok(())
}

impl App {
    /// A vendor's warehouses, each with the location its stock counts toward.
    pub async fn vendor_warehouses(
        &self,
        vendor_id: i64,
    ) -> Result<Vec<stock::Warehouse>, AppError> {
        Ok(stock::warehouses(&self.db, Some(vendor_id)).await?)
    }

    /// Every vendor's stock terms (buffer, staleness, SKU matching), in vendor id order.
    pub async fn stock_terms(&self) -> Result<Vec<VendorStockTerms>, AppError> {
        Ok(stock::vendor_terms(&self.db).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(id: i64, location: i64, quantity: i64) -> Level {
        Level {
            at: (ItemKind::Variant, id, location),
            external_id: id,
            quantity,
        }
    }

    #[test]
    fn zeros_go_first_and_batches_hold_one_location_and_at_most_2000_items() {
        let mut levels: Vec<Level> = (0..4100).map(|i| level(i, 1, 5)).collect();
        levels.extend((0..10).map(|i| level(10_000 + i, 2, 0)));
        levels.extend((0..10).map(|i| level(20_000 + i, 1, 0)));
        levels.push(level(30_000, 2, 7));
        order_for_sending(&mut levels);
        let sizes: Vec<(i64, usize, bool)> = batches(&levels)
            .iter()
            .map(|b| (b[0].at.2, b.len(), b.iter().all(|l| l.quantity == 0)))
            .collect();
        assert_eq!(
            sizes,
            [
                (1, 10, true),
                (2, 10, true),
                (1, 2000, false),
                (1, 2000, false),
                (1, 100, false),
                (2, 1, false)
            ]
        );
        assert!(batches(&[]).is_empty());
    }
}
