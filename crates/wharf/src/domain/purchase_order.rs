//! A purchase order as its vendor works it: the state it is in (derived from what is stored:
//! cancelled, closed, accepted, what shipped), who acted on it, the reason a line is declined,
//! and the vendor's search of its purchase orders — parsed once here so the vendor API and the
//! portal accept and refuse the same values, each error naming its parameter.
//!
//! The vendor's list puts what is still to do first (open, accepted, partly shipped), then
//! what is done (shipped, cancelled, closed), each newest first. Its keyset cursor is that
//! position — (done, id) — opaque to people, like the orders list's.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::order_search::{SearchText, parse_page_size};
use super::{FieldError, FieldErrors};

/// The longest reason a vendor may give for declining a line.
pub const MAX_DECLINE_REASON_CHARS: usize = 500;
/// The most purchase orders one packing-slip PDF holds.
pub const MAX_SLIPS_PER_PDF: usize = 50;

/// Where a purchase order stands for its vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseOrderState {
    /// New: not accepted, nothing shipped.
    Open,
    /// The vendor acknowledged it; nothing shipped yet.
    Accepted,
    PartlyShipped,
    Shipped,
    /// The order was cancelled, refunded, declined or archived in BigCommerce.
    Cancelled,
    /// Every line was declined by the vendor: nothing is left to ship.
    Closed,
}

impl PurchaseOrderState {
    pub const ALL: [PurchaseOrderState; 6] = [
        PurchaseOrderState::Open,
        PurchaseOrderState::Accepted,
        PurchaseOrderState::PartlyShipped,
        PurchaseOrderState::Shipped,
        PurchaseOrderState::Cancelled,
        PurchaseOrderState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseOrderState::Open => "open",
            PurchaseOrderState::Accepted => "accepted",
            PurchaseOrderState::PartlyShipped => "partly_shipped",
            PurchaseOrderState::Shipped => "shipped",
            PurchaseOrderState::Cancelled => "cancelled",
            PurchaseOrderState::Closed => "closed",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == key)
    }

    /// The state in words, for pages and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            PurchaseOrderState::Open => "New",
            PurchaseOrderState::Accepted => "Accepted by vendor",
            PurchaseOrderState::PartlyShipped => "Partly shipped",
            PurchaseOrderState::Shipped => "Shipped",
            PurchaseOrderState::Cancelled => "Cancelled",
            PurchaseOrderState::Closed => "Closed: every line declined",
        }
    }

    /// Nothing is left for the vendor to do: listed after what is still to do.
    pub fn is_done(self) -> bool {
        matches!(
            self,
            PurchaseOrderState::Shipped
                | PurchaseOrderState::Cancelled
                | PurchaseOrderState::Closed
        )
    }
}

/// Who at the vendor acted on a purchase order, as the timeline and the operator read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VendorActor {
    /// A call of the vendor API with the vendor's token.
    ApiToken,
    /// A person signed in to the vendor portal, by the name they go by.
    User(String),
}

impl VendorActor {
    pub fn describe(&self) -> &str {
        match self {
            VendorActor::ApiToken => "API token",
            VendorActor::User(name) => name,
        }
    }
}

/// Why a vendor can't fulfil a line: said in words, trimmed, at most
/// [`MAX_DECLINE_REASON_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclineReason(String);

impl DeclineReason {
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(FieldError::new(
                "reason",
                "Say why you can't fulfil this line (for example \"out of stock until March\")",
            ));
        }
        if text.chars().count() > MAX_DECLINE_REASON_CHARS {
            return Err(FieldError::new(
                "reason",
                format!("Say it in at most {MAX_DECLINE_REASON_CHARS} characters"),
            ));
        }
        Ok(DeclineReason(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A decline as sent: why the vendor can't fulfil the line.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DeclineInput {
    /// Why, in words the merchant reads (at most 500 characters).
    pub reason: String,
}

/// The vendor's search as given: text from an address or a form. Empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PurchaseOrderSearchInput {
    /// The store's order number, a SKU or tracking number (exact), part of a product or
    /// customer name.
    pub q: String,
    /// open | accepted | partly_shipped | shipped | cancelled | closed
    pub state: String,
    /// `open` (not cancelled or closed) or `all`. Empty: `open`, unless `q` or `state` is
    /// given, which search every purchase order.
    pub status: String,
    /// Purchase orders created after this instant (RFC 3339) are marked new.
    pub seen_since: String,
    pub cursor: String,
    pub limit: String,
}

/// Where a page of the vendor's list starts: just after this position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurchaseOrderCursor {
    pub done: bool,
    pub id: i64,
}

impl PurchaseOrderCursor {
    pub fn encode(self) -> String {
        URL_SAFE_NO_PAD.encode(format!("po:{}:{}", u8::from(self.done), self.id))
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
        let mut parts = text.split(':');
        let (Some("po"), Some(done), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(broken());
        };
        let done = match done {
            "0" => false,
            "1" => true,
            _ => return Err(broken()),
        };
        let id = id.parse().map_err(|_| broken())?;
        Ok(PurchaseOrderCursor { done, id })
    }
}

/// A parsed search of one vendor's purchase orders: every value valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseOrderSearch {
    pub text: Option<SearchText>,
    pub state: Option<PurchaseOrderState>,
    /// Only purchase orders still open (not cancelled or closed).
    pub only_open: bool,
    pub seen_since_ms: Option<i64>,
    pub cursor: Option<PurchaseOrderCursor>,
    pub limit: i64,
}

/// A page holds this many purchase orders unless the caller asks for another size.
pub const DEFAULT_PAGE_SIZE: i64 = 100;

impl PurchaseOrderSearch {
    /// Parses every parameter, reporting every bad one at once.
    pub fn parse(input: &PurchaseOrderSearchInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let text = errors.check(SearchText::parse(&input.q)).flatten();
        let state = match input.state.trim() {
            "" => None,
            key => errors.check(
                PurchaseOrderState::parse(&key.replace('-', "_")).ok_or_else(|| {
                    FieldError::new(
                        "state",
                        "state must be open, accepted, partly_shipped, shipped, cancelled or closed",
                    )
                }),
            ),
        };
        let only_open = match input.status.trim() {
            "" => text.is_none() && state.is_none(),
            "open" => true,
            "all" => false,
            _ => {
                errors.push(FieldError::new("status", "status must be open or all"));
                false
            }
        };
        let seen_since_ms = match input.seen_since.trim() {
            "" => None,
            text => errors.check(
                text.parse::<jiff::Timestamp>()
                    .map(|at| at.as_millisecond())
                    .map_err(|_| {
                        FieldError::new(
                            "seen_since",
                            format!(
                                "{text:?} is not a time: write it as RFC 3339, e.g. 2026-12-07T09:30:00Z"
                            ),
                        )
                    }),
            ),
        };
        let cursor = match input.cursor.trim() {
            "" => None,
            token => errors.check(PurchaseOrderCursor::parse(token)),
        };
        let limit = errors.check(parse_page_size("limit", &input.limit, DEFAULT_PAGE_SIZE));
        match limit {
            Some(limit) if errors.is_empty() => Ok(PurchaseOrderSearch {
                text,
                state,
                only_open,
                seen_since_ms,
                cursor,
                limit,
            }),
            _ => Err(errors),
        }
    }
}

/// A list of purchase-order ids as an address gives it (`1,2,3`): at least one, at most
/// [`MAX_SLIPS_PER_PDF`], each a positive number; repeats are dropped, the order kept.
pub fn parse_id_list(field: &'static str, text: &str) -> Result<Vec<i64>, FieldError> {
    let mut ids = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id = part
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    format!("{part:?} is not a purchase order id: list ids as 1,2,3"),
                )
            })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(FieldError::new(
            field,
            "Name at least one purchase order, as ids=1,2,3",
        ));
    }
    if ids.len() > MAX_SLIPS_PER_PDF {
        return Err(FieldError::new(
            field,
            format!("At most {MAX_SLIPS_PER_PDF} purchase orders in one PDF"),
        ));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_split_into_to_do_and_done() {
        for state in PurchaseOrderState::ALL {
            assert_eq!(PurchaseOrderState::parse(state.as_str()), Some(state));
        }
        assert!(!PurchaseOrderState::PartlyShipped.is_done());
        assert!(PurchaseOrderState::Closed.is_done());
        assert_eq!(PurchaseOrderState::parse("acknowledged"), None);
    }

    #[test]
    fn a_reason_is_required_trimmed_and_bounded() {
        assert_eq!(
            DeclineReason::parse("  out of stock ").unwrap().as_str(),
            "out of stock"
        );
        assert_eq!(DeclineReason::parse(" \n ").unwrap_err().field, "reason");
        assert!(DeclineReason::parse(&"x".repeat(500)).is_ok());
        assert!(DeclineReason::parse(&"x".repeat(501)).is_err());
    }

    #[test]
    fn the_default_is_open_and_a_search_widens_to_all() {
        let parse = |input: PurchaseOrderSearchInput| PurchaseOrderSearch::parse(&input).unwrap();
        assert!(parse(Default::default()).only_open);
        let searched = parse(PurchaseOrderSearchInput {
            q: "ACME-1".into(),
            ..Default::default()
        });
        assert!(!searched.only_open);
        let narrowed = parse(PurchaseOrderSearchInput {
            q: "ACME-1".into(),
            status: "open".into(),
            ..Default::default()
        });
        assert!(narrowed.only_open);
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let errors = PurchaseOrderSearch::parse(&PurchaseOrderSearchInput {
            state: "lost".into(),
            status: "some".into(),
            seen_since: "yesterday".into(),
            cursor: "nope".into(),
            limit: "0".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["state", "status", "seen_since", "cursor", "limit"]);
    }

    #[test]
    fn a_cursor_survives_its_round_trip() {
        for cursor in [
            PurchaseOrderCursor {
                done: false,
                id: 41,
            },
            PurchaseOrderCursor { done: true, id: 7 },
        ] {
            assert_eq!(PurchaseOrderCursor::parse(&cursor.encode()), Ok(cursor));
        }
        assert!(PurchaseOrderCursor::parse("cG86MjoxMg").is_err(), "po:2:12");
    }

    #[test]
    fn id_lists_are_bounded_and_named() {
        assert_eq!(parse_id_list("ids", "3, 1,3,"), Ok(vec![3, 1]));
        assert!(parse_id_list("ids", "").is_err());
        assert!(
            parse_id_list("ids", "1,x")
                .unwrap_err()
                .message
                .contains("\"x\"")
        );
        let many = (1..=51)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert!(parse_id_list("ids", &many).is_err());
    }
}
