//! A chart in words: values with their unit, hours as clock times, and the one-sentence
//! summary a screen reader (or anyone who would rather read) gets instead of the picture.

use super::chart::{Hours, LineChart, Series, Unit};

/// A value as the axis, the summary and the table show it.
pub(super) fn value(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Millis if value < 1000.0 => format!("{} ms", value.round()),
        Unit::Millis if value < 60_000.0 => format!("{} s", one_decimal(value / 1000.0)),
        Unit::Millis if value < 3_600_000.0 => format!("{} min", one_decimal(value / 60_000.0)),
        Unit::Millis => format!("{} h", one_decimal(value / 3_600_000.0)),
        Unit::Count => format!("{}", value.round()),
        Unit::Percent => format!("{}%", one_decimal(value)),
    }
}

/// One decimal, without a trailing ".0".
fn one_decimal(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

/// The unit's name for the axis title: "latency (ms, s)".
pub(super) fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Millis => "ms, s",
        Unit::Count => "per hour",
        Unit::Percent => "%",
    }
}

/// The hour's start as a clock time (UTC): "14:00".
pub(super) fn hour(hours: &Hours, index: usize) -> String {
    jiff::Timestamp::from_millisecond(hours.start_of(index))
        .map(|t| t.strftime("%H:%M").to_string())
        .unwrap_or_default()
}

/// "p99 peaked at 2.4 s at 14:00; p50 peaked at 310 ms at 09:00." — every series' highest
/// hour (the latest, if several tie); counts say their total instead: "orders: 7 in all, the
/// most (5) at 12:00".
pub(super) fn summary(chart: &LineChart) -> String {
    if chart.is_empty() {
        return format!("{}: {}.", chart.title, chart.when_empty);
    }
    let parts: Vec<String> = chart
        .series
        .iter()
        .filter_map(|series| peak_of(chart, series))
        .collect();
    format!(
        "{} per hour over the last 24 h (UTC): {}.",
        chart.title,
        parts.join("; ")
    )
}

fn peak_of(chart: &LineChart, series: &Series) -> Option<String> {
    let (at, peak) =
        series
            .drawable()
            .fold(None, |best: Option<(usize, f64)>, (i, v)| match best {
                Some((_, b)) if b > v => best,
                _ => Some((i, v)),
            })?;
    let hour = hour(&chart.hours, at);
    Some(match chart.unit {
        Unit::Count => {
            let total: f64 = series.drawable().map(|(_, v)| v).sum();
            format!(
                "{}: {} in all, the most ({}) at {hour}",
                series.name,
                value(total, Unit::Count),
                value(peak, Unit::Count)
            )
        }
        unit => format!("{} peaked at {} at {hour}", series.name, value(peak, unit)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::charts::chart::{HOUR_MS, Stroke};

    fn chart(unit: Unit, series: Vec<Series>) -> LineChart {
        LineChart {
            id: "c".into(),
            title: "Orders".into(),
            measures: "orders".into(),
            unit,
            hours: Hours {
                first_ms: 10 * HOUR_MS,
                count: 24,
            },
            series,
            when_empty: "no samples in the last 24 h".into(),
        }
    }

    fn series(name: &str, values: &[(usize, f64)]) -> Series {
        let mut all = vec![None; 24];
        for (i, v) in values {
            all[*i] = Some(*v);
        }
        Series {
            name: name.into(),
            stroke: Stroke::Solid,
            values: all,
        }
    }

    #[test]
    fn values_carry_their_unit() {
        assert_eq!(value(850.0, Unit::Millis), "850 ms");
        assert_eq!(value(2400.0, Unit::Millis), "2.4 s");
        assert_eq!(value(3000.0, Unit::Millis), "3 s");
        assert_eq!(value(90_000.0, Unit::Millis), "1.5 min");
        assert_eq!(value(7.2e6, Unit::Millis), "2 h");
        assert_eq!(value(12.0, Unit::Count), "12");
        assert_eq!(value(8.26, Unit::Percent), "8.3%");
    }

    #[test]
    fn the_summary_names_each_series_peak_and_its_hour() {
        let latency = chart(
            Unit::Millis,
            vec![
                series("p50", &[(1, 300.0), (4, 310.0)]),
                series("p99", &[(1, 900.0), (4, 2400.0)]),
            ],
        );
        assert_eq!(
            summary(&latency),
            "Orders per hour over the last 24 h (UTC): p50 peaked at 310 ms at 14:00; \
             p99 peaked at 2.4 s at 14:00."
        );
    }

    #[test]
    fn counts_say_their_total() {
        let orders = chart(Unit::Count, vec![series("orders", &[(0, 2.0), (2, 5.0)])]);
        assert_eq!(
            summary(&orders),
            "Orders per hour over the last 24 h (UTC): orders: 7 in all, the most (5) at 12:00."
        );
    }

    #[test]
    fn an_empty_chart_says_so() {
        let empty = chart(Unit::Count, vec![series("orders in", &[(3, 0.0)])]);
        assert_eq!(summary(&empty), "Orders: no samples in the last 24 h.");
    }
}
