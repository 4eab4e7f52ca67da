//! Finding orders: what the orders page, the API and the CLI are given (a search text, a store,
//! a vendor, a routing state, a range of order dates, a cursor and a page size), parsed once
//! here so every surface accepts and refuses the same values, each error naming its field.
//!
//! Pages are keyset pages, newest first: a cursor says "older than" or "newer than" an order's
//! position, so a page costs the same at the end of ten years of history as at its start, and
//! orders arriving meanwhile never shift a row onto the next page twice. The cursor is opaque
//! to people (the position is wharf's own order id, which never appears to a person).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::order::RoutingState;
use super::{FieldError, FieldErrors};

/// The most rows one page holds; a bigger page is refused rather than cut silently.
pub const MAX_PAGE_SIZE: i64 = 500;
/// A search text longer than this is no order number, name, email, SKU or tracking number.
const MAX_QUERY_CHARS: usize = 200;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The filters as given: text from an address, a form or the command line. Empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct OrderSearchInput {
    /// A BigCommerce order number, part of a customer's name or email, a SKU or a tracking
    /// number.
    pub q: String,
    pub store_id: String,
    pub vendor_id: String,
    /// waiting | routed | needs_attention | cancelled
    pub state: String,
    /// The first day (YYYY-MM-DD, UTC) or instant (RFC 3339) the order was placed on.
    pub from: String,
    /// The last day (YYYY-MM-DD, UTC; the whole day counts) or instant the order was placed on.
    pub to: String,
    pub cursor: String,
}

/// A search text, in the forms the queries compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    /// Lowercased, for exact SKU and tracking number matches.
    pub exact: String,
    /// `%text%` with LIKE's wildcards escaped (by `\`), lowercased: names and emails contain it.
    pub contains: String,
    /// The order number it names, when it is one (`118` or `#118`).
    pub number: Option<i64>,
}

impl SearchText {
    pub fn parse(text: &str) -> Result<Option<Self>, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(FieldError::new(
                "q",
                format!("Search for at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let exact = text.to_lowercase();
        let mut contains = String::with_capacity(exact.len() + 2);
        contains.push('%');
        for c in exact.chars() {
            if matches!(c, '%' | '_' | '\\') {
                contains.push('\\');
            }
            contains.push(c);
        }
        contains.push('%');
        let number = text
            .strip_prefix('#')
            .unwrap_or(text)
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0);
        Ok(Some(SearchText {
            exact,
            contains,
            number,
        }))
    }
}

/// Where a page starts, relative to the page the operator came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderCursor {
    /// The page of orders just older than this position.
    OlderThan(i64),
    /// The page of orders just newer than this position.
    NewerThan(i64),
}

impl OrderCursor {
    /// The cursor as it travels in an address: opaque, URL-safe.
    pub fn encode(self) -> String {
        let text = match self {
            OrderCursor::OlderThan(position) => format!("older:{position}"),
            OrderCursor::NewerThan(position) => format!("newer:{position}"),
        };
        URL_SAFE_NO_PAD.encode(text)
    }

    pub fn parse(token: &str) -> Result<Self, FieldError> {
        let broken = || {
            FieldError::new(
                "cursor",
                "This page link is broken or out of date; start again from the first page",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| broken())?;
        let text = String::from_utf8(bytes).map_err(|_| broken())?;
        let (direction, position) = text.split_once(':').ok_or_else(broken)?;
        let position: i64 = position.parse().map_err(|_| broken())?;
        match direction {
            "older" => Ok(OrderCursor::OlderThan(position)),
            "newer" => Ok(OrderCursor::NewerThan(position)),
            _ => Err(broken()),
        }
    }
}

/// A parsed search: every value valid, `None` meaning "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderSearch {
    pub text: Option<SearchText>,
    pub store_id: Option<i64>,
    pub vendor_id: Option<i64>,
    pub state: Option<RoutingState>,
    /// Placed at or after (unix ms).
    pub placed_from_ms: Option<i64>,
    /// Placed before (unix ms).
    pub placed_until_ms: Option<i64>,
    pub cursor: Option<OrderCursor>,
}

impl OrderSearch {
    /// Parses every filter, reporting every bad one at once.
    pub fn parse(input: &OrderSearchInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let text = errors.check(SearchText::parse(&input.q)).flatten();
        let store_id = errors
            .check(parse_id("store_id", "store", &input.store_id))
            .flatten();
        let vendor_id = errors
            .check(parse_id("vendor_id", "vendor", &input.vendor_id))
            .flatten();
        let state = errors.check(parse_state(&input.state)).flatten();
        let placed_from_ms = errors
            .check(parse_instant("from", &input.from, Bound::Start))
            .flatten();
        let placed_until_ms = errors
            .check(parse_instant("to", &input.to, Bound::End))
            .flatten();
        if let (Some(from), Some(until)) = (placed_from_ms, placed_until_ms)
            && until <= from
        {
            errors.push(FieldError::new(
                "to",
                "The end date is before the start date",
            ));
        }
        let cursor = match input.cursor.trim() {
            "" => None,
            token => errors.check(OrderCursor::parse(token)),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(OrderSearch {
            text,
            store_id,
            vendor_id,
            state,
            placed_from_ms,
            placed_until_ms,
            cursor,
        })
    }
}

/// A page size between 1 and [`MAX_PAGE_SIZE`]; empty is `default`.
pub fn parse_page_size(field: &'static str, text: &str, default: i64) -> Result<i64, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(default);
    }
    text.parse::<i64>()
        .ok()
        .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
        .ok_or_else(|| {
            FieldError::new(
                field,
                format!("{field} must be a whole number from 1 to {MAX_PAGE_SIZE}, not {text:?}"),
            )
        })
}

fn parse_id(field: &'static str, what: &str, text: &str) -> Result<Option<i64>, FieldError> {
    match text.trim() {
        "" => Ok(None),
        id => id
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| FieldError::new(field, format!("Choose a {what} from the list"))),
    }
}

fn parse_state(text: &str) -> Result<Option<RoutingState>, FieldError> {
    match text.trim() {
        "" => Ok(None),
        key => RoutingState::parse(&key.replace('-', "_"))
            .map(Some)
            .ok_or_else(|| {
                FieldError::new(
                    "state",
                    "state must be waiting, routed, needs_attention or cancelled",
                )
            }),
    }
}

#[derive(Clone, Copy)]
enum Bound {
    Start,
    /// A day given as an end includes the whole day.
    End,
}

fn parse_instant(field: &'static str, text: &str, bound: Bound) -> Result<Option<i64>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || {
        FieldError::new(
            field,
            format!("{text:?} is not a date: write it as 2026-12-31 (or an RFC 3339 time)"),
        )
    };
    let ms = if let Ok(day) = text.parse::<jiff::civil::Date>() {
        let start = day
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map_err(|_| invalid())?
            .timestamp()
            .as_millisecond();
        match bound {
            Bound::Start => start,
            Bound::End => start + DAY_MS,
        }
    } else {
        let at = text.parse::<jiff::Timestamp>().map_err(|_| invalid())?;
        match bound {
            Bound::Start => at.as_millisecond(),
            // An instant given as the end is included.
            Bound::End => at.as_millisecond() + 1,
        }
    };
    if ms < 0 {
        return Err(FieldError::new(field, "Choose a date from 1970 on"));
    }
    Ok(Some(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(input: OrderSearchInput) -> Result<OrderSearch, FieldErrors> {
        OrderSearch::parse(&input)
    }

    #[test]
    fn empty_filters_match_everything() {
        assert_eq!(
            search(OrderSearchInput::default()),
            Ok(OrderSearch::default())
        );
    }

    #[test]
    fn a_search_text_is_a_number_and_a_pattern() {
        let text = SearchText::parse(" #118 ").unwrap().unwrap();
        assert_eq!(text.number, Some(118));
        assert_eq!(text.exact, "#118");
        let text = SearchText::parse("50%_Off\\").unwrap().unwrap();
        assert_eq!(text.contains, "%50\\%\\_off\\\\%");
        assert_eq!(text.number, None);
        assert!(SearchText::parse(&"x".repeat(201)).is_err());
    }

    #[test]
    fn a_day_as_the_end_includes_the_whole_day() {
        let found = search(OrderSearchInput {
            from: "2026-12-01".into(),
            to: "2026-12-01".into(),
            ..Default::default()
        })
        .unwrap();
        let from = found.placed_from_ms.unwrap();
        assert_eq!(found.placed_until_ms, Some(from + DAY_MS));
    }

    #[test]
    fn every_bad_filter_is_named() {
        let errors = search(OrderSearchInput {
            store_id: "abc".into(),
            vendor_id: "-1".into(),
            state: "lost".into(),
            from: "yesterday".into(),
            to: "31/12/2026".into(),
            cursor: "not a cursor".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["store_id", "vendor_id", "state", "from", "to", "cursor"]
        );
    }

    #[test]
    fn an_end_before_the_start_is_refused() {
        let errors = search(OrderSearchInput {
            from: "2026-12-02".into(),
            to: "2026-12-01".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            errors.for_field("to"),
            Some("The end date is before the start date")
        );
    }

    #[test]
    fn a_cursor_survives_its_round_trip_and_hides_its_position() {
        for cursor in [OrderCursor::OlderThan(41), OrderCursor::NewerThan(7)] {
            let token = cursor.encode();
            assert!(!token.contains("41") && !token.contains('7'), "{token}");
            assert_eq!(OrderCursor::parse(&token), Ok(cursor));
        }
        assert!(OrderCursor::parse("b2xkZXI6eA").is_err(), "older:x");
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(parse_page_size("limit", "", 50), Ok(50));
        assert_eq!(parse_page_size("limit", "500", 50), Ok(500));
        assert!(parse_page_size("limit", "0", 50).is_err());
        assert!(parse_page_size("limit", "501", 50).is_err());
        assert!(parse_page_size("limit", "ten", 50).is_err());
    }
}
