//! The errors of use cases, one type for every surface, and what a sync error means for the
//! job that met it.

use bigcommerce::BcError;

use crate::db::DbError;
use crate::domain::FieldErrors;
use crate::jobs::JobOutcome;
use crate::secrets::SecretKeyError;

/// What a use case can answer instead of its result, named for what the caller can do.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is wrong; each field says how.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// No record of that kind by that name or number.
    #[error("there is no {what} “{id}”")]
    NotFound { what: &'static str, id: String },
    /// No record of that kind has the name (or id) a person typed (the CLI's handles).
    #[error("no {what} named “{name}”")]
    NoneNamed { what: &'static str, name: String },
    /// The request is valid but the record's state refuses it (e.g. a cancelled purchase order).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Secret(#[from] SecretKeyError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl AppError {
    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        AppError::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

/// What can stop a flow that talks to BigCommerce: BigCommerce itself, or wharf's own storage.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Remote(#[from] BcError),
    #[error(transparent)]
    Db(#[from] DbError),
    /// The store cannot be synced, and why (its hash belongs to an older store, its secrets
    /// cannot be opened, it is gone).
    #[error("{0}")]
    Store(String),
}

impl From<sqlx::Error> for SyncError {
    fn from(error: sqlx::Error) -> Self {
        SyncError::Db(error.into())
    }
}

impl From<AppError> for SyncError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Db(db) => SyncError::Db(db),
            other => SyncError::Store(other.to_string()),
        }
    }
}

/// What a sync error means for the job that met it: a rate limit waits without spending an
/// attempt; what may pass (a timeout, a 5xx, a database hiccup, a concurrent change) retries;
/// the rest fails for good, visible with its reason until someone retries it.
pub(crate) fn outcome(result: Result<(), SyncError>) -> JobOutcome {
    match result {
        Ok(()) => JobOutcome::Done,
        Err(SyncError::Remote(BcError::RateLimited { retry_after })) => {
            JobOutcome::Snooze { delay: retry_after }
        }
        Err(error) if error.is_transient() => JobOutcome::Retry {
            error: error.to_string(),
        },
        Err(error) => JobOutcome::Fail {
            error: error.to_string(),
        },
    }
}

impl SyncError {
    /// Whether BigCommerce refused the store's token (401) or its scopes (403): a person must
    /// change the credentials; waiting will not help.
    pub fn credentials_refused(&self) -> bool {
        matches!(
            self,
            SyncError::Remote(BcError::Unauthorized { .. } | BcError::Forbidden { .. })
        )
    }

    /// Whether trying again later may succeed without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Remote(remote) => remote.is_transient(),
            // A database hiccup (lock timeout, lost connection) or a concurrent change.
            SyncError::Db(DbError::Sqlx(_) | DbError::Conflict(_)) => true,
            SyncError::Db(_) | SyncError::Store(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_concurrent_change_is_retried_and_unreadable_data_is_not() {
        let conflict = outcome(Err(SyncError::Db(DbError::Conflict(
            "bound meanwhile".into(),
        ))));
        assert!(
            matches!(conflict, JobOutcome::Retry { error } if error.contains("bound meanwhile"))
        );
        let corrupt = outcome(Err(SyncError::Db(DbError::Corrupt("bad row".into()))));
        assert!(matches!(corrupt, JobOutcome::Fail { .. }));
        let store = outcome(Err(SyncError::Store("an older store has its hash".into())));
        assert!(matches!(store, JobOutcome::Fail { error } if error.contains("older store")));
    }
}
