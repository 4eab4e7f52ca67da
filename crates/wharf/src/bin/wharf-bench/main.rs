//! Benchmarks, as BENCHMARKS.md runs them:
//! `target/release/wharf-bench import|orders|order-latency|shipment-latency|inventory|login-flood|webhook-intake|vendor-store|fleet|curves`.
//!
//! The simulator runs in a child process (this binary, re-executed), so the peak memory printed
//! is wharf's alone, and its request counters are the simulator's own.
//!
//! One module per benchmark (`import`, `orders`, `shipments`, `inventory`, `fleet`, …);
//! `harness` holds what they share: the simulator process, a fresh database, a fresh wharf with
//! the store added, serving, and the figures they print; `measure` how they measure
//! (percentiles, pacing, a process's CPU time and peak memory). `curves` runs the import,
//! backfill and push benchmarks at several sizes as child processes and reads the summary line
//! (`figures`) each prints.

mod curves;
mod figures;
mod fleet;
mod harness;
mod import;
mod inventory;
mod login_flood;
mod measure;
mod orders;
mod shipments;
mod vendor_store;
mod webhook_intake;
mod webhook_load;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use curves::{CurvesArgs, bench_curves};
use fleet::{FleetBench, FleetSeed, bench_fleet, serve_fleet_simulator};
use harness::serve_simulator;
use import::bench_import;
use inventory::{InventoryBench, InventoryPhase, bench_inventory, run_inventory_push};
use login_flood::{LoginFloodBench, bench_login_flood, run_flooder};
use orders::{bench_order_latency, bench_orders};
use shipments::bench_shipment_latency;
use vendor_store::{VendorStoreBench, bench_vendor_store};
use webhook_intake::{WebhookIntakeBench, bench_webhook_intake, run_poster};
use webhook_load::Delivery;

const STORE_HASH: &str = "benchstore1";
const TOKEN: &str = "bench-token";

#[derive(Parser)]
#[command(name = "wharf-bench", about = "wharf's benchmarks (see BENCHMARKS.md)")]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Seed a catalog in the simulator and import it into a fresh database.
    Import {
        #[arg(long, default_value_t = 10_000)]
        products: usize,
        #[arg(long, default_value_t = 10)]
        variants_per_product: usize,
        /// A PostgreSQL server (a fresh database is created on it and dropped after);
        /// without it, a fresh SQLite file in a temporary directory.
        #[arg(long)]
        postgres_url: Option<String>,
        /// Simulate a store that will not inline more than N variants per product.
        #[arg(long)]
        inline_variant_cap: Option<usize>,
    },
    /// Backfill: seed orders in the simulator and read them all into a fresh database.
    Orders {
        #[arg(long, default_value_t = 10_000)]
        orders: usize,
        #[arg(long)]
        postgres_url: Option<String>,
        /// Backfill into SQLite, then into PostgreSQL (`--postgres-url`), from one simulator,
        /// and print the ratio of their times.
        #[arg(long)]
        both: bool,
    },
    /// Webhooks on: a shopper places orders at a steady rate; measures from each placement to
    /// its purchase order existing in wharf.
    OrderLatency {
        #[arg(long, default_value_t = 1_000)]
        orders: usize,
        /// Orders placed per second.
        #[arg(long, default_value_t = 20)]
        rate: u32,
    },
    /// Webhooks on: a vendor records shipments through the vendor API at a steady rate;
    /// measures from each call to the shipment existing in BigCommerce, and requests per shipment.
    ShipmentLatency {
        #[arg(long, default_value_t = 1_000)]
        shipments: usize,
        /// Shipments recorded per second.
        #[arg(long, default_value_t = 20)]
        rate: u32,
    },
    /// Vendor stock out: a full push of every level, a 1% delta, the latency from a vendor's
    /// update to the level in BigCommerce (wharf as deployed), and a per-variant PUT comparison.
    Inventory {
        #[arg(long, default_value_t = 10_000)]
        products: usize,
        #[arg(long, default_value_t = 10)]
        variants_per_product: usize,
        /// Seeds variants / 10 products × 10 variants instead (the older spelling).
        #[arg(long, conflicts_with_all = ["products", "variants_per_product"])]
        variants: Option<usize>,
        /// The phases to run, comma-separated: full, delta, naive, latency, page. delta,
        /// naive and latency start from the full push's levels, so they run it too.
        #[arg(
            long,
            value_enum,
            value_delimiter = ',',
            default_value = "full,delta,naive,latency,page"
        )]
        phases: Vec<InventoryPhase>,
        #[arg(long, default_value_t = 1.0)]
        changed_percent: f64,
        /// Variants changed for the per-variant PUT comparison.
        #[arg(long, default_value_t = 1_000)]
        naive_sample: usize,
        /// Vendor API updates timed for latency, one SKU each.
        #[arg(long, default_value_t = 100)]
        updates: usize,
        /// Vendor API updates per second.
        #[arg(long, default_value_t = 5)]
        rate: u32,
        /// The store's API quota per 30 s during the latency phase (BigCommerce's smallest
        /// plans allow 150); 0 for the simulator's unlimited one.
        #[arg(long, default_value_t = 150)]
        latency_quota: u32,
        #[arg(long)]
        postgres_url: Option<String>,
    },
    /// Webhook intake and vendor API throughput without, then during, a flood of wrong
    /// passwords (form and HTTP Basic) from a child process.
    LoginFlood {
        #[arg(long, default_value_t = 20)]
        baseline_secs: u64,
        #[arg(long, default_value_t = 60)]
        flood_secs: u64,
        #[arg(long, default_value_t = 128)]
        flooders: usize,
        /// Each flooder on its own loopback address, a new username per try.
        #[arg(long)]
        spread: bool,
    },
    /// A vendor on its own BigCommerce store (issue 19): purchase order → vendor order,
    /// the vendor's shipment → the merchant's, the vendor's stock → the merchant's level, and
    /// the requests to the vendor's store per purchase order.
    VendorStore {
        /// Purchase orders routed to the vendor (each then shipped by it).
        #[arg(long, default_value_t = 200)]
        orders: usize,
        /// Orders placed, shipments made and levels changed per second.
        #[arg(long, default_value_t = 10)]
        rate: u32,
        /// Levels the vendor changes in its store, one SKU each.
        #[arg(long, default_value_t = 100)]
        stock_changes: usize,
        /// A PostgreSQL server (a fresh database is created on it and dropped after);
        /// without it, a fresh SQLite file in a temporary directory.
        #[arg(long, alias = "database-url")]
        postgres_url: Option<String>,
    },
    /// Webhook deliveries per second into wharf as deployed, from concurrent clients: refused
    /// at the secret, stored without a job, and stored with a job queued.
    WebhookIntake {
        /// A PostgreSQL server (a fresh database is created on it and dropped after);
        /// without it, a fresh SQLite file in a temporary directory.
        #[arg(long)]
        postgres_url: Option<String>,
        /// Seconds of load per kind of delivery.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Concurrent clients, each posting its next delivery when the last is answered.
        #[arg(long, default_value_t = 16)]
        clients: usize,
    },
    /// (internal) The client process of `webhook-intake`.
    #[command(hide = true)]
    WebhookPoster {
        #[arg(long)]
        url: String,
        #[arg(long)]
        store_id: i64,
        #[arg(long, value_enum)]
        delivery: Delivery,
        #[arg(long)]
        clients: usize,
        #[arg(long)]
        seconds: u64,
    },
    /// (internal) One inventory push in a process of its own, as a worker runs it: the
    /// `inventory` benchmark's full push, measured without the seeding's memory.
    #[command(hide = true)]
    InventoryPush {
        #[arg(long)]
        database_url: String,
        #[arg(long)]
        secret_key_file: std::path::PathBuf,
        #[arg(long)]
        api_base: url::Url,
        #[arg(long)]
        store_id: i64,
    },
    /// Cost curves (issue 20): import, order backfill and full push at three sizes each, on
    /// SQLite and PostgreSQL, each size in a fresh process; writes the figures as CSV and a
    /// chart as SVG.
    Curves(CurvesArgs),
    /// Many stores on one PostgreSQL database (issue 20): wharf as deployed (`serve
    /// --no-workers` and worker processes) while every store's shopper orders and its vendor
    /// ships and reports levels; per-store latencies, quotas, memory, CPU and throughput.
    Fleet {
        #[arg(long, default_value_t = 50)]
        stores: usize,
        /// How long the load runs (then a drain until everything arrived).
        #[arg(long, default_value_t = 10.0)]
        minutes: f64,
        /// `wharf worker` processes; a list runs once per count, each from scratch, and
        /// compares their throughput.
        #[arg(long, value_delimiter = ',', default_value = "1,3")]
        workers: Vec<usize>,
        /// The PostgreSQL server (a fresh database is created on it and dropped after).
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
        postgres_url: String,
        #[arg(long, default_value_t = 2_000)]
        products: usize,
        #[arg(long, default_value_t = 5)]
        variants_per_product: usize,
        /// Per store and per second: orders placed, purchase orders shipped (each once) and
        /// levels reported.
        #[arg(long, default_value_t = 1)]
        rate: u32,
        /// Each store's API quota per window (BigCommerce Pro: 450 per 30 s).
        #[arg(long, default_value_t = 450)]
        quota: u32,
        #[arg(long, default_value_t = 30_000)]
        window_ms: u64,
    },
    /// (internal) The flooder process of `login-flood`.
    #[command(hide = true)]
    LoginFlooder {
        #[arg(long)]
        url: String,
        #[arg(long)]
        flooders: usize,
        #[arg(long)]
        secs: u64,
        #[arg(long)]
        spread: bool,
    },
    /// (internal) The simulator process of `fleet`, serving every store.
    #[command(hide = true)]
    FleetSimulator {
        #[arg(long)]
        stores: usize,
        #[arg(long)]
        products: usize,
        #[arg(long)]
        variants_per_product: usize,
        #[arg(long)]
        quota: u32,
        #[arg(long)]
        window_ms: u64,
    },
    /// (internal) The simulator process the benchmarks talk to.
    #[command(hide = true)]
    Simulator {
        #[arg(long)]
        products: usize,
        #[arg(long)]
        variants_per_product: usize,
        #[arg(long)]
        inline_variant_cap: Option<usize>,
        #[arg(long, default_value_t = 0)]
        orders: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    wharf::telemetry::init();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime starts");
    let result = runtime.block_on(async {
        match cli.command {
            Bench::Import {
                products,
                variants_per_product,
                postgres_url,
                inline_variant_cap,
            } => {
                bench_import(
                    products,
                    variants_per_product,
                    postgres_url,
                    inline_variant_cap,
                )
                .await
            }
            Bench::Orders {
                orders,
                postgres_url,
                both,
            } => bench_orders(orders, postgres_url, both).await,
            Bench::OrderLatency { orders, rate } => bench_order_latency(orders, rate).await,
            Bench::ShipmentLatency { shipments, rate } => {
                bench_shipment_latency(shipments, rate).await
            }
            Bench::Inventory {
                products,
                variants_per_product,
                variants,
                phases,
                changed_percent,
                naive_sample,
                updates,
                rate,
                latency_quota,
                postgres_url,
            } => {
                let (products, variants_per_product) = match variants {
                    Some(variants) => (variants.div_ceil(10), 10),
                    None => (products, variants_per_product),
                };
                bench_inventory(InventoryBench {
                    products,
                    variants_per_product,
                    phases,
                    changed_percent,
                    naive_sample,
                    updates,
                    rate,
                    latency_quota,
                    postgres_url,
                })
                .await
            }
            Bench::LoginFlood {
                baseline_secs,
                flood_secs,
                flooders,
                spread,
            } => {
                bench_login_flood(LoginFloodBench {
                    baseline_secs,
                    flood_secs,
                    flooders,
                    spread,
                })
                .await
            }
            Bench::VendorStore {
                orders,
                rate,
                stock_changes,
                postgres_url,
            } => {
                bench_vendor_store(VendorStoreBench {
                    orders,
                    rate,
                    stock_changes,
                    postgres_url,
                })
                .await
            }
            Bench::WebhookIntake {
                postgres_url,
                seconds,
                clients,
            } => {
                bench_webhook_intake(WebhookIntakeBench {
                    postgres_url,
                    seconds,
                    clients,
                })
                .await
            }
            Bench::WebhookPoster {
                url,
                store_id,
                delivery,
                clients,
                seconds,
            } => run_poster(url, store_id, delivery, clients, seconds).await,
            Bench::InventoryPush {
                database_url,
                secret_key_file,
                api_base,
                store_id,
            } => run_inventory_push(database_url, secret_key_file, api_base, store_id).await,
            Bench::Curves(args) => bench_curves(args).await,
            Bench::Fleet {
                stores,
                minutes,
                workers,
                postgres_url,
                products,
                variants_per_product,
                rate,
                quota,
                window_ms,
            } => {
                bench_fleet(FleetBench {
                    stores,
                    minutes,
                    workers,
                    postgres_url,
                    products,
                    variants_per_product,
                    rate,
                    quota,
                    window_ms,
                })
                .await
            }
            Bench::FleetSimulator {
                stores,
                products,
                variants_per_product,
                quota,
                window_ms,
            } => {
                serve_fleet_simulator(FleetSeed {
                    stores,
                    products,
                    variants_per_product,
                    quota,
                    window_ms,
                })
                .await
            }
            Bench::LoginFlooder {
                url,
                flooders,
                secs,
                spread,
            } => run_flooder(url, flooders, secs, spread).await,
            Bench::Simulator {
                products,
                variants_per_product,
                inline_variant_cap,
                orders,
            } => serve_simulator(products, variants_per_product, inline_variant_cap, orders).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
