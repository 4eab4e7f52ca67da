//! Storage: one `Db` handle over SQLite (the single-node default) or PostgreSQL.
//!
//! Queries are runtime SQL through sqlx's `Any` driver, written once in the dialect both backends
//! share (`$1` placeholders, BIGINT unix-ms times, TEXT everywhere else). Where the backends really
//! differ — the DDL, and how job claims are serialised — each has its own code (see `migrations/`
//! and [`jobs`]). ARCHITECTURE.md explains why `Any` instead of two repository implementations.

pub mod api_budget;
pub mod assignments;
pub mod bindings;
pub mod branding;
pub mod catalog;
pub mod cursors;
pub mod dashboard;
pub mod inventory;
pub mod job_subjects;
pub mod jobs;
pub mod latency;
pub mod mail;
pub mod metrics;
pub mod orders;
pub mod portal_visits;
pub mod shipments;
pub mod sql;
pub mod store_removals;
pub mod stores;
pub mod users;
pub mod vendor_orders;
pub mod vendor_sessions;
pub mod vendor_store_catalog;
pub mod vendor_store_settings;
pub mod vendor_users;
pub mod vendors;
pub mod webhooks;
mod write_tx;

pub use write_tx::WriteTx;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerLockError {
    #[error(
        "another wharf process already runs job workers on the SQLite database {0}; SQLite takes \
         one worker process (run this one with --no-workers, or use PostgreSQL for several)"
    )]
    Taken(std::path::PathBuf),
    #[error("cannot lock {0} for job workers: {1}")]
    Io(std::path::PathBuf, std::io::Error),
}

/// The right to run job workers on a database, held as long as this value lives.
///
/// PostgreSQL takes any number of worker processes (claims are serialised in the database), so
/// there it holds nothing. A SQLite file takes one: the lock is an OS file lock on
/// `<file>.workers.lock`, so a second process gets a clear error instead of two writers
/// fighting over one file, and the OS releases it even when the process is killed.
#[derive(Debug)]
pub struct WorkerLock {
    _file: Option<std::fs::File>,
}

impl WorkerLock {
    /// Takes the lock for the database at `database_url` before connecting to it, so a refused
    /// process neither migrates nor waits behind the running workers' writes.
    pub fn take(database_url: &str) -> Result<Self, WorkerLockError> {
        Self::take_file(sqlite_file(database_url).as_deref())
    }

    fn take_file(sqlite_file: Option<&std::path::Path>) -> Result<Self, WorkerLockError> {
        let Some(file) = sqlite_file else {
            return Ok(WorkerLock { _file: None });
        };
        let mut lock_path = file.as_os_str().to_owned();
        lock_path.push(".workers.lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| WorkerLockError::Io(lock_path.clone().into(), e))?;
        match lock.try_lock() {
            Ok(()) => Ok(WorkerLock { _file: Some(lock) }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(WorkerLockError::Taken(file.to_path_buf()))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(WorkerLockError::Io(lock_path.into(), e)),
        }
    }
}

/// The file a `sqlite://` URL names (`sqlite://wharf.db?mode=rwc` → `wharf.db`); `None` for an
/// in-memory database.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| path.into())
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("a row with the same {0} already exists")]
    Duplicate(&'static str),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("cannot create the database file {}: {error}", .file.display())]
    CreateFile {
        file: std::path::PathBuf,
        error: std::io::Error,
    },
    /// Another process changed what this transaction relied on; it was rolled back and may
    /// simply run again.
    #[error("changed concurrently, try again: {0}")]
    Conflict(String),
    /// This process's other writers held SQLite's lock longer than `busy_timeout` allows.
    #[error("the database stayed busy with other writes for {} s", .0.as_secs())]
    Busy(Duration),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

/// How long a SQLite writer waits for the write lock before it gives up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A pooled connection to wharf's database, migrated to the latest schema.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite file, when there is one (not for `sqlite::memory:`).
    sqlite_file: Option<std::path::PathBuf>,
    /// Where a PostgreSQL database is, for connections outside the pool (a worker listening
    /// for jobs queued by other processes, see `jobs::listen_for_due_jobs`).
    postgres_url: Option<secrecy::SecretString>,
    /// On SQLite, where this process's write transactions wait their turn (see `write_tx`).
    writers: Option<write_tx::WriterQueue>,
}

impl Db {
    /// Connects, creating a SQLite file if it is absent, and runs the backend's migrations.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let pool = match backend {
            Backend::Sqlite => {
                if let Some(file) = sqlite_file(url) {
                    create_private_file(&file)?;
                }
                let url = with_sqlite_create_mode(url);
                let options = AnyConnectOptions::from_str(&url)?;
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets the UI read while a worker writes; busy_timeout turns writer
                            // contention into a short wait instead of SQLITE_BUSY errors.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute(sqlx::AssertSqlSafe(format!(
                                "PRAGMA busy_timeout = {}",
                                SQLITE_BUSY_TIMEOUT.as_millis()
                            )))
                            .await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // Plan every prepared statement for its actual values. A generic plan is
                            // costed on table statistics, which lag far behind during a bulk
                            // import: it then scans whole tables for a 500-id lookup.
                            conn.execute("SET plan_cache_mode = force_custom_plan")
                                .await?;
                            // wharf's working set (its indexes) is in memory or on SSD, where a
                            // random read costs about what a sequential one does. At the default
                            // (4) a lookup of 500 SKUs joined to the catalog scanned 100k
                            // variants (45 ms) rather than probing the index 500 times (5 ms).
                            conn.execute("SET random_page_cost = 1.1").await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
        };
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await?;
        let sqlite_file = match backend {
            Backend::Sqlite => sqlite_file(url),
            Backend::Postgres => None,
        };
        let postgres_url = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(secrecy::SecretString::from(url)),
        };
        let writers = (backend == Backend::Sqlite).then(write_tx::WriterQueue::default);
        Ok(Db {
            pool,
            backend,
            sqlite_file,
            postgres_url,
            writers,
        })
    }

    /// The PostgreSQL database's URL, for a connection of its own; `None` on SQLite.
    pub fn postgres_url(&self) -> Option<&secrecy::SecretString> {
        self.postgres_url.as_ref()
    }

    /// The SQLite database file, if wharf runs on one.
    pub fn sqlite_file(&self) -> Option<&std::path::Path> {
        self.sqlite_file.as_deref()
    }

    /// Takes the right to run job workers on this database (see [`WorkerLock`]).
    pub fn lock_for_workers(&self) -> Result<WorkerLock, WorkerLockError> {
        WorkerLock::take_file(self.sqlite_file())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that will write.
    ///
    /// On SQLite it is `BEGIN IMMEDIATE`: it takes the write lock up front, waiting for it under
    /// `busy_timeout`. A deferred `BEGIN` that reads first and writes later cannot wait: when
    /// another connection wrote in between, its upgrade fails at once with "database is locked"
    /// (SQLITE_BUSY_SNAPSHOT), and two such upgrades can stall each other until the timeout.
    /// Before it, the transaction waits for this process's other SQLite writers
    /// (`write_tx`), so it never begins while another of them holds a transaction open:
    /// one task must not begin a second write transaction while it holds one.
    pub async fn begin(&self) -> Result<WriteTx, DbError> {
        Ok(match &self.writers {
            Some(writers) => {
                // As long as SQLite itself would wait (`busy_timeout`), then the same refusal.
                let turn = tokio::time::timeout(SQLITE_BUSY_TIMEOUT, writers.clone().lock_owned())
                    .await
                    .map_err(|_| DbError::Busy(SQLITE_BUSY_TIMEOUT))?;
                WriteTx::new(self.pool.begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            None => WriteTx::new(self.pool.begin().await?, None),
        })
    }

    /// Refreshes the planner's statistics of tables that just grew in bulk (PostgreSQL's
    /// autovacuum catches up only later). SQLite plans by its indexes and needs nothing.
    pub async fn refresh_statistics(&self, tables: &[&'static str]) -> Result<(), DbError> {
        if self.backend == Backend::Postgres {
            for table in tables {
                sqlx::query(sqlx::AssertSqlSafe(format!("ANALYZE {table}")))
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates the SQLite file readable by its owner only (0600), unless it exists. SQLite gives
/// the WAL and shared-memory files it makes beside it the database file's permissions, so they
/// are private too; created by SQLite itself, all three would follow the umask (often 0644:
/// every local user could read the orders, addresses and sealed credentials).
fn create_private_file(file: &std::path::Path) -> Result<(), DbError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(DbError::CreateFile {
            file: file.to_path_buf(),
            error,
        }),
    }
}

/// `sqlite://wharf.db` should create the file on first start, which SQLite only does in `rwc` mode.
fn with_sqlite_create_mode(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// True when the error is a unique-constraint violation (both backends report it the same way).
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Now, in the unit every table stores: unix milliseconds, UTC.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

pub fn to_timestamp(ms: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod sqlite_file_tests {
    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(
            super::sqlite_file("sqlite:///var/lib/wharf/wharf.db?mode=rwc"),
            Some("/var/lib/wharf/wharf.db".into())
        );
        assert_eq!(
            super::sqlite_file("sqlite://wharf.db"),
            Some("wharf.db".into())
        );
        assert_eq!(super::sqlite_file("sqlite::memory:"), None);
        assert_eq!(super::sqlite_file("postgres://x/y"), None);
    }
}
