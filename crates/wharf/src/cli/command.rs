//! What every command does the same way: open the app for one command, read a CSV file named
//! on the command line, and answer refused input and CSV reports.

use std::path::Path;
use std::process::ExitCode;

use crate::app::App;
use crate::app::error::AppError;
use crate::config::Settings;
use crate::domain::tracking_csv::RowError;

/// Opens the app (migrating its database), runs one command on it, and closes the database
/// whatever the command answered.
pub(super) async fn with_app(
    settings: &Settings,
    command: impl AsyncFnOnce(&App) -> anyhow::Result<ExitCode>,
) -> anyhow::Result<ExitCode> {
    let app = App::open(settings).await?;
    let code = command(&app).await;
    app.db.close().await;
    code
}

/// The text of a CSV file named on the command line.
pub(super) fn read_csv(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))
}

/// Input a use case refused: printed under `heading` (if any), exit 2; any other error ends the
/// command (exit 3).
pub(super) fn refused_input(error: AppError, heading: &str) -> anyhow::Result<ExitCode> {
    match error {
        AppError::Invalid(errors) if heading.is_empty() => eprintln!("{errors}"),
        AppError::Invalid(errors) => eprintln!("{heading}\n{errors}"),
        other => return Err(other.into()),
    }
    Ok(ExitCode::from(2))
}

/// Prints what a CSV import did, its summary and then every rejected row by its line. Exit 2
/// when any row was rejected.
pub(super) fn print_csv_report(summary: String, rejected: &[RowError]) -> ExitCode {
    println!("{summary}");
    for error in rejected {
        eprintln!("  line {}: {}", error.line, error.message);
    }
    if rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
