//! What a job handler is, and the table of handlers by job kind.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use crate::db::jobs::ClaimedJob;

/// What a handler says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Done,
    /// A transient failure: try again after a backoff, spending an attempt.
    Retry {
        error: String,
    },
    /// Not now (e.g. the store's rate limit is exhausted): try again after `delay` without
    /// spending an attempt.
    Snooze {
        delay: Duration,
    },
    /// No retry can fix this; the job stays visible as failed.
    Fail {
        error: String,
    },
}

pub trait JobHandler: Send + Sync + 'static {
    fn run(&self, job: ClaimedJob) -> BoxFuture<'static, JobOutcome>;
}

impl<F, Fut> JobHandler for F
where
    F: Fn(ClaimedJob) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = JobOutcome> + Send + 'static,
{
    fn run(&self, job: ClaimedJob) -> BoxFuture<'static, JobOutcome> {
        Box::pin(self(job))
    }
}

/// The handler for each job kind.
#[derive(Clone, Default)]
pub struct Handlers {
    by_kind: HashMap<String, Arc<dyn JobHandler>>,
}

impl Handlers {
    pub fn register(mut self, kind: impl Into<String>, handler: impl JobHandler) -> Self {
        self.by_kind.insert(kind.into(), Arc::new(handler));
        self
    }

    /// The handler registered for `kind`.
    pub fn get(&self, kind: &str) -> Option<Arc<dyn JobHandler>> {
        self.by_kind.get(kind).cloned()
    }
}
