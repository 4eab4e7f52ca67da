//! How the benchmarks measure: percentiles of sorted latencies, a steady pace for the load they
//! offer, and the kernel's figures of a process (CPU time, peak resident memory) — this one's
//! or a child's — read from `/proc`.

use std::time::{Duration, Instant};

/// The `p` quantile (0–1) of sorted values, nearest-rank; `None` when there are none.
pub(crate) fn percentile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    let rank = ((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1);
    sorted.get(rank).copied()
}

/// Paces a loop at `rate` per second.
pub(crate) struct Pace {
    gap: Duration,
    next: Instant,
}

impl Pace {
    pub(crate) fn new(rate: u32) -> Pace {
        Pace::every(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))))
    }

    /// One tick per `gap`, the first at once.
    pub(crate) fn every(gap: Duration) -> Pace {
        Pace {
            gap,
            next: Instant::now(),
        }
    }

    /// The first tick after `delay`, then one per gap: loops that start together but should
    /// not fire together.
    pub(crate) fn delayed(mut self, delay: Duration) -> Pace {
        self.next += delay;
        self
    }

    pub(crate) async fn tick(&mut self) {
        tokio::time::sleep_until(self.next.into()).await;
        self.next += self.gap;
    }
}

/// Linux reports CPU times in clock ticks of 1/100 s (USER_HZ).
fn ticks(count: u64) -> Duration {
    Duration::from_millis(count * 10)
}

/// CPU time (user + system) a process has used: `pid` is a number or `"self"`. Zero once the
/// process is gone. Wall times move with the machine's load; this much less.
pub(crate) fn process_cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map_or("", |(_, rest)| rest)
        .split(' ')
        .collect();
    ticks(
        [11, 12]
            .iter()
            .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
            .sum(),
    )
}

/// CPU time this process has used: wharf's own work, whatever else the machine runs (the
/// simulator is another process).
pub(crate) fn cpu_time() -> Duration {
    process_cpu_time("self")
}

/// Busy CPU time of the whole machine (every core, everything but idle and I/O wait), from
/// `/proc/stat`.
pub(crate) fn machine_busy_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let counts: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal …: idle and iowait are not work.
    ticks(
        counts
            .iter()
            .take(8)
            .enumerate()
            .filter(|(i, _)| *i != 3 && *i != 4)
            .map(|(_, t)| *t)
            .sum(),
    )
}

/// Peak resident set size (VmHWM) of a process in KiB, as the kernel reports it.
pub(crate) fn process_peak_rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Resets this process's peak RSS (Linux ≥ 4.0), so the next figure is the phase's own and
/// not the import's; harmless where unsupported.
pub(crate) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set size of this process (VmHWM), in words.
pub(crate) fn peak_rss() -> String {
    process_peak_rss_kib("self")
        .map(|kib| format!("{:.1} MB", kib as f64 / 1024.0))
        .unwrap_or_else(|| "unknown (no /proc/self/status)".into())
}

/// Peak resident set size of this process (VmHWM) in MB, if the kernel tells it.
pub(crate) fn peak_rss_mb() -> Option<f64> {
    process_peak_rss_kib("self").map(|kib| kib as f64 / 1024.0)
}
