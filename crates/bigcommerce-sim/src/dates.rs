//! The date formats BigCommerce mixes: v2 writes RFC-2822 in UTC, v3 writes ISO-8601,
//! and v2 filters accept either (facts §4).

use jiff::{Timestamp, civil::Date, tz::TimeZone};

pub fn now() -> Timestamp {
    // Whole seconds: BigCommerce never shows sub-second precision, and stored times then
    // compare equal to what a client parsed back from a response.
    Timestamp::from_second(Timestamp::now().as_second()).expect("current time is in range")
}

/// `Wed, 10 Jan 2018 21:05:30 +0000`, the v2 response format.
pub fn rfc2822(ts: Timestamp) -> String {
    ts.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// `2022-05-30T12:18:02Z`, the v3 response format.
pub fn iso8601(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `2018-08-15T14:49:05+00:00`, the catalog's date format.
pub fn iso8601_offset(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

/// A v2 date filter: ISO-8601 with offset, RFC-2822, or a bare date (midnight UTC).
pub fn parse_filter(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    if let Ok(ts) = raw.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(raw) {
        return Some(zoned.timestamp());
    }
    let date = raw.parse::<Date>().ok()?;
    date.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_bigcommerce() {
        let ts: Timestamp = "2018-01-10T21:05:30Z".parse().unwrap();
        assert_eq!(rfc2822(ts), "Wed, 10 Jan 2018 21:05:30 +0000");
        assert_eq!(iso8601(ts), "2018-01-10T21:05:30Z");
        let early: Timestamp = "2019-03-05T01:02:03Z".parse().unwrap();
        assert_eq!(rfc2822(early), "Tue, 05 Mar 2019 01:02:03 +0000");
    }

    #[test]
    fn parses_every_filter_format() {
        let want: Timestamp = "2017-04-20T15:32:00Z".parse().unwrap();
        assert_eq!(parse_filter("2017-04-20T11:32:00.000-04:00"), Some(want));
        assert_eq!(parse_filter("Thu, 20 Apr 2017 11:32:00 -0400"), Some(want));
        assert_eq!(
            parse_filter("2017-04-20"),
            Some("2017-04-20T00:00:00Z".parse().unwrap())
        );
        assert_eq!(parse_filter("yesterday"), None);
    }
}
