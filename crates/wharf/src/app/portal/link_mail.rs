//! The mails that carry a portal link: an invitation, a password reset.
//!
//! They are made in the transaction that stores the link's token, and queued in the outbox in
//! that same transaction (`App::hand_to_mailer`), so a mail exists exactly when its link does.
//! The operator is also shown the invitation link once, after inviting (page and CLI): the way
//! in when e-mail is off.

use sqlx::AnyConnection;

use crate::app::App;
use crate::app::mail::{MailKind, MailLink, OutgoingMail};
use crate::db::DbError;
use crate::domain::email_address::EmailAddress;
use crate::domain::vendor_user::LinkPurpose;

/// Everything a portal mail says, for the mailer to render in the merchant's branding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalMail {
    pub to_email: String,
    pub to_name: String,
    pub vendor_name: String,
    pub purpose: LinkPurpose,
    /// The single-use link; absolute when wharf knows its own address.
    pub link: String,
    pub expires_at_ms: i64,
}

/// The invitation a new vendor user receives: who they are, for which vendor, and the link.
pub fn invitation_mail(
    to_email: &str,
    to_name: &str,
    vendor_name: &str,
    link: &str,
    expires_at_ms: i64,
) -> PortalMail {
    PortalMail {
        to_email: to_email.to_owned(),
        to_name: to_name.to_owned(),
        vendor_name: vendor_name.to_owned(),
        purpose: LinkPurpose::Invitation,
        link: link.to_owned(),
        expires_at_ms,
    }
}

/// The mail answering *Forgot password*.
pub fn reset_mail(
    to_email: &str,
    to_name: &str,
    vendor_name: &str,
    link: &str,
    expires_at_ms: i64,
) -> PortalMail {
    PortalMail {
        purpose: LinkPurpose::Reset,
        ..invitation_mail(to_email, to_name, vendor_name, link, expires_at_ms)
    }
}

impl App {
    /// Where every portal mail leaves, inside the transaction that made its link: queued in the
    /// outbox with its `mail.send` job, so the mail exists exactly when its link does. With
    /// e-mail off it is recorded and not sent, and the operator passes the invitation link on.
    /// `link_key` names this one link (its token's digest): one link, one mail.
    pub(super) async fn hand_to_mailer(
        &self,
        conn: &mut AnyConnection,
        mail: &PortalMail,
        link_key: &str,
    ) -> Result<(), DbError> {
        let Ok(Some(to)) = EmailAddress::parse_optional("email", &mail.to_email) else {
            // Stored addresses were checked when they were typed; one that no longer parses
            // gets no mail, and the link still works when passed on by hand.
            tracing::warn!(
                purpose = mail.purpose.as_str(),
                "portal mail has no usable address"
            );
            return Ok(());
        };
        self.queue_mail(conn, &outgoing(mail, to, link_key)).await?;
        Ok(())
    }
}

/// The mail as the outbox takes it: what it says, in words, and the link as its button.
fn outgoing(mail: &PortalMail, to: EmailAddress, link_key: &str) -> OutgoingMail {
    let hours = mail.purpose.lifetime().as_secs() / 3600;
    let expires = if hours == 1 {
        "in an hour".to_owned()
    } else {
        format!("in {hours} hours")
    };
    let (kind, subject, paragraphs, label) = match mail.purpose {
        LinkPurpose::Invitation => (
            MailKind::Invitation,
            format!("Your invitation to {}'s vendor portal", mail.vendor_name),
            vec![
                format!(
                    "You are invited to handle {}'s purchase orders, shipments and stock in \
                     the vendor portal.",
                    mail.vendor_name
                ),
                format!(
                    "Choose your password with the button below. The link works once and \
                     expires {expires}; after that, ask for a new one on the sign-in page."
                ),
            ],
            "Choose your password",
        ),
        LinkPurpose::Reset => (
            MailKind::PasswordReset,
            "Choose a new password for the vendor portal".to_owned(),
            vec![
                format!(
                    "Someone asked to reset the vendor portal password of {} ({}).",
                    mail.to_email, mail.vendor_name
                ),
                format!(
                    "The link below works once and expires {expires}. If you did not ask, \
                     ignore this mail: your password stays as it is."
                ),
            ],
            "Choose a new password",
        ),
    };
    OutgoingMail {
        kind,
        dedupe_key: format!("{}:{link_key}", mail.purpose.as_str()),
        to,
        to_name: Some(mail.to_name.clone()),
        subject,
        paragraphs,
        items: Vec::new(),
        link: Some(MailLink {
            label: label.to_owned(),
            path: mail.link.clone(),
        }),
    }
}
