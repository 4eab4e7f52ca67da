//! E-mail: the outbox every mail goes through, what each event tells whom, and the digests.
//!
//! To send a mail from a use case, fill in an [`OutgoingMail`] and call [`App::queue_mail`] in
//! the transaction of the event: the mail is recorded (bodies written now, with the branding,
//! and sealed) and its `mail.send` job queued, both or neither. The job sends it at most once
//! (see `send.rs`). Without SMTP settings the job records it as not sent.

mod digests;
mod events;
mod listing;
mod render;
mod sealing;
mod send;
mod settings;

pub use digests::{OPERATOR_DIGEST_EVERY, VENDOR_DIGEST_EVERY};
pub use events::{TakenLine, vendor_purchase_order_path};
pub use listing::{MailContent, MailSummary};
pub use send::MAY_NOT_HAVE_BEEN_SENT;

use secrecy::SecretString;
use sqlx::AnyConnection;

use super::App;
use super::jobs::MailSend;
use crate::db::DbError;
use crate::db::mail::outbox::{self, NewMail};
pub use crate::domain::mail::{MailKind, MailLink, OutgoingMail};

use crate::app::mail::sealing::{HTML_PURPOSE, TEXT_PURPOSE};

impl App {
    /// Records `mail` in the outbox and queues its `mail.send` job, in the caller's transaction.
    ///
    /// The mail's `dedupe_key` makes one event one mail: a second call with the same key
    /// queues nothing and answers `None`. Otherwise the new mail's id. Works in any process
    /// (the CLI too): whether SMTP is set up is the sending worker's business.
    pub async fn queue_mail(
        &self,
        conn: &mut AnyConnection,
        mail: &OutgoingMail,
    ) -> Result<Option<i64>, DbError> {
        let stored = crate::db::branding::read(conn).await?;
        let branding = super::branding::branding_of(stored);
        let (text, html) = render::render(mail, &branding, self.public_url.as_ref());
        let message_id = format!("<{}@wharf.mail>", uuid::Uuid::new_v4().simple());
        let text_sealed = self.cipher.seal(TEXT_PURPOSE, &SecretString::from(text));
        let html_sealed = self.cipher.seal(HTML_PURPOSE, &SecretString::from(html));
        let id = outbox::insert(
            conn,
            &NewMail {
                kind: mail.kind,
                dedupe_key: &mail.dedupe_key,
                recipient: mail.to.as_str(),
                subject: &mail.subject,
                text_sealed: &text_sealed,
                html_sealed: &html_sealed,
                message_id: &message_id,
            },
        )
        .await?;
        if let Some(mail_id) = id {
            MailSend {
                mail_id,
                to: mail.to.to_string(),
                kind: mail.kind.as_str().to_owned(),
            }
            .enqueue(conn)
            .await?;
        }
        Ok(id)
    }

    /// Whether this process sends e-mail (SMTP is set up).
    pub fn mail_is_on(&self) -> bool {
        self.mailer.is_some()
    }
}
