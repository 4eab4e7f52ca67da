//! `wharf products import`: the store's catalog read into wharf by a worker in this process,
//! with a progress bar while it runs and a summary when it ends.

use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch;

use crate::app::App;
use crate::app::catalog::ImportView;
use crate::app::stores::StoreView;
use crate::domain::catalog::{ImportCounts, ImportMode, ImportStatus};
use crate::jobs::{Worker, WorkerConfig};
use crate::startup::job_handlers;
use crate::telemetry;

/// Issues the summary lists; it says how many more there are and where to read them.
const ISSUES_IN_SUMMARY: usize = 20;

/// Queues the import and runs a worker in this process until it finishes, drawing its progress.
pub(super) async fn import_products(
    app: &App,
    store: &str,
    mode: ImportMode,
    workers: WorkerConfig,
) -> anyhow::Result<ExitCode> {
    let store = app.find_store(store).await?;
    let import = app.start_import(store.id, mode).await?;
    let (stop, stopped) = watch::channel(false);
    let worker = Worker::new(app.db.clone(), job_handlers(app), workers);
    let worker = tokio::spawn(worker.run(stopped));

    let bar = ProgressBar::no_length().with_style(
        ProgressStyle::with_template("{bar:40.cyan/blue} {msg}")
            .expect("a valid progress template"),
    );
    // The worker logs as it goes; its lines are printed above the bar, not into it.
    let shown = telemetry::show_above_logs(&bar);
    let view = loop {
        let view = app.import_view(import.run.id).await?;
        let pages = PageProgress::of(&view.run.counts, view.run.status);
        match pages.total {
            Some(total) => bar.set_length(total),
            None => bar.unset_length(),
        }
        bar.set_position(pages.done);
        bar.set_message(progress_line(pages, &view.run.counts, view.issue_count));
        if view.is_finished() {
            break view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    bar.finish();
    drop(shown);
    let _ = stop.send(true);
    let _ = worker.await;

    let store_page = store_page(app, &store);
    for line in summary(&view, &store, &store_page) {
        println!("{line}");
    }
    if let Some(error) = &view.run.last_error {
        eprintln!("error: {error}");
    }
    Ok(if view.run.status == ImportStatus::Completed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Pages read of pages to read: the one pair of numbers the bar, its percentage and its page
/// counter are all drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PageProgress {
    done: u64,
    /// Unknown until the first page has said how many there are.
    total: Option<u64>,
}

impl PageProgress {
    fn of(counts: &ImportCounts, status: ImportStatus) -> PageProgress {
        let done = u64::try_from(counts.pages_done).unwrap_or(0);
        let total = u64::try_from(counts.pages_total).unwrap_or(0);
        let total = match status {
            // A finished run read every page there was, whatever the first page estimated.
            ImportStatus::Completed => Some(done),
            _ if total == 0 => None,
            _ => Some(total.max(done)),
        };
        PageProgress { done, total }
    }

    /// Whole percent, rounded down: 199 pages of 200 are 99%, never 100%.
    fn percent(self) -> u64 {
        match self.total {
            None => 0,
            Some(0) => 100,
            Some(total) => self.done * 100 / total,
        }
    }
}

/// The text beside the bar.
fn progress_line(pages: PageProgress, counts: &ImportCounts, issues: i64) -> String {
    let total = pages
        .total
        .map_or("?".to_owned(), |total| total.to_string());
    format!(
        "{:>3}% · pages {}/{total} · {} products · {} variants · {issues} issues",
        pages.percent(),
        pages.done,
        counts.products_seen,
        counts.variants_seen,
    )
}

/// Where the store's page, which lists the import's issues, is: a full address when wharf
/// knows its public URL, else its path.
fn store_page(app: &App, store: &StoreView) -> String {
    let path = format!("/setup/integrations/bigcommerce/stores/{}", store.id);
    match &app.public_url {
        // As the webhook destination is made: a base with a path of its own keeps it.
        Some(base) => format!("{}{path}", base.as_str().trim_end_matches('/')),
        None => path,
    }
}

/// What the import did, its first issues and, when it found more than are listed, how many
/// more and where to read them all.
fn summary(view: &ImportView, store: &StoreView, store_page: &str) -> Vec<String> {
    let counts = &view.run.counts;
    let mut lines = vec![format!(
        "Import #{} of {:?}: {}. {} products and {} variants read; {} new, {} updated, {} archived products; {} issues.",
        view.run.id,
        store.name,
        view.run.status.as_str(),
        counts.products_seen,
        counts.variants_seen,
        counts.products_created,
        counts.products_updated,
        counts.products_archived,
        view.issue_count
    )];
    let listed = view.issues.iter().take(ISSUES_IN_SUMMARY);
    lines.extend(listed.map(|issue| {
        format!(
            "  product {} {:?}: {}",
            issue.product_external_id, issue.product_name, issue.message
        )
    }));
    let more = usize::try_from(view.issue_count)
        .unwrap_or(0)
        .saturating_sub(ISSUES_IN_SUMMARY.min(view.issues.len()));
    if more > 0 {
        lines.push(format!(
            "  …and {more} more (see the store's page at {store_page} or `wharf products issues {:?}`)",
            store.name
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(done: i64, total: i64, status: ImportStatus) -> PageProgress {
        let counts = ImportCounts {
            pages_done: done,
            pages_total: total,
            ..ImportCounts::default()
        };
        PageProgress::of(&counts, status)
    }

    #[test]
    fn the_percentage_is_the_page_counter_rounded_down() {
        let line = |p| progress_line(p, &ImportCounts::default(), 0);
        let running = pages(199, 200, ImportStatus::Running);
        assert!(
            line(running).starts_with(" 99% · pages 199/200"),
            "{}",
            line(running)
        );
        let started = pages(0, 0, ImportStatus::Running);
        assert!(
            line(started).starts_with("  0% · pages 0/?"),
            "{}",
            line(started)
        );
        let third = pages(1, 3, ImportStatus::Running);
        assert!(
            line(third).starts_with(" 33% · pages 1/3"),
            "{}",
            line(third)
        );
    }

    #[test]
    fn a_finished_import_is_whole_at_the_pages_it_read() {
        // The first page estimated three; products deleted meanwhile made it two.
        let done = pages(2, 3, ImportStatus::Completed);
        assert_eq!(
            done,
            PageProgress {
                done: 2,
                total: Some(2)
            }
        );
        assert_eq!(done.percent(), 100);
        let empty_store = pages(0, 0, ImportStatus::Completed);
        assert_eq!(empty_store.percent(), 100);
        // A failed run stays where it stopped.
        assert_eq!(pages(1, 4, ImportStatus::Failed).percent(), 25);
    }
}
