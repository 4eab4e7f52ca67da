//! The curves' figures: one row per workload, database and size, kept as CSV next to the chart,
//! drawn as the chart, and printed as the Markdown table BENCHMARKS.md shows.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::chart::{Chart, Panel, Series, YAxis, short_number};
use super::growth::{growth, verdict};
use super::run::Run;
use crate::figures::{Database, Figures, Workload};

/// What the issue asks every size to stay under.
pub(crate) const RSS_LIMIT_MB: f64 = 150.0;
pub(crate) const OK: &str = "ok";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Measurement {
    pub(crate) workload: Workload,
    pub(crate) database: Database,
    pub(crate) size: u64,
    /// `ok`, or why the run has no figures.
    pub(crate) outcome: String,
    pub(crate) items: Option<u64>,
    pub(crate) requests: Option<u64>,
    pub(crate) wall_secs: Option<f64>,
    pub(crate) cpu_secs: Option<f64>,
    pub(crate) peak_rss_mb: Option<f64>,
    /// The machine's one-minute load average before and after the run.
    pub(crate) load_before: f64,
    pub(crate) load_after: f64,
    pub(crate) measured_at: String,
}

impl Measurement {
    pub(crate) fn new(
        run: &Run,
        outcome: Result<Figures, String>,
        load_before: f64,
        load_after: f64,
    ) -> Measurement {
        let figures = outcome.as_ref().ok();
        Measurement {
            workload: run.workload,
            database: run.database,
            size: run.size,
            outcome: match &outcome {
                Ok(_) => OK.to_owned(),
                Err(why) => why.clone(),
            },
            items: figures.map(|f| f.items),
            requests: figures.map(|f| f.requests),
            wall_secs: figures.map(|f| f.wall_secs),
            cpu_secs: figures.map(|f| f.cpu_secs),
            peak_rss_mb: figures.and_then(|f| f.peak_rss_mb),
            load_before,
            load_after,
            measured_at: jiff::Timestamp::now()
                .round(jiff::Unit::Second)
                .map(|t| t.to_string())
                .unwrap_or_default(),
        }
    }

    fn is_ok(&self) -> bool {
        self.outcome == OK
    }

    fn key(&self) -> (Workload, Database, u64) {
        (self.workload, self.database, self.size)
    }
}

pub(crate) fn read_csv(path: &Path) -> anyhow::Result<Vec<Measurement>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    reader
        .deserialize()
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading {}", path.display()))
}

pub(crate) fn write_csv(path: &Path, measurements: &[Measurement]) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_path(path)?;
    for measurement in measurements {
        writer.serialize(measurement)?;
    }
    writer.flush()?;
    Ok(())
}

/// Adds `new` to `kept`, replacing a row of the same workload, database and size; sorted for
/// the table.
pub(crate) fn merge(kept: &mut Vec<Measurement>, new: Measurement) {
    kept.retain(|m| m.key() != new.key());
    kept.push(new);
    kept.sort_by_key(Measurement::key);
}

/// The rows of one workload on one database that have figures, by size.
fn series_of(
    measurements: &[Measurement],
    workload: Workload,
    database: Database,
) -> Vec<&Measurement> {
    let mut rows: Vec<&Measurement> = measurements
        .iter()
        .filter(|m| m.workload == workload && m.database == database && m.is_ok())
        .collect();
    rows.sort_by_key(|m| m.size);
    rows
}

fn workloads_in(measurements: &[Measurement]) -> Vec<Workload> {
    let mut workloads: Vec<Workload> = measurements.iter().map(|m| m.workload).collect();
    workloads.sort();
    workloads.dedup();
    workloads
}

const DATABASES: [(Database, &str); 2] = [
    (Database::Sqlite, "#1f77b4"),
    (Database::Postgres, "#d62728"),
];

/// Wall time (top row, log-log with the linear reference) and peak memory (bottom row, with
/// the limit) against size, one column per workload, one line per database.
pub(crate) fn chart(measurements: &[Measurement], notes: Vec<String>) -> Chart {
    let workloads = workloads_in(measurements);
    let series = |workload: Workload, value: fn(&Measurement) -> Option<f64>| -> Vec<Series> {
        DATABASES
            .iter()
            .filter_map(|&(database, colour)| {
                let points: Vec<(f64, f64)> = series_of(measurements, workload, database)
                    .into_iter()
                    .filter_map(|m| Some((m.size as f64, value(m)?)))
                    .collect();
                (!points.is_empty()).then(|| Series {
                    name: database.name().to_owned(),
                    colour,
                    points,
                })
            })
            .collect()
    };
    let wall = workloads.iter().map(|&workload| Panel {
        title: format!("{}: wall time", workload.title()),
        x_label: workload.unit().to_owned(),
        y_label: "wall time (s, log)".to_owned(),
        y_axis: YAxis::Log,
        series: series(workload, |m| m.wall_secs),
        limit: None,
        linear_reference: true,
    });
    let memory = workloads.iter().map(|&workload| Panel {
        title: format!("{}: peak RSS", workload.title()),
        x_label: workload.unit().to_owned(),
        y_label: "peak RSS (MB)".to_owned(),
        y_axis: YAxis::Linear,
        series: series(workload, |m| m.peak_rss_mb),
        limit: Some((RSS_LIMIT_MB, format!("{RSS_LIMIT_MB} MB"))),
        linear_reference: false,
    });
    Chart {
        title: "wharf cost curves (issue 20)".to_owned(),
        notes,
        columns: workloads.len(),
        panels: wall.chain(memory).collect(),
    }
}

/// The figures and their growth against each series' smallest size, as a Markdown table.
pub(crate) fn markdown_table(measurements: &[Measurement]) -> String {
    let mut table = String::from(
        "| workload | database | size | requests | wall time | CPU time | peak RSS | load (1 min) | size × | wall × | CPU × | wall per unit × | growth |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for workload in workloads_in(measurements) {
        for (database, _) in DATABASES {
            let rows = series_of(measurements, workload, database);
            let wall = growth(&points(&rows, |m| m.wall_secs));
            let cpu = growth(&points(&rows, |m| m.cpu_secs));
            for row in &rows {
                let size = row.size as f64;
                let wall = wall.iter().find(|g| g.size == size);
                let cpu = cpu.iter().find(|g| g.size == size);
                let rss = row.peak_rss_mb.map_or("?".to_owned(), |mb| {
                    let over = if mb > RSS_LIMIT_MB { " (over)" } else { "" };
                    format!("{mb:.0} MB{over}")
                });
                let _ = writeln!(
                    table,
                    "| {} | {} | {} | {} | {} | {} | {rss} | {:.1}–{:.1} | {} | {} | {} | {} | {} |",
                    workload.title(),
                    database.name(),
                    short_number(size),
                    row.requests.map_or("?".to_owned(), |r| r.to_string()),
                    seconds(row.wall_secs),
                    seconds(row.cpu_secs),
                    row.load_before,
                    row.load_after,
                    wall.map_or("".to_owned(), |g| short_number(g.size_ratio)),
                    wall.map_or("".to_owned(), |g| format!("{:.1}", g.cost_ratio)),
                    cpu.map_or("".to_owned(), |g| format!("{:.1}", g.cost_ratio)),
                    wall.map_or("".to_owned(), |g| format!("{:.2}", g.per_unit_ratio)),
                    match wall {
                        Some(g) if g.size_ratio > 1.0 => verdict(g.per_unit_ratio),
                        _ => "",
                    },
                );
            }
        }
    }
    for missing in measurements.iter().filter(|m| !m.is_ok()) {
        let _ = writeln!(
            table,
            "| {} | {} | {} | — | {} | | | {:.1}–{:.1} | | | | | |",
            missing.workload.title(),
            missing.database.name(),
            short_number(missing.size as f64),
            missing.outcome.replace('|', "/"),
            missing.load_before,
            missing.load_after,
        );
    }
    table
}

fn points(rows: &[&Measurement], value: fn(&Measurement) -> Option<f64>) -> Vec<(f64, f64)> {
    rows.iter()
        .filter_map(|m| Some((m.size as f64, value(m)?)))
        .collect()
}

fn seconds(value: Option<f64>) -> String {
    value.map_or("?".to_owned(), |s| format!("{s:.2} s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(workload: Workload, database: Database, size: u64, wall: f64) -> Measurement {
        Measurement {
            workload,
            database,
            size,
            outcome: OK.to_owned(),
            items: Some(size * 10),
            requests: Some(size / 250 + 1),
            wall_secs: Some(wall),
            cpu_secs: Some(wall / 2.0),
            peak_rss_mb: Some(40.0 + size as f64 / 10_000.0),
            load_before: 1.5,
            load_after: 2.0,
            measured_at: "2026-12-07T17:00:00Z".to_owned(),
        }
    }

    fn sample() -> Vec<Measurement> {
        let mut rows = Vec::new();
        for (size, wall) in [(10_000, 6.0), (50_000, 30.0), (100_000, 120.0)] {
            merge(
                &mut rows,
                row(Workload::Import, Database::Sqlite, size, wall),
            );
            merge(
                &mut rows,
                row(Workload::Import, Database::Postgres, size, wall * 2.0),
            );
        }
        for (size, wall) in [(10_000, 0.2), (100_000, 2.0)] {
            merge(
                &mut rows,
                row(Workload::FullPush, Database::Sqlite, size, wall),
            );
        }
        merge(
            &mut rows,
            Measurement::new(
                &Run {
                    workload: Workload::FullPush,
                    database: Database::Sqlite,
                    size: 1_000_000,
                },
                Err("not finished within 45 min (stopped)".to_owned()),
                2.0,
                3.0,
            ),
        );
        rows
    }

    #[test]
    fn the_chart_has_a_line_per_database_and_workload_with_figures() {
        let chart = chart(&sample(), vec![]);
        assert_eq!(chart.columns, 2);
        let lines: Vec<usize> = chart.panels.iter().map(|p| p.series.len()).collect();
        // Wall time then memory; import on both databases, the push on SQLite only (its 1M
        // run has no figures, so no point).
        assert_eq!(lines, vec![2, 1, 2, 1]);
        assert_eq!(chart.panels[1].series[0].points.len(), 2);
        let svg = super::super::chart::render(&chart);
        assert_eq!(svg.matches(r#"<polyline class="series""#).count(), 6);
    }

    #[test]
    fn the_table_states_growth_against_the_smallest_size() {
        let table = markdown_table(&sample());
        let sqlite_import_100k = table
            .lines()
            .find(|l| l.starts_with("| product import | SQLite | 100k "))
            .unwrap();
        // 10 × the size, 20 × the time: twice the cost per product.
        assert!(sqlite_import_100k.contains("| 10 | 20.0 | 20.0 | 2.00 | faster than linear |"));
        let postgres_50k = table
            .lines()
            .find(|l| l.starts_with("| product import | PostgreSQL | 50k "))
            .unwrap();
        assert!(postgres_50k.contains("| 5 | 5.0 | 5.0 | 1.00 | linear |"));
        assert!(
            table.contains("| full inventory push | SQLite | 1M | — | not finished within 45 min")
        );
    }

    #[test]
    fn a_new_figure_replaces_the_old_one_of_its_size() {
        let mut rows = sample();
        let count = rows.len();
        merge(
            &mut rows,
            row(Workload::Import, Database::Sqlite, 50_000, 25.0),
        );
        assert_eq!(rows.len(), count);
        assert_eq!(
            rows.iter()
                .find(|m| m.workload == Workload::Import
                    && m.database == Database::Sqlite
                    && m.size == 50_000)
                .unwrap()
                .wall_secs,
            Some(25.0)
        );
    }

    #[test]
    fn the_csv_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("curves.csv");
        let rows = sample();
        write_csv(&path, &rows).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("workload,database,size,outcome,"));
        assert!(text.contains("full-push,SQLite,1000000,not finished"));
        assert_eq!(read_csv(&path).unwrap(), rows);
    }
}
