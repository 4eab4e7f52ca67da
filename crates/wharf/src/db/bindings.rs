//! Bindings: "this wharf record is that BigCommerce object", for every kind of record, in one
//! table (see ARCHITECTURE.md). Wharf's own tables carry no BigCommerce ids.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use std::collections::HashMap;

use super::DbError;
use super::sql::{IN_LIST_CHUNK, ROWS_PER_INSERT, placeholders, values_rows};

/// The wharf row bound to a BigCommerce object, if any.
pub async fn local_id(
    conn: &mut AnyConnection,
    store_id: i64,
    kind: &str,
    external_id: i64,
) -> Result<Option<i64>, DbError> {
    let row = sqlx::query(
        "SELECT local_id FROM bindings WHERE external_id = $1 AND store_id = $2 AND kind = $3",
    )
    .bind(external_id)
    .bind(store_id)
    .bind(kind)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| r.get("local_id")))
}

/// The wharf rows bound to these BigCommerce objects of one kind: external id → local id, for
/// those that have one (one query per [`IN_LIST_CHUNK`] ids).
pub async fn local_ids(
    conn: &mut AnyConnection,
    store_id: i64,
    kind: &str,
    external_ids: &[i64],
) -> Result<HashMap<i64, i64>, DbError> {
    let mut found = HashMap::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT external_id, local_id FROM bindings
             WHERE store_id = $1 AND kind = $2 AND external_id IN ({})",
            placeholders(3, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id).bind(kind);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.insert(row.get("external_id"), row.get("local_id"));
        }
    }
    Ok(found)
}

/// The newest binding's id, 0 when there is none. Ids are handed out in the order bindings are
/// made, on every backend, so a binding whose id is at most this one got it before this call:
/// an order between events that no process's clock has to provide. (On PostgreSQL such a
/// binding may commit after this call; the remote object it binds existed before its id was
/// handed out, which is what the shipment import relies on.)
pub async fn latest_id(conn: &mut AnyConnection) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS latest FROM bindings")
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.get("latest"))
}

pub struct NewBinding {
    pub local_id: i64,
    pub external_id: i64,
    pub remote_modified_ms: Option<i64>,
}

/// Binds new local rows to their BigCommerce ids, many rows per statement.
pub async fn bind_all(
    conn: &mut AnyConnection,
    store_id: i64,
    kind: &str,
    bindings: &[NewBinding],
    now: i64,
) -> Result<(), DbError> {
    for chunk in bindings.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO bindings (store_id, kind, local_id, external_id, remote_modified_at, synced_at) VALUES {}",
            values_rows(chunk.len(), 6)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for b in chunk {
            query = query
                .bind(store_id)
                .bind(kind)
                .bind(b.local_id)
                .bind(b.external_id)
                .bind(b.remote_modified_ms)
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
