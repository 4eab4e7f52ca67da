//! Vendors' reported stock levels. Each row carries a match key (the SKU as matching compares
//! it, lowercased by the database), so SQL alone tells a row that names some store's SKU — a
//! matched row — from junk: a push reads only matched rows of active vendors, and the cap on
//! a vendor's unmatched rows counts only junk. Wharf's exact matching (case, prefix, which
//! item) runs on what these queries let through; they never leave out a row it would match.
//! (SQLite's `lower` folds ASCII only: two SKUs that differ only in the case of a non-ASCII
//! letter are one SKU for PostgreSQL and two for SQLite.)

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::sql::ROWS_PER_INSERT;
use crate::db::{Db, DbError, now_ms};
use crate::domain::inventory::SkuMatching;

/// One level to record.
#[derive(Debug, Clone)]
pub struct NewStock {
    pub warehouse_id: i64,
    /// As the vendor wrote it.
    pub sku: String,
    /// The SKU trimmed and without the vendor's prefix (`SkuMatching::stripped`).
    pub stripped: String,
    pub quantity: i64,
}

/// Records absolute stock levels and when the vendor reported; returns that time, which every
/// row written carries.
pub async fn set_stock(
    conn: &mut AnyConnection,
    vendor_id: i64,
    levels: &[NewStock],
) -> Result<i64, DbError> {
    let now = now_ms();
    for chunk in levels.chunks(ROWS_PER_INSERT) {
        // The match key is lowercased here, by the database, as the matching queries
        // lowercase store SKUs: one notion of case on both sides.
        let rows = (0..chunk.len())
            .map(|i| {
                let n = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, lower(${}))",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO vendor_stock (warehouse_id, sku, quantity, updated_at, match_key) VALUES {rows}
             ON CONFLICT (warehouse_id, sku) DO UPDATE SET quantity = excluded.quantity,
                 updated_at = excluded.updated_at, match_key = excluded.match_key"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for level in chunk {
            query = query
                .bind(level.warehouse_id)
                .bind(&level.sku)
                .bind(level.quantity)
                .bind(now)
                .bind(&level.stripped);
        }
        query.execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE vendors SET stock_reported_at = $2 WHERE id = $1")
        .bind(vendor_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(now)
}

/// After the vendor's matching terms changed: every row's key under the new terms.
pub async fn rekey_stock(db: &Db, vendor_id: i64, matching: &SkuMatching) -> Result<(), DbError> {
    let rows = sqlx::query(
        "SELECT s.warehouse_id, s.sku FROM vendor_stock s JOIN warehouses w ON w.id = s.warehouse_id
         WHERE w.vendor_id = $1",
    )
    .bind(vendor_id)
    .fetch_all(db.pool())
    .await?;
    let mut tx = db.begin().await?;
    for row in &rows {
        let sku: String = row.get("sku");
        sqlx::query(
            "UPDATE vendor_stock SET match_key = lower($3) WHERE warehouse_id = $1 AND sku = $2",
        )
        .bind(row.get::<i64, _>("warehouse_id"))
        .bind(&sku)
        .bind(matching.stripped(&sku))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// One reported stock level with the location its warehouse publishes at.
#[derive(Debug, Clone)]
pub struct StockRow {
    pub vendor_id: i64,
    pub warehouse_id: i64,
    pub updated_at_ms: i64,
    pub location_id: i64,
    pub sku: String,
    pub quantity: i64,
}

/// Active vendors' rows whose match key is one of the store's live SKUs: what a push can
/// publish. Junk and deactivated vendors' stock are left in the database.
pub async fn matched_stock_rows(db: &Db, store_id: i64) -> Result<Vec<StockRow>, DbError> {
    let rows = sqlx::query(
        "SELECT w.vendor_id, s.warehouse_id, s.updated_at, w.location_id, s.sku, s.quantity
         FROM vendor_stock s JOIN warehouses w ON w.id = s.warehouse_id JOIN vendors v ON v.id = w.vendor_id
         WHERE v.active <> 0 AND s.match_key IN (
             SELECT lower(x.sku) FROM variants x WHERE x.store_id = $1 AND x.archived_at IS NULL AND x.sku IS NOT NULL
             UNION SELECT lower(p.sku) FROM products p WHERE p.store_id = $1 AND p.archived_at IS NULL AND p.sku IS NOT NULL)",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| StockRow {
            vendor_id: r.get("vendor_id"),
            warehouse_id: r.get("warehouse_id"),
            updated_at_ms: r.get("updated_at"),
            location_id: r.get("location_id"),
            sku: r.get("sku"),
            quantity: r.get("quantity"),
        })
        .collect())
}

/// The vendor's rows that name no live SKU of any store: each row probes the `lower(sku)`
/// indexes, so the cost follows the vendor's rows, not every store's catalog (a set of every
/// SKU of every store was built for each question before). `IN (…)`: see
/// `drop_oldest_unmatched`.
const UNMATCHED: &str = "FROM vendor_stock s JOIN warehouses w ON w.id = s.warehouse_id
     WHERE w.vendor_id = $1
       AND NOT EXISTS (SELECT 1 FROM variants x
                       WHERE lower(x.sku) IN (s.match_key) AND x.archived_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM products p
                       WHERE lower(p.sku) IN (s.match_key) AND p.archived_at IS NULL)";

pub async fn unmatched_count(db: &Db, vendor_id: i64) -> Result<i64, DbError> {
    let sql = format!("SELECT COUNT(*) AS n {UNMATCHED}");
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(vendor_id)
        .fetch_one(db.pool())
        .await?
        .get("n"))
}

/// The first `limit` unmatched SKUs of the vendor, in SKU order, each once.
pub async fn unmatched_skus(db: &Db, vendor_id: i64, limit: i64) -> Result<Vec<String>, DbError> {
    let sql = format!("SELECT DISTINCT s.sku {UNMATCHED} ORDER BY s.sku LIMIT $2");
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(vendor_id)
        .bind(limit)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.get("sku"))
        .collect())
}

/// After a report written at `reported_at`: deletes the vendor's oldest unmatched rows beyond
/// `cap` — the latest reports are kept, and of one report the SKUs last in order go first.
/// Returns how many went.
///
/// Counting every unmatched row compares all of the vendor's rows with every store SKU (a
/// large query at 100k SKUs, while the report holds the write lock), and only a report that
/// wrote an unmatched row can grow the vendor's junk: so the rows just written are checked
/// first, an index probe each, and a report of matched SKUs — the vendor API's usual few —
/// costs no more. `IN (…)` rather than `=`: SQLite would give `=` the column's text affinity,
/// which the `lower(sku)` index doesn't have, and scan every variant for every row. (A SKU archived in the catalog also turns rows unmatched; the vendor's next
/// report with an unmatched row settles the cap.)
pub async fn drop_oldest_unmatched(
    conn: &mut AnyConnection,
    vendor_id: i64,
    cap: i64,
    reported_at: i64,
) -> Result<u64, DbError> {
    let wrote_unmatched = sqlx::query(
        "SELECT 1 FROM vendor_stock s JOIN warehouses w ON w.id = s.warehouse_id
         WHERE w.vendor_id = $1 AND s.updated_at = $2
           AND NOT EXISTS (SELECT 1 FROM variants x
                           WHERE lower(x.sku) IN (s.match_key) AND x.archived_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM products p
                           WHERE lower(p.sku) IN (s.match_key) AND p.archived_at IS NULL)
         LIMIT 1",
    )
    .bind(vendor_id)
    .bind(reported_at)
    .fetch_optional(&mut *conn)
    .await?
    .is_some();
    if !wrote_unmatched {
        return Ok(0);
    }
    let count_sql = format!("SELECT COUNT(*) AS n {UNMATCHED}");
    let count: i64 = sqlx::query(AssertSqlSafe(count_sql))
        .bind(vendor_id)
        .fetch_one(&mut *conn)
        .await?
        .get("n");
    let excess = count - cap;
    if excess <= 0 {
        return Ok(0);
    }
    let sql = format!(
        "DELETE FROM vendor_stock WHERE (warehouse_id, sku) IN (
             SELECT s.warehouse_id, s.sku {UNMATCHED} ORDER BY s.updated_at, s.sku DESC LIMIT $2)"
    );
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(vendor_id)
        .bind(excess)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Deletes every unmatched row of the vendor. Returns how many went.
pub async fn clear_unmatched(db: &Db, vendor_id: i64) -> Result<u64, DbError> {
    let sql = format!(
        "DELETE FROM vendor_stock WHERE (warehouse_id, sku) IN (SELECT s.warehouse_id, s.sku {UNMATCHED})"
    );
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(vendor_id)
        .execute(db.pool())
        .await?
        .rows_affected())
}

/// The vendor's SKUs that name some live SKU of a store, each once: the rows that may count,
/// if routing sends their item to the vendor.
pub async fn matched_skus(db: &Db, vendor_id: i64) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query(
        "SELECT DISTINCT s.sku FROM vendor_stock s JOIN warehouses w ON w.id = s.warehouse_id
         WHERE w.vendor_id = $1
           AND (EXISTS (SELECT 1 FROM variants x
                        WHERE lower(x.sku) IN (s.match_key) AND x.archived_at IS NULL)
                OR EXISTS (SELECT 1 FROM products p
                           WHERE lower(p.sku) IN (s.match_key) AND p.archived_at IS NULL))
         ORDER BY s.sku",
    )
    .bind(vendor_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| r.get("sku"))
    .collect())
}
