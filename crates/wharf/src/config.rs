//! Operator configuration: command-line flags, each with an environment variable.
//! The README's configuration table lists the same settings.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser};
use secrecy::SecretString;

use crate::secrets::KeySource;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://wharf.db";
pub const DEFAULT_BIGCOMMERCE_API_BASE: &str = "https://api.bigcommerce.com";

/// Every setting of a wharf process. The database, its key and the BigCommerce origin are flags
/// of every command; the rest ([`ServerSettings`]) are flags of `serve` and `worker` only.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Database and BigCommerce (every command)")]
pub struct Settings {
    /// Database: sqlite://PATH (created if absent) or postgres://USER@HOST/DB.
    #[arg(long, env = "WHARF_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Key that seals stored secrets: 32 bytes, base64. Without it, the key file is used.
    #[arg(long, env = "WHARF_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<SecretString>,

    /// Key file, created with mode 0600 on first run when WHARF_SECRET_KEY is not set.
    /// Default: wharf.key beside a SQLite database, else in the working directory.
    #[arg(long, env = "WHARF_SECRET_KEY_FILE", global = true)]
    pub secret_key_file: Option<PathBuf>,

    /// Origin of the BigCommerce API. Only operators change this, to point wharf at a simulator
    /// (e.g. http://127.0.0.1:8081); it is never taken from a store's form.
    #[arg(long, env = "WHARF_BIGCOMMERCE_API_BASE", default_value = DEFAULT_BIGCOMMERCE_API_BASE, global = true)]
    pub bigcommerce_api_base: url::Url,

    /// Filled in by `cli::run`: from `serve`'s or `worker`'s flags, or for any other command from
    /// the environment alone (`ServerSettings::from_environment`).
    #[arg(skip)]
    pub server: ServerSettings,
}

/// What the processes that run until stopped (`serve`, `worker`) are tuned by: timeouts,
/// leases, concurrency, schedules, history, the API quota and feed limits. They are flags of
/// those two commands only, so that `wharf store add --help` lists the store's flags and not
/// these; every command still reads their `WHARF_…` variables, since a one-off command runs
/// jobs (`products import`), registers webhooks (`store connect`) and talks to BigCommerce just
/// as the server does.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Server and worker")]
pub struct ServerSettings {
    /// Seconds wharf waits for one BigCommerce answer. Keep it below WHARF_JOB_LEASE_SECS: a
    /// shipment push renews its lease right before each create, and the lease must outlast it.
    #[arg(long, env = "WHARF_BIGCOMMERCE_TIMEOUT_SECS", default_value_t = 30)]
    pub bigcommerce_timeout_secs: u64,

    /// Seconds a worker holds a job before another worker may take it over. A worker renews
    /// the lease while it runs the job, so this is how long a crashed worker's job waits.
    #[arg(long, env = "WHARF_JOB_LEASE_SECS", default_value_t = 60)]
    pub job_lease_secs: u64,

    /// Seconds a stopping process (SIGTERM, Ctrl-C) lets running jobs and HTTP requests finish.
    /// Then it cuts them short and exits; a job cut short is taken over by another worker when
    /// its lease runs out, as after a crash.
    #[arg(long, env = "WHARF_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    /// Jobs one worker process runs at once.
    #[arg(long, env = "WHARF_JOB_CONCURRENCY", default_value_t = 4)]
    pub job_concurrency: usize,

    /// Jobs of one store running at once, counted across every worker process sharing the
    /// database: more workers add throughput across stores, not pressure on one store.
    #[arg(long, env = "WHARF_STORE_JOB_CONCURRENCY", default_value_t = 4)]
    pub store_job_concurrency: usize,

    /// Seconds between order polls of each connected store (the reconciliation behind webhooks).
    #[arg(long, env = "WHARF_ORDER_POLL_SECS", default_value_t = 60)]
    pub order_poll_secs: u64,

    /// Reported stock rows that match no store item kept per vendor: a report beyond it drops
    /// the vendor's oldest such rows (and says so), so one vendor's junk cannot slow everyone.
    #[arg(
        long,
        env = "WHARF_UNMATCHED_SKUS_PER_VENDOR",
        default_value_t = crate::app::inventory::DEFAULT_UNMATCHED_SKUS_PER_VENDOR,
    )]
    pub unmatched_skus_per_vendor: i64,

    /// Seconds between drift checks of each connected store's inventory (BigCommerce's levels
    /// read back and compared with what wharf published).
    #[arg(long, env = "WHARF_DRIFT_CHECK_SECS", default_value_t = 3600)]
    pub drift_check_secs: u64,

    /// Seconds between full reads of each vendor's own BigCommerce store (its catalog, the
    /// match and its levels); its levels alone are read every 5 minutes between them.
    #[arg(long, env = "WHARF_VENDOR_CATALOG_READ_SECS", default_value_t = 900)]
    pub vendor_catalog_read_secs: u64,

    /// Days finished jobs stay in the queue's history (the Activity page) before they are
    /// deleted; failed jobs stay until retried.
    #[arg(long, env = "WHARF_JOB_HISTORY_DAYS", default_value_t = 7)]
    pub job_history_days: u64,

    /// Days received webhook events (their payloads hold customer data) are kept to recognise
    /// redeliveries before they are deleted.
    #[arg(long, env = "WHARF_WEBHOOK_HISTORY_DAYS", default_value_t = 7)]
    pub webhook_history_days: u64,

    /// The share of each store's API quota wharf may use per window (the store's other apps share
    /// the rest), above 0 and at most 1.
    #[arg(long, env = "WHARF_API_QUOTA_SHARE", default_value_t = 0.5)]
    pub api_quota_share: f64,

    /// Stock feeds may be fetched from loopback and private-network addresses (a vendor server
    /// on the same network). Off by default: a feed URL must not reach wharf's own network.
    #[arg(long, env = "WHARF_FEED_ALLOW_PRIVATE", default_value_t = false)]
    pub feed_allow_private: bool,

    /// When set, stock feeds are fetched only from these hosts (comma-separated).
    #[arg(long, env = "WHARF_FEED_ALLOWED_HOSTS", value_delimiter = ',')]
    pub feed_allowed_hosts: Vec<String>,

    /// Seconds one feed fetch may take.
    #[arg(long, env = "WHARF_FEED_TIMEOUT_SECS", default_value_t = 30)]
    pub feed_timeout_secs: u64,

    /// The largest stock feed accepted, in megabytes.
    #[arg(long, env = "WHARF_FEED_MAX_MB", default_value_t = 20)]
    pub feed_max_mb: u64,

    /// wharf's public base URL (https://wharf.example.com). With it, Connect registers the
    /// store's order webhooks to {URL}/webhooks/bigcommerce/{store id}; without, polling alone.
    #[arg(long, env = "WHARF_PUBLIC_URL")]
    pub public_url: Option<url::Url>,

    /// The SMTP server wharf's e-mail goes through: smtp://USER:PASS@HOST:587 (STARTTLS),
    /// smtps://USER:PASS@HOST:465 (TLS), or smtp://HOST:25?tls=none (no TLS, a local relay).
    /// Without it (and WHARF_MAIL_FROM) e-mail is off: mails are recorded, never sent.
    #[arg(long, env = "WHARF_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SecretString>,

    /// The address wharf's e-mail comes from, e.g. orders@shop.example; the branding's name is
    /// shown with it unless it names one ("Shop <orders@shop.example>").
    #[arg(long, env = "WHARF_MAIL_FROM")]
    pub mail_from: Option<String>,
}

impl ServerSettings {
    /// The server settings from the `WHARF_…` environment variables alone, each at its default
    /// when unset: what a command other than `serve` and `worker` runs with.
    pub fn from_environment() -> Result<ServerSettings, clap::Error> {
        ServerFlags::try_parse_from(["wharf"]).map(|flags| flags.server)
    }
}

impl Default for ServerSettings {
    /// Every server setting at the default its flag declares, whatever the environment holds.
    fn default() -> Self {
        let command = ServerFlags::command().mut_args(|arg| arg.env(None::<&str>));
        let matches = command
            .try_get_matches_from(["wharf"])
            .expect("every server setting has a default");
        ServerFlags::from_arg_matches(&matches)
            .expect("the defaults parse")
            .server
    }
}

/// The server settings alone as a command line, for reading them without `serve`'s.
#[derive(Parser)]
struct ServerFlags {
    #[command(flatten)]
    server: ServerSettings,
}

impl Settings {
    /// The settings of a wharf that one of its own tools runs on this machine (the demo, the
    /// soak, the benchmarks, the tests): its database, key file, BigCommerce origin (a
    /// simulator) and public URL, and every other setting at its default, as `wharf` parses them
    /// from a command line naming only those four. A caller that needs another value sets that
    /// field.
    pub fn local(
        database_url: impl Into<String>,
        secret_key_file: PathBuf,
        bigcommerce_api_base: url::Url,
        public_url: Option<url::Url>,
    ) -> Settings {
        Settings {
            database_url: database_url.into(),
            secret_key: None,
            secret_key_file: Some(secret_key_file),
            bigcommerce_api_base,
            server: ServerSettings {
                public_url,
                ..ServerSettings::default()
            },
        }
    }

    pub fn feed_policy(&self) -> crate::feeds::FetchPolicy {
        crate::feeds::FetchPolicy {
            timeout: std::time::Duration::from_secs(self.server.feed_timeout_secs.max(1)),
            max_bytes: self.server.feed_max_mb.max(1) * 1024 * 1024,
            allow_private: self.server.feed_allow_private,
            allowed_hosts: self
                .server
                .feed_allowed_hosts
                .iter()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
                .collect(),
        }
    }

    /// What `serve` and `worker` queue and tidy on their own.
    pub fn schedules(&self) -> crate::app::jobs::Schedules {
        crate::app::jobs::Schedules {
            order_polls: Some(std::time::Duration::from_secs(
                self.server.order_poll_secs.max(1),
            )),
            drift_checks: std::time::Duration::from_secs(self.server.drift_check_secs.max(60)),
            job_history: std::time::Duration::from_secs(
                self.server.job_history_days.max(1) * 86_400,
            ),
            webhook_history: std::time::Duration::from_secs(
                self.server.webhook_history_days.max(1) * 86_400,
            ),
            mail_digests: Some(std::time::Duration::from_secs(60)),
            vendor_catalog_reads: std::time::Duration::from_secs(
                self.server.vendor_catalog_read_secs.max(60),
            ),
            vendor_level_reads: std::time::Duration::from_secs(300),
        }
    }

    pub fn worker_config(&self) -> crate::jobs::WorkerConfig {
        if self.server.job_lease_secs <= self.server.bigcommerce_timeout_secs {
            // Allowed (the soak does it, to take killed workers' jobs over quickly), but a
            // process frozen mid-request could then outlive its lease and be taken over.
            tracing::warn!(
                job_lease_secs = self.server.job_lease_secs,
                bigcommerce_timeout_secs = self.server.bigcommerce_timeout_secs,
                "WHARF_JOB_LEASE_SECS should be longer than WHARF_BIGCOMMERCE_TIMEOUT_SECS"
            );
        }
        crate::jobs::WorkerConfig {
            lease: std::time::Duration::from_secs(self.server.job_lease_secs.max(1)),
            concurrency: self.server.job_concurrency.max(1),
            per_store: self.server.store_job_concurrency.max(1),
            shutdown_grace: self.shutdown_grace(),
            ..crate::jobs::WorkerConfig::default()
        }
    }

    /// How long a stopping process lets running work finish.
    pub fn shutdown_grace(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.server.shutdown_grace_secs)
    }
}

impl Settings {
    pub fn key_source(&self) -> KeySource {
        match (&self.secret_key, &self.secret_key_file) {
            (Some(key), _) => KeySource::Inline(key.clone()),
            (None, Some(path)) => KeySource::File(path.clone()),
            (None, None) => KeySource::File(default_key_file(&self.database_url)),
        }
    }
}

/// The key lives beside the SQLite file it protects, so moving one means noticing the other.
fn default_key_file(database_url: &str) -> PathBuf {
    let sqlite_path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty() && *path != ":memory:");
    match sqlite_path
        .map(std::path::Path::new)
        .and_then(|p| p.parent())
    {
        Some(dir) => dir.join("wharf.key"),
        None => PathBuf::from("wharf.key"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_sits_beside_the_sqlite_database() {
        assert_eq!(
            default_key_file("sqlite://wharf.db"),
            PathBuf::from("wharf.key")
        );
        assert_eq!(
            default_key_file("sqlite:///var/lib/wharf/w.db?mode=rwc"),
            PathBuf::from("/var/lib/wharf/wharf.key")
        );
        assert_eq!(
            default_key_file("postgres://localhost/wharf"),
            PathBuf::from("wharf.key")
        );
    }

    #[test]
    fn local_settings_are_what_clap_parses_from_the_same_four_flags() {
        /// What `wharf serve` parses: the global settings and the server's.
        #[derive(Parser)]
        struct Flags {
            #[command(flatten)]
            settings: Settings,
            #[command(flatten)]
            server: ServerSettings,
        }
        // The environment left out: a WHARF_* variable where the tests run is not a default.
        let command = Flags::command().mut_args(|arg| arg.env(None::<&str>));
        for public_url in [Some("http://127.0.0.1:8080/"), None] {
            let mut line = vec![
                "wharf",
                "--database-url",
                "sqlite:///tmp/local/wharf.db",
                "--secret-key-file",
                "/tmp/local/wharf.key",
                "--bigcommerce-api-base",
                "http://127.0.0.1:8081/",
            ];
            line.extend(public_url.iter().flat_map(|url| ["--public-url", url]));
            let matches = command.clone().try_get_matches_from(line).unwrap();
            let mut parsed = Settings::from_arg_matches(&matches).unwrap();
            parsed.server = ServerSettings::from_arg_matches(&matches).unwrap();
            let local = Settings::local(
                "sqlite:///tmp/local/wharf.db",
                PathBuf::from("/tmp/local/wharf.key"),
                "http://127.0.0.1:8081/".parse().unwrap(),
                public_url.map(|url| url.parse().unwrap()),
            );
            // Compared as printed: Settings holds a SecretString, which has no `==`, and the
            // derived Debug prints every field, so any default that drifts apart shows.
            assert_eq!(format!("{local:#?}"), format!("{parsed:#?}"));
        }
    }
}
