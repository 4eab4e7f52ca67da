//! Operators (the people who sign in to wharf) and their sessions.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use super::App;
use crate::db::{self, DbError};

pub const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;

/// What `ensure_admin` did, so the caller can tell the operator how to sign in.
#[derive(Debug)]
pub enum AdminBootstrap {
    /// Operators exist already and no password was configured: nothing changed.
    Unchanged,
    /// The configured password was set for this user (created if absent).
    FromEnvironment { username: String },
    /// First start without a configured password: one was generated and must be shown once.
    Generated {
        username: String,
        password: SecretString,
    },
}

pub fn hash_password(password: &SecretString) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt length");
    Argon2::default()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any password")
        .to_string()
}

pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

fn session_digest(token: &str) -> String {
    super::tokens::digest(token)
}

impl App {
    /// Makes sure someone can sign in: the configured admin password wins; otherwise, on the
    /// very first start, an admin with a generated password is created.
    pub async fn ensure_admin(
        &self,
        username: &str,
        configured_password: Option<&SecretString>,
    ) -> Result<AdminBootstrap, DbError> {
        if let Some(password) = configured_password {
            let hash = hash_password(password);
            if !db::users::set_password(&self.db, username, &hash).await? {
                match db::users::insert(&self.db, username, &hash).await {
                    // Another process created it meanwhile: set the password on that row.
                    Err(DbError::Duplicate(_)) => {
                        db::users::set_password(&self.db, username, &hash).await?;
                    }
                    other => {
                        other?;
                    }
                }
            }
            return Ok(AdminBootstrap::FromEnvironment {
                username: username.to_owned(),
            });
        }
        if db::users::count(&self.db).await? > 0 {
            return Ok(AdminBootstrap::Unchanged);
        }
        let password = SecretString::from(super::tokens::random_token(18));
        match db::users::insert(&self.db, username, &hash_password(&password)).await {
            Ok(_) => Ok(AdminBootstrap::Generated {
                username: username.to_owned(),
                password,
            }),
            Err(DbError::Duplicate(_)) => Ok(AdminBootstrap::Unchanged),
            Err(e) => Err(e),
        }
    }

    /// Checks the credentials and opens a session; returns the session token for the cookie.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<SecretString>, DbError> {
        let Some(user) = db::users::find_by_username(&self.db, username).await? else {
            // Spend the same time as a real check, so timing does not reveal valid usernames.
            verify_password(password, DUMMY_HASH);
            return Ok(None);
        };
        if !verify_password(password, &user.password_hash) {
            return Ok(None);
        }
        let token = super::tokens::random_token(32);
        let expires = db::now_ms() + SESSION_LIFETIME_MS;
        db::users::insert_session(&self.db, &session_digest(&token), user.id, expires).await?;
        Ok(Some(SecretString::from(token)))
    }

    /// The username behind a session cookie, if the session is live.
    pub async fn session_user(&self, token: &str) -> Result<Option<String>, DbError> {
        db::users::session_user(&self.db, &session_digest(token)).await
    }

    /// Checks credentials without opening a session (HTTP Basic on the JSON API).
    pub async fn verify_operator(&self, username: &str, password: &str) -> Result<bool, DbError> {
        Ok(
            match db::users::find_by_username(&self.db, username).await? {
                Some(user) => verify_password(password, &user.password_hash),
                None => {
                    verify_password(password, DUMMY_HASH);
                    false
                }
            },
        )
    }

    pub async fn sign_out(&self, token: &str) -> Result<(), DbError> {
        db::users::delete_session(&self.db, &session_digest(token)).await
    }
}

/// An argon2 hash of nothing anyone knows, verified against when the username is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Xyl/nFpyChSUHEXFtbNc/Ngp6V1bsOiCQMVm/2rHKBQ";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_only_itself() {
        let hash = hash_password(&SecretString::from("correct horse"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!hash.contains("correct horse"));
    }

    #[test]
    fn the_dummy_hash_is_well_formed() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("", DUMMY_HASH));
    }
}
