//! What goes in which request, and in which order: levels going to 0 first (an item that sold
//! out must stop selling before anything else changes), then by location, at most 2,000 items a
//! request and one location each. A walk of the whole store finds levels a chunk at a time:
//! a location's zeros go as soon as a request's worth of them is found, and the rest (the last
//! few zeros of each location and every other level, 40 bytes each) wait until the walk ends,
//! so the requests are exactly those one sorted list of every level would make.

use std::collections::BTreeMap;

use crate::channels::bigcommerce::inventory::MAX_LEVELS_PER_REQUEST;

use super::desired::Level;

/// Levels found and not sent yet.
#[derive(Default)]
pub(super) struct Outbox {
    /// Zeros by location, fewer than a request's worth each.
    zeros: BTreeMap<i64, Vec<Level>>,
    /// Every other level found.
    others: Vec<Level>,
}

impl Outbox {
    /// Keeps the level; returns a request's worth of zeros at one location once there is one.
    pub fn add(&mut self, level: Level) -> Option<Vec<Level>> {
        if level.quantity != 0 {
            self.others.push(level);
            return None;
        }
        let zeros = self.zeros.entry(level.at.location_id).or_default();
        zeros.push(level);
        (zeros.len() >= MAX_LEVELS_PER_REQUEST).then(|| std::mem::take(zeros))
    }

    /// What is left, in the order it goes: batch it with [`batches`].
    pub fn into_rest(self) -> Vec<Level> {
        let mut rest: Vec<Level> = self.zeros.into_values().flatten().collect();
        rest.extend(self.others);
        order_for_sending(&mut rest);
        rest
    }
}

/// Zeros first — an item that sold out must stop selling before anything else changes — then
/// by location, so that batches group by location.
fn order_for_sending(levels: &mut [Level]) {
    levels.sort_by_key(|l| (l.quantity != 0, l.at.location_id, l.at.kind, l.at.item_id));
}

/// Consecutive levels at one location, at most [`MAX_LEVELS_PER_REQUEST`] each; the input's
/// order (zeros first) is kept.
pub(super) fn batches(levels: &[Level]) -> Vec<&[Level]> {
    let mut batches = Vec::new();
    let mut start = 0;
    for i in 1..=levels.len() {
        let boundary = i == levels.len()
            || levels[i].at.location_id != levels[start].at.location_id
            || i - start == MAX_LEVELS_PER_REQUEST;
        if boundary {
            batches.push(&levels[start..i]);
            start = i;
        }
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::inventory::{ItemAt, ItemKind};

    fn level(id: i64, location: i64, quantity: i64) -> Level {
        Level {
            at: ItemAt {
                kind: ItemKind::Variant,
                item_id: id,
                location_id: location,
            },
            external_id: id,
            quantity,
        }
    }

    #[test]
    fn zeros_go_first_and_batches_hold_one_location_and_at_most_2000_items() {
        let mut levels: Vec<Level> = (0..4100).map(|i| level(i, 1, 5)).collect();
        levels.extend((0..10).map(|i| level(10_000 + i, 2, 0)));
        levels.extend((0..10).map(|i| level(20_000 + i, 1, 0)));
        levels.push(level(30_000, 2, 7));
        order_for_sending(&mut levels);
        let sizes: Vec<(i64, usize, bool)> = batches(&levels)
            .iter()
            .map(|b| {
                (
                    b[0].at.location_id,
                    b.len(),
                    b.iter().all(|l| l.quantity == 0),
                )
            })
            .collect();
        assert_eq!(
            sizes,
            [
                (1, 10, true),
                (2, 10, true),
                (1, 2000, false),
                (1, 2000, false),
                (1, 100, false),
                (2, 1, false)
            ]
        );
        assert!(batches(&[]).is_empty());
    }

    #[test]
    fn a_location_s_zeros_go_as_soon_as_a_request_s_worth_is_found_and_the_rest_in_order() {
        let mut outbox = Outbox::default();
        let mut sent = Vec::new();
        for i in 0..2100 {
            sent.extend(outbox.add(level(i, 1, i64::from(i % 3 == 0) * 4)));
        }
        for i in 0..1999 {
            sent.extend(outbox.add(level(10_000 + i, 2, 0)));
        }
        assert!(
            sent.is_empty(),
            "1,400 zeros at location 1 and 1,999 at location 2: none sent yet"
        );
        for i in 1999..4010 {
            sent.extend(outbox.add(level(10_000 + i, 2, 0)));
        }
        assert_eq!(sent.len(), 2);
        assert!(sent.iter().all(|b| b.len() == MAX_LEVELS_PER_REQUEST
            && b.iter().all(|l| l.quantity == 0 && l.at.location_id == 2)));
        let rest = outbox.into_rest();
        let shape: Vec<(i64, usize, bool)> = batches(&rest)
            .iter()
            .map(|b| {
                (
                    b[0].at.location_id,
                    b.len(),
                    b.iter().all(|l| l.quantity == 0),
                )
            })
            .collect();
        // Every zero left before any other level, as one sorted list of every level would
        // batch them.
        assert_eq!(shape, [(1, 1400, true), (2, 10, true), (1, 700, false)]);
        assert_eq!(rest.iter().position(|l| l.quantity != 0), Some(1410));
    }
}
