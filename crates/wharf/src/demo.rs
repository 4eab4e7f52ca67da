//! `wharf demo`: the whole product offline. An embedded BigCommerce simulator with a sample
//! store, a temporary SQLite database, the store added and connected through the same use cases
//! a merchant's clicks run, and the UI served. Unless `--calm`, the catalog is imported, three
//! vendors are set up (the third on its own simulated BigCommerce store, see `vendor_store`),
//! and a shopper and the vendors keep every flow moving (see `actors`).

mod actors;
pub mod catch_all;
mod secrets;
mod vendor_store;

use std::time::Duration;

use anyhow::Context;
use bigcommerce_sim::{CatalogSeed, SimConfig, Simulator, StoreSpec};
use secrecy::{ExposeSecret, SecretString};

use crate::app::App;
use crate::app::vendors::AssignmentInput;
use crate::config::Settings;
use crate::domain::catalog::ImportMode;
use crate::domain::store::NewStoreInput;
use crate::domain::vendor::VendorInput;
use crate::domain::vendor_user::VendorUserInput;
use crate::startup::{Application, shutdown_signal};
use secrets::random_secret;

pub const DEMO_STORE_HASH: &str = "wharfdemo1";
/// A second simulated store, left for the user to add through the form (its credentials are
/// printed at start), so that they see Connect turn green themselves.
pub const SECOND_STORE_HASH: &str = "wharfdemo2";
/// The second store's catalog: enough to import and look at, small enough to import at once.
const SECOND_STORE_PRODUCTS: usize = 20;
/// The scopes a merchant grants wharf's API account (see the Integrations page's hint).
pub const WHARF_SCOPES: &[&str] = &[
    "store_v2_orders",
    "store_v2_products_read_only",
    "store_inventory",
    "store_locations_read_only",
    "store_v2_information_read_only",
];

/// How often the demo's shopper orders and its vendors ship and report stock.
const SHOPPER_EVERY: Duration = Duration::from_secs(5);
const VENDORS_EVERY: Duration = Duration::from_secs(7);
/// The demo's sellable variants: one per product, from the first products of the catalog.
const SELLABLE: usize = 200;
/// Variants of each product the demo's catalog (and the vendor store's copy of it) has.
const VARIANTS_PER_PRODUCT: usize = 3;

/// The demo vendors' people in the portal (name, e-mail), Acme Supply's then Contoso Goods'.
const PORTAL_USERS: [(&str, &str); 2] = [
    ("Pat at Acme", "pat@acme.example"),
    ("Sam at Contoso", "sam@contoso.example"),
];

pub async fn run(listen: &str, calm: bool, products: usize) -> anyhow::Result<()> {
    // Webhooks to wharf on 127.0.0.1 (BigCommerce itself only delivers to https).
    let simulator = Simulator::new(SimConfig {
        allow_insecure_webhook_destinations: true,
        ..SimConfig::default()
    });
    let spec = StoreSpec::sample(DEMO_STORE_HASH);
    simulator.add_store(spec.clone());
    let access_token = random_secret("demo_token_");
    simulator.add_token(DEMO_STORE_HASH, access_token.expose_secret(), WHARF_SCOPES);
    // Enough of a catalog to watch an import's progress bar move.
    let catalog = simulator.seed_catalog(
        DEMO_STORE_HASH,
        CatalogSeed {
            products: products.max(1),
            variants_per_product: VARIANTS_PER_PRODUCT,
        },
    );
    let sellable: Vec<actors::Sellable> = catalog
        .product_ids
        .iter()
        .take(SELLABLE)
        .filter_map(|&id| {
            let product = simulator.product(DEMO_STORE_HASH, id)?;
            let variant = product.variants().first()?;
            (!variant.sku.is_empty()).then(|| (id, variant.id(), variant.sku.clone()))
        })
        .collect();
    let second_store = SecondStore::seed(&simulator);
    // Fabrikam Direct's own store sells the merchant's SKUs (seeded alike, other ids).
    let vendor_store = (!calm).then(|| {
        vendor_store::VendorStoreSeed::seed(&simulator, products.max(1), VARIANTS_PER_PRODUCT)
    });
    let sim = simulator
        .spawn("127.0.0.1:0")
        .await
        .context("starting the BigCommerce simulator")?;
    // Bound first, so wharf knows its own address for the webhooks Connect registers.
    let listener = std::net::TcpListener::bind(listen).with_context(|| {
        format!("cannot listen on {listen}; pick another address with --listen")
    })?;
    let url = format!("http://{}", listener.local_addr()?);

    let dir = tempdir_for_demo()?;
    let mut settings = Settings::local(
        format!("sqlite://{}", dir.join("wharf.db").display()),
        dir.join("wharf.key"),
        sim.base_url.parse().context("simulator URL")?,
        Some(url.parse().context("wharf's own URL")?),
    );
    // The demo's e-mail goes to a catch-all of its own, shown on its Mail page.
    let mail_inbox = catch_all::Inbox::default();
    let smtp_url = catch_all::start(mail_inbox.clone())
        .await
        .context("starting the demo's mail server")?;
    settings.server.smtp_url = Some(SecretString::from(smtp_url));
    settings.server.mail_from = Some("orders@demo.wharf.test".to_owned());
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

    let server = Application::on_listener(app.clone(), listener, Some(settings.worker_config()))?
        .with_schedules(settings.schedules())
        .with_demo_pages();
    println!();
    println!("wharf demo is running: {url}");
    println!("  sign in as admin / {}", password.expose_secret());
    println!("  e-mail it sends: {url}/mail (a catch-all; nothing leaves this machine)");
    println!("  store {:?}: {}", store.name, store.connection.label);
    println!(
        "  its catalog: {} products, {} variants — {}",
        catalog.product_ids.len(),
        catalog.variant_count,
        if calm {
            "press Import products on the store's page"
        } else {
            "being imported now"
        }
    );
    println!(
        "  simulated BigCommerce API: {} (store hash {DEMO_STORE_HASH})",
        sim.base_url
    );
    second_store.print();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    if !calm {
        println!(
            "  a shopper orders every {} s; vendors Acme Supply and Contoso Goods ship and report stock every {} s (--calm: none of that)",
            SHOPPER_EVERY.as_secs(),
            VENDORS_EVERY.as_secs()
        );
        println!(
            "  vendor {} runs its own BigCommerce store (hash {}): {} items become orders there; it ships them and changes its stock there",
            vendor_store::VENDOR_NAME,
            vendor_store::VENDOR_STORE_HASH,
            vendor_store::SKU_PREFIXES.join(" and ")
        );
        let portal_password = random_secret("portal-");
        println!(
            "  vendor portal: {url}/vendor/login as {} (Acme Supply) or {} (Contoso Goods), password {}",
            PORTAL_USERS[0].1,
            PORTAL_USERS[1].1,
            portal_password.expose_secret()
        );
        let (app, simulator, store_id) = (app.clone(), sim.simulator.clone(), store.id);
        tokio::spawn(async move {
            let cast = start_the_cast(
                app,
                simulator,
                store_id,
                sellable,
                vendor_store,
                portal_password,
                stop_rx,
            );
            if let Err(e) = cast.await {
                tracing::warn!(error = %e, "the demo's shopper and vendors did not start");
            }
        });
    }
    println!(
        "  data in {} (temporary); Ctrl-C stops the demo",
        dir.display()
    );
    server.run_until(shutdown_signal()).await?;
    let _ = stop_tx.send(true);
    drop(sim);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Sets the demo up as a merchant would (import, vendors, rules, first stock report), then lets
/// the shopper and the vendors loose.
async fn start_the_cast(
    app: App,
    simulator: Simulator,
    store_id: i64,
    sellable: Vec<actors::Sellable>,
    vendor_store: Option<vendor_store::VendorStoreSeed>,
    portal_password: SecretString,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let import = app.start_import(store_id, ImportMode::Full).await?;
    while !app.import_view(import.run.id).await?.is_finished() {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let acme = app
        .add_vendor(&VendorInput {
            name: "Acme Supply".into(),
            email: "orders@acme.example".into(),
        })
        .await?;
    let contoso = app
        .add_vendor(&VendorInput {
            name: "Contoso Goods".into(),
            email: "ops@contoso.example".into(),
        })
        .await?;
    // A person of each vendor in the portal, signed in with the password the demo printed.
    for (vendor_id, (name, email)) in [acme.vendor.id, contoso.vendor.id]
        .into_iter()
        .zip(PORTAL_USERS)
    {
        let user = VendorUserInput {
            name: name.to_owned(),
            email: email.to_owned(),
        };
        app.create_vendor_user(vendor_id, &user, &portal_password)
            .await?;
    }
    app.assign(
        store_id,
        &AssignmentInput::Default {
            vendor: "Acme Supply".into(),
        },
    )
    .await?;
    app.assign(
        store_id,
        &AssignmentInput::SkuPrefix {
            prefix: "PROSEWARE-".into(),
            vendor: "Contoso Goods".into(),
        },
    )
    .await?;
    let fabrikam = app
        .add_vendor(&VendorInput {
            name: vendor_store::VENDOR_NAME.into(),
            email: "orders@fabrikam.example".into(),
        })
        .await?;
    // A store that does not connect leaves the rest of the demo running (its purchase orders
    // then wait, flagged, as a real vendor's would).
    let mut vendor_store_connected = false;
    if let Some(seed) = &vendor_store {
        match seed.connect(&app, fabrikam.vendor.id).await {
            Ok(()) => vendor_store_connected = true,
            Err(e) => tracing::warn!(error = %e, "the demo's vendor store did not connect"),
        }
    }
    for prefix in vendor_store::SKU_PREFIXES {
        let rule = AssignmentInput::SkuPrefix {
            prefix: prefix.into(),
            vendor: vendor_store::VENDOR_NAME.into(),
        };
        app.assign(store_id, &rule).await?;
    }
    let (fabrikam_skus, others): (Vec<_>, Vec<_>) = sellable
        .iter()
        .cloned()
        .partition(|(_, _, sku)| vendor_store::routed_here(sku));
    let (acme_skus, contoso_skus): (Vec<_>, Vec<_>) = others
        .into_iter()
        .partition(|(_, _, sku)| !sku.starts_with("PROSEWARE-"));
    tokio::spawn(actors::shopper(
        simulator.clone(),
        DEMO_STORE_HASH,
        sellable.clone(),
        SHOPPER_EVERY,
        stop.clone(),
    ));
    // Only these two act through wharf (and Fabrikam Direct in its own store): a vendor the
    // user adds is theirs to drive (its API token, the pages), never shipped for or stocked
    // by the demo.
    let cast = vec![
        actors::DemoVendor {
            id: acme.vendor.id,
            skus: acme_skus,
        },
        actors::DemoVendor {
            id: contoso.vendor.id,
            skus: contoso_skus,
        },
    ];
    // Each vendor's first report covers all its SKUs; the vendors' loop then changes a few at a
    // time. A busy moment (the database locked a while) only delays this.
    for vendor in &cast {
        if let Err(e) = actors::report_stock(&app, vendor.id, &vendor.skus, 0).await {
            let vendor_id = vendor.id;
            tracing::warn!(vendor_id, error = %e, "a demo vendor's first stock report failed");
        }
    }
    if vendor_store_connected {
        tokio::spawn(vendor_store::act(
            app.clone(),
            simulator.clone(),
            fabrikam.vendor.id,
            fabrikam_skus,
            VENDORS_EVERY,
            stop.clone(),
        ));
    }
    tokio::spawn(actors::vendors(app, cast, VENDORS_EVERY, stop));
    Ok(())
}

/// The second simulated store: a token with wharf's scopes and a small catalog, for the user
/// to add as a merchant adds theirs.
struct SecondStore {
    spec: StoreSpec,
    access_token: SecretString,
    client_secret: SecretString,
}

impl SecondStore {
    fn seed(simulator: &Simulator) -> SecondStore {
        let spec = StoreSpec::sample(SECOND_STORE_HASH);
        simulator.add_store(spec.clone());
        let access_token = random_secret("demo_token_");
        simulator.add_token(
            SECOND_STORE_HASH,
            access_token.expose_secret(),
            WHARF_SCOPES,
        );
        simulator.seed_catalog(
            SECOND_STORE_HASH,
            CatalogSeed {
                products: SECOND_STORE_PRODUCTS,
                variants_per_product: 2,
            },
        );
        SecondStore {
            spec,
            access_token,
            client_secret: random_secret("demo_secret_"),
        }
    }

    /// What the Add a store form asks for, under the form's own labels. (A demo's throwaway
    /// credentials: printing them is the point.)
    fn print(&self) {
        println!("  add a second store: Setup → Integrations → BigCommerce → Add a store, with");
        println!("    Store URL:      {}", self.spec.secure_url);
        println!("    Store hash:     {SECOND_STORE_HASH}");
        println!("    Client ID:      demo-client-2");
        println!("    Client Secret:  {}", self.client_secret.expose_secret());
        println!("    Access Token:   {}", self.access_token.expose_secret());
    }
}

fn tempdir_for_demo() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("wharf-demo-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
