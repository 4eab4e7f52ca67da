//! `bigcommerce-sim`: serve one simulated store over HTTP for manual testing, demos and
//! benchmarks. More stores and tokens can be added through `/__sim/`.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, bail};
use bigcommerce_sim::{KNOWN_SCOPES, SimConfig, Simulator, StoreSeed, StoreSpec, modify_scopes};
use clap::Parser;

#[derive(Parser, Debug)]
#[command(version, about = "A stateful BigCommerce REST API simulator")]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// Hash of the store to create.
    #[arg(long)]
    store_hash: String,
    /// X-Auth-Token accepted for that store.
    #[arg(long)]
    access_token: String,
    /// Comma-separated scopes of the token [default: every modify scope].
    #[arg(long, value_delimiter = ',')]
    scopes: Vec<String>,
    /// Requests per window per store.
    #[arg(long, default_value_t = SimConfig::default().quota)]
    quota: u32,
    /// Rate-limit window in milliseconds.
    #[arg(long, default_value_t = SimConfig::default().window.as_millis() as u64)]
    window_ms: u64,
    /// Store domain [default: store-{hash}.mybigcommerce.com].
    #[arg(long)]
    store_domain: Option<String>,
    /// Seed a deterministic, realistic catalog of this many products (brands, variants,
    /// stock, a few duplicate and blank SKUs).
    #[arg(long, default_value_t = 0)]
    seed_products: usize,
    /// Variants of an ordinary seeded product (some are simple, a few have many more).
    #[arg(long, default_value_t = 3, requires = "seed_products")]
    variants_per_product: usize,
    /// Seed this many deterministic orders from the seeded catalog (several lines, some
    /// to two addresses, mixed statuses, a few custom, digital and gift-certificate
    /// lines).
    #[arg(long, default_value_t = 0)]
    seed_orders: usize,
    /// Add this to every product and variant id (names and SKUs stay those of an unshifted
    /// seed), so a second store seeded alike sells the same SKUs under other ids.
    #[arg(long, default_value_t = 0)]
    id_offset: u64,
    /// Simulated degradation, off by default (BigCommerce has no such cap): with
    /// include=variants, a product with more than N variants comes back without a
    /// `variants` key, so clients must fetch them from the variants endpoints.
    #[arg(long, value_name = "N")]
    inline_variant_cap: Option<usize>,
    /// Accept plain-HTTP webhook destinations on any port (BigCommerce accepts only
    /// HTTPS on 443), for local receivers.
    #[arg(long)]
    allow_http_webhooks: bool,
    /// How long one minute of BigCommerce's webhook retry schedule (1, 3, 5, ... 1440
    /// minutes) lasts here, in milliseconds [default: 1000, 60 times faster].
    #[arg(long, default_value_t = 1000)]
    webhook_retry_minute_ms: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();

    if args.window_ms == 0 {
        bail!("--window-ms must be at least 1");
    }
    let seed = StoreSeed {
        seed_products: args.seed_products,
        variants_per_product: args.variants_per_product,
        seed_orders: args.seed_orders,
        id_offset: args.id_offset,
    };
    if let Err(e) = seed.check() {
        bail!("--{}", e.replace('_', "-"));
    }
    let scopes: Vec<&str> = if args.scopes.is_empty() {
        modify_scopes().collect()
    } else {
        args.scopes
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect()
    };
    if let Some(unknown) = scopes.iter().find(|s| !KNOWN_SCOPES.contains(s)) {
        bail!(
            "unknown scope {unknown:?}; use any of: {}",
            KNOWN_SCOPES.join(", ")
        );
    }

    let sim = Simulator::new(SimConfig {
        quota: args.quota,
        window: Duration::from_millis(args.window_ms),
        inline_variant_cap: args.inline_variant_cap,
        allow_insecure_webhook_destinations: args.allow_http_webhooks,
        webhook_retry_minute: Duration::from_millis(args.webhook_retry_minute_ms),
    });
    let mut spec = StoreSpec::sample(&args.store_hash);
    if let Some(domain) = args.store_domain {
        spec.secure_url = format!("https://{domain}");
        spec.domain = domain;
    }
    sim.add_store(spec);
    sim.add_token(&args.store_hash, &args.access_token, &scopes);
    let seeded = sim.seed_store(&args.store_hash, &seed);
    tracing::info!(
        products = seeded.product_ids.len(),
        variants = seeded.variant_count,
        orders = seeded.order_ids.len(),
        "seeded store"
    );

    let running = sim
        .spawn(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    // The first line is the one scripts read; the next two are what a client needs, the
    // way BigCommerce shows a new API account's API path and access token.
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "bigcommerce-sim listening on {} (store {})",
        running.base_url, args.store_hash
    )?;
    writeln!(
        stdout,
        "API path: {}/v3/",
        running.store_url(&args.store_hash)
    )?;
    writeln!(stdout, "X-Auth-Token: {}", args.access_token)?;
    stdout.flush()?;
    drop(stdout);
    tracing::info!(base_url = %running.base_url, store = %args.store_hash, ?scopes, "serving");

    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    tracing::info!("shutting down");
    Ok(())
}
