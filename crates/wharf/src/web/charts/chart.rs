//! What a chart shows: its hours, its series and their unit — plain data, which a page fills
//! and `view` lays out.

/// One hour in milliseconds.
pub const HOUR_MS: i64 = 60 * 60 * 1000;

/// The hours a chart covers: `count` whole hours from `first_ms` (an hour's start, unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub first_ms: i64,
    pub count: usize,
}

impl Hours {
    /// The last 24 hours: the hour `now_ms` is in and the 23 before it.
    pub fn last_day(now_ms: i64) -> Hours {
        let this_hour = now_ms - now_ms.rem_euclid(HOUR_MS);
        Hours {
            first_ms: this_hour - 23 * HOUR_MS,
            count: 24,
        }
    }

    /// Which of the hours `at_ms` falls in, if any.
    pub fn index_of(&self, at_ms: i64) -> Option<usize> {
        let offset = at_ms.checked_sub(self.first_ms)?;
        let index = usize::try_from(offset.div_euclid(HOUR_MS)).ok()?;
        (offset >= 0 && index < self.count).then_some(index)
    }

    /// The start of hour `index` (unix ms).
    pub fn start_of(&self, index: usize) -> i64 {
        self.first_ms + index as i64 * HOUR_MS
    }
}

/// What the values count, which decides how the axis and the words show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A duration in milliseconds: "850 ms", "2.4 s".
    Millis,
    /// How many: "12".
    Count,
    /// A share in percent: "8%".
    Percent,
}

/// How a series' line is drawn, so that lines differ by more than their colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    Solid,
    Dashed,
}

/// One line: a value per hour of the chart, `None` for an hour without one (a gap in the line).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name in the legend, the words and the table's heading: "p99", "orders in".
    pub name: String,
    pub stroke: Stroke,
    pub values: Vec<Option<f64>>,
}

impl Series {
    /// A series of `hours` from (hour's start, value) points; points outside the hours are
    /// left out.
    pub fn from_points(
        name: &str,
        stroke: Stroke,
        hours: Hours,
        points: impl IntoIterator<Item = (i64, f64)>,
    ) -> Series {
        let mut values = vec![None; hours.count];
        for (at_ms, value) in points {
            if let Some(i) = hours.index_of(at_ms) {
                values[i] = Some(value);
            }
        }
        Series {
            name: name.to_owned(),
            stroke,
            values,
        }
    }

    /// Like [`from_points`](Self::from_points), for counts: an hour with none is a zero, not a
    /// gap.
    pub fn counts(
        name: &str,
        stroke: Stroke,
        hours: Hours,
        points: impl IntoIterator<Item = (i64, i64)>,
    ) -> Series {
        let mut series = Series::from_points(
            name,
            stroke,
            hours,
            points.into_iter().map(|(at, n)| (at, n as f64)),
        );
        for value in &mut series.values {
            value.get_or_insert(0.0);
        }
        series
    }

    /// Its values that can be drawn: finite ones, with their hour.
    pub(super) fn drawable(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i, v)))
    }
}

/// A chart to draw: what a page hands to [`LineChart::draw`].
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Unique on its page: the SVG's title and description are named after it.
    pub id: String,
    pub title: String,
    /// What the vertical axis measures, without the unit: "latency", "orders".
    pub measures: String,
    pub unit: Unit,
    pub hours: Hours,
    pub series: Vec<Series>,
    /// Said inside the chart when no series has a value (or a count above zero).
    pub when_empty: String,
}

impl LineChart {
    /// Whether there is nothing to draw: no values, or counts that are all zero.
    pub fn is_empty(&self) -> bool {
        self.series
            .iter()
            .flat_map(Series::drawable)
            .all(|(_, v)| self.unit == Unit::Count && v == 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_day_ends_with_the_current_hour() {
        let now = 1_700_000_000_000;
        let hours = Hours::last_day(now);
        assert_eq!(hours.count, 24);
        assert_eq!(hours.first_ms % HOUR_MS, 0);
        assert_eq!(hours.index_of(now), Some(23));
        assert_eq!(hours.index_of(hours.first_ms), Some(0));
        assert_eq!(hours.index_of(hours.first_ms - 1), None);
        assert_eq!(hours.index_of(hours.start_of(24)), None);
    }

    #[test]
    fn counts_fill_hours_without_rows_with_zero() {
        let hours = Hours::last_day(10 * HOUR_MS * 24);
        let series = Series::counts("orders", Stroke::Solid, hours, [(hours.start_of(3), 5)]);
        assert_eq!(series.values[3], Some(5.0));
        assert_eq!(series.values[4], Some(0.0));
        assert_eq!(series.values.len(), 24);
    }
}
