//! A vendor's users as the operator (and, on the Account page, the vendor's own users) manage
//! them: list, create, invite, remove.

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::app::App;
use crate::app::error::AppError;
use crate::app::operators::hash_password;
use crate::db::vendor_users::{self, ColleagueRemoval, VendorUserRecord};
use crate::db::{self, DbError};
use crate::domain::vendor_user::{LinkPurpose, NewVendorUser, VendorUserInput, check_new_password};
use crate::domain::{FieldError, FieldErrors};

/// A vendor user as every surface shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorUserView {
    pub id: i64,
    pub vendor_id: i64,
    pub name: String,
    pub email: String,
    /// False while the invitation is not yet accepted (no password chosen).
    pub signed_up: bool,
    pub created_at_ms: i64,
}

impl From<&VendorUserRecord> for VendorUserView {
    fn from(user: &VendorUserRecord) -> Self {
        VendorUserView {
            id: user.id,
            vendor_id: user.vendor_id,
            name: user.name.clone(),
            email: user.email.clone(),
            signed_up: user.has_password,
            created_at_ms: user.created_at_ms,
        }
    }
}

/// A new or re-invited user and the link that lets them set a password: shown once to whoever
/// invited them, and what the invitation mail carries.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Invitation {
    pub user: VendorUserView,
    /// The single-use link (72 hours). Absolute when wharf knows its address (the public URL,
    /// else the address the operator's request came to); a path otherwise.
    pub invitation_link: String,
    pub expires_at_ms: i64,
}

impl App {
    pub async fn vendor_users(&self, vendor_id: i64) -> Result<Vec<VendorUserView>, AppError> {
        self.vendor(vendor_id).await?;
        Ok(vendor_users::list_for_vendor(&self.db, vendor_id)
            .await?
            .iter()
            .map(VendorUserView::from)
            .collect())
    }

    /// A user of this vendor; another vendor's user is "not found", like an unknown one.
    pub async fn vendor_user(
        &self,
        vendor_id: i64,
        user_id: i64,
    ) -> Result<VendorUserView, AppError> {
        vendor_users::get(&self.db, vendor_id, user_id)
            .await?
            .as_ref()
            .map(VendorUserView::from)
            .ok_or_else(|| AppError::not_found("vendor user", user_id))
    }

    /// Adds a user who can sign in at once with `password`: for tests, the demo and scripts.
    /// People are invited instead ([`App::invite_vendor_user`]), so they choose their own.
    pub async fn create_vendor_user(
        &self,
        vendor_id: i64,
        input: &VendorUserInput,
        password: &SecretString,
    ) -> Result<VendorUserView, AppError> {
        let user = NewVendorUser::parse(input).map_err(AppError::Invalid)?;
        let typed = password.expose_secret();
        check_new_password(typed, typed).map_err(|e| AppError::Invalid(FieldErrors(vec![e])))?;
        self.vendor(vendor_id).await?;
        let password = password.clone();
        let hash = self
            .password_work
            .run(move || hash_password(&password))
            .await
            .map_err(|busy| AppError::Conflict(busy.to_string()))?;
        let mut tx = self.db.begin().await?;
        let id = vendor_users::insert(&mut tx, vendor_id, &user.name, &user.email)
            .await
            .map_err(|e| duplicate_email(e, &user.email))?;
        vendor_users::set_password(&mut tx, id, &hash).await?;
        tx.commit().await.map_err(DbError::from)?;
        tracing::info!(vendor_id, vendor_user_id = id, "vendor user created");
        self.vendor_user(vendor_id, id).await
    }

    /// Adds a user without a password and makes their invitation link, in one transaction with
    /// the invitation mail (see `link_mail`). `base` is wharf's address for the link.
    pub async fn invite_vendor_user(
        &self,
        vendor_id: i64,
        input: &VendorUserInput,
        base: Option<&url::Url>,
    ) -> Result<Invitation, AppError> {
        let user = NewVendorUser::parse(input).map_err(AppError::Invalid)?;
        let vendor = self.vendor(vendor_id).await?;
        let mut tx = self.db.begin().await?;
        let id = vendor_users::insert(&mut tx, vendor_id, &user.name, &user.email)
            .await
            .map_err(|e| duplicate_email(e, &user.email))?;
        let record = VendorUserRecord {
            id,
            vendor_id,
            name: user.name,
            email: user.email,
            has_password: false,
            created_at_ms: db::now_ms(),
        };
        let mail = self
            .issue_link(
                &mut tx,
                &record,
                &vendor.name,
                LinkPurpose::Invitation,
                base,
            )
            .await?;
        tx.commit().await.map_err(DbError::from)?;
        tracing::info!(vendor_id, vendor_user_id = id, "vendor user invited");
        Ok(Invitation {
            user: VendorUserView::from(&record),
            invitation_link: mail.link,
            expires_at_ms: mail.expires_at_ms,
        })
    }

    /// A new invitation link for a user of this vendor; earlier ones stop working. For a user
    /// who has a password already it sets a new one, like a reset the operator asked for.
    pub async fn resend_invitation(
        &self,
        vendor_id: i64,
        user_id: i64,
        base: Option<&url::Url>,
    ) -> Result<Invitation, AppError> {
        let vendor = self.vendor(vendor_id).await?;
        let record = vendor_users::get(&self.db, vendor_id, user_id)
            .await?
            .ok_or_else(|| AppError::not_found("vendor user", user_id))?;
        let mut tx = self.db.begin().await?;
        let mail = self
            .issue_link(
                &mut tx,
                &record,
                &vendor.name,
                LinkPurpose::Invitation,
                base,
            )
            .await?;
        tx.commit().await.map_err(DbError::from)?;
        Ok(Invitation {
            user: VendorUserView::from(&record),
            invitation_link: mail.link,
            expires_at_ms: mail.expires_at_ms,
        })
    }

    /// Changes the name and address of a user of this vendor (they sign in with the new
    /// address from now on).
    pub async fn update_vendor_user(
        &self,
        vendor_id: i64,
        user_id: i64,
        input: &VendorUserInput,
    ) -> Result<VendorUserView, AppError> {
        let user = NewVendorUser::parse(input).map_err(AppError::Invalid)?;
        let updated = vendor_users::update(&self.db, vendor_id, user_id, &user.name, &user.email)
            .await
            .map_err(|e| duplicate_email(e, &user.email))?;
        if !updated {
            return Err(AppError::not_found("vendor user", user_id));
        }
        self.vendor_user(vendor_id, user_id).await
    }

    /// Removes a user of this vendor; their sessions and links end with them.
    pub async fn remove_vendor_user(&self, vendor_id: i64, user_id: i64) -> Result<(), AppError> {
        if !vendor_users::delete(&self.db, vendor_id, user_id).await? {
            return Err(AppError::not_found("vendor user", user_id));
        }
        tracing::info!(vendor_id, vendor_user_id = user_id, "vendor user removed");
        Ok(())
    }

    /// Removes a user as one of the vendor's own users asks (the portal's Account page): the
    /// last user cannot remove themselves, which would lock the vendor out of the portal.
    pub async fn remove_colleague(
        &self,
        vendor_id: i64,
        acting_user_id: i64,
        user_id: i64,
    ) -> Result<(), AppError> {
        match vendor_users::delete_colleague(&self.db, vendor_id, acting_user_id, user_id).await? {
            ColleagueRemoval::Removed => {
                tracing::info!(vendor_id, vendor_user_id = user_id, "vendor user removed");
                Ok(())
            }
            ColleagueRemoval::NotFound => Err(AppError::not_found("vendor user", user_id)),
            ColleagueRemoval::LastUser => Err(AppError::Conflict(
                "You are this vendor's only user: invite a colleague before removing yourself."
                    .into(),
            )),
        }
    }
}

fn duplicate_email(error: DbError, email: &str) -> AppError {
    match error {
        DbError::Duplicate(_) => AppError::Invalid(FieldErrors(vec![FieldError::new(
            "email",
            format!(
                "{email} already has a portal account: an address can belong to one user only."
            ),
        )])),
        other => other.into(),
    }
}
