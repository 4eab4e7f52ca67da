//! Stock feeds: a vendor's CSV at a URL, fetched on a schedule through `feeds.rs`.

use crate::app::App;
use crate::app::error::AppError;
use crate::app::jobs::FeedFetch;
use crate::db::inventory as stock;
use crate::db::{self, DbError, now_ms};
use crate::domain::{FieldError, FieldErrors};

use super::{FeedEdit, FeedInput, StockImportReport};

const FEED_URL_PURPOSE: &str = "stock_feeds.url";
/// Feeds are fetched at most this often, and at least once a week.
const FEED_INTERVALS: std::ops::RangeInclusive<i64> = 60..=7 * 24 * 3600;
const DEFAULT_FEED_INTERVAL_SECS: i64 = 15 * 60;

impl App {
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
        let shown = crate::feeds::shown_url(&url);
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
        self.feed(id).await
    }

    /// Changes a feed: a new URL (checked like a new feed's; empty keeps the stored one, which
    /// is never shown whole), its interval and its columns. Fetched again at once.
    pub async fn edit_feed(&self, feed_id: i64, edit: &FeedEdit) -> Result<stock::Feed, AppError> {
        let feed = self.feed(feed_id).await?;
        let mut errors = FieldErrors::default();
        let url = match edit.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(url) => match crate::feeds::check_feed_url(url, &self.feed_policy) {
                Ok(url) => Some(url),
                Err(e) => {
                    errors.push(FieldError::new("url", e.to_string()));
                    None
                }
            },
        };
        let interval = edit.interval_secs.unwrap_or(feed.interval_secs);
        if !FEED_INTERVALS.contains(&interval) {
            errors.push(FieldError::new(
                "interval_secs",
                "Fetch the feed every 60 seconds to every 7 days",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let sealed = url.as_ref().map(|url| {
            (
                self.cipher.seal(
                    FEED_URL_PURPOSE,
                    &secrecy::SecretString::from(url.to_string()),
                ),
                crate::feeds::shown_url(url),
            )
        });
        let mapping = edit.mapping.clone().unwrap_or(feed.mapping);
        stock::update_feed(
            &self.db,
            feed_id,
            sealed
                .as_ref()
                .map(|(s, shown)| (s.as_str(), shown.as_str())),
            interval,
            &mapping,
        )
        .await?;
        self.queue_feed(feed_id).await?;
        self.feed(feed_id).await
    }

    /// Deletes a feed. The stock it delivered stays until the vendor reports again.
    pub async fn delete_feed(&self, feed_id: i64) -> Result<(), AppError> {
        if !stock::delete_feed(&self.db, feed_id).await? {
            return Err(feed_not_found(feed_id));
        }
        tracing::info!(feed_id, "stock feed deleted");
        Ok(())
    }

    pub async fn feed(&self, feed_id: i64) -> Result<stock::Feed, AppError> {
        stock::feeds(&self.db, None)
            .await?
            .into_iter()
            .find(|f| f.id == feed_id)
            .ok_or_else(|| feed_not_found(feed_id))
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
        let feed = self.feed(feed_id).await?;
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
        FeedFetch { feed_id }.enqueue(&self.db).await?;
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
}

fn feed_not_found(feed_id: i64) -> AppError {
    AppError::NotFound {
        what: "feed",
        id: feed_id.to_string(),
    }
}
