//! The vertical axis: from the largest value to a round top and evenly spaced ticks, and from
//! a value to its place on the page.

use super::chart::Unit;

/// The axis from zero to `top`, with a tick every `step`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Axis {
    pub top: f64,
    pub step: f64,
}

/// About this many steps from zero to the top: enough to read a value off, few enough to label.
const STEPS: f64 = 4.0;

impl Axis {
    /// An axis for values up to `max`: the top is the first tick at or above it, ticks fall on
    /// 1, 2 or 5 times a power of ten, and counts are never split below one.
    pub fn fitting(max: f64, unit: Unit) -> Axis {
        let max = if max.is_finite() && max > 0.0 {
            max
        } else {
            0.0
        };
        if max == 0.0 {
            // Nothing above zero: a unit-sized axis, so the empty chart still has a scale.
            return Axis {
                top: 1.0,
                step: 1.0,
            };
        }
        let mut step = round_step(max / STEPS);
        if unit == Unit::Count {
            step = step.max(1.0);
        }
        let top = (max / step).ceil() * step;
        Axis { top, step }
    }

    /// The ticks from zero to the top, inclusive.
    pub fn ticks(&self) -> Vec<f64> {
        let count = (self.top / self.step).round() as usize;
        (0..=count).map(|i| i as f64 * self.step).collect()
    }

    /// Where `value` sits between zero (0.0) and the top (1.0); values beyond are held at the
    /// ends, so a line never leaves its chart.
    pub fn fraction(&self, value: f64) -> f64 {
        (value / self.top).clamp(0.0, 1.0)
    }
}

/// The smallest of 1, 2, 5 or 10 times a power of ten that is at least `raw`.
fn round_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    let mantissa = raw / power;
    let round = if mantissa <= 1.0 {
        1.0
    } else if mantissa <= 2.0 {
        2.0
    } else if mantissa <= 5.0 {
        5.0
    } else {
        10.0
    };
    round * power
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_is_the_first_round_tick_at_or_above_the_largest_value() {
        assert_eq!(
            Axis::fitting(2400.0, Unit::Millis),
            Axis {
                top: 3000.0,
                step: 1000.0
            }
        );
        assert_eq!(
            Axis::fitting(100.0, Unit::Percent),
            Axis {
                top: 100.0,
                step: 50.0
            }
        );
        assert_eq!(
            Axis::fitting(7.0, Unit::Count).ticks(),
            vec![0.0, 2.0, 4.0, 6.0, 8.0]
        );
    }

    #[test]
    fn counts_are_not_split_below_one() {
        let axis = Axis::fitting(1.0, Unit::Count);
        assert_eq!(axis.ticks(), vec![0.0, 1.0]);
        let axis = Axis::fitting(0.3, Unit::Millis);
        assert!(axis.step < 1.0 && axis.top >= 0.3);
    }

    #[test]
    fn nothing_above_zero_still_makes_an_axis() {
        for max in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            let axis = Axis::fitting(max, Unit::Count);
            assert_eq!(axis.ticks(), vec![0.0, 1.0], "{max}");
        }
    }

    #[test]
    fn a_huge_value_keeps_a_few_round_ticks() {
        let axis = Axis::fitting(3.7e12, Unit::Millis);
        let ticks = axis.ticks();
        assert!((2..=11).contains(&ticks.len()), "{ticks:?}");
        assert!(axis.top >= 3.7e12 && axis.top < 5e12, "{axis:?}");
        assert_eq!(axis.fraction(3.7e12 * 10.0), 1.0);
        assert_eq!(axis.fraction(-1.0), 0.0);
    }
}
