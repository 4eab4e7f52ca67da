//! The outbox as people read it: the latest mails with their state, and one mail's parts (the
//! demo's Mail page).

use secrecy::ExposeSecret;

use crate::app::App;
use crate::app::error::AppError;
use crate::app::mail::sealing::{HTML_PURPOSE, TEXT_PURPOSE};
use crate::db::mail::outbox::{self, MailRecord};
use crate::domain::mail::{MailKind, MailState};

/// One mail of the outbox, without its bodies.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MailSummary {
    pub id: i64,
    #[serde(skip)]
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub state: MailState,
    pub last_error: Option<String>,
    pub created_at_ms: i64,
    pub sent_at_ms: Option<i64>,
    pub message_id: String,
}

impl From<&MailRecord> for MailSummary {
    fn from(mail: &MailRecord) -> Self {
        MailSummary {
            id: mail.id,
            kind: mail.kind,
            recipient: mail.recipient.clone(),
            subject: mail.subject.clone(),
            state: mail.state,
            last_error: mail.last_error.clone(),
            created_at_ms: mail.created_at_ms,
            sent_at_ms: mail.sent_at_ms,
            message_id: mail.message_id.clone(),
        }
    }
}

/// One mail with both its parts, opened.
#[derive(Debug, Clone)]
pub struct MailContent {
    pub summary: MailSummary,
    pub text: String,
    pub html: String,
}

impl App {
    /// The newest mails first, at most `limit`.
    pub async fn recent_mails(&self, limit: i64) -> Result<Vec<MailSummary>, AppError> {
        let mails = outbox::recent(&self.db, limit.clamp(1, 500)).await?;
        Ok(mails.iter().map(MailSummary::from).collect())
    }

    /// One mail with its text and HTML parts.
    pub async fn mail_content(&self, mail_id: i64) -> Result<MailContent, AppError> {
        let mail = outbox::get(&self.db, mail_id)
            .await?
            .ok_or_else(|| AppError::not_found("mail", mail_id))?;
        let text = self.cipher.open(TEXT_PURPOSE, &mail.text_sealed)?;
        let html = self.cipher.open(HTML_PURPOSE, &mail.html_sealed)?;
        Ok(MailContent {
            summary: MailSummary::from(&mail),
            text: text.expose_secret().to_owned(),
            html: html.expose_secret().to_owned(),
        })
    }
}
