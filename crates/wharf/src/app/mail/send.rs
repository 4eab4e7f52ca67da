//! Sending one mail from the outbox, **at most once**.
//!
//! 1. A mail already `sent` (or recorded while e-mail was off) is done.
//! 2. A mail found `sending` was being sent by a run that did not finish (its process was
//!    killed, or its lease ran out): the server may or may not have taken it, and sending again
//!    could give the recipient two copies. It becomes `uncertain` and the job fails, for a person
//!    to decide on Activity (Retry sends it again).
//! 3. A `failed` or `uncertain` mail is left alone: only a person's Retry on Activity makes it
//!    `pending` again (`release_mail_for_retry`), never a run of its job by itself.
//! 4. Otherwise the run renews its lease, marks the mail `sending` and commits, and only then
//!    speaks SMTP. A refusal (5xx) fails it; a 4xx or a broken connection sets it back to
//!    `pending` for the queue's backoff, until the job's attempts run out.

use secrecy::ExposeSecret;

use crate::app::App;
use crate::app::mail::sealing::{HTML_PURPOSE, TEXT_PURPOSE};
use crate::db::DbError;
use crate::db::jobs::JobLease;
use crate::db::mail::outbox;
use crate::domain::mail::MailState;
use crate::jobs::JobOutcome;
use crate::secrets::SecretKeyError;
use crate::smtp::{Envelope, SendFailure};

/// What Activity says of a mail whose send was cut short.
pub const MAY_NOT_HAVE_BEEN_SENT: &str = "may not have been sent: its sending was cut short \
     (the process stopped mid-send), so wharf does not send it again by itself; Retry sends it \
     again, which may deliver a second copy";

#[derive(Debug, thiserror::Error)]
enum SendError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Secret(#[from] SecretKeyError),
}

impl App {
    /// A person's Retry of a failed `mail.send` job: its mail (refused, given up, or "may not
    /// have been sent") may be sent again. Call before the job is put back in the queue.
    pub async fn release_mail_for_retry(&self, job_id: i64) -> Result<(), DbError> {
        let Some(payload) = outbox::failed_send_job_payload(&self.db, job_id).await? else {
            return Ok(());
        };
        if let Ok(job) = serde_json::from_str::<crate::app::jobs::MailSend>(&payload) {
            outbox::release_for_retry(&self.db, job.mail_id, job_id).await?;
        }
        Ok(())
    }

    /// Sends the outbox's mail `mail_id` under the job's `lease`; `last_attempt` says whether a
    /// transient failure now ends the job.
    pub async fn send_mail(
        &self,
        mail_id: i64,
        lease: &JobLease,
        last_attempt: bool,
    ) -> JobOutcome {
        match self.try_send_mail(mail_id, lease, last_attempt).await {
            Ok(outcome) => outcome,
            // The database or the key: nothing was sent (or the mail is `sending`, which the
            // next run turns into `uncertain`).
            Err(e) => JobOutcome::Retry {
                error: e.to_string(),
            },
        }
    }

    async fn try_send_mail(
        &self,
        mail_id: i64,
        lease: &JobLease,
        last_attempt: bool,
    ) -> Result<JobOutcome, SendError> {
        let Some(mail) = outbox::get(&self.db, mail_id).await? else {
            return Ok(JobOutcome::Done);
        };
        match mail.state {
            MailState::Sent | MailState::Off => return Ok(JobOutcome::Done),
            MailState::Sending => {
                outbox::mark_uncertain(&self.db, mail_id, MAY_NOT_HAVE_BEEN_SENT).await?;
                return Ok(JobOutcome::Fail {
                    error: MAY_NOT_HAVE_BEEN_SENT.to_owned(),
                });
            }
            // Only a person's Retry makes these `pending` again (`release_mail_for_retry`): a
            // run that finds one (its job run twice, say) leaves it to them.
            MailState::Failed | MailState::Uncertain => {
                let error = mail
                    .last_error
                    .unwrap_or_else(|| MAY_NOT_HAVE_BEEN_SENT.to_owned());
                return Ok(JobOutcome::Fail { error });
            }
            MailState::Pending => {}
        }
        let Some(mailer) = &self.mailer else {
            outbox::mark_off(&self.db, mail_id).await?;
            return Ok(JobOutcome::Done);
        };
        let text = self.cipher.open(TEXT_PURPOSE, &mail.text_sealed)?;
        let html = self.cipher.open(HTML_PURPOSE, &mail.html_sealed)?;
        let branding = crate::app::branding::branding_of(crate::db::branding::get(&self.db).await?);
        // A run whose lease was taken over sends nothing: the new owner decides.
        if !lease.renew(&self.db).await? || !outbox::mark_sending(&self.db, mail_id).await? {
            return Ok(JobOutcome::Done);
        }
        let sent = mailer
            .send(&Envelope {
                from_name: &branding.name,
                to: &mail.recipient,
                reply_to: branding.support_email.as_deref(),
                subject: &mail.subject,
                message_id: &mail.message_id,
                text: text.expose_secret(),
                html: html.expose_secret(),
            })
            .await;
        Ok(match sent {
            Ok(()) => {
                outbox::mark_sent(&self.db, mail_id).await?;
                JobOutcome::Done
            }
            Err(failure @ (SendFailure::Refused(_) | SendFailure::Unbuildable(_))) => {
                let error = failure.to_string();
                outbox::mark_unsent(&self.db, mail_id, MailState::Failed, &error).await?;
                JobOutcome::Fail { error }
            }
            Err(failure @ SendFailure::Transient(_)) => {
                let error = failure.to_string();
                let state = if last_attempt {
                    MailState::Failed
                } else {
                    MailState::Pending
                };
                outbox::mark_unsent(&self.db, mail_id, state, &error).await?;
                if last_attempt {
                    JobOutcome::Fail { error }
                } else {
                    JobOutcome::Retry { error }
                }
            }
        })
    }
}
