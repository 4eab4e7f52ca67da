//! The demo's made-up credentials: random, so two demos on one machine never share a token.

use secrecy::SecretString;

/// A fresh random secret starting with `prefix` (which says what it is when printed).
pub(super) fn random_secret(prefix: &str) -> SecretString {
    SecretString::from(format!("{prefix}{}", uuid::Uuid::new_v4().simple()))
}
