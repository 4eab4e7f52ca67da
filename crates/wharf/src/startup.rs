//! Building and running a wharf process: open the database, load the key, serve HTTP and run
//! the job workers until asked to stop.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::App;
use crate::app::jobs::Schedules;
use crate::channels;
use crate::config::Settings;
use crate::db::{Db, WorkerLock};
use crate::jobs::{Handlers, Worker, WorkerConfig};
use crate::secrets::SecretCipher;

impl App {
    /// Opens everything a command needs: the migrated database, the secret key, the client.
    pub async fn open(settings: &Settings) -> anyhow::Result<App> {
        let cipher = SecretCipher::load(&settings.key_source())?;
        let db = Db::connect(&settings.database_url).await.map_err(|e| {
            anyhow::anyhow!(
                "cannot open the database {}: {e}",
                redact_url(&settings.database_url)
            )
        })?;
        let bigcommerce = channels::bigcommerce::client(
            &settings.bigcommerce_api_base,
            settings.server.api_quota_share,
            Duration::from_secs(settings.server.bigcommerce_timeout_secs.max(1)),
            &db,
        )?;
        let app = App {
            db,
            cipher,
            bigcommerce,
            public_url: settings.server.public_url.clone(),
            job_waker: Default::default(),
            inventory_push_chunk: crate::app::inventory::ITEMS_PER_CHUNK,
            feed_policy: settings.feed_policy(),
            unmatched_skus_per_vendor: settings.server.unmatched_skus_per_vendor.max(1),
            sign_in_throttle: std::sync::Arc::new(crate::app::operators::sign_in_throttle()),
            password_work: Default::default(),
            mailer: crate::smtp::Mailer::from_settings(
                settings.server.smtp_url.as_ref(),
                settings.server.mail_from.as_deref(),
            )?,
        };
        app.warn_of_shared_store_hashes().await?;
        Ok(app)
    }
}

/// The job handlers of this version of wharf, one per job kind.
pub fn job_handlers(app: &App) -> Handlers {
    crate::app::jobs::handlers(app)
}

/// A bound HTTP server plus the job worker, not yet running.
pub struct Application {
    app: App,
    listener: TcpListener,
    workers: Option<WorkerConfig>,
    /// Taken before the database was opened (`wharf serve`); otherwise taken when the
    /// workers start.
    worker_lock: Option<WorkerLock>,
    schedules: Schedules,
    /// How long HTTP requests may run on after the stop signal.
    shutdown_grace: Duration,
    /// Serves the demo's own pages too (its Mail page).
    demo_pages: bool,
}

impl Application {
    /// Serves on a listener the caller bound already (tests learn their address first).
    pub fn on_listener(
        app: App,
        listener: std::net::TcpListener,
        workers: Option<WorkerConfig>,
    ) -> std::io::Result<Self> {
        listener.set_nonblocking(true)?;
        Ok(Application {
            app,
            listener: TcpListener::from_std(listener)?,
            workers,
            worker_lock: None,
            schedules: Schedules::default(),
            shutdown_grace: WorkerConfig::default().shutdown_grace,
            demo_pages: false,
        })
    }

    /// Binds `listen`; `workers` runs a job worker in the same process (None: HTTP only).
    pub async fn build(
        app: App,
        listen: &str,
        workers: Option<WorkerConfig>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        Ok(Application {
            app,
            listener,
            workers,
            worker_lock: None,
            schedules: Schedules::default(),
            shutdown_grace: WorkerConfig::default().shutdown_grace,
            demo_pages: false,
        })
    }

    /// Also serves the demo's pages (the Mail page of what its catch-all received).
    pub fn with_demo_pages(mut self) -> Self {
        self.demo_pages = true;
        self
    }

    /// Runs the workers under a lock the caller already took (see [`WorkerLock::take`]).
    pub fn holding(mut self, lock: WorkerLock) -> Self {
        self.worker_lock = Some(lock);
        self
    }

    /// With workers, also runs these schedules (by default: pruning only).
    pub fn with_schedules(mut self, schedules: Schedules) -> Self {
        self.schedules = schedules;
        self
    }

    /// How long requests still running at the stop signal may finish (default 30 s); the
    /// workers take theirs from their [`WorkerConfig`].
    pub fn with_shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` resolves, then stops: HTTP requests and jobs still running get
    /// the grace period (both at once), then they are cut short.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let workers = match self.workers {
            Some(config) => {
                let lock = match self.worker_lock {
                    Some(lock) => lock,
                    None => self
                        .app
                        .db
                        .lock_for_workers()
                        .map_err(std::io::Error::other)?,
                };
                Some(start_workers(
                    &self.app,
                    lock,
                    config,
                    self.schedules,
                    stop_rx.clone(),
                ))
            }
            None => None,
        };
        let router = if self.demo_pages {
            crate::web::demo_router(self.app)
        } else {
            crate::web::router(self.app)
        };
        let mut http_stop = stop_rx.clone();
        // With the peer's address, which the sign-in throttle counts failures by.
        let router = router.into_make_service_with_connect_info::<SocketAddr>();
        let server = axum::serve(self.listener, router).with_graceful_shutdown(async move {
            let _ = http_stop.wait_for(|stop| *stop).await;
        });
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        let grace = self.shutdown_grace;
        let mut stopped = stop_rx;
        tokio::select! {
            served = server => served?,
            () = async {
                let _ = stopped.wait_for(|stop| *stop).await;
                tokio::time::sleep(grace).await;
            } => {
                // Dropping the server closes the connections of the requests still running.
                tracing::warn!(
                    grace_secs = grace.as_secs_f64(),
                    "HTTP requests still running after the grace period were cut short"
                );
            }
        }
        if let Some(workers) = workers {
            // Stopped by the same signal, so their grace period is running out already.
            workers.finish().await;
        }
        Ok(())
    }
}

/// Running job workers with their schedulers, and the right to run them (on SQLite, a file lock).
pub struct RunningWorkers {
    worker: tokio::task::JoinHandle<()>,
    _lock: WorkerLock,
}

impl RunningWorkers {
    /// Waits for the worker to stop (after the stop signal): it claims nothing more, lets its
    /// running jobs finish for the grace period and cuts short the rest, which are taken over
    /// when their leases run out.
    pub async fn finish(self) {
        let _ = self.worker.await;
    }
}

/// Starts the job worker and the `schedules` until `stop` turns true, holding `lock` as long as
/// they run.
pub fn start_workers(
    app: &App,
    lock: WorkerLock,
    config: WorkerConfig,
    schedules: Schedules,
    stop: watch::Receiver<bool>,
) -> RunningWorkers {
    let worker =
        Worker::new(app.db.clone(), job_handlers(app), config).with_waker(app.job_waker.clone());
    let worker = tokio::spawn(worker.run(stop.clone()));
    schedules.start(app, stop);
    RunningWorkers {
        worker,
        _lock: lock,
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
}

/// A database URL fit for a log line or an error: the password replaced.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
