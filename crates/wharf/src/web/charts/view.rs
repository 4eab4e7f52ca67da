//! Laying a chart out: where each tick, line and point goes in the SVG's coordinates, and the
//! table that gives the same numbers as text.

use askama::Template;

use super::chart::{LineChart, Series, Stroke, Unit};
use super::scale::Axis;
use super::words;

/// The SVG's own coordinates (its viewBox); the browser scales them to the width it has.
pub const WIDTH: f64 = 400.0;
pub const HEIGHT: f64 = 232.0;
/// The plotting area inside it: room on the left for the values, above for the legend, below
/// for the hours.
const LEFT: f64 = 58.0;
const RIGHT: f64 = 392.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 180.0;

/// The colours of the first and second series; each also has its own dash pattern.
const COLOURS: [&str; 2] = ["#1d4ed8", "#b42318"];

/// A chart laid out, ready for its template (`templates/charts/line.html`).
#[derive(Debug, Template)]
#[template(path = "charts/line.html")]
pub struct ChartView {
    pub id: String,
    pub title: String,
    /// The chart in one sentence: the SVG's description.
    pub summary: String,
    /// What an empty chart says in its middle; `None` when there is something to draw.
    pub empty: Option<String>,
    pub y_title: String,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub lines: Vec<Line>,
    pub table: Vec<TableRow>,
    pub headings: Vec<String>,
}

/// A labelled place on an axis: `at` is x for the hours, y for the values.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// One series drawn: its path (a gap where an hour has no value), a dot per value, and its
/// entry in the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub colour: &'static str,
    /// `stroke-dasharray`: how the line differs without colour.
    pub dash: &'static str,
    pub path: String,
    pub points: Vec<(f64, f64)>,
    pub legend_x: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub hour: String,
    /// (column heading, value) for each series, in the headings' order.
    pub cells: Vec<(String, String)>,
}

impl ChartView {
    pub fn width(&self) -> f64 {
        WIDTH
    }
    pub fn height(&self) -> f64 {
        HEIGHT
    }
    pub fn left(&self) -> f64 {
        LEFT
    }
    pub fn right(&self) -> f64 {
        RIGHT
    }
    pub fn top(&self) -> f64 {
        TOP
    }
    pub fn bottom(&self) -> f64 {
        BOTTOM
    }
    pub fn middle_x(&self) -> f64 {
        (LEFT + RIGHT) / 2.0
    }
    pub fn middle_y(&self) -> f64 {
        (TOP + BOTTOM) / 2.0
    }
    /// The space-separated series names, for tests and styles to find a line by.
    pub fn series_names(&self) -> String {
        let names: Vec<&str> = self.lines.iter().map(|l| l.name.as_str()).collect();
        names.join(", ")
    }
}

impl LineChart {
    pub fn draw(&self) -> ChartView {
        lay_out(self)
    }
}

fn lay_out(chart: &LineChart) -> ChartView {
    let empty = chart.is_empty();
    let max = chart
        .series
        .iter()
        .flat_map(Series::drawable)
        .map(|(_, v)| v)
        .fold(0.0, f64::max);
    let axis = Axis::fitting(max, chart.unit);
    let slot = (RIGHT - LEFT) / chart.hours.count.max(1) as f64;
    // Each hour's value sits in the middle of its hour.
    let x_of = |i: usize| round(LEFT + (i as f64 + 0.5) * slot);
    let y_of = |v: f64| round(BOTTOM - axis.fraction(v) * (BOTTOM - TOP));

    let y_ticks = if empty {
        vec![Tick {
            at: BOTTOM,
            label: words::value(0.0, chart.unit),
        }]
    } else {
        axis.ticks()
            .into_iter()
            .map(|v| Tick {
                at: y_of(v),
                label: words::value(v, chart.unit),
            })
            .collect()
    };
    let last = chart.hours.count.saturating_sub(1);
    let x_ticks = (0..chart.hours.count)
        .filter(|i| i % 6 == 0 || *i == last)
        .map(|i| Tick {
            at: x_of(i),
            label: words::hour(&chart.hours, i),
        })
        .collect();
    let lines = if empty {
        Vec::new()
    } else {
        chart
            .series
            .iter()
            .enumerate()
            .map(|(n, series)| {
                let points: Vec<(usize, f64, f64)> = series
                    .drawable()
                    .map(|(i, v)| (i, x_of(i), y_of(v)))
                    .collect();
                Line {
                    name: series.name.clone(),
                    colour: COLOURS[n % COLOURS.len()],
                    dash: dash(series.stroke),
                    path: path_through(&points),
                    points: points.iter().map(|&(_, x, y)| (x, y)).collect(),
                    legend_x: LEFT + n as f64 * 110.0,
                }
            })
            .collect()
    };
    ChartView {
        id: chart.id.clone(),
        title: chart.title.clone(),
        summary: words::summary(chart),
        empty: empty.then(|| capitalised(&chart.when_empty)),
        y_title: format!("{} ({})", chart.measures, words::unit_name(chart.unit)),
        y_ticks,
        x_ticks,
        lines,
        table: if empty { Vec::new() } else { table(chart) },
        headings: chart.series.iter().map(|s| s.name.clone()).collect(),
    }
}

/// A path through the points, lifting the pen over hours without a value.
fn path_through(points: &[(usize, f64, f64)]) -> String {
    let mut path = String::new();
    let mut previous: Option<usize> = None;
    for &(i, x, y) in points {
        let command = if previous.is_some_and(|p| p + 1 == i) {
            'L'
        } else {
            'M'
        };
        if !path.is_empty() {
            path.push(' ');
        }
        path.push_str(&format!("{command}{x} {y}"));
        previous = Some(i);
    }
    path
}

fn dash(stroke: Stroke) -> &'static str {
    match stroke {
        Stroke::Solid => "none",
        Stroke::Dashed => "8 4",
    }
}

/// The hours with something to say, each with every series' value ("—" for none).
fn table(chart: &LineChart) -> Vec<TableRow> {
    (0..chart.hours.count)
        .filter(|&i| {
            chart.series.iter().any(|s| {
                s.values[i]
                    .is_some_and(|v| v.is_finite() && !(chart.unit == Unit::Count && v == 0.0))
            })
        })
        .map(|i| TableRow {
            hour: words::hour(&chart.hours, i),
            cells: chart
                .series
                .iter()
                .map(|s| {
                    let value = s.values[i]
                        .filter(|v| v.is_finite())
                        .map_or_else(|| "—".to_owned(), |v| words::value(v, chart.unit));
                    (s.name.clone(), value)
                })
                .collect(),
        })
        .collect()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// To a tenth of a unit: finer than a pixel at any width, and short in the markup.
fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::charts::chart::{HOUR_MS, Hours};

    fn chart(unit: Unit, series: Vec<(&str, Vec<Option<f64>>)>) -> LineChart {
        LineChart {
            id: "latency-orders".into(),
            title: "Orders".into(),
            measures: "latency".into(),
            unit,
            hours: Hours {
                first_ms: 100 * HOUR_MS,
                count: 24,
            },
            series: series
                .into_iter()
                .enumerate()
                .map(|(n, (name, values))| Series {
                    name: name.into(),
                    stroke: if n == 0 {
                        Stroke::Solid
                    } else {
                        Stroke::Dashed
                    },
                    values,
                })
                .collect(),
            when_empty: "no samples in the last 24 h".into(),
        }
    }

    fn hours_with(values: &[(usize, f64)]) -> Vec<Option<f64>> {
        let mut all = vec![None; 24];
        for &(i, v) in values {
            all[i] = Some(v);
        }
        all
    }

    fn inside_the_plot(view: &ChartView) {
        for line in &view.lines {
            for &(x, y) in &line.points {
                assert!(x.is_finite() && y.is_finite(), "{x},{y}");
                assert!((LEFT..=RIGHT).contains(&x), "x {x} outside");
                assert!((TOP..=BOTTOM).contains(&y), "y {y} outside");
            }
        }
    }

    #[test]
    fn values_scale_to_the_axis_top_and_hours_left_to_right() {
        let view = chart(
            Unit::Millis,
            vec![("p50", hours_with(&[(0, 0.0), (1, 1000.0), (23, 2000.0)]))],
        )
        .draw();
        let points = &view.lines[0].points;
        // 2,000 ms is the axis top: the top of the plot; zero is its bottom.
        assert_eq!(points[2].1, TOP);
        assert_eq!(points[0].1, BOTTOM);
        assert_eq!(points[1].1, (TOP + BOTTOM) / 2.0);
        assert!(points[0].0 < points[1].0 && points[1].0 < points[2].0);
        assert_eq!(
            view.y_ticks
                .iter()
                .map(|t| t.label.as_str())
                .collect::<Vec<_>>(),
            ["0 ms", "500 ms", "1 s", "1.5 s", "2 s"]
        );
        assert_eq!(view.x_ticks[0].label, "04:00");
        assert_eq!(view.x_ticks.len(), 5, "every six hours and the last");
        // Hours 0 and 1 are joined; hour 23 stands apart.
        assert_eq!(view.lines[0].path.matches('M').count(), 2);
        assert_eq!(view.lines[0].path.matches('L').count(), 1);
        inside_the_plot(&view);
    }

    #[test]
    fn series_differ_by_dash_as_well_as_colour() {
        let view = chart(
            Unit::Millis,
            vec![
                ("p50", hours_with(&[(3, 10.0)])),
                ("p99", hours_with(&[(3, 20.0)])),
            ],
        )
        .draw();
        let (p50, p99) = (&view.lines[0], &view.lines[1]);
        assert_ne!(p50.dash, p99.dash);
        assert_ne!(p50.colour, p99.colour);
        assert_ne!(p50.legend_x, p99.legend_x);
        assert_eq!(view.series_names(), "p50, p99");
    }

    #[test]
    fn no_data_draws_an_empty_chart_that_says_so() {
        for series in [vec![], vec![("p50", vec![None; 24])]] {
            let view = chart(Unit::Millis, series).draw();
            assert!(view.lines.is_empty());
            assert!(view.table.is_empty());
            assert_eq!(view.empty.as_deref(), Some("No samples in the last 24 h"));
            assert_eq!(view.y_ticks.len(), 1);
            assert_eq!(view.x_ticks.len(), 5, "the hours are still there");
            assert_eq!(view.summary, "Orders: no samples in the last 24 h.");
        }
        // Counts of zero are nothing to draw either.
        let zeros = chart(Unit::Count, vec![("orders", vec![Some(0.0); 24])]).draw();
        assert!(zeros.empty.is_some() && zeros.lines.is_empty());
    }

    #[test]
    fn one_point_is_a_dot_and_a_path_of_one_move() {
        let view = chart(Unit::Count, vec![("orders", hours_with(&[(12, 1.0)]))]).draw();
        let line = &view.lines[0];
        assert_eq!(line.points.len(), 1);
        assert_eq!(line.path, format!("M{} {}", line.points[0].0, TOP));
        assert_eq!(view.table.len(), 1);
        assert_eq!(view.table[0].cells, [("orders".to_owned(), "1".to_owned())]);
        inside_the_plot(&view);
    }

    #[test]
    fn a_huge_outlier_takes_the_top_and_everything_stays_inside() {
        let mut values: Vec<Option<f64>> = (0..24).map(|i| Some(100.0 + i as f64)).collect();
        values[7] = Some(5.0e9);
        values[8] = Some(f64::INFINITY);
        values[9] = Some(f64::NAN);
        let view = chart(Unit::Millis, vec![("p99", values)]).draw();
        let line = &view.lines[0];
        assert_eq!(line.points.len(), 22, "what cannot be drawn is left out");
        // The outlier is far above the rest, which lie along the bottom, all of them drawn.
        let outlier = line.points[7].1;
        assert!(outlier < TOP + (BOTTOM - TOP) / 3.0, "{outlier}");
        assert!(line.points.iter().all(|p| p.1 >= outlier));
        assert!(line.points[0].1 > BOTTOM - 1.0);
        inside_the_plot(&view);
        assert!(view.y_ticks.len() <= 11, "{:?}", view.y_ticks);
        assert!(
            view.summary.contains("p99 peaked at 1388.9 h at 11:00"),
            "{}",
            view.summary
        );
    }
}
