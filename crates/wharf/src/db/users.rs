//! Operators who may sign in, and their sessions.

use sqlx::Row;

use super::{Db, DbError, is_unique_violation, now_ms};

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
}

pub async fn count(db: &Db) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(db.pool())
        .await?;
    Ok(row.get("n"))
}

pub async fn insert(db: &Db, username: &str, password_hash: &str) -> Result<i64, DbError> {
    let inserted = sqlx::query(
        "INSERT INTO users (username, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(username)
    .bind(password_hash)
    .bind(now_ms())
    .fetch_one(db.pool())
    .await;
    match inserted {
        Ok(row) => Ok(row.get("id")),
        Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate("username")),
        Err(e) => Err(e.into()),
    }
}

pub async fn set_password(db: &Db, username: &str, password_hash: &str) -> Result<bool, DbError> {
    let updated = sqlx::query("UPDATE users SET password_hash = $2 WHERE username = $1")
        .bind(username)
        .bind(password_hash)
        .execute(db.pool())
        .await?;
    Ok(updated.rows_affected() == 1)
}

/// Sets a user's password and ends their sessions in one transaction, so no session opened
/// with the old password outlives it; `keeping` (a session's token digest) stays signed in.
pub async fn replace_password(
    db: &Db,
    user_id: i64,
    password_hash: &str,
    keeping: Option<&str>,
) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        // A digest is hex, so "" matches no session: every one ends.
        .bind(keeping.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every session of a user ("sign out everywhere").
pub async fn delete_sessions_of(db: &Db, user_id: i64) -> Result<(), DbError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<UserRecord>, DbError> {
    let row = sqlx::query("SELECT id, username, password_hash FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|row| UserRecord {
        id: row.get("id"),
        username: row.get("username"),
        password_hash: row.get("password_hash"),
    }))
}

pub async fn insert_session(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    expires_at_ms: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now_ms())
    .bind(expires_at_ms)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The signed-in user of a live session.
pub async fn session_user(db: &Db, token_hash: &str) -> Result<Option<String>, DbError> {
    let row = sqlx::query(
        "SELECT u.username FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| r.get("username")))
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
        .bind(token_hash)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(())
}
