//! The outbox: one row per e-mail, inserted in the transaction of the event that causes it.
//!
//! The states keep a send **at most once**: `mark_sending` commits before the SMTP transaction
//! begins, and only `pending` may become `sending`; a `failed` or `uncertain` mail is `pending`
//! again only by a person's Retry (`release_for_retry`). A run that finds a mail still `sending` cannot know whether the server took it,
//! so `mark_uncertain` hands it to a person instead of sending it again.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::super::{Db, DbError, now_ms};
use crate::domain::mail::{MailKind, MailState};

/// A mail to record, its bodies already sealed.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub kind: MailKind,
    pub dedupe_key: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub text_sealed: &'a str,
    pub html_sealed: &'a str,
    pub message_id: &'a str,
}

/// Records the mail unless one with its dedupe key exists; the new mail's id, or `None`.
pub async fn insert(conn: &mut AnyConnection, mail: &NewMail<'_>) -> Result<Option<i64>, DbError> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO mails (kind, dedupe_key, recipient, subject, text_sealed, html_sealed,
                            message_id, state, attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $8)
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(mail.kind.as_str())
    .bind(mail.dedupe_key)
    .bind(mail.recipient)
    .bind(mail.subject)
    .bind(mail.text_sealed)
    .bind(mail.html_sealed)
    .bind(mail.message_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|row| row.get("id")))
}

/// A stored mail.
#[derive(Debug, Clone)]
pub struct MailRecord {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub text_sealed: String,
    pub html_sealed: String,
    pub message_id: String,
    pub state: MailState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at_ms: i64,
    pub sent_at_ms: Option<i64>,
}

fn mail_record(row: &AnyRow) -> Result<MailRecord, DbError> {
    let kind: String = row.get("kind");
    let state: String = row.get("state");
    Ok(MailRecord {
        id: row.get("id"),
        kind: MailKind::parse(&kind)
            .ok_or_else(|| DbError::Corrupt(format!("unknown mail kind {kind:?}")))?,
        recipient: row.get("recipient"),
        subject: row.get("subject"),
        text_sealed: row.get("text_sealed"),
        html_sealed: row.get("html_sealed"),
        message_id: row.get("message_id"),
        state: MailState::parse(&state)
            .ok_or_else(|| DbError::Corrupt(format!("unknown mail state {state:?}")))?,
        attempts: row.get("attempts"),
        last_error: row.get("last_error"),
        created_at_ms: row.get("created_at"),
        sent_at_ms: row.get("sent_at"),
    })
}

const COLUMNS: &str = "id, kind, recipient, subject, text_sealed, html_sealed, message_id, state, \
                       attempts, last_error, created_at, sent_at";

pub async fn get(db: &Db, id: i64) -> Result<Option<MailRecord>, DbError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM mails WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(mail_record).transpose()
}

/// The newest mails first, at most `limit`.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<MailRecord>, DbError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM mails ORDER BY id DESC LIMIT $1"
    )))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(mail_record).collect()
}

/// Marks a `pending` mail `sending`, counting the attempt. Committed by itself, before the
/// SMTP transaction. False when the mail was not pending.
pub async fn mark_sending(db: &Db, id: i64) -> Result<bool, DbError> {
    let result = sqlx::query(
        "UPDATE mails SET state = 'sending', attempts = attempts + 1, updated_at = $2
         WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The server took the mail. Also from `uncertain`: a send whose run was presumed dead but
/// which finished after all did reach the server.
pub async fn mark_sent(db: &Db, id: i64) -> Result<(), DbError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE mails SET state = 'sent', sent_at = $2, last_error = NULL, updated_at = $2
         WHERE id = $1 AND state IN ('sending', 'uncertain')",
    )
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// How a send that did not go through ends: `pending` (retried later), or `failed`.
pub async fn mark_unsent(db: &Db, id: i64, state: MailState, error: &str) -> Result<(), DbError> {
    debug_assert!(matches!(state, MailState::Pending | MailState::Failed));
    sqlx::query(
        "UPDATE mails SET state = $2, last_error = $3, updated_at = $4
         WHERE id = $1 AND state = 'sending'",
    )
    .bind(id)
    .bind(state.as_str())
    .bind(error)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A mail found `sending` by a later run: its send may or may not have reached the server.
pub async fn mark_uncertain(db: &Db, id: i64, error: &str) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE mails SET state = 'uncertain', last_error = $2, updated_at = $3
         WHERE id = $1 AND state = 'sending'",
    )
    .bind(id)
    .bind(error)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The payload of job `job_id` when it is a failed `mail.send` job (a person pressed Retry).
pub async fn failed_send_job_payload(db: &Db, job_id: i64) -> Result<Option<String>, DbError> {
    let row = sqlx::query(
        "SELECT payload FROM jobs WHERE id = $1 AND kind = 'mail.send' AND status = 'failed'",
    )
    .bind(job_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|row| row.get("payload")))
}

/// A person's Retry: a `failed` or `uncertain` mail may be sent again, while its job is still
/// failed (so no run can see it `pending` before the job is back in the queue).
pub async fn release_for_retry(db: &Db, id: i64, job_id: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE mails SET state = 'pending', updated_at = $3
         WHERE id = $1 AND state IN ('failed', 'uncertain')
           AND EXISTS (SELECT 1 FROM jobs WHERE id = $2 AND status = 'failed')",
    )
    .bind(id)
    .bind(job_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// E-mail is off where the mail's job ran: recorded, never sent (turning e-mail on later does
/// not send it).
pub async fn mark_off(db: &Db, id: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE mails SET state = 'off', last_error = NULL, updated_at = $2
         WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}
