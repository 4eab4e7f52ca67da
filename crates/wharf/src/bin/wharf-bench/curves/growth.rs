//! How a cost grows with size, against its smallest size: linear growth keeps the cost per unit
//! the same, so its ratio stays at 1.

/// One size of a series, against the series' smallest size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Growth {
    pub(crate) size: f64,
    /// size / smallest size.
    pub(crate) size_ratio: f64,
    /// cost(size) / cost(smallest size).
    pub(crate) cost_ratio: f64,
    /// cost_ratio / size_ratio: 1 when the cost per unit did not change, 2 when it doubled.
    pub(crate) per_unit_ratio: f64,
}

/// The growth of each point of a series of (size, cost), in order of size. Points with a cost
/// of 0 or less are left out: no ratio can be taken against them.
pub(crate) fn growth(points: &[(f64, f64)]) -> Vec<Growth> {
    let mut points: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|&(size, cost)| size > 0.0 && cost > 0.0)
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let Some(&(base_size, base_cost)) = points.first() else {
        return Vec::new();
    };
    points
        .into_iter()
        .map(|(size, cost)| {
            let size_ratio = size / base_size;
            let cost_ratio = cost / base_cost;
            Growth {
                size,
                size_ratio,
                cost_ratio,
                per_unit_ratio: cost_ratio / size_ratio,
            }
        })
        .collect()
}

/// How far from linear a cost per unit ratio is, in words for a table: within a quarter either
/// way reads as linear (the machine's noise under other work is about that).
pub(crate) fn verdict(per_unit_ratio: f64) -> &'static str {
    if per_unit_ratio > 1.25 {
        "faster than linear"
    } else if per_unit_ratio < 0.8 {
        "slower than linear (fixed costs amortised)"
    } else {
        "linear"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_taken_against_the_smallest_size() {
        let grown = growth(&[(100_000.0, 64.0), (10_000.0, 6.4), (50_000.0, 40.0)]);
        let sizes: Vec<f64> = grown.iter().map(|g| g.size).collect();
        assert_eq!(sizes, vec![10_000.0, 50_000.0, 100_000.0]);
        assert_eq!(grown[0].size_ratio, 1.0);
        assert_eq!(grown[0].per_unit_ratio, 1.0);
        assert_eq!(grown[1].size_ratio, 5.0);
        assert!((grown[1].cost_ratio - 6.25).abs() < 1e-9);
        assert!((grown[1].per_unit_ratio - 1.25).abs() < 1e-9);
        assert_eq!(grown[2].size_ratio, 10.0);
        assert!((grown[2].cost_ratio - 10.0).abs() < 1e-9);
        assert!((grown[2].per_unit_ratio - 1.0).abs() < 1e-9);
    }

    #[test]
    fn quadratic_growth_shows_in_the_per_unit_ratio() {
        let grown = growth(&[(1.0, 1.0), (10.0, 100.0)]);
        assert_eq!(grown[1].per_unit_ratio, 10.0);
        assert_eq!(verdict(grown[1].per_unit_ratio), "faster than linear");
        assert_eq!(verdict(1.1), "linear");
        assert_eq!(verdict(0.5), "slower than linear (fixed costs amortised)");
    }

    #[test]
    fn costs_without_a_ratio_are_left_out() {
        assert!(growth(&[]).is_empty());
        let grown = growth(&[(10.0, 0.0), (20.0, 4.0), (40.0, 8.0)]);
        assert_eq!(grown.len(), 2);
        assert_eq!(grown[0].size, 20.0);
        assert_eq!(grown[1].per_unit_ratio, 1.0);
    }
}
