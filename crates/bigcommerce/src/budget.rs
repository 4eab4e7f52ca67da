//! A request budget shared by every process that spends one store's quota.
//!
//! A [`RateGate`](crate::rate_limit) lives in one process. When several processes (wharf's
//! workers) talk to one store, each gate alone would let its process spend the whole share, so
//! together they would spend a multiple of it. A [`SharedBudget`] is where those processes
//! count their requests; the application provides it (wharf keeps it in its database), this
//! crate only asks it before each request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The quota to assume for a store whose headers no client has seen yet: BigCommerce's smallest
/// plans allow 150 requests per 30 s, so a share of it is safe on every plan.
pub const ASSUMED_QUOTA: Quota = Quota {
    requests: 150,
    window: Duration::from_secs(30),
};

/// A store's quota as its `X-Rate-Limit-Requests-Quota` and `X-Rate-Limit-Time-Window-Ms`
/// headers report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub requests: u32,
    pub window: Duration,
}

/// A request taken from a [`SharedBudget`]; handed back to [`SharedBudget::answered`] once
/// the store has answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(pub i64);

/// What [`SharedBudget::take`] returns: a ticket when a request was taken from the budget,
/// `Err(wait)` when none is left, to be asked again after `wait`.
pub type Take = Result<Ticket, Duration>;

pub type TakeFuture<'a> = Pin<Box<dyn Future<Output = Take> + Send + 'a>>;
pub type AnsweredFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// The budget counts a request in the store's window from when it is taken until one window
/// after it was answered: the store counts it when it arrives, which is somewhere in between,
/// so no stretch of one window in which the store counts requests holds more than the
/// allowance, however long requests wait on the way.
pub trait SharedBudget: Send + Sync + fmt::Debug + 'static {
    /// Takes one request from the store's budget: at most `share` of its quota in any stretch
    /// of one window, counting every client that shares this budget. `seen` is the quota as
    /// this client's last response reported it (`None` before its first response); the budget
    /// remembers the latest one any client saw, and assumes [`ASSUMED_QUOTA`] before that.
    /// `answer_within` bounds how long the request can take (the client's timeout): a client
    /// that dies before calling [`answered`](Self::answered) holds its request that long.
    ///
    /// An implementation that cannot reach its storage should answer with a ticket and say so
    /// in its logs: each process's own gate still holds it to the share.
    fn take<'a>(
        &'a self,
        store_hash: &'a str,
        share: f64,
        seen: Option<Quota>,
        answer_within: Duration,
    ) -> TakeFuture<'a>;

    /// The store answered the ticket's request (or the request failed): from now on it counts
    /// for one more window only.
    fn answered(&self, ticket: Ticket) -> AnsweredFuture<'_>;
}

/// The requests `share` of `quota` allows per window: at least one, or a tiny quota would
/// stall every client forever.
pub fn allowance(quota: Quota, share: f64) -> u32 {
    ((f64::from(quota.requests) * share).floor() as u32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowance_is_the_share_rounded_down_but_never_zero() {
        let quota = Quota {
            requests: 150,
            window: Duration::from_secs(30),
        };
        assert_eq!(allowance(quota, 0.5), 75);
        assert_eq!(allowance(quota, 1.0), 150);
        assert_eq!(allowance(quota, 0.001), 1);
    }
}
