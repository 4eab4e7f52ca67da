//! The machine-readable summary a benchmark prints after its human-readable report: one line,
//! `figures {json}`, that `wharf-bench curves` reads from the benchmarks it runs as child
//! processes (each size in a fresh process, so the peak memory is that run's own).

use serde::{Deserialize, Serialize};

/// What starts the summary line; the rest of the line is the JSON of [`Figures`].
const PREFIX: &str = "figures ";

/// The workloads whose cost grows with the store's size.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Workload {
    /// A full catalog import; size in products (× 10 variants).
    Import,
    /// One poll that reads every order; size in orders.
    Orders,
    /// The first push of every inventory level; size in variants.
    FullPush,
}

impl Workload {
    pub(crate) fn title(self) -> &'static str {
        match self {
            Workload::Import => "product import",
            Workload::Orders => "order backfill",
            Workload::FullPush => "full inventory push",
        }
    }

    /// What the size counts.
    pub(crate) fn unit(self) -> &'static str {
        match self {
            Workload::Import => "products (× 10 variants)",
            Workload::Orders => "orders",
            Workload::FullPush => "variants",
        }
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
pub(crate) enum Database {
    #[serde(rename = "SQLite")]
    Sqlite,
    #[serde(rename = "PostgreSQL")]
    Postgres,
}

impl Database {
    pub(crate) fn of(postgres_url: Option<&str>) -> Database {
        match postgres_url {
            Some(_) => Database::Postgres,
            None => Database::Sqlite,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Database::Sqlite => "SQLite",
            Database::Postgres => "PostgreSQL",
        }
    }
}

/// One run's figures, for the phase the workload names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Figures {
    pub(crate) workload: Workload,
    pub(crate) database: Database,
    /// The size asked for, in the workload's unit.
    pub(crate) size: u64,
    /// What the phase actually handled: variants imported, orders stored, levels pushed.
    pub(crate) items: u64,
    /// Requests to BigCommerce, as the simulator counted them.
    pub(crate) requests: u64,
    pub(crate) wall_secs: f64,
    /// The process's CPU time (user + system) during the phase: wharf's own work, which moves
    /// less with the machine's load than the wall time.
    pub(crate) cpu_secs: f64,
    /// The process's peak resident set (VmHWM) during the phase, when the kernel tells it.
    pub(crate) peak_rss_mb: Option<f64>,
}

impl Figures {
    pub(crate) fn print(&self) {
        match serde_json::to_string(self) {
            Ok(json) => println!("{PREFIX}{json}"),
            Err(e) => eprintln!("the figures could not be written as JSON: {e}"),
        }
    }

    /// The figures of a line the benchmark printed, if it is the summary line.
    pub(crate) fn parse_line(line: &str) -> Option<anyhow::Result<Figures>> {
        let json = line.strip_prefix(PREFIX)?;
        Some(serde_json::from_str(json).map_err(anyhow::Error::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_reads_back_as_printed() {
        let figures = Figures {
            workload: Workload::FullPush,
            database: Database::Postgres,
            size: 100_000,
            items: 86_450,
            requests: 44,
            wall_secs: 1.64,
            cpu_secs: 1.5,
            peak_rss_mb: Some(72.5),
        };
        let line = format!("{PREFIX}{}", serde_json::to_string(&figures).unwrap());
        assert!(line.contains(r#""workload":"full-push""#));
        assert!(line.contains(r#""database":"PostgreSQL""#));
        assert_eq!(Figures::parse_line(&line).unwrap().unwrap(), figures);
        assert!(Figures::parse_line("  wall time          1.64 s").is_none());
    }
}
