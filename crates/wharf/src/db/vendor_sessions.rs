//! Vendor users' sessions in the portal: a table of their own, so an operator's session can
//! never stand for a vendor's or the other way round.

use sqlx::{AnyConnection, Row};

use super::{Db, DbError, now_ms};

/// Who a live session belongs to.
#[derive(Debug, Clone)]
pub struct PortalSessionRecord {
    pub user_id: i64,
    pub vendor_id: i64,
    pub name: String,
    pub email: String,
    pub vendor_name: String,
}

pub async fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
    expires_at_ms: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO vendor_sessions (token_hash, vendor_user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now_ms())
    .bind(expires_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The user of a live session, when their vendor is active: deactivating a vendor closes the
/// portal to its users at once, without touching their sessions.
pub async fn find(db: &Db, token_hash: &str) -> Result<Option<PortalSessionRecord>, DbError> {
    let row = sqlx::query(
        "SELECT u.id, u.vendor_id, u.name, u.email, v.name AS vendor_name
         FROM vendor_sessions s
         JOIN vendor_users u ON u.id = s.vendor_user_id
         JOIN vendors v ON v.id = u.vendor_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND v.active <> 0",
    )
    .bind(token_hash)
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|row| PortalSessionRecord {
        user_id: row.get("id"),
        vendor_id: row.get("vendor_id"),
        name: row.get("name"),
        email: row.get("email"),
        vendor_name: row.get("vendor_name"),
    }))
}

/// Ends one session, and sweeps expired ones while at it.
pub async fn delete(db: &Db, token_hash: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM vendor_sessions WHERE token_hash = $1 OR expires_at <= $2")
        .bind(token_hash)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Ends every session of a user.
pub async fn delete_of_user(conn: &mut AnyConnection, user_id: i64) -> Result<(), DbError> {
    sqlx::query("DELETE FROM vendor_sessions WHERE vendor_user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
