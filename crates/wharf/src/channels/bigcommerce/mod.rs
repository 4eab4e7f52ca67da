//! BigCommerce: the only place where BigCommerce wire types meet wharf's domain types.

pub mod catalog;
pub mod connect;
pub mod inventory;
pub mod locations;
pub mod orders;
pub mod shipments;
pub mod vendor_catalog;
pub mod vendor_orders;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use bigcommerce::budget::{AnsweredFuture, SharedBudget, TakeFuture, Ticket};
use bigcommerce::{BigCommerce, ClientConfig, Quota};

use crate::db::{Db, api_budget};

/// The User-Agent BigCommerce asks integrations to send, naming wharf and its version.
pub fn user_agent() -> String {
    format!(
        "wharf/{} (+https://github.com/wharf-hub/wharf)",
        env!("CARGO_PKG_VERSION")
    )
}

/// A client for every store, pointed at `api_base` (BigCommerce itself unless an operator
/// configured a simulator), spending at most `quota_share` of each store's quota: the quota is
/// shared with the store's other apps. Below 1, the share is counted in `db`, across every
/// process sharing it; at 1 wharf may spend the whole quota, so only the store's own headers
/// (and 429s) hold it back, and no count is kept.
pub fn client(
    api_base: &url::Url,
    quota_share: f64,
    request_timeout: Duration,
    db: &Db,
) -> Result<BigCommerce, bigcommerce::BcError> {
    let mut config = ClientConfig::new(user_agent());
    config.api_base = api_base.clone();
    config.quota_share = Some(quota_share);
    config.request_timeout = request_timeout;
    if quota_share < 1.0 {
        config.shared_budget = Some(Arc::new(DbBudget { db: db.clone() }));
    }
    BigCommerce::new(config)
}

/// The API budget as wharf's processes share it: through the database they share.
#[derive(Debug)]
struct DbBudget {
    db: Db,
}

impl SharedBudget for DbBudget {
    fn take<'a>(
        &'a self,
        store_hash: &'a str,
        share: f64,
        seen: Option<Quota>,
        answer_within: Duration,
    ) -> TakeFuture<'a> {
        Box::pin(async move {
            match api_budget::take(&self.db, store_hash, share, seen, answer_within).await {
                Ok((take, left)) => {
                    crate::metrics::api_budget_left(store_hash, left);
                    take
                }
                Err(e) => {
                    // This process's own gate still holds it to the share; the jobs that need
                    // the database will fail on their own.
                    tracing::warn!(error = %e, store = store_hash, "could not count against the shared API budget; going by this process's count alone");
                    Ok(Ticket(0))
                }
            }
        })
    }

    fn answered(&self, ticket: Ticket) -> AnsweredFuture<'_> {
        Box::pin(async move {
            if let Err(e) = api_budget::answered(&self.db, ticket).await {
                // It stops counting at the client's timeout instead.
                tracing::warn!(error = %e, "could not mark a request answered in the shared API budget");
            }
        })
    }
}
