//! `mail.send`: sends one mail of the outbox, at most once (`app::mail`).

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::db::{DbError, jobs};
use crate::domain::mail::MailKind;
use crate::jobs::{ClaimedJob, JobOutcome};

/// A mail server that is down for a while is waited out (the backoff reaches an hour).
const MAIL_MAX_ATTEMPTS: i64 = 12;

#[derive(Debug, Serialize, Deserialize)]
pub struct MailSend {
    pub mail_id: i64,
    /// Who it goes to and what it is about, for the Activity page.
    pub to: String,
    pub kind: String,
}

impl MailSend {
    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let job = self
            .collapsing_job(self.mail_id)
            .max_attempts(MAIL_MAX_ATTEMPTS);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for MailSend {
    const KIND: &'static str = "mail.send";

    fn describe(&self) -> JobAbout {
        let what = MailKind::parse(&self.kind).map_or("E-mail", MailKind::label);
        JobAbout::Words(format!("Send e-mail “{what}” to {}", self.to))
    }

    async fn run(self, app: &App, claim: &ClaimedJob) -> JobOutcome {
        let last_attempt = claim.attempt >= claim.max_attempts;
        app.send_mail(self.mail_id, &claim.lease, last_attempt)
            .await
    }
}
