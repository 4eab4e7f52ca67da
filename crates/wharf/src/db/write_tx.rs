//! A write transaction, and on SQLite the process's turn to write.
//!
//! SQLite has one writer at a time. A `BEGIN IMMEDIATE` that finds the lock taken waits under
//! `busy_timeout`, which polls by sleeping 1, 2, 5, 10… up to 100 ms: with a few connections
//! queueing for the lock (sixteen webhook deliveries at once, say), most of the time went to
//! those sleeps, not to writing. Writers of one process therefore queue on an async mutex
//! first and take SQLite's lock when it is theirs; `busy_timeout` is left for writers in other
//! processes (a CLI command beside the server). PostgreSQL has no such limit and no queue.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use tokio::sync::{Mutex, OwnedMutexGuard};

/// Where a process's SQLite writers queue.
pub(super) type WriterQueue = Arc<Mutex<()>>;

/// A transaction begun by `Db::begin`: used as the `sqlx` transaction it holds, ended by
/// [`WriteTx::commit`] or [`WriteTx::rollback`] (or dropped: rolled back), and on SQLite
/// holding the process's turn to write until then.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(super) fn new(
        tx: sqlx::Transaction<'static, sqlx::Any>,
        turn: Option<OwnedMutexGuard<()>>,
    ) -> Self {
        WriteTx { tx, _turn: turn }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}
