//! Single-use links that set a vendor user's password: invitations (72 h) and password resets
//! (1 h). The token is random and only its SHA-256 digest is stored; the link is used up in the
//! transaction that sets the password and opens the session, so of two uses one wins.

use std::time::Instant;

use secrecy::SecretString;
use sqlx::AnyConnection;

use super::link_mail::{PortalMail, invitation_mail, reset_mail};
use crate::app::App;
use crate::app::error::AppError;
use crate::app::operators::hash_password;
use crate::app::sign_in_throttle::{self, try_again_message};
use crate::app::tokens::{digest, random_token};
use crate::db::vendor_users::{self, VendorUserRecord};
use crate::db::{self, DbError, vendor_sessions};
use crate::domain::FieldErrors;
use crate::domain::vendor_user::{DeadLink, LinkPurpose, check_new_password};

/// Whether a link still sets a password, and for whom.
#[derive(Debug, Clone)]
pub enum LinkState {
    Live {
        purpose: LinkPurpose,
        name: String,
        email: String,
    },
    Dead(DeadLink),
}

/// What answering *Forgot password* did. The page says the same whatever it is.
#[derive(Debug, Clone)]
pub enum ResetRequest {
    /// A reset link was made for the address's user, and its mail handed on.
    Sent(PortalMail),
    /// No mail: no such user, no public URL to build the link from, or too many asks for
    /// this address lately (the answer does not say which).
    NotSent,
    /// Too many asks from this client: refused unchecked.
    Throttled(String),
}

impl App {
    /// Makes a link for `user`, stores its digest and hands its mail on, all in `conn`'s
    /// transaction. Returns the mail, which holds the link and when it expires.
    pub(super) async fn issue_link(
        &self,
        conn: &mut AnyConnection,
        user: &VendorUserRecord,
        vendor_name: &str,
        purpose: LinkPurpose,
        base: Option<&url::Url>,
    ) -> Result<PortalMail, DbError> {
        let token = random_token(32);
        let lifetime_ms = i64::try_from(purpose.lifetime().as_millis()).unwrap_or(i64::MAX);
        let expires_at_ms = db::now_ms() + lifetime_ms;
        let token_digest = digest(&token);
        vendor_users::insert_link(conn, &token_digest, user.id, purpose, expires_at_ms).await?;
        let link = link_to(base, &purpose.path(&token));
        let mail = match purpose {
            LinkPurpose::Invitation => {
                invitation_mail(&user.email, &user.name, vendor_name, &link, expires_at_ms)
            }
            LinkPurpose::Reset => {
                reset_mail(&user.email, &user.name, vendor_name, &link, expires_at_ms)
            }
        };
        self.hand_to_mailer(conn, &mail, &token_digest).await?;
        Ok(mail)
    }

    /// What the link's page shows: the form, or why the link no longer works.
    pub async fn portal_link(&self, token: &str) -> Result<LinkState, AppError> {
        let Some(link) = vendor_users::find_link(&self.db, &digest(token)).await? else {
            return Ok(LinkState::Dead(DeadLink::Unknown));
        };
        if let Some(dead) = dead(&link) {
            return Ok(LinkState::Dead(dead));
        }
        let user = vendor_users::find_user(&self.db, link.user_id)
            .await?
            .ok_or(AppError::not_found("vendor user", link.user_id))?;
        Ok(LinkState::Live {
            purpose: link.purpose,
            name: user.name,
            email: user.email,
        })
    }

    /// Sets the password through a live link and signs the user in: the link is used up, every
    /// session of the user ends (a reset is often because someone else may be in) and a new
    /// one opens, in one transaction. Returns the new session's token.
    pub async fn set_password_with_link(
        &self,
        token: &str,
        password: &str,
        password_again: &str,
    ) -> Result<Result<SecretString, DeadLink>, AppError> {
        if let LinkState::Dead(dead) = self.portal_link(token).await? {
            return Ok(Err(dead));
        }
        check_new_password(password, password_again)
            .map_err(|e| AppError::Invalid(FieldErrors(vec![e])))?;
        let password = SecretString::from(password.to_owned());
        // Hashed before the transaction: it takes a while and holds nothing meanwhile.
        let hash = self
            .password_work
            .run(move || hash_password(&password))
            .await
            .map_err(|busy| AppError::Conflict(busy.to_string()))?;
        let mut tx = self.db.begin().await?;
        let Some(link) = vendor_users::use_link(&mut tx, &digest(token)).await? else {
            // Used or expired between the look and now.
            drop(tx);
            return Ok(Err(match self.portal_link(token).await? {
                LinkState::Dead(dead) => dead,
                LinkState::Live { .. } => DeadLink::Used,
            }));
        };
        vendor_users::set_password(&mut tx, link.user_id, &hash).await?;
        vendor_users::drop_unused_links(&mut tx, link.user_id).await?;
        vendor_sessions::delete_of_user(&mut tx, link.user_id).await?;
        let session = self.open_portal_session(&mut tx, link.user_id).await?;
        tx.commit().await.map_err(DbError::from)?;
        tracing::info!(
            vendor_user_id = link.user_id,
            purpose = link.purpose.as_str(),
            "vendor user set a password"
        );
        Ok(Ok(session))
    }

    /// *Forgot password*: makes a reset link for the address's user when there is one. The
    /// link is built from the public URL only: one built from the request's `Host` would let
    /// anyone send a user a real reset link pointing at their own site.
    pub async fn request_password_reset(
        &self,
        email: &str,
        from: &str,
    ) -> Result<ResetRequest, AppError> {
        let account = email.trim().to_lowercase();
        let account = crate::app::operators::account_key(&account);
        let address_key = [(sign_in_throttle::RESET_ADDRESS, from)];
        if let Some(wait) = self.sign_in_throttle.wait(&address_key, Instant::now()) {
            return Ok(ResetRequest::Throttled(try_again_message(wait)));
        }
        let keys = [
            (sign_in_throttle::RESET_ADDRESS, from),
            (sign_in_throttle::RESET_ACCOUNT, account.as_str()),
        ];
        let account_waits = self.sign_in_throttle.wait(&keys[1..], Instant::now());
        // Every ask counts, found or not, so asking cannot tell the two apart.
        self.sign_in_throttle.failed(&keys, Instant::now());
        if account_waits.is_some() {
            return Ok(ResetRequest::NotSent);
        }
        let Some(base) = self.public_url.clone() else {
            tracing::warn!(
                "a password reset was asked for, but without WHARF_PUBLIC_URL no link can be sent"
            );
            return Ok(ResetRequest::NotSent);
        };
        let Some(user) = vendor_users::find_by_email(&self.db, email).await? else {
            return Ok(ResetRequest::NotSent);
        };
        let vendor = self.vendor(user.vendor_id).await?;
        let mut tx = self.db.begin().await?;
        let mail = self
            .issue_link(
                &mut tx,
                &user,
                &vendor.name,
                LinkPurpose::Reset,
                Some(&base),
            )
            .await?;
        tx.commit().await.map_err(DbError::from)?;
        Ok(ResetRequest::Sent(mail))
    }
}

fn dead(link: &vendor_users::LinkRecord) -> Option<DeadLink> {
    if link.used {
        Some(DeadLink::Used)
    } else if link.expires_at_ms <= db::now_ms() {
        Some(DeadLink::Expired(link.purpose))
    } else {
        None
    }
}

/// `path` on wharf's address when it is known, else the path alone.
fn link_to(base: Option<&url::Url>, path: &str) -> String {
    match base {
        Some(base) => base
            .join(path)
            .map_or_else(|_| path.to_owned(), String::from),
        None => path.to_owned(),
    }
}
