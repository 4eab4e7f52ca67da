//! Logging. Secrets never reach it: they travel as `SecretString`, whose Debug is redacted, and
//! request bodies are never logged.
//!
//! Log lines go to stderr, where a command's progress bar is drawn too: while a bar is shown
//! ([`show_above_logs`]), each line is printed with the bar cleared and redrawn below it, so
//! a line never lands in the middle of the bar.

use std::io::{self, Write};
use std::sync::Mutex;

use indicatif::ProgressBar;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Logs to stderr, filtered by RUST_LOG (default: info for wharf, warnings for libraries).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("warn,wharf=info,bigcommerce=info,bigcommerce_sim=info")
    });
    // A second init (tests, embedded use) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Stderr)
        .try_init();
}

/// The progress bar on the terminal now, if any.
static PROGRESS_BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Prints log lines above `bar` until the guard is dropped.
pub fn show_above_logs(bar: &ProgressBar) -> ProgressBarShown {
    *lock_progress_bar() = Some(bar.clone());
    ProgressBarShown(())
}

/// While it lives, log lines are printed above the progress bar.
#[must_use = "log lines go above the bar only while this lives"]
pub struct ProgressBarShown(());

impl Drop for ProgressBarShown {
    fn drop(&mut self) {
        *lock_progress_bar() = None;
    }
}

fn lock_progress_bar() -> std::sync::MutexGuard<'static, Option<ProgressBar>> {
    // A panic while the lock was held left nothing half-done: the slot holds a bar or none.
    PROGRESS_BAR.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes one formatted log line to `out`: with `bar` cleared first and drawn again after,
/// when there is one, so that the line and the bar each keep a line of their own.
pub fn write_log_line(
    bar: Option<&ProgressBar>,
    out: &mut impl Write,
    line: &[u8],
) -> io::Result<()> {
    match bar {
        Some(bar) => bar.suspend(|| out.write_all(line).and_then(|()| out.flush())),
        None => out.write_all(line),
    }
}

/// stderr, above the progress bar when one is shown.
struct Stderr;

impl<'a> MakeWriter<'a> for Stderr {
    type Writer = Stderr;

    fn make_writer(&'a self) -> Stderr {
        Stderr
    }
}

impl Write for Stderr {
    /// The formatter hands over each event whole, so each call is one line (or a few, for a
    /// multi-line message), written in one piece.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Cloned out, so the bar is not drawn while this process-wide slot is locked.
        let bar = lock_progress_bar().clone();
        write_log_line(bar.as_ref(), &mut io::stderr().lock(), buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use indicatif::{ProgressDrawTarget, ProgressStyle, TermLike};

    use super::*;

    /// A terminal screen kept as text: enough of one to see what shares a line.
    #[derive(Debug, Default)]
    struct Screen {
        lines: Vec<String>,
        row: usize,
    }

    impl Screen {
        fn line(&mut self) -> &mut String {
            while self.lines.len() <= self.row {
                self.lines.push(String::new());
            }
            &mut self.lines[self.row]
        }

        fn write(&mut self, text: &str) {
            let mut parts = text.split('\n').peekable();
            while let Some(part) = parts.next() {
                self.line().push_str(part);
                if parts.peek().is_some() {
                    self.row += 1;
                }
            }
        }
    }

    /// One screen the bar draws on and the log lines are written to, as on a real terminal.
    #[derive(Debug, Clone, Default)]
    struct Terminal(Arc<Mutex<Screen>>);

    impl TermLike for Terminal {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, n: usize) -> io::Result<()> {
            let mut screen = self.0.lock().unwrap();
            screen.row = screen.row.saturating_sub(n);
            Ok(())
        }
        fn move_cursor_down(&self, n: usize) -> io::Result<()> {
            self.0.lock().unwrap().row += n;
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().write(&format!("{s}\n"));
            Ok(())
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().write(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            self.0.lock().unwrap().line().clear();
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Write for Terminal {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().write(&String::from_utf8_lossy(buf));
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_log_line_is_printed_above_the_progress_bar_never_inside_it() {
        let mut terminal = Terminal::default();
        let bar = ProgressBar::with_draw_target(
            Some(4),
            ProgressDrawTarget::term_like(Box::new(terminal.clone())),
        )
        .with_style(ProgressStyle::with_template("BAR {pos}/{len}").unwrap());
        bar.set_position(1);
        bar.tick();

        write_log_line(Some(&bar), &mut terminal, b"INFO job done\n").unwrap();
        write_log_line(Some(&bar), &mut terminal, b"INFO another job done\n").unwrap();

        let screen = terminal.0.lock().unwrap();
        // The bar pads itself to the terminal's width.
        let lines: Vec<&str> = screen.lines.iter().map(|line| line.trim_end()).collect();
        assert_eq!(
            lines,
            ["INFO job done", "INFO another job done", "BAR 1/4"],
            "the log lines above, the bar below, each on its own line"
        );
    }
}
