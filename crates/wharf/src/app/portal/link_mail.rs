//! The mails that carry a portal link: an invitation, a password reset.
//!
//! They are made in the transaction that stores the link's token, and handed on in that same
//! transaction by [`hand_to_mailer`], so a mail exists exactly when its link does. Until wharf
//! sends e-mail, nothing is sent: the operator is shown the invitation link once, after
//! inviting (page and CLI), and that stays the way in when e-mail is off.

use sqlx::AnyConnection;

use crate::db::DbError;
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

/// Where every portal mail leaves, inside the transaction that made its link: the one call
/// site to point at the mail queue (`app::mail::queue(conn, …)`) once wharf sends e-mail.
/// Today it records nothing and the link is passed on by the operator.
pub(super) async fn hand_to_mailer(
    _conn: &mut AnyConnection,
    mail: &PortalMail,
) -> Result<(), DbError> {
    tracing::debug!(
        purpose = mail.purpose.as_str(),
        "portal mail made; e-mail is not sent yet"
    );
    Ok(())
}
