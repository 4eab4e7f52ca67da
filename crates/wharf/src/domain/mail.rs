//! E-mail as wharf's rules see it: what a mail is about (`MailKind`), where it stands in the
//! outbox (`MailState`), a vendor's choice of schedule (`MailSchedule`), and a mail to send
//! (`OutgoingMail`), which every event that tells someone something fills in.

use super::FieldError;
use super::email_address::EmailAddress;

/// What a mail is about. Stored by name: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    PurchaseOrderNew,
    PurchaseOrderCancelled,
    LineTakenAway,
    VendorDigest,
    OperatorDigest,
    /// A vendor user's invitation (the portal's).
    Invitation,
    /// A vendor user's password reset (the portal's).
    PasswordReset,
}

impl MailKind {
    pub const ALL: [MailKind; 7] = [
        MailKind::PurchaseOrderNew,
        MailKind::PurchaseOrderCancelled,
        MailKind::LineTakenAway,
        MailKind::VendorDigest,
        MailKind::OperatorDigest,
        MailKind::Invitation,
        MailKind::PasswordReset,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::PurchaseOrderNew => "purchase_order_new",
            MailKind::PurchaseOrderCancelled => "purchase_order_cancelled",
            MailKind::LineTakenAway => "line_taken_away",
            MailKind::VendorDigest => "vendor_digest",
            MailKind::OperatorDigest => "operator_digest",
            MailKind::Invitation => "invitation",
            MailKind::PasswordReset => "password_reset",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == stored)
    }

    /// What people call it (the Activity page, the demo's Mail page).
    pub fn label(self) -> &'static str {
        match self {
            MailKind::PurchaseOrderNew => "New purchase order",
            MailKind::PurchaseOrderCancelled => "Cancelled purchase order",
            MailKind::LineTakenAway => "Line taken away",
            MailKind::VendorDigest => "Vendor's hourly digest",
            MailKind::OperatorDigest => "Operators' digest",
            MailKind::Invitation => "Invitation",
            MailKind::PasswordReset => "Password reset",
        }
    }
}

/// Where a mail stands. The states that matter for "at most once": a mail is `Sending` from
/// just before its SMTP transaction until its answer; a run that finds it still `Sending` knows
/// a send may have reached the server and never sends again by itself (`Uncertain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailState {
    Pending,
    Sending,
    Sent,
    Uncertain,
    Failed,
    Off,
}

impl MailState {
    pub fn as_str(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sending => "sending",
            MailState::Sent => "sent",
            MailState::Uncertain => "uncertain",
            MailState::Failed => "failed",
            MailState::Off => "off",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        [
            MailState::Pending,
            MailState::Sending,
            MailState::Sent,
            MailState::Uncertain,
            MailState::Failed,
            MailState::Off,
        ]
        .into_iter()
        .find(|state| state.as_str() == stored)
    }

    pub fn label(self) -> &'static str {
        match self {
            MailState::Pending => "waiting to be sent",
            MailState::Sending => "being sent",
            MailState::Sent => "sent",
            MailState::Uncertain => "may not have been sent",
            MailState::Failed => "not sent: refused",
            MailState::Off => "not sent: e-mail is off",
        }
    }
}

/// When a vendor hears of new purchase orders. Cancellations and lines taken away are always
/// told at once: they stop work in progress.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MailSchedule {
    /// A mail per new purchase order.
    #[default]
    Immediate,
    /// One mail an hour listing the new purchase orders, when there are any.
    Hourly,
}

impl MailSchedule {
    pub fn as_str(self) -> &'static str {
        match self {
            MailSchedule::Immediate => "immediate",
            MailSchedule::Hourly => "hourly",
        }
    }

    /// The stored value; an unknown one is corrupt (the caller says so).
    pub fn from_stored(stored: &str) -> Option<Self> {
        match stored {
            "immediate" => Some(MailSchedule::Immediate),
            "hourly" => Some(MailSchedule::Hourly),
            _ => None,
        }
    }

    /// What a person chose, for the input called `field`.
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        Self::from_stored(input.trim()).ok_or_else(|| {
            FieldError::new(
                field,
                "Choose when to send: immediately or an hourly digest",
            )
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            MailSchedule::Immediate => "A mail for each new purchase order",
            MailSchedule::Hourly => "An hourly digest of new purchase orders",
        }
    }
}

/// A link to the exact page a mail is about: a path on wharf, made absolute with wharf's public
/// URL when the mail is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLink {
    /// The button's words, e.g. "Open purchase order".
    pub label: String,
    /// A path on wharf, starting with `/`.
    pub path: String,
}

/// One e-mail to one person, as the event that causes it words it. The outbox adds the
/// branding, both parts and a Message-ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub kind: MailKind,
    /// One event, one mail: a second mail with the same key is not queued.
    pub dedupe_key: String,
    pub to: EmailAddress,
    /// Who the mail greets ("Hello Acme Supply,"); none greets no one by name.
    pub to_name: Option<String>,
    pub subject: String,
    /// Paragraphs, in order.
    pub paragraphs: Vec<String>,
    /// A list under the paragraphs (a digest's items); may be empty.
    pub items: Vec<String>,
    pub link: Option<MailLink>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_read_back() {
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(MailState::parse("uncertain"), Some(MailState::Uncertain));
        assert_eq!(MailState::parse("lost"), None);
        assert_eq!(
            MailSchedule::parse("mail_schedule", "hourly"),
            Ok(MailSchedule::Hourly)
        );
        assert_eq!(
            MailSchedule::parse("mail_schedule", "daily")
                .unwrap_err()
                .field,
            "mail_schedule"
        );
    }
}
