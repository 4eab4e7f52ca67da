//! The per-store API budget shared by every wharf process (`bigcommerce::SharedBudget`, plugged
//! in by `channels::bigcommerce::DbBudget`).
//!
//! Each request wharf sends to a store is a row in `api_requests`, counted from when it is taken
//! until one window after BigCommerce answered it. The store counts a request when it arrives,
//! somewhere in that span, so a request may be sent when fewer than the allowance (`share` of
//! the store's quota) still count: then no stretch of one window length, wherever the store's
//! window starts, receives more than the allowance. Counting from the take alone is not enough:
//! a request that waits on the way (a busy machine, a slow network) would arrive after its
//! count ran out. The store's `api_budgets` row is locked (an `UPDATE`) for the few
//! milliseconds of the count, so two processes cannot both take the last request.

use std::time::Duration;

use bigcommerce::budget::{ASSUMED_QUOTA, Quota, Take, Ticket, allowance};
use sqlx::Row;

use super::{Db, DbError, now_ms};

/// Takes one request from `store_hash`'s budget, or says how long until one is free. Also
/// returns how many requests the budget has left after this one. `answer_within` is the
/// latest the request can be answered: it counts until then unless [`answered`] says sooner.
pub async fn take(
    db: &Db,
    store_hash: &str,
    share: f64,
    seen: Option<Quota>,
    answer_within: Duration,
) -> Result<(Take, u32), DbError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let quota = match lock_and_learn(&mut tx, store_hash, seen, now).await? {
        Some(quota) => quota,
        None => {
            let quota = seen.unwrap_or(ASSUMED_QUOTA);
            sqlx::query(
                "INSERT INTO api_budgets (store_hash, quota, window_ms, taken_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (store_hash) DO NOTHING",
            )
            .bind(store_hash)
            .bind(i64::from(quota.requests))
            .bind(quota.window.as_millis() as i64)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            lock_and_learn(&mut tx, store_hash, seen, now)
                .await?
                .ok_or_else(|| DbError::Corrupt(format!("no API budget row for {store_hash}")))?
        }
    };
    let window_ms = quota.window.as_millis().max(1) as i64;
    let counted_since = now - window_ms;
    sqlx::query("DELETE FROM api_requests WHERE store_hash = $1 AND answered_at <= $2")
        .bind(store_hash)
        .bind(counted_since)
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS counting, MIN(answered_at) AS first_answered
         FROM api_requests WHERE store_hash = $1",
    )
    .bind(store_hash)
    .fetch_one(&mut *tx)
    .await?;
    let counting: i64 = row.get("counting");
    let first_answered: Option<i64> = row.get("first_answered");
    let allowed = i64::from(allowance(quota, share));
    let take = if counting < allowed {
        let row = sqlx::query(
            "INSERT INTO api_requests (store_hash, answered_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(store_hash)
        .bind(now + answer_within.as_millis() as i64)
        .fetch_one(&mut *tx)
        .await?;
        count_in_its_hour(&mut tx, store_hash, now).await?;
        Ok(Ticket(row.get("id")))
    } else {
        // The request answered first stops counting first; with it, one request is free.
        let free_at = first_answered.unwrap_or(now) + window_ms + 1;
        Err(Duration::from_millis((free_at - now).max(1) as u64))
    };
    tx.commit().await?;
    let counting_now = counting + i64::from(take.is_ok());
    Ok((take, (allowed - counting_now).max(0) as u32))
}

/// The ticket's request was answered now: it counts for one more window from here.
pub async fn answered(db: &Db, ticket: Ticket) -> Result<(), DbError> {
    let now = now_ms();
    sqlx::query("UPDATE api_requests SET answered_at = $2 WHERE id = $1 AND answered_at > $2")
        .bind(ticket.0)
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Locks the store's row, records the quota a client saw if there is one, and returns the
/// quota to go by; `None` when the store has no row yet.
async fn lock_and_learn(
    conn: &mut sqlx::AnyConnection,
    store_hash: &str,
    seen: Option<Quota>,
    now: i64,
) -> Result<Option<Quota>, DbError> {
    let row = sqlx::query(
        "UPDATE api_budgets SET taken_at = $2, quota = COALESCE($3, quota),
                window_ms = COALESCE($4, window_ms)
         WHERE store_hash = $1
         RETURNING quota, window_ms",
    )
    .bind(store_hash)
    .bind(now)
    .bind(seen.map(|q| i64::from(q.requests)))
    .bind(seen.map(|q| q.window.as_millis() as i64))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|row| Quota {
        requests: u32::try_from(row.get::<i64, _>("quota")).unwrap_or(u32::MAX),
        window: Duration::from_millis(row.get::<i64, _>("window_ms").max(1) as u64),
    }))
}

/// How long the hourly counts are kept: the dashboard draws the last day.
const KEEP_HOURS_MS: i64 = 2 * 24 * HOUR_MS;
const HOUR_MS: i64 = 60 * 60 * 1000;

/// Adds the request taken at `now` to its hour's count, in the take's transaction.
async fn count_in_its_hour(
    conn: &mut sqlx::AnyConnection,
    store_hash: &str,
    now: i64,
) -> Result<(), DbError> {
    let hour_at = now - now.rem_euclid(HOUR_MS);
    let requests: i64 = sqlx::query(
        "INSERT INTO api_usage_hours (store_hash, hour_at, requests) VALUES ($1, $2, 1)
         ON CONFLICT (store_hash, hour_at) DO UPDATE SET requests = api_usage_hours.requests + 1
         RETURNING requests",
    )
    .bind(store_hash)
    .bind(hour_at)
    .fetch_one(&mut *conn)
    .await?
    .get("requests");
    // The hour's first request prunes: once an hour per store keeps the table two days long.
    if requests == 1 {
        sqlx::query("DELETE FROM api_usage_hours WHERE store_hash = $1 AND hour_at < $2")
            .bind(store_hash)
            .bind(hour_at - KEEP_HOURS_MS)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A store's quota and how much of its current window wharf's requests take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowUse {
    pub store_hash: String,
    /// The store's quota per window, as BigCommerce's headers last reported it.
    pub quota: i64,
    pub window_ms: i64,
    /// wharf's requests that count in the window ending now.
    pub used: i64,
}

/// Every store's current window, as wharf's budget counts it.
pub async fn current_windows(db: &Db) -> Result<Vec<WindowUse>, DbError> {
    let rows = sqlx::query(
        "SELECT b.store_hash, b.quota, b.window_ms,
                (SELECT COUNT(*) FROM api_requests r
                 WHERE r.store_hash = b.store_hash AND r.answered_at > $1 - b.window_ms) AS used
         FROM api_budgets b ORDER BY b.store_hash",
    )
    .bind(now_ms())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| WindowUse {
            store_hash: row.get("store_hash"),
            quota: row.get("quota"),
            window_ms: row.get("window_ms"),
            used: row.get("used"),
        })
        .collect())
}

/// wharf's requests per store and hour from `since_ms` on: (store hash, hour's start, requests).
pub async fn requests_per_hour(db: &Db, since_ms: i64) -> Result<Vec<(String, i64, i64)>, DbError> {
    let rows = sqlx::query(
        "SELECT store_hash, hour_at, requests FROM api_usage_hours
         WHERE hour_at >= $1 ORDER BY store_hash, hour_at",
    )
    .bind(since_ms - since_ms.rem_euclid(HOUR_MS))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| {
            (
                row.get("store_hash"),
                row.get("hour_at"),
                row.get("requests"),
            )
        })
        .collect())
}
