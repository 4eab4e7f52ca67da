//! An operator's own account: changing the password, signing out everywhere.

use secrecy::SecretString;

use super::App;
use super::error::AppError;
use super::operators::{SignIn, hash_password, session_digest};
use super::sign_in_throttle::try_again_message;
use crate::db;
use crate::domain::{FieldError, FieldErrors};

pub use crate::domain::password::MIN_PASSWORD_CHARS;

/// The account form: the current password, and the new one twice.
#[derive(Debug, serde::Deserialize)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    pub confirm_password: String,
}

impl App {
    /// Sets `username`'s password after checking the current one, and ends every session of the
    /// user but `keeping` (the session token of the request, which stays signed in). The current
    /// password is checked through the sign-in throttle, so a stolen session cannot guess it.
    pub async fn change_password(
        &self,
        username: &str,
        keeping: Option<&str>,
        from: &str,
        change: &PasswordChange,
    ) -> Result<(), AppError> {
        let mut errors = FieldErrors::default();
        if !crate::domain::password::long_enough(&change.new_password) {
            errors.push(FieldError::new(
                "new_password",
                format!("The new password needs at least {MIN_PASSWORD_CHARS} characters."),
            ));
        } else if change.new_password != change.confirm_password {
            errors.push(FieldError::new(
                "confirm_password",
                "This does not match the new password; type the new password again.",
            ));
        }
        let user = match self
            .check_operator(username, &change.current_password, from)
            .await?
        {
            SignIn::Accepted(user) => Some(user),
            SignIn::Refused => {
                errors.push(FieldError::new(
                    "current_password",
                    "The current password is wrong.",
                ));
                None
            }
            SignIn::Throttled { retry_after } => {
                errors.push(FieldError::new(
                    "current_password",
                    try_again_message(retry_after),
                ));
                None
            }
            SignIn::Busy => {
                return Err(AppError::Conflict(
                    "too many sign-ins at once; try again in a moment".into(),
                ));
            }
        };
        let Some(user) = user.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let new_password = SecretString::from(change.new_password.clone());
        let hash = self
            .password_work
            .run(move || hash_password(&new_password))
            .await
            .map_err(|busy| AppError::Conflict(busy.to_string()))?;
        let keeping = keeping.map(session_digest);
        db::users::replace_password(&self.db, user.id, &hash, keeping.as_deref()).await?;
        Ok(())
    }

    /// Ends every session of `username`, the caller's own included.
    pub async fn sign_out_everywhere(&self, username: &str) -> Result<(), AppError> {
        let user = db::users::find_by_username(&self.db, username)
            .await?
            .ok_or_else(|| AppError::not_found("operator", username))?;
        db::users::delete_sessions_of(&self.db, user.id).await?;
        Ok(())
    }
}
