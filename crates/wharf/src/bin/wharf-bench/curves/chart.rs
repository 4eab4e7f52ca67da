//! A small SVG line chart, written as text: a grid of panels, each with a logarithmic x axis
//! (sizes ten times apart sit evenly), a linear or logarithmic y axis, one polyline per series,
//! and optionally a dashed "linear" reference per series (its smallest point scaled by size)
//! and a dashed limit line. Pure: the same chart always renders the same text.

use std::fmt::Write;

pub(crate) struct Chart {
    pub(crate) title: String,
    /// Smaller lines under the title: the machine, the load, what kind of run.
    pub(crate) notes: Vec<String>,
    pub(crate) columns: usize,
    pub(crate) panels: Vec<Panel>,
}

pub(crate) struct Panel {
    pub(crate) title: String,
    pub(crate) x_label: String,
    pub(crate) y_label: String,
    pub(crate) y_axis: YAxis,
    pub(crate) series: Vec<Series>,
    /// A horizontal line the values should stay under, and its label.
    pub(crate) limit: Option<(f64, String)>,
    /// Draw, per series, where linear growth from its smallest size would go.
    pub(crate) linear_reference: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum YAxis {
    /// From zero.
    Linear,
    /// Powers of ten and the 2 and 5 between them: growth by a factor reads the same anywhere.
    Log,
}

pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) colour: &'static str,
    /// (size, value), sizes > 0; for a log y axis, values > 0.
    pub(crate) points: Vec<(f64, f64)>,
}

const PANEL_WIDTH: f64 = 330.0;
const PANEL_HEIGHT: f64 = 250.0;
/// Room inside a panel for its title, tick labels and axis labels.
const PLOT_LEFT: f64 = 62.0;
const PLOT_RIGHT: f64 = 16.0;
const PLOT_TOP: f64 = 30.0;
const PLOT_BOTTOM: f64 = 48.0;
const HEADER_LINE: f64 = 16.0;

pub(crate) fn render(chart: &Chart) -> String {
    let columns = chart.columns.max(1);
    let rows = chart.panels.len().div_ceil(columns);
    let header = 34.0 + HEADER_LINE * (chart.notes.len() as f64 + 1.0);
    let width = PANEL_WIDTH * columns as f64;
    let height = header + PANEL_HEIGHT * rows as f64;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(&chart.title));
    let _ = writeln!(
        svg,
        r#"<rect width="{width}" height="{height}" fill="white"/>"#
    );
    let _ = writeln!(
        svg,
        r#"<text x="12" y="22" font-size="15" font-weight="bold">{}</text>"#,
        escape(&chart.title)
    );
    for (n, note) in chart.notes.iter().enumerate() {
        let _ = writeln!(
            svg,
            r##"<text x="12" y="{}" fill="#444">{}</text>"##,
            22.0 + HEADER_LINE * (n as f64 + 1.0),
            escape(note)
        );
    }
    legend(
        &mut svg,
        chart,
        22.0 + HEADER_LINE * (chart.notes.len() as f64 + 1.0),
    );
    for (n, panel) in chart.panels.iter().enumerate() {
        let x = PANEL_WIDTH * (n % columns) as f64;
        let y = header + PANEL_HEIGHT * (n / columns) as f64;
        let _ = writeln!(svg, r#"<g transform="translate({x},{y})">"#);
        render_panel(&mut svg, panel);
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}

/// One entry per series name (in the order first seen), then the dashed lines' meaning.
fn legend(svg: &mut String, chart: &Chart, y: f64) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for series in chart.panels.iter().flat_map(|p| &p.series) {
        if !seen.iter().any(|(name, _)| *name == series.name) {
            seen.push((&series.name, series.colour));
        }
    }
    let mut x = 12.0;
    for (name, colour) in seen {
        let _ = writeln!(
            svg,
            r#"<line x1="{x}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="2"/><text x="{}" y="{y}">{}</text>"#,
            y - 4.0,
            x + 18.0,
            y - 4.0,
            x + 22.0,
            escape(name)
        );
        x += 30.0 + 7.0 * name.chars().count() as f64;
    }
    if chart.panels.iter().any(|p| p.linear_reference) {
        let _ = writeln!(
            svg,
            r##"<line x1="{x}" y1="{}" x2="{}" y2="{}" stroke="#888" stroke-dasharray="4 3"/><text x="{}" y="{y}">linear from the smallest size</text>"##,
            y - 4.0,
            x + 18.0,
            y - 4.0,
            x + 22.0,
        );
        x += 200.0;
    }
    if chart.panels.iter().any(|p| p.limit.is_some()) {
        let _ = writeln!(
            svg,
            r##"<line x1="{x}" y1="{}" x2="{}" y2="{}" stroke="#c00" stroke-dasharray="6 3"/><text x="{}" y="{y}">limit</text>"##,
            y - 4.0,
            x + 18.0,
            y - 4.0,
            x + 22.0,
        );
    }
}

fn render_panel(svg: &mut String, panel: &Panel) {
    let plot_width = PANEL_WIDTH - PLOT_LEFT - PLOT_RIGHT;
    let plot_height = PANEL_HEIGHT - PLOT_TOP - PLOT_BOTTOM;
    let sizes: Vec<f64> = sorted_unique(
        panel
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0)),
    );
    let mut values: Vec<f64> = panel
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .collect();
    if panel.linear_reference {
        values.extend(panel.series.iter().flat_map(linear_reference).map(|p| p.1));
    }
    if let Some((limit, _)) = panel.limit {
        values.push(limit);
    }
    let x_scale = LogScale::spanning(&sizes, plot_width);
    let y_scale = match panel.y_axis {
        YAxis::Linear => Scale::Linear(LinearScale::from_zero(&values, plot_height)),
        YAxis::Log => Scale::Log(LogScale::spanning(&values, plot_height)),
    };
    let to_x = |size: f64| PLOT_LEFT + x_scale.position(size);
    let to_y = |value: f64| PLOT_TOP + plot_height - y_scale.position(value);

    let _ = writeln!(
        svg,
        r#"<text x="{}" y="18" font-size="12" font-weight="bold" text-anchor="middle">{}</text>"#,
        PANEL_WIDTH / 2.0,
        escape(&panel.title)
    );
    let _ = writeln!(
        svg,
        r##"<rect x="{PLOT_LEFT}" y="{PLOT_TOP}" width="{plot_width}" height="{plot_height}" fill="none" stroke="#999"/>"##
    );
    for &size in &sizes {
        let x = to_x(size);
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.1}" y1="{PLOT_TOP}" x2="{x:.1}" y2="{:.1}" stroke="#eee"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            PLOT_TOP + plot_height,
            PLOT_TOP + plot_height + 14.0,
            short_number(size)
        );
    }
    for tick in y_scale.ticks() {
        let y = to_y(tick);
        let _ = writeln!(
            svg,
            r##"<line x1="{PLOT_LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#eee"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            PLOT_LEFT + plot_width,
            PLOT_LEFT - 4.0,
            y + 4.0,
            short_number(tick)
        );
    }
    let _ = writeln!(
        svg,
        r#"<text class="axis-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        PLOT_LEFT + plot_width / 2.0,
        PANEL_HEIGHT - 14.0,
        escape(&panel.x_label)
    );
    let label_y = PLOT_TOP + plot_height / 2.0;
    let _ = writeln!(
        svg,
        r#"<text class="axis-label" x="14" y="{label_y:.1}" text-anchor="middle" transform="rotate(-90 14 {label_y:.1})">{}</text>"#,
        escape(&panel.y_label)
    );
    if let Some((limit, label)) = &panel.limit {
        let y = to_y(*limit);
        let _ = writeln!(
            svg,
            r##"<line class="limit" x1="{PLOT_LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#c00" stroke-dasharray="6 3"/><text x="{:.1}" y="{:.1}" fill="#c00" text-anchor="end">{}</text>"##,
            PLOT_LEFT + plot_width,
            PLOT_LEFT + plot_width - 4.0,
            y - 4.0,
            escape(label)
        );
    }
    for series in &panel.series {
        let points = |points: &[(f64, f64)]| {
            points
                .iter()
                .map(|&(size, value)| format!("{:.1},{:.1}", to_x(size), to_y(value)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        if panel.linear_reference && series.points.len() > 1 {
            let _ = writeln!(
                svg,
                r#"<polyline class="reference" points="{}" fill="none" stroke="{}" stroke-opacity="0.5" stroke-dasharray="4 3"/>"#,
                points(&linear_reference(series)),
                series.colour
            );
        }
        let _ = writeln!(
            svg,
            r#"<polyline class="series" data-series="{}" points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            escape(&series.name),
            points(&series.points),
            series.colour
        );
        for &(size, value) in &series.points {
            let _ = writeln!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"><title>{}: {} → {}</title></circle>"#,
                to_x(size),
                to_y(value),
                series.colour,
                escape(&series.name),
                short_number(size),
                short_number(value)
            );
        }
    }
}

/// Where the series would be if its cost grew in proportion to size from its smallest point.
fn linear_reference(series: &Series) -> Vec<(f64, f64)> {
    let Some(&(base_size, base_value)) = series.points.iter().min_by(|a, b| a.0.total_cmp(&b.0))
    else {
        return Vec::new();
    };
    let mut sizes: Vec<f64> = series.points.iter().map(|p| p.0).collect();
    sizes.sort_by(f64::total_cmp);
    sizes
        .into_iter()
        .map(|size| (size, base_value * size / base_size))
        .collect()
}

fn sorted_unique(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut values: Vec<f64> = values.filter(|v| v.is_finite()).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    values
}

enum Scale {
    Linear(LinearScale),
    Log(LogScale),
}

impl Scale {
    fn position(&self, value: f64) -> f64 {
        match self {
            Scale::Linear(scale) => scale.position(value),
            Scale::Log(scale) => scale.position(value),
        }
    }

    fn ticks(&self) -> Vec<f64> {
        match self {
            Scale::Linear(scale) => scale.ticks(),
            Scale::Log(scale) => scale.ticks(),
        }
    }
}

/// 0 to a round number above the largest value.
struct LinearScale {
    top: f64,
    step: f64,
    length: f64,
}

impl LinearScale {
    fn from_zero(values: &[f64], length: f64) -> LinearScale {
        let largest = values.iter().copied().fold(0.0_f64, f64::max).max(1e-9);
        let step = nice_step(largest / 5.0);
        LinearScale {
            top: (largest * 1.05 / step).ceil() * step,
            step,
            length,
        }
    }

    fn position(&self, value: f64) -> f64 {
        value / self.top * self.length
    }

    fn ticks(&self) -> Vec<f64> {
        let count = (self.top / self.step).round() as usize;
        (0..=count).map(|n| n as f64 * self.step).collect()
    }
}

/// The smallest of 1, 2, 5 × 10ⁿ at or above `rough`.
fn nice_step(rough: f64) -> f64 {
    let power = 10_f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&step| step >= rough)
        .unwrap_or(10.0 * power)
}

/// Logarithmic, a little wider than the values so that no point sits on the frame.
struct LogScale {
    low: f64,
    high: f64,
    length: f64,
}

impl LogScale {
    fn spanning(values: &[f64], length: f64) -> LogScale {
        let positive: Vec<f64> = values.iter().copied().filter(|v| *v > 0.0).collect();
        let smallest = positive.iter().copied().fold(f64::INFINITY, f64::min);
        let largest = positive.iter().copied().fold(0.0_f64, f64::max);
        let (smallest, largest) = if smallest.is_finite() {
            (smallest, largest)
        } else {
            (1.0, 10.0)
        };
        // A quarter of the span (at least a fifth of a decade) of room on each side.
        let margin = ((largest / smallest).log10() / 4.0).max(0.2);
        LogScale {
            low: smallest.log10() - margin,
            high: largest.log10() + margin,
            length,
        }
    }

    fn position(&self, value: f64) -> f64 {
        (value.max(1e-12).log10() - self.low) / (self.high - self.low) * self.length
    }

    /// 1, 2 and 5 × each power of ten in range; only the powers when that is too many.
    fn ticks(&self) -> Vec<f64> {
        let decades = (self.low.floor() as i32)..=(self.high.ceil() as i32);
        let in_range = |v: &f64| (self.low..=self.high).contains(&v.log10());
        let all: Vec<f64> = decades
            .clone()
            .flat_map(|d| [1.0, 2.0, 5.0].map(|m| m * 10_f64.powi(d)))
            .filter(in_range)
            .collect();
        if all.len() <= 8 {
            all
        } else {
            decades.map(|d| 10_f64.powi(d)).filter(in_range).collect()
        }
    }
}

/// 1M, 50k, 250, 2.5, 0.35: short enough for a tick.
pub(crate) fn short_number(value: f64) -> String {
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    };
    let magnitude = value.abs();
    if magnitude >= 1e6 {
        format!("{}M", trim(format!("{:.1}", value / 1e6)))
    } else if magnitude >= 1e4 {
        format!("{}k", trim(format!("{:.1}", value / 1e3)))
    } else if magnitude >= 100.0 || magnitude == 0.0 {
        format!("{value:.0}")
    } else if magnitude >= 1.0 {
        trim(format!("{value:.1}"))
    } else {
        trim(format!("{value:.3}"))
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, points: &[(f64, f64)]) -> Series {
        Series {
            name: name.into(),
            colour: "#1f77b4",
            points: points.to_vec(),
        }
    }

    fn two_panel_chart() -> Chart {
        Chart {
            title: "Cost curves <quick run>".into(),
            notes: vec!["2 vCPU".into()],
            columns: 2,
            panels: vec![
                Panel {
                    title: "product import".into(),
                    x_label: "products".into(),
                    y_label: "wall time (s)".into(),
                    y_axis: YAxis::Log,
                    series: vec![
                        series(
                            "SQLite",
                            &[(10_000.0, 6.0), (50_000.0, 31.0), (100_000.0, 64.0)],
                        ),
                        series("PostgreSQL", &[(10_000.0, 14.0), (100_000.0, 150.0)]),
                    ],
                    limit: None,
                    linear_reference: true,
                },
                Panel {
                    title: "product import".into(),
                    x_label: "products".into(),
                    y_label: "peak RSS (MB)".into(),
                    y_axis: YAxis::Linear,
                    series: vec![series("SQLite", &[(10_000.0, 48.0), (100_000.0, 52.0)])],
                    limit: Some((150.0, "150 MB".into())),
                    linear_reference: false,
                },
            ],
        }
    }

    #[test]
    fn each_series_is_one_polyline_with_a_point_per_measurement() {
        let svg = render(&two_panel_chart());
        assert!(svg.starts_with("<svg "));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches(r#"<polyline class="series""#).count(), 3);
        assert_eq!(svg.matches("<circle ").count(), 3 + 2 + 2);
        // A linear reference for each series of the log panel, none for the memory panel.
        assert_eq!(svg.matches(r#"<polyline class="reference""#).count(), 2);
        assert_eq!(svg.matches(r#"class="limit""#).count(), 1);
        let sqlite_import = svg
            .lines()
            .find(|l| l.contains(r#"data-series="SQLite""#))
            .unwrap();
        assert_eq!(sqlite_import.matches(',').count(), 3, "{sqlite_import}");
    }

    #[test]
    fn axes_and_titles_are_labelled_and_text_is_escaped() {
        let svg = render(&two_panel_chart());
        assert!(svg.contains(">wall time (s)</text>"));
        assert!(svg.contains(">peak RSS (MB)</text>"));
        assert_eq!(svg.matches(">products</text>").count(), 2);
        // Measured sizes are the x ticks.
        assert!(svg.contains(">10k</text>") && svg.contains(">50k</text>"));
        assert!(svg.contains(">100k</text>"));
        assert!(svg.contains("Cost curves &lt;quick run&gt;"));
        assert!(!svg.contains("<quick run>"));
    }

    #[test]
    fn larger_values_are_drawn_higher_and_larger_sizes_further_right() {
        let svg = render(&two_panel_chart());
        let line = svg
            .lines()
            .find(|l| l.contains(r#"data-series="SQLite""#))
            .unwrap();
        let points: Vec<(f64, f64)> = line
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        assert!(points[0].0 < points[1].0 && points[1].0 < points[2].0);
        // SVG's y grows downwards.
        assert!(points[0].1 > points[1].1 && points[1].1 > points[2].1);
    }

    #[test]
    fn the_linear_reference_scales_the_smallest_point_by_size() {
        let reference = linear_reference(&series("s", &[(50.0, 9.0), (10.0, 2.0), (100.0, 30.0)]));
        assert_eq!(reference, vec![(10.0, 2.0), (50.0, 10.0), (100.0, 20.0)]);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(short_number(1_000_000.0), "1M");
        assert_eq!(short_number(1_010_000.0), "1M");
        assert_eq!(short_number(50_000.0), "50k");
        assert_eq!(short_number(2_500.0), "2500");
        assert_eq!(short_number(250.0), "250");
        assert_eq!(short_number(6.0), "6");
        assert_eq!(short_number(2.5), "2.5");
        assert_eq!(short_number(0.35), "0.35");
        assert_eq!(short_number(0.0), "0");
    }

    #[test]
    fn scales_have_round_ticks() {
        assert_eq!(nice_step(23.0), 50.0);
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(
            LinearScale::from_zero(&[48.0, 150.0], 100.0).ticks().last(),
            Some(&200.0)
        );
        let log = LogScale::spanning(&[6.0, 64.0], 100.0);
        assert!(log.ticks().contains(&10.0) && log.ticks().contains(&50.0));
    }
}
