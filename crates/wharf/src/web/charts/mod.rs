//! Hour-by-hour line charts drawn on the server as SVG: no JavaScript, nothing from a CDN.
//!
//! A page states what to draw — a [`LineChart`]: its hours, its series and their unit — and
//! [`LineChart::draw`] lays it out as a [`ChartView`], an askama template the page renders in
//! place. Readable without colour: each series has its own dash pattern, the axes say what and
//! in which unit, the SVG's title and description summarise the chart in words, and a table
//! under it gives every number. It scales to the width it is given (a viewBox, width 100%).
//!
//! **Invariant:** pure. Knows nothing of the database, the app or HTTP: values in, markup out.

mod chart;
mod scale;
mod view;
mod words;

pub use chart::{Hours, LineChart, Series, Stroke, Unit};
pub use view::ChartView;
