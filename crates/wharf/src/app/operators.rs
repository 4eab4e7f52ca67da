//! Operators (the people who sign in to wharf) and their sessions.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use std::time::{Duration, Instant};

use super::App;
use super::sign_in_throttle::{self, Policy, Throttle};
use crate::db::users::UserRecord;
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

pub(crate) fn session_digest(token: &str) -> String {
    super::tokens::digest(token)
}

/// How one sign-in attempt ended.
#[derive(Debug)]
pub enum SignIn<T> {
    Accepted(T),
    /// Wrong username or password (which of the two is never said).
    Refused,
    /// Too many failures from this address or for this account: refused unchecked.
    Throttled {
        retry_after: Duration,
    },
    /// Too many password checks in flight already: refused unchecked, try again shortly.
    Busy,
}

/// The operators' sign-in throttle (see `sign_in_throttle` for the rules). Per address: five
/// tries free, then 30 s doubling, locked for 15 minutes from the tenth failure. Per account the
/// same with twice the tries, so one address cannot lock the operator out by itself. Vendor
/// users have the same rules under their own kinds. Reset links: three an hour per address
/// asked for, ten per client address, then waits.
pub fn sign_in_throttle() -> Throttle {
    const QUARTER_HOUR: Duration = Duration::from_secs(15 * 60);
    let policy = |free_failures, lock_after| Policy {
        free_failures,
        first_delay: Duration::from_secs(30),
        lock_after,
        lock: QUARTER_HOUR,
        forget_after: 4 * QUARTER_HOUR,
    };
    Throttle::new(
        &[
            (sign_in_throttle::ADDRESS, policy(5, 10)),
            (sign_in_throttle::ACCOUNT, policy(10, 20)),
            (sign_in_throttle::VENDOR_ADDRESS, policy(5, 10)),
            (sign_in_throttle::VENDOR_ACCOUNT, policy(10, 20)),
            (sign_in_throttle::RESET_ADDRESS, policy(10, 20)),
            (sign_in_throttle::RESET_ACCOUNT, policy(3, 6)),
        ],
        THROTTLE_CAPACITY,
    )
}

/// How long a throttled attempt (or one the full hashing pool turns away) waits for its refusal.
pub(crate) const THROTTLED_ANSWER_DELAY: Duration = Duration::from_secs(1);

/// Keys remembered by the throttle at most (about 100 bytes each).
const THROTTLE_CAPACITY: usize = 100_000;

/// An account name as a throttle key: bounded, since it is whatever the client typed.
pub(crate) fn account_key(username: &str) -> String {
    username.chars().take(64).collect()
}

impl App {
    /// Makes sure someone can sign in: the configured admin password wins; otherwise, on the
    /// very first start, an admin with a generated password is created. A configured password
    /// that differs from the stored one ends that user's sessions: they were opened with the old
    /// one. An unchanged one keeps them, so a plain restart signs nobody out.
    pub async fn ensure_admin(
        &self,
        username: &str,
        configured_password: Option<&SecretString>,
    ) -> Result<AdminBootstrap, DbError> {
        if let Some(password) = configured_password {
            self.set_configured_password(username, password).await?;
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

    async fn set_configured_password(
        &self,
        username: &str,
        password: &SecretString,
    ) -> Result<(), DbError> {
        // Once per start, before serving: hashing here holds up nothing else.
        let user = match db::users::find_by_username(&self.db, username).await? {
            Some(user) => user,
            None => match db::users::insert(&self.db, username, &hash_password(password)).await {
                Ok(_) => return Ok(()),
                // Another process created it meanwhile: set the password on that row.
                Err(DbError::Duplicate(_)) => db::users::find_by_username(&self.db, username)
                    .await?
                    .ok_or(DbError::Duplicate("username"))?,
                Err(e) => return Err(e),
            },
        };
        if verify_password(password.expose_secret(), &user.password_hash) {
            return Ok(());
        }
        db::users::replace_password(&self.db, user.id, &hash_password(password), None).await
    }

    /// Checks credentials through the throttle and the bounded hashing pool; `from` is the
    /// client's address key (`sign_in_throttle::address_key`). Failures count against both the
    /// address and the account; a success clears both.
    pub async fn check_operator(
        &self,
        username: &str,
        password: &str,
        from: &str,
    ) -> Result<SignIn<UserRecord>, DbError> {
        let account = account_key(username);
        let keys = [
            (sign_in_throttle::ADDRESS, from),
            (sign_in_throttle::ACCOUNT, account.as_str()),
        ];
        if let Some(retry_after) = self.sign_in_throttle.wait(&keys, Instant::now()) {
            // Answered late, not at once: the wait costs a timer, no CPU, and holds a client
            // that retries in a loop to one try a second per connection. At once, 128 looping
            // clients sent 12,000 refusals a second, as costly as the hashing they replaced.
            tokio::time::sleep(THROTTLED_ANSWER_DELAY).await;
            return Ok(SignIn::Throttled { retry_after });
        }
        let user = db::users::find_by_username(&self.db, username).await?;
        // An unknown username spends the same time as a real check, so timing does not reveal
        // which usernames exist.
        let stored = user
            .as_ref()
            .map_or(DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
        let password = password.to_owned();
        let Ok(matches) = self
            .password_work
            .run(move || verify_password(&password, &stored))
            .await
        else {
            // Late too, for the same reason; the attempt holds no permit while it waits.
            tokio::time::sleep(THROTTLED_ANSWER_DELAY).await;
            return Ok(SignIn::Busy);
        };
        match user {
            Some(user) if matches => {
                self.sign_in_throttle.succeeded(&keys);
                Ok(SignIn::Accepted(user))
            }
            _ => {
                self.sign_in_throttle.failed(&keys, Instant::now());
                Ok(SignIn::Refused)
            }
        }
    }

    /// Checks the credentials and opens a session; returns the session token for the cookie.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        from: &str,
    ) -> Result<SignIn<SecretString>, DbError> {
        Ok(match self.check_operator(username, password, from).await? {
            SignIn::Accepted(user) => SignIn::Accepted(self.open_session(user.id).await?),
            SignIn::Refused => SignIn::Refused,
            SignIn::Throttled { retry_after } => SignIn::Throttled { retry_after },
            SignIn::Busy => SignIn::Busy,
        })
    }

    pub(super) async fn open_session(&self, user_id: i64) -> Result<SecretString, DbError> {
        let token = super::tokens::random_token(32);
        let expires = db::now_ms() + SESSION_LIFETIME_MS;
        db::users::insert_session(&self.db, &session_digest(&token), user_id, expires).await?;
        Ok(SecretString::from(token))
    }

    /// The username behind a session cookie, if the session is live.
    pub async fn session_user(&self, token: &str) -> Result<Option<String>, DbError> {
        db::users::session_user(&self.db, &session_digest(token)).await
    }

    pub async fn sign_out(&self, token: &str) -> Result<(), DbError> {
        db::users::delete_session(&self.db, &session_digest(token)).await
    }
}

/// An argon2 hash of nothing anyone knows, verified against when the username is unknown.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Xyl/nFpyChSUHEXFtbNc/Ngp6V1bsOiCQMVm/2rHKBQ";

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
