//! Stores and their sealed credentials. A removed store (`removed_at`, kept for its orders) is
//! none of these queries' business: it is read only through the orders that name it.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, is_unique_violation, now_ms};
use crate::domain::connection::{ConnectionReport, ConnectionStatus};

/// A store row, credentials still sealed.
#[derive(Debug, Clone)]
pub struct StoreRecord {
    pub id: i64,
    pub name: String,
    pub auth_type: String,
    pub store_url: String,
    pub store_hash: String,
    pub client_id: String,
    pub client_secret_sealed: String,
    pub client_secret_last4: String,
    pub access_token_sealed: String,
    pub access_token_last4: String,
    pub connection_status: ConnectionStatus,
    pub connection_report: ConnectionReport,
    pub last_checked_at_ms: Option<i64>,
    pub created_at_ms: i64,
    /// Which BigCommerce status ids create purchase orders.
    pub routed_status_ids: Vec<i64>,
    /// The other store that holds this store's hash, when one does: then this one (added
    /// twice before hashes were unique) must not talk to BigCommerce.
    pub hash_used_by: Option<StoreRef>,
    /// When the operator disabled it: then wharf neither syncs it nor runs its jobs.
    pub disabled_at_ms: Option<i64>,
    /// The vendor whose own store this is; `None` for the merchant's sales stores.
    pub vendor_id: Option<i64>,
}

/// The columns of a new store, secrets already sealed.
#[derive(Debug)]
pub struct NewStoreRow<'a> {
    pub name: &'a str,
    pub auth_type: &'a str,
    pub store_url: &'a str,
    pub store_hash: &'a str,
    pub client_id: &'a str,
    pub client_secret_sealed: &'a str,
    pub client_secret_last4: &'a str,
    pub access_token_sealed: &'a str,
    pub access_token_last4: &'a str,
    /// The vendor whose own store this is; `None` for a sales store.
    pub vendor_id: Option<i64>,
}

/// `SELECT <every store column> FROM stores s <rest>`, as the literal sqlx requires, with the
/// store that holds `s`'s hash when that is another store.
macro_rules! select_stores {
    ($rest:literal) => {
        concat!(
            "SELECT s.id AS id, s.name AS name, s.auth_type AS auth_type, s.store_url AS store_url,
                    s.store_hash AS store_hash, s.client_id AS client_id,
                    s.client_secret_sealed AS client_secret_sealed, s.client_secret_last4 AS client_secret_last4,
                    s.access_token_sealed AS access_token_sealed, s.access_token_last4 AS access_token_last4,
                    s.connection_status AS connection_status, s.connection_checks AS connection_checks,
                    s.last_checked_at AS last_checked_at, s.created_at AS created_at,
                    s.routed_status_ids AS routed_status_ids, s.disabled_at AS disabled_at,
                    s.vendor_id AS vendor_id, holder.id AS holder_id, holder.name AS holder_name
             FROM stores s
             LEFT JOIN store_hashes h ON h.store_hash = lower(s.store_hash) AND h.store_id <> s.id
             LEFT JOIN stores holder ON holder.id = h.store_id ",
            $rest
        )
    };
}

/// Inserts a store and claims its hash for it, in one transaction: `Duplicate("name")` when
/// the name is taken (case-insensitively) or, for a vendor's store, `Duplicate("vendor")` when
/// the vendor has one; `Duplicate("store_hash")` when another store (sales or vendor) holds
/// the hash. The claim's primary key decides between concurrent adds of one hash on either
/// backend (PostgreSQL makes the second wait for the first to commit, then refuses it).
pub async fn insert(db: &Db, row: &NewStoreRow<'_>) -> Result<i64, DbError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO stores (name, auth_type, store_url, store_hash, client_id, client_secret_sealed, client_secret_last4,
                             access_token_sealed, access_token_last4, connection_status, created_at, updated_at,
                             vendor_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'unchecked', $10, $10, $11)
         RETURNING id",
    )
    .bind(row.name)
    .bind(row.auth_type)
    .bind(row.store_url)
    .bind(row.store_hash)
    .bind(row.client_id)
    .bind(row.client_secret_sealed)
    .bind(row.client_secret_last4)
    .bind(row.access_token_sealed)
    .bind(row.access_token_last4)
    .bind(now)
    .bind(row.vendor_id)
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.get("id"),
        Err(e) if is_unique_violation(&e) && row.vendor_id.is_some() => {
            return Err(DbError::Duplicate("vendor"));
        }
        Err(e) if is_unique_violation(&e) => return Err(DbError::Duplicate("name")),
        Err(e) => return Err(e.into()),
    };
    let claimed =
        sqlx::query("INSERT INTO store_hashes (store_hash, store_id) VALUES (lower($1), $2)")
            .bind(row.store_hash)
            .bind(id)
            .execute(&mut *tx)
            .await;
    match claimed {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(DbError::Duplicate("store_hash")),
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(id)
}

/// A wharf store, named for people.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StoreRef {
    pub id: i64,
    pub name: String,
}

/// The store that holds a hash: a sales store, or a vendor's own store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashHolder {
    pub store_id: i64,
    /// The sales store's name, or the vendor's (a vendor store's own name is internal).
    pub name: String,
    pub vendor_id: Option<i64>,
}

/// The store that holds this hash (compared case-insensitively), if any.
pub async fn hash_holder(db: &Db, store_hash: &str) -> Result<Option<HashHolder>, DbError> {
    let row = sqlx::query(
        "SELECT s.id AS id, COALESCE(v.name, s.name) AS name, s.vendor_id AS vendor_id
         FROM store_hashes h JOIN stores s ON s.id = h.store_id
         LEFT JOIN vendors v ON v.id = s.vendor_id
         WHERE h.store_hash = lower($1)",
    )
    .bind(store_hash)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|row| HashHolder {
        store_id: row.get("id"),
        name: row.get("name"),
        vendor_id: row.get("vendor_id"),
    }))
}

pub async fn name_taken(db: &Db, name: &str) -> Result<bool, DbError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM stores
         WHERE lower(name) = lower($1) AND removed_at IS NULL AND vendor_id IS NULL",
    )
    .bind(name)
    .fetch_one(db.pool())
    .await?;
    Ok(row.get::<i64, _>("n") > 0)
}

/// A store whose hash another store holds (both added before hashes were unique).
#[derive(Debug, Clone)]
pub struct SharedHash {
    pub store_hash: String,
    pub store: StoreRef,
    pub used_by: StoreRef,
}

/// Every store whose hash another store holds, oldest first.
pub async fn shared_hashes(db: &Db) -> Result<Vec<SharedHash>, DbError> {
    let rows = sqlx::query(
        "SELECT h.store_hash AS store_hash, s.id AS id, s.name AS name,
                holder.id AS holder_id, holder.name AS holder_name
         FROM stores s
         JOIN store_hashes h ON h.store_hash = lower(s.store_hash) AND h.store_id <> s.id
         JOIN stores holder ON holder.id = h.store_id
         WHERE s.removed_at IS NULL
         ORDER BY s.id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| SharedHash {
            store_hash: row.get("store_hash"),
            store: StoreRef {
                id: row.get("id"),
                name: row.get("name"),
            },
            used_by: StoreRef {
                id: row.get("holder_id"),
                name: row.get("holder_name"),
            },
        })
        .collect())
}

/// The merchant's sales stores (never a vendor's own store), by name.
pub async fn list(db: &Db) -> Result<Vec<StoreRecord>, DbError> {
    let rows = sqlx::query(select_stores!(
        "WHERE s.removed_at IS NULL AND s.vendor_id IS NULL ORDER BY lower(s.name)"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(store_record).collect()
}

/// A sales store: `None` for a vendor's own store, as for one that is gone.
pub async fn get(db: &Db, id: i64) -> Result<Option<StoreRecord>, DbError> {
    let row = sqlx::query(select_stores!(
        "WHERE s.id = $1 AND s.removed_at IS NULL AND s.vendor_id IS NULL"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(store_record).transpose()
}

/// A sales store or a vendor's own store: for what both kinds share (credentials, the client,
/// webhooks). Everything about selling reads [`get`].
pub async fn get_any(db: &Db, id: i64) -> Result<Option<StoreRecord>, DbError> {
    let row = sqlx::query(select_stores!("WHERE s.id = $1 AND s.removed_at IS NULL"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(store_record).transpose()
}

/// The vendor's own store, if it has one.
pub async fn get_by_vendor(db: &Db, vendor_id: i64) -> Result<Option<StoreRecord>, DbError> {
    let row = sqlx::query(select_stores!(
        "WHERE s.vendor_id = $1 AND s.removed_at IS NULL"
    ))
    .bind(vendor_id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(store_record).transpose()
}

/// Every vendor's own store, by vendor id. Bounded by the number of vendors.
pub async fn list_vendor_stores(db: &Db) -> Result<Vec<StoreRecord>, DbError> {
    let rows = sqlx::query(select_stores!(
        "WHERE s.removed_at IS NULL AND s.vendor_id IS NOT NULL ORDER BY s.vendor_id"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(store_record).collect()
}

/// The vendor whose own store this is: `None` for a sales store or one that is gone.
pub async fn vendor_of(
    conn: &mut sqlx::AnyConnection,
    store_id: i64,
) -> Result<Option<i64>, DbError> {
    let row = sqlx::query("SELECT vendor_id FROM stores WHERE id = $1 AND removed_at IS NULL")
        .bind(store_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.and_then(|row| row.get::<Option<i64>, _>("vendor_id")))
}

pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<StoreRecord>, DbError> {
    let row = sqlx::query(select_stores!(
        "WHERE lower(s.name) = lower($1) AND s.removed_at IS NULL AND s.vendor_id IS NULL"
    ))
    .bind(name)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(store_record).transpose()
}

/// Stores the outcome of a Connect: status, every check, and when it ran.
pub async fn record_connection(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    report: &ConnectionReport,
    checked_at_ms: i64,
) -> Result<(), DbError> {
    let checks = serde_json::to_string(report).expect("a report serializes to JSON");
    sqlx::query(
        "UPDATE stores SET connection_status = $2, connection_checks = $3, last_checked_at = $4, updated_at = $4
         WHERE id = $1",
    )
    .bind(id)
    .bind(report.status().as_str())
    .bind(checks)
        .bind(checked_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn store_record(row: &AnyRow) -> Result<StoreRecord, DbError> {
    let status: String = row.get("connection_status");
    let checks: Option<String> = row.get("connection_checks");
    let connection_report = match checks {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| DbError::Corrupt(format!("connection checks: {e}")))?,
        None => ConnectionReport::default(),
    };
    Ok(StoreRecord {
        id: row.get("id"),
        name: row.get("name"),
        auth_type: row.get("auth_type"),
        store_url: row.get("store_url"),
        store_hash: row.get("store_hash"),
        client_id: row.get("client_id"),
        client_secret_sealed: row.get("client_secret_sealed"),
        client_secret_last4: row.get("client_secret_last4"),
        access_token_sealed: row.get("access_token_sealed"),
        access_token_last4: row.get("access_token_last4"),
        connection_status: ConnectionStatus::parse(&status)
            .ok_or_else(|| DbError::Corrupt(format!("connection status {status:?}")))?,
        connection_report,
        last_checked_at_ms: row.get("last_checked_at"),
        created_at_ms: row.get("created_at"),
        routed_status_ids: crate::domain::order::parse_status_list(row.get("routed_status_ids")),
        hash_used_by: row.get::<Option<i64>, _>("holder_id").map(|id| StoreRef {
            id,
            name: row.get("holder_name"),
        }),
        disabled_at_ms: row.get("disabled_at"),
        vendor_id: row.get("vendor_id"),
    })
}

/// Which BigCommerce status ids create purchase orders for this store.
pub async fn set_routed_statuses(db: &Db, id: i64, status_ids: &[i64]) -> Result<bool, DbError> {
    let text = status_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let updated =
        sqlx::query("UPDATE stores SET routed_status_ids = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(text)
            .bind(now_ms())
            .execute(db.pool())
            .await?;
    Ok(updated.rows_affected() == 1)
}

/// The columns an edit writes, secrets already sealed (the stored ones when unchanged).
#[derive(Debug)]
pub struct StoreUpdateRow<'a> {
    pub name: &'a str,
    pub store_url: &'a str,
    pub store_hash: &'a str,
    pub client_id: &'a str,
    pub client_secret_sealed: &'a str,
    pub client_secret_last4: &'a str,
    pub access_token_sealed: &'a str,
    pub access_token_last4: &'a str,
    /// New credentials: forget the last Connect, whose verdict was about the old ones.
    pub unverify: bool,
}

/// Saves an edit, moving the hash claim when the hash changes, in one transaction:
/// `Duplicate("name")` or `Duplicate("store_hash")` as for [`insert`]. `false` when the store
/// is gone.
pub async fn update(db: &Db, id: i64, row: &StoreUpdateRow<'_>) -> Result<bool, DbError> {
    let mut tx = db.begin().await?;
    let old_hash: Option<String> = sqlx::query("SELECT store_hash FROM stores WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.get("store_hash"));
    let Some(old_hash) = old_hash else {
        return Ok(false);
    };
    let updated = sqlx::query(
        "UPDATE stores SET name = $2, store_url = $3, store_hash = $4, client_id = $5,
                client_secret_sealed = $6, client_secret_last4 = $7,
                access_token_sealed = $8, access_token_last4 = $9, updated_at = $10,
                connection_status = CASE WHEN $11 = 1 THEN 'unchecked' ELSE connection_status END,
                connection_checks = CASE WHEN $11 = 1 THEN NULL ELSE connection_checks END,
                last_checked_at = CASE WHEN $11 = 1 THEN NULL ELSE last_checked_at END
         WHERE id = $1",
    )
    .bind(id)
    .bind(row.name)
    .bind(row.store_url)
    .bind(row.store_hash)
    .bind(row.client_id)
    .bind(row.client_secret_sealed)
    .bind(row.client_secret_last4)
    .bind(row.access_token_sealed)
    .bind(row.access_token_last4)
    .bind(now_ms())
    .bind(i64::from(row.unverify))
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Err(DbError::Duplicate("name")),
        Err(e) => return Err(e.into()),
    }
    if !old_hash.eq_ignore_ascii_case(row.store_hash) {
        // The old hash is free for another store; the new one must be free of all others.
        sqlx::query("DELETE FROM store_hashes WHERE store_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let claimed =
            sqlx::query("INSERT INTO store_hashes (store_hash, store_id) VALUES (lower($1), $2)")
                .bind(row.store_hash)
                .bind(id)
                .execute(&mut *tx)
                .await;
        match claimed {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(DbError::Duplicate("store_hash")),
            Err(e) => return Err(e.into()),
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// Whether a store other than `except_id` has this name (case-insensitively).
pub async fn name_taken_by_another(db: &Db, name: &str, except_id: i64) -> Result<bool, DbError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM stores
             WHERE lower(name) = lower($1) AND id <> $2 AND removed_at IS NULL AND vendor_id IS NULL",
    )
    .bind(name)
    .bind(except_id)
    .fetch_one(db.pool())
    .await?;
    Ok(row.get::<i64, _>("n") > 0)
}

/// Disables (`Some(when)`) or enables (`None`) the store; `false` when it is gone.
pub async fn set_disabled(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    disabled_at_ms: Option<i64>,
) -> Result<bool, DbError> {
    let updated = sqlx::query("UPDATE stores SET disabled_at = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(disabled_at_ms)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(updated.rows_affected() == 1)
}
