//! `wharf-bench curves`: how wharf's cost grows with the store. Runs the import, order backfill
//! and full push benchmarks at several sizes on SQLite and PostgreSQL, each size in a fresh
//! child process (`run`), keeps the figures as CSV (`measurements`), and draws them as an SVG
//! (`chart`), with the growth against the smallest size (`growth`) in the table it prints.
//! The files are rewritten after every run, so a run stopped half-way keeps what it measured.

mod chart;
mod growth;
mod measurements;
mod run;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use crate::figures::{Database, Workload};
use measurements::{Measurement, chart, markdown_table, merge, read_csv, write_csv};
use run::{Run, load_average};

const CSV_FILE: &str = "cost-curves.csv";
const SVG_FILE: &str = "cost-curves.svg";

#[derive(clap::Args)]
pub(crate) struct CurvesArgs {
    /// A PostgreSQL server: each PostgreSQL run creates a fresh database on it and drops it.
    /// Without it, SQLite only.
    #[arg(long)]
    postgres_url: Option<String>,
    /// Where the figures (cost-curves.csv) and the chart (cost-curves.svg) are written.
    #[arg(long, default_value = "docs/benchmarks")]
    out: PathBuf,
    /// `full`: the sizes issue 20 asks for; `small`: a quick check of the command itself.
    #[arg(long, value_enum, default_value_t = Sizes::Full)]
    sizes: Sizes,
    /// Products (× 10 variants) to import, instead of the preset's.
    #[arg(long, value_delimiter = ',')]
    import_sizes: Vec<u64>,
    /// Orders to backfill, instead of the preset's.
    #[arg(long, value_delimiter = ',')]
    order_sizes: Vec<u64>,
    /// Variants to push, instead of the preset's.
    #[arg(long, value_delimiter = ',')]
    push_sizes: Vec<u64>,
    /// Only these workloads (default: all).
    #[arg(long, value_delimiter = ',', value_enum)]
    workloads: Vec<Workload>,
    /// Only these databases (default: SQLite, and PostgreSQL with --postgres-url).
    #[arg(long, value_delimiter = ',', value_enum)]
    databases: Vec<Database>,
    /// A run still going after this long is stopped and recorded as not finished.
    #[arg(long, default_value_t = 40)]
    timeout_mins: u64,
    /// Keep the figures already in the CSV for runs this invocation does not make (to add
    /// PostgreSQL to a SQLite run, or measure one size again).
    #[arg(long)]
    keep_existing: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Sizes {
    Full,
    Small,
}

impl Sizes {
    fn of(self, workload: Workload) -> Vec<u64> {
        match (self, workload) {
            (Sizes::Full, Workload::Import) => vec![10_000, 50_000, 100_000],
            (Sizes::Full, Workload::Orders) => vec![10_000, 50_000, 100_000],
            (Sizes::Full, Workload::FullPush) => vec![10_000, 100_000, 1_000_000],
            (Sizes::Small, Workload::Import) => vec![200, 500, 1_000],
            (Sizes::Small, Workload::Orders) => vec![250, 500, 1_000],
            (Sizes::Small, Workload::FullPush) => vec![1_000, 3_000, 10_000],
        }
    }
}

impl CurvesArgs {
    /// Every run, workload by workload and size by size, both databases at a size one after
    /// the other so that they compare under the same load.
    fn runs(&self) -> anyhow::Result<Vec<Run>> {
        let workloads = if self.workloads.is_empty() {
            vec![Workload::Import, Workload::Orders, Workload::FullPush]
        } else {
            self.workloads.clone()
        };
        let databases = if self.databases.is_empty() {
            let mut both = vec![Database::Sqlite];
            both.extend(self.postgres_url.as_ref().map(|_| Database::Postgres));
            both
        } else {
            self.databases.clone()
        };
        if databases.contains(&Database::Postgres) && self.postgres_url.is_none() {
            anyhow::bail!("PostgreSQL runs need --postgres-url");
        }
        let mut runs = Vec::new();
        for workload in workloads {
            let asked = match workload {
                Workload::Import => &self.import_sizes,
                Workload::Orders => &self.order_sizes,
                Workload::FullPush => &self.push_sizes,
            };
            let mut sizes = if asked.is_empty() {
                self.sizes.of(workload)
            } else {
                asked.clone()
            };
            sizes.sort_unstable();
            for size in sizes {
                runs.extend(databases.iter().map(|&database| Run {
                    workload,
                    database,
                    size,
                }));
            }
        }
        Ok(runs)
    }
}

pub(crate) async fn bench_curves(args: CurvesArgs) -> anyhow::Result<()> {
    let runs = args.runs()?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let csv_path = args.out.join(CSV_FILE);
    let mut measurements = if args.keep_existing && csv_path.exists() {
        read_csv(&csv_path)?
    } else {
        Vec::new()
    };
    let postgres_url = args.postgres_url.clone().unwrap_or_default();
    let timeout = Duration::from_secs(args.timeout_mins * 60);
    for (n, run) in runs.iter().enumerate() {
        println!(
            "[{}/{}] {} on {}, size {} (load {:.2})",
            n + 1,
            runs.len(),
            run.workload.title(),
            run.database.name(),
            run.size,
            load_average()
        );
        let measurement = run.measure(&postgres_url, timeout).await;
        println!("  → {}", measurement.outcome);
        merge(&mut measurements, measurement);
        write_files(&args, &measurements)?;
    }
    println!("\n{}", markdown_table(&measurements));
    println!(
        "figures in {}, chart in {}",
        csv_path.display(),
        args.out.join(SVG_FILE).display()
    );
    Ok(())
}

fn write_files(args: &CurvesArgs, measurements: &[Measurement]) -> anyhow::Result<()> {
    write_csv(&args.out.join(CSV_FILE), measurements)?;
    let svg = chart::render(&chart(measurements, chart_notes(measurements)));
    std::fs::write(args.out.join(SVG_FILE), svg)?;
    Ok(())
}

/// The machine, the dates and load, and — when the sizes are not the issue's — that this was a
/// quick run.
fn chart_notes(measurements: &[Measurement]) -> Vec<String> {
    let mut notes = Vec::new();
    let quick = measurements
        .iter()
        .any(|m| !Sizes::Full.of(m.workload).contains(&m.size));
    if quick {
        notes.push(
            "QUICK RUN at small sizes, a check of the command: not issue 20's sizes or figures"
                .to_owned(),
        );
    }
    let loads = measurements
        .iter()
        .flat_map(|m| [m.load_before, m.load_after]);
    let (low, high) = loads.fold((f64::INFINITY, 0.0_f64), |(low, high), l| {
        (low.min(l), high.max(l))
    });
    let mut dates: Vec<&str> = measurements
        .iter()
        .filter_map(|m| m.measured_at.get(..10))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    notes.push(format!(
        "{}; {} build; measured {}; load average (1 min) {low:.1}–{high:.1}",
        machine(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        dates.join(", "),
    ));
    notes.push(
        "Each size in a fresh process; wall time and peak RSS are wharf's (the simulator is \
         another process). Full push: the push phase only."
            .to_owned(),
    );
    notes
}

/// CPUs and memory of this machine, from /proc.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let kib: f64 = info
                .lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(kib / 1024.0 / 1024.0)
        })
        .unwrap_or(0.0);
    format!("{cpus} vCPU, {memory_gib:.0} GiB RAM")
}
