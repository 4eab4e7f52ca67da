//! Password hashing off the async runtime, a bounded number at a time.
//!
//! argon2 spends tens of milliseconds of CPU on purpose. Run on the async runtime, a flood of
//! wrong passwords took its worker threads from every other request (webhook intake fell from
//! ~2,600/s to 0.3/s). Here each hash or check runs on the blocking pool, at most `permits` at
//! once (half the cores: the rest stay for everything else), and at most `max_waiting` more wait
//! for a turn; anything beyond that is refused at once ([`Busy`]) instead of queueing without end.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

/// Too many password checks in flight already: try again shortly.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("too many sign-ins at once; try again in a moment")]
pub struct Busy;

#[derive(Debug)]
pub struct PasswordWork {
    permits: Arc<Semaphore>,
    /// Running plus waiting, so a new arrival can be refused without waiting itself.
    admitted: AtomicUsize,
    limit: usize,
}

impl Default for PasswordWork {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let permits = (cores / 2).max(1);
        PasswordWork::new(permits, permits * 16)
    }
}

/// Gives a place in [`PasswordWork`]'s count back however the work ends.
struct Admission<'a>(&'a AtomicUsize);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl PasswordWork {
    pub fn new(permits: usize, max_waiting: usize) -> Self {
        PasswordWork {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            admitted: AtomicUsize::new(0),
            limit: permits.max(1) + max_waiting,
        }
    }

    /// Runs `work` (a hash or a check) on the blocking pool when a permit is free.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.limit {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(Busy);
        }
        let _admission = Admission(&self.admitted);
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| {
            // Password code does not panic; if it ever does, the attempt fails closed.
            tracing::error!(error = %e, "a password check failed");
            Busy
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_beyond_the_running_and_waiting_limit_is_refused_at_once() {
        let work = Arc::new(PasswordWork::new(1, 1));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let running = tokio::spawn({
            let work = work.clone();
            async move {
                work.run(move || {
                    let _ = started_tx.send(());
                    held.recv().ok();
                })
                .await
            }
        });
        started.await.unwrap();
        let waiting = tokio::spawn({
            let work = work.clone();
            async move { work.run(|| 2).await }
        });
        // The waiter takes its place before it blocks on the permit.
        while work.admitted.load(Ordering::Acquire) < 2 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(work.run(|| 3).await, Err(Busy)));
        release.send(()).unwrap();
        running.await.unwrap().unwrap();
        assert_eq!(waiting.await.unwrap().unwrap(), 2);
        assert_eq!(work.run(|| 4).await.unwrap(), 4, "places are given back");
    }
}
