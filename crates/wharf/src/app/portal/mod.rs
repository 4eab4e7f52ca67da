//! The vendor portal's people: vendor users (`users`), their sign-in and sessions
//! (`sign_in`), the single-use links that set a password — invitations and resets (`links`) —
//! and the mails those links travel in (`link_mail`).
//!
//! Kept apart from the operators' accounts (`operators`, `account`) in tables, cookies and
//! throttle keys: neither kind of session ever stands for the other.

pub mod link_mail;
pub mod links;
pub mod sign_in;
pub mod users;

/// How long a portal session lasts: the operators' working day.
pub const SESSION_LIFETIME_MS: i64 = super::operators::SESSION_LIFETIME_MS;
