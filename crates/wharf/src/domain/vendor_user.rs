//! Vendor users: the people of a vendor who sign in to the vendor portal, and the single-use
//! links that let them set a password.
//!
//! Rules:
//! 1. A user has a name and an e-mail address; the address is required (it is how they sign
//!    in) and unique across every vendor's users, compared without case (the database holds
//!    that: `vendor_users_email_unique`).
//! 2. A password follows the operators' rule (`password::MIN_PASSWORD_CHARS` characters at
//!    least) and is typed twice.
//! 3. A link is an invitation (valid [`LinkPurpose::Invitation`]'s 72 hours: people do not read
//!    mail at once) or a password reset (1 hour: it arrives while the person waits, and a
//!    forgotten mailbox must not hold a live key to the account). Either works once.

use std::time::Duration;

use super::password::{MIN_PASSWORD_CHARS, long_enough};
use super::text::has_hidden_characters;
use super::vendor::VendorEmail;
use super::{FieldError, FieldErrors};

/// A new vendor user as the operator's form, the API and the CLI give it.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct VendorUserInput {
    /// How the user is greeted; optional (the part of the address before `@` stands in).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVendorUser {
    pub name: String,
    pub email: String,
}

impl NewVendorUser {
    pub fn parse(input: &VendorUserInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = match VendorEmail::parse(&input.email) {
            Ok(Some(email)) => Some(email.as_str().to_owned()),
            Ok(None) => {
                errors.push(FieldError::new("email", "E-mail address is required"));
                None
            }
            Err(error) => {
                errors.push(error);
                None
            }
        };
        let name = input.name.trim();
        if name.chars().count() > 100 || has_hidden_characters(name) {
            errors.push(FieldError::new(
                "name",
                "Name must be at most 100 characters, without control, direction-changing or invisible characters",
            ));
        }
        match email {
            Some(email) if errors.is_empty() => {
                let name = if name.is_empty() {
                    email.split('@').next().unwrap_or_default().to_owned()
                } else {
                    name.to_owned()
                };
                Ok(NewVendorUser { name, email })
            }
            _ => Err(errors),
        }
    }
}

/// Checks a new password typed twice; the error names the field to fix.
pub fn check_new_password(password: &str, again: &str) -> Result<(), FieldError> {
    if !long_enough(password) {
        return Err(FieldError::new(
            "password",
            format!("The password needs at least {MIN_PASSWORD_CHARS} characters."),
        ));
    }
    if password != again {
        return Err(FieldError::new(
            "password_again",
            "This does not match the password; type the password again.",
        ));
    }
    Ok(())
}

/// What a single-use link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Invitation,
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::Reset => "reset",
        }
    }

    /// A stored value; `None` for one this version does not know (the caller calls it corrupt).
    pub fn parse(stored: &str) -> Option<Self> {
        match stored {
            "invitation" => Some(LinkPurpose::Invitation),
            "reset" => Some(LinkPurpose::Reset),
            _ => None,
        }
    }

    pub fn lifetime(self) -> Duration {
        match self {
            LinkPurpose::Invitation => Duration::from_secs(72 * 60 * 60),
            LinkPurpose::Reset => Duration::from_secs(60 * 60),
        }
    }

    /// The link's path under the portal, for its token.
    pub fn path(self, token: &str) -> String {
        match self {
            LinkPurpose::Invitation => format!("/vendor/invitation/{token}"),
            LinkPurpose::Reset => format!("/vendor/reset/{token}"),
        }
    }
}

/// Why a link no longer sets a password, in the words its page uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadLink {
    Unknown,
    Used,
    Expired(LinkPurpose),
}

impl DeadLink {
    pub fn explanation(self) -> &'static str {
        match self {
            DeadLink::Unknown => {
                "This link is not one we know. Check that it was copied whole, or ask for a new one."
            }
            DeadLink::Used => {
                "This link was used already: each link sets a password once. Sign in with that password, or ask for a new link."
            }
            DeadLink::Expired(LinkPurpose::Invitation) => {
                "This invitation has expired: invitations work for 72 hours. Ask the person who invited you to send a new one."
            }
            DeadLink::Expired(LinkPurpose::Reset) => {
                "This link has expired: a password reset link works for one hour, so that an old e-mail cannot open your account. Ask for a new one."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, email: &str) -> VendorUserInput {
        VendorUserInput {
            name: name.into(),
            email: email.into(),
        }
    }

    #[test]
    fn a_user_needs_an_address_and_gets_a_name_from_it() {
        let user = NewVendorUser::parse(&input(" ", " Pat@Acme.example ")).unwrap();
        assert_eq!(user.email, "Pat@Acme.example");
        assert_eq!(user.name, "Pat");
        let errors = NewVendorUser::parse(&input("Pat\u{202E}", "")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "name"]);
        assert!(NewVendorUser::parse(&input("Pat", "pat@acme")).is_err());
    }

    #[test]
    fn passwords_follow_the_operators_rule_and_are_typed_twice() {
        assert_eq!(
            check_new_password("short", "short").unwrap_err().field,
            "password"
        );
        assert_eq!(
            check_new_password("long enough pw", "long enough pX")
                .unwrap_err()
                .field,
            "password_again"
        );
        assert!(check_new_password("long enough pw", "long enough pw").is_ok());
    }

    #[test]
    fn links_last_72_hours_for_an_invitation_and_one_for_a_reset() {
        assert_eq!(LinkPurpose::Invitation.lifetime().as_secs(), 72 * 3600);
        assert_eq!(LinkPurpose::Reset.lifetime().as_secs(), 3600);
        for purpose in [LinkPurpose::Invitation, LinkPurpose::Reset] {
            assert_eq!(LinkPurpose::parse(purpose.as_str()), Some(purpose));
        }
        assert_eq!(LinkPurpose::parse("other"), None);
    }
}
