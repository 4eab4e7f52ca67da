//! Logging. Secrets never reach it: they travel as `SecretString`, whose Debug is redacted, and
//! request bodies are never logged.

use tracing_subscriber::EnvFilter;

/// Logs to stderr, filtered by RUST_LOG (default: info for wharf, warnings for libraries).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("warn,wharf=info,bigcommerce=info,bigcommerce_sim=info")
    });
    // A second init (tests, embedded use) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
