//! `wharf demo`: the whole product offline. An embedded BigCommerce simulator with a sample
//! store, a temporary SQLite database, the store added and connected through the same use cases
//! a merchant's clicks run, and the UI served.

use anyhow::Context;
use bigcommerce_sim::{CatalogSeed, SimConfig, Simulator, StoreSpec};
use secrecy::{ExposeSecret, SecretString};

use crate::app::App;
use crate::config::Settings;
use crate::domain::store::NewStoreInput;
use crate::startup::{Application, shutdown_signal};

pub const DEMO_STORE_HASH: &str = "wharfdemo1";
/// The scopes a merchant grants wharf's API account (see the Integrations page's hint).
pub const WHARF_SCOPES: &[&str] = &[
    "store_v2_orders",
    "store_v2_products_read_only",
    "store_inventory",
    "store_locations_read_only",
    "store_v2_information_read_only",
];

pub async fn run(listen: &str) -> anyhow::Result<()> {
    let simulator = Simulator::new(SimConfig::default());
    let spec = StoreSpec::sample(DEMO_STORE_HASH);
    simulator.add_store(spec.clone());
    let access_token = random_secret("demo_token_");
    simulator.add_token(DEMO_STORE_HASH, access_token.expose_secret(), WHARF_SCOPES);
    // Enough of a catalog to watch an import's progress bar move.
    let catalog = simulator.seed_catalog(
        DEMO_STORE_HASH,
        CatalogSeed {
            products: 1200,
            variants_per_product: 3,
        },
    );
    let sim = simulator
        .spawn("127.0.0.1:0")
        .await
        .context("starting the BigCommerce simulator")?;

    let dir = tempdir_for_demo()?;
    let settings = Settings {
        database_url: format!("sqlite://{}", dir.join("wharf.db").display()),
        secret_key: None,
        secret_key_file: Some(dir.join("wharf.key")),
        bigcommerce_api_base: sim.base_url.parse().context("simulator URL")?,
        job_lease_secs: 60,
        job_concurrency: 4,
        inventory_push_delay_ms: 2000,
        feed_allow_private: false,
        feed_allowed_hosts: Vec::new(),
        feed_timeout_secs: 30,
        feed_max_mb: 20,
        drift_check_secs: 3600,
        api_quota_share: 0.5,
        order_poll_secs: 60,
        public_url: None,
    };
    let app = App::open(&settings).await?;
    let password = random_secret("");
    app.ensure_admin("admin", Some(&password)).await?;

    let store = app
        .add_store(&NewStoreInput {
            name: "Demo store".into(),
            store_url: spec.secure_url.clone(),
            store_hash: format!("https://api.bigcommerce.com/stores/{DEMO_STORE_HASH}/v3/"),
            api_path: String::new(),
            client_id: "demo-client-id".into(),
            client_secret: random_secret("demo_secret_").expose_secret().to_owned(),
            access_token: access_token.expose_secret().to_owned(),
            auth_type: "private".into(),
        })
        .await?;
    let store = app.connect_store(store.id).await?;

    let server = Application::build(app, listen, Some(settings.worker_config()))
        .await
        .map(|server| {
            server
                .poll_orders_every(settings.order_poll_interval())
                .check_drift_every(settings.drift_check_interval())
        })
        .with_context(|| {
            format!("cannot listen on {listen}; pick another address with --listen")
        })?;
    let url = format!("http://{}", server.local_addr());
    println!();
    println!("wharf demo is running: {url}");
    println!("  sign in as admin / {}", password.expose_secret());
    println!("  store {:?}: {}", store.name, store.connection.label);
    println!(
        "  its catalog: {} products, {} variants — press Import products on the store's page",
        catalog.product_ids.len(),
        catalog.variant_count
    );
    println!(
        "  simulated BigCommerce API: {} (store hash {DEMO_STORE_HASH})",
        sim.base_url
    );
    println!(
        "  data in {} (temporary); Ctrl-C stops the demo",
        dir.display()
    );
    server.run_until(shutdown_signal()).await?;
    drop(sim);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn tempdir_for_demo() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("wharf-demo-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

fn random_secret(prefix: &str) -> SecretString {
    SecretString::from(format!("{prefix}{}", uuid::Uuid::new_v4().simple()))
}
