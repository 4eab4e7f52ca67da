//! Stock feeds: a vendor's CSV fetched from a URL on a schedule, and how its last run went.

use sqlx::Row;

use crate::db::{Db, DbError, now_ms};

/// A stock feed: a CSV fetched from a URL on a schedule.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Feed {
    pub id: i64,
    pub vendor_id: i64,
    /// The URL without its query string (which may hold a token).
    pub url_shown: String,
    #[serde(skip)]
    pub url_sealed: String,
    pub interval_secs: i64,
    pub mapping: crate::domain::stock_csv::ColumnMapping,
    pub last_run_at_ms: Option<i64>,
    pub last_fresh_at_ms: Option<i64>,
    pub last_error: Option<String>,
}

pub async fn add_feed(
    db: &Db,
    vendor_id: i64,
    url_sealed: &str,
    url_shown: &str,
    interval_secs: i64,
    mapping: &crate::domain::stock_csv::ColumnMapping,
) -> Result<i64, DbError> {
    let mapping = serde_json::to_string(mapping).map_err(|e| DbError::Corrupt(e.to_string()))?;
    Ok(sqlx::query(
        "INSERT INTO stock_feeds (vendor_id, url_sealed, url_shown, interval_secs, mapping, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(vendor_id)
    .bind(url_sealed)
    .bind(url_shown)
    .bind(interval_secs)
    .bind(mapping)
    .bind(now_ms())
    .fetch_one(db.pool())
    .await?
    .get("id"))
}

pub async fn feeds(db: &Db, vendor_id: Option<i64>) -> Result<Vec<Feed>, DbError> {
    let rows = sqlx::query(
        "SELECT id, vendor_id, url_sealed, url_shown, interval_secs, mapping, last_run_at, last_fresh_at, last_error
         FROM stock_feeds WHERE ($1 < 0 OR vendor_id = $1) ORDER BY id",
    )
    .bind(vendor_id.unwrap_or(-1))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Feed {
                id: r.get("id"),
                vendor_id: r.get("vendor_id"),
                url_shown: r.get("url_shown"),
                url_sealed: r.get("url_sealed"),
                interval_secs: r.get("interval_secs"),
                mapping: serde_json::from_str(r.get("mapping"))
                    .map_err(|e| DbError::Corrupt(format!("feed mapping: {e}")))?,
                last_run_at_ms: r.get("last_run_at"),
                last_fresh_at_ms: r.get("last_fresh_at"),
                last_error: r.get("last_error"),
            })
        })
        .collect()
}

/// Records a feed run: fresh (applied) or the error that stopped it.
pub async fn feed_ran(db: &Db, feed_id: i64, error: Option<&str>) -> Result<(), DbError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE stock_feeds SET last_run_at = $2, last_error = $3,
                last_fresh_at = CASE WHEN $3 IS NULL THEN $2 ELSE last_fresh_at END
         WHERE id = $1",
    )
    .bind(feed_id)
    .bind(now)
    .bind(error)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Changes a feed's URL (when given: sealed and shown), interval and columns. False when there
/// is no such feed.
pub async fn update_feed(
    db: &Db,
    feed_id: i64,
    url: Option<(&str, &str)>,
    interval_secs: i64,
    mapping: &crate::domain::stock_csv::ColumnMapping,
) -> Result<bool, DbError> {
    let mapping = serde_json::to_string(mapping).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let (sealed, shown) = url.unzip();
    Ok(sqlx::query(
        "UPDATE stock_feeds SET url_sealed = COALESCE($2, url_sealed), url_shown = COALESCE($3, url_shown),
                interval_secs = $4, mapping = $5
         WHERE id = $1",
    )
    .bind(feed_id)
    .bind(sealed)
    .bind(shown)
    .bind(interval_secs)
    .bind(mapping)
    .execute(db.pool())
    .await?
    .rows_affected()
        == 1)
}

/// Deletes a feed; the stock it delivered stays. False when there is no such feed.
pub async fn delete_feed(db: &Db, feed_id: i64) -> Result<bool, DbError> {
    Ok(sqlx::query("DELETE FROM stock_feeds WHERE id = $1")
        .bind(feed_id)
        .execute(db.pool())
        .await?
        .rows_affected()
        == 1)
}
