//! Vendor users (the people who sign in to the vendor portal) and the single-use links that
//! set their passwords. Their sessions: `vendor_sessions`.
//!
//! Every read and change of a user names its vendor as well as its id, so a forged id of
//! another vendor's user finds nothing.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{Db, DbError, is_unique_violation, now_ms};
use crate::domain::vendor_user::LinkPurpose;

#[derive(Debug, Clone)]
pub struct VendorUserRecord {
    pub id: i64,
    pub vendor_id: i64,
    pub name: String,
    pub email: String,
    /// False until the user followed their invitation and chose a password.
    pub has_password: bool,
    pub created_at_ms: i64,
}

const COLUMNS: &str = "id, vendor_id, name, email, CAST(CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_password, created_at";

fn user_record(row: &AnyRow) -> VendorUserRecord {
    VendorUserRecord {
        id: row.get("id"),
        vendor_id: row.get("vendor_id"),
        name: row.get("name"),
        email: row.get("email"),
        has_password: row.get::<i64, _>("has_password") != 0,
        created_at_ms: row.get("created_at"),
    }
}

/// What sign-in needs to know of the user an e-mail address names.
#[derive(Debug, Clone)]
pub struct SignInRecord {
    pub user_id: i64,
    pub password_hash: Option<String>,
    pub vendor_active: bool,
}

/// Adds a user without a password (they set it through their invitation).
pub async fn insert(
    conn: &mut AnyConnection,
    vendor_id: i64,
    name: &str,
    email: &str,
) -> Result<i64, DbError> {
    let inserted = sqlx::query(
        "INSERT INTO vendor_users (vendor_id, name, email, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(vendor_id)
    .bind(name)
    .bind(email)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await;
    match inserted {
        Ok(row) => Ok(row.get("id")),
        Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate("email")),
        Err(e) => Err(e.into()),
    }
}

pub async fn list_for_vendor(db: &Db, vendor_id: i64) -> Result<Vec<VendorUserRecord>, DbError> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM vendor_users WHERE vendor_id = $1 ORDER BY lower(email)"
    )))
    .bind(vendor_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(user_record).collect())
}

/// A user of this vendor; `None` for another vendor's user.
pub async fn get(
    db: &Db,
    vendor_id: i64,
    user_id: i64,
) -> Result<Option<VendorUserRecord>, DbError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM vendor_users WHERE vendor_id = $1 AND id = $2"
    )))
    .bind(vendor_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.as_ref().map(user_record))
}

/// A user by id alone: for a link or session, which name no vendor.
pub async fn find_user(db: &Db, user_id: i64) -> Result<Option<VendorUserRecord>, DbError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM vendor_users WHERE id = $1"
    )))
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.as_ref().map(user_record))
}

/// The user holding an address, whatever its case.
pub async fn find_for_sign_in(db: &Db, email: &str) -> Result<Option<SignInRecord>, DbError> {
    let row = sqlx::query(
        "SELECT u.id, u.password_hash, v.active FROM vendor_users u
         JOIN vendors v ON v.id = u.vendor_id WHERE lower(u.email) = lower($1)",
    )
    .bind(email.trim())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|row| SignInRecord {
        user_id: row.get("id"),
        password_hash: row.get("password_hash"),
        vendor_active: row.get::<i64, _>("active") != 0,
    }))
}

/// The user holding an address, whatever its case, with its vendor.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<VendorUserRecord>, DbError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM vendor_users WHERE lower(email) = lower($1)"
    )))
    .bind(email.trim())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.as_ref().map(user_record))
}

/// What removing a user as one of the vendor's own users came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColleagueRemoval {
    Removed,
    /// The vendor has no such user.
    NotFound,
    /// The user is removing themselves and is the vendor's last user.
    LastUser,
}

/// Removes a user of this vendor unless `acting_user_id` is removing themselves as the last
/// user. The vendor's row is locked first (an `UPDATE`; on SQLite the write transaction is
/// already exclusive), so two users removing themselves at once cannot both pass the count.
pub async fn delete_colleague(
    db: &Db,
    vendor_id: i64,
    acting_user_id: i64,
    user_id: i64,
) -> Result<ColleagueRemoval, DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE vendors SET updated_at = updated_at WHERE id = $1")
        .bind(vendor_id)
        .execute(&mut *tx)
        .await?;
    let users: i64 = sqlx::query("SELECT COUNT(*) AS n FROM vendor_users WHERE vendor_id = $1")
        .bind(vendor_id)
        .fetch_one(&mut *tx)
        .await?
        .get("n");
    let exists = sqlx::query("SELECT id FROM vendor_users WHERE vendor_id = $1 AND id = $2")
        .bind(vendor_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    let outcome = if !exists {
        ColleagueRemoval::NotFound
    } else if user_id == acting_user_id && users <= 1 {
        ColleagueRemoval::LastUser
    } else {
        sqlx::query("DELETE FROM vendor_users WHERE vendor_id = $1 AND id = $2")
            .bind(vendor_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        ColleagueRemoval::Removed
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Changes a user's name and address; false when the vendor has no such user.
pub async fn update(
    db: &Db,
    vendor_id: i64,
    user_id: i64,
    name: &str,
    email: &str,
) -> Result<bool, DbError> {
    let updated = sqlx::query(
        "UPDATE vendor_users SET name = $3, email = $4, updated_at = $5
         WHERE vendor_id = $1 AND id = $2",
    )
    .bind(vendor_id)
    .bind(user_id)
    .bind(name)
    .bind(email)
    .bind(now_ms())
    .execute(db.pool())
    .await;
    match updated {
        Ok(done) => Ok(done.rows_affected() == 1),
        Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate("email")),
        Err(e) => Err(e.into()),
    }
}

/// Removes a user of this vendor, which ends their sessions and links (the foreign keys
/// cascade); false when the vendor has no such user.
pub async fn delete(db: &Db, vendor_id: i64, user_id: i64) -> Result<bool, DbError> {
    let deleted = sqlx::query("DELETE FROM vendor_users WHERE vendor_id = $1 AND id = $2")
        .bind(vendor_id)
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(deleted.rows_affected() == 1)
}

pub async fn set_password(
    conn: &mut AnyConnection,
    user_id: i64,
    password_hash: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE vendor_users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Stores a new single-use link for a user; earlier unused links of the same purpose stop
/// working, so only the newest mail opens the account.
pub async fn insert_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
    purpose: LinkPurpose,
    expires_at_ms: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "DELETE FROM vendor_user_links WHERE vendor_user_id = $1 AND purpose = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO vendor_user_links (token_hash, vendor_user_id, purpose, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(now_ms())
    .bind(expires_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A link as stored, whether or not it still works.
#[derive(Debug, Clone)]
pub struct LinkRecord {
    pub user_id: i64,
    pub purpose: LinkPurpose,
    pub expires_at_ms: i64,
    pub used: bool,
}

fn link_record(row: &AnyRow) -> Result<LinkRecord, DbError> {
    let purpose: String = row.get("purpose");
    Ok(LinkRecord {
        user_id: row.get("vendor_user_id"),
        purpose: LinkPurpose::parse(&purpose)
            .ok_or_else(|| DbError::Corrupt(format!("vendor user link purpose {purpose:?}")))?,
        expires_at_ms: row.get("expires_at"),
        used: row.get::<Option<i64>, _>("used_at").is_some(),
    })
}

pub async fn find_link(db: &Db, token_hash: &str) -> Result<Option<LinkRecord>, DbError> {
    let row = sqlx::query(
        "SELECT vendor_user_id, purpose, expires_at, used_at FROM vendor_user_links WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(link_record).transpose()
}

/// Uses a live link up: of two requests with it, one gets it. `None` when it is unknown, used
/// or expired (ask [`find_link`] which).
pub async fn use_link(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<LinkRecord>, DbError> {
    let now = now_ms();
    let row = sqlx::query(
        "UPDATE vendor_user_links SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
         RETURNING vendor_user_id, purpose, expires_at, used_at",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(link_record).transpose()
}

/// Ends every other unused link of a user whose password was just set.
pub async fn drop_unused_links(conn: &mut AnyConnection, user_id: i64) -> Result<(), DbError> {
    sqlx::query("DELETE FROM vendor_user_links WHERE vendor_user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
