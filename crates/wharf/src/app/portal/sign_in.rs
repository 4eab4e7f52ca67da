//! Vendor users signing in to the portal: the operators' rules (the same throttle policies
//! under the portal's own keys, the bounded hashing pool, the same answer for an unknown
//! address as for a wrong password) with sessions of their own.

use std::time::Instant;

use secrecy::SecretString;
use sqlx::AnyConnection;

use super::SESSION_LIFETIME_MS;
use crate::app::App;
use crate::app::operators::{
    DUMMY_HASH, SignIn, THROTTLED_ANSWER_DELAY, account_key, session_digest, verify_password,
};
use crate::app::sign_in_throttle;
use crate::app::tokens::random_token;
use crate::db::vendor_sessions::{self, PortalSessionRecord};
use crate::db::{self, DbError, vendor_users};

/// A right password, and what came of it.
#[derive(Debug)]
pub enum PortalSignIn {
    /// Signed in: the new session's token, for the cookie.
    Session(SecretString),
    /// The password is right but the vendor is deactivated: its users may not sign in.
    VendorDeactivated,
}

/// The signed-in vendor user behind a live session.
pub type PortalSession = PortalSessionRecord;

impl App {
    /// Checks a vendor user's address and password through the throttle and opens a session.
    /// `from` is the client's address key (`sign_in_throttle::address_key`).
    pub async fn sign_in_vendor_user(
        &self,
        email: &str,
        password: &str,
        from: &str,
    ) -> Result<SignIn<PortalSignIn>, DbError> {
        let account = account_key(&email.trim().to_lowercase());
        let keys = [
            (sign_in_throttle::VENDOR_ADDRESS, from),
            (sign_in_throttle::VENDOR_ACCOUNT, account.as_str()),
        ];
        if let Some(retry_after) = self.sign_in_throttle.wait(&keys, Instant::now()) {
            // Late, like the operators' refusals: a looping client gets one try a second.
            tokio::time::sleep(THROTTLED_ANSWER_DELAY).await;
            return Ok(SignIn::Throttled { retry_after });
        }
        let user = vendor_users::find_for_sign_in(&self.db, email).await?;
        // An unknown address, or a user still invited, costs the same time as a real check.
        let stored = user
            .as_ref()
            .and_then(|u| u.password_hash.clone())
            .unwrap_or_else(|| DUMMY_HASH.to_owned());
        let password = password.to_owned();
        let Ok(matches) = self
            .password_work
            .run(move || verify_password(&password, &stored))
            .await
        else {
            tokio::time::sleep(THROTTLED_ANSWER_DELAY).await;
            return Ok(SignIn::Busy);
        };
        match user {
            Some(user) if matches && user.password_hash.is_some() => {
                self.sign_in_throttle.succeeded(&keys);
                if !user.vendor_active {
                    return Ok(SignIn::Accepted(PortalSignIn::VendorDeactivated));
                }
                let mut tx = self.db.begin().await?;
                let token = self.open_portal_session(&mut tx, user.user_id).await?;
                tx.commit().await?;
                Ok(SignIn::Accepted(PortalSignIn::Session(token)))
            }
            _ => {
                self.sign_in_throttle.failed(&keys, Instant::now());
                Ok(SignIn::Refused)
            }
        }
    }

    /// Opens a session for a vendor user in `conn`'s transaction; returns its token.
    pub(super) async fn open_portal_session(
        &self,
        conn: &mut AnyConnection,
        user_id: i64,
    ) -> Result<SecretString, DbError> {
        let token = random_token(32);
        let expires = db::now_ms() + SESSION_LIFETIME_MS;
        vendor_sessions::insert(conn, &session_digest(&token), user_id, expires).await?;
        Ok(SecretString::from(token))
    }

    /// The vendor user behind a portal cookie, while the session lives and the vendor is
    /// active.
    pub async fn portal_session(&self, token: &str) -> Result<Option<PortalSession>, DbError> {
        vendor_sessions::find(&self.db, &session_digest(token)).await
    }

    pub async fn sign_out_portal(&self, token: &str) -> Result<(), DbError> {
        vendor_sessions::delete(&self.db, &session_digest(token)).await
    }
}
