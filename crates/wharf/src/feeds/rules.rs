//! Where a feed may be fetched from: the URL's scheme and host, the allowed hosts, and which IP
//! addresses count as non-public (loopback, private, link-local, and IPv6 forms that carry one).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use super::policy::{FeedError, FetchPolicy};

/// The checks that need no network: scheme, allowed hosts, and the address when the host is an
/// IP address. For validating a feed URL when the operator saves it;
/// [`fetch_feed`](super::fetch_feed) repeats them.
pub fn check_feed_url(url: &str, policy: &FetchPolicy) -> Result<Url, FeedError> {
    let url = Url::parse(url.trim()).map_err(|error| FeedError::InvalidUrl {
        reason: error.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FeedError::UnsupportedScheme {
            scheme: url.scheme().to_owned(),
        });
    }
    let host = match url.host() {
        Some(Host::Domain(domain)) => domain.to_owned(),
        // The URL parser has already turned forms like "2130706433" or "0x7f.1" into addresses.
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => ip.to_string(),
        None => {
            return Err(FeedError::InvalidUrl {
                reason: "it has no host".to_owned(),
            });
        }
    };
    if !policy.allowed_hosts.is_empty()
        && !policy
            .allowed_hosts
            .iter()
            .any(|allowed| host_key(allowed) == host_key(&host))
    {
        return Err(FeedError::HostNotAllowed { host });
    }
    match url.host() {
        Some(Host::Ipv4(ip)) => check_address(&host, ip.into(), policy)?,
        Some(Host::Ipv6(ip)) => check_address(&host, ip.into(), policy)?,
        _ => {}
    }
    Ok(url)
}

/// Host names compare case-insensitively, without a trailing dot or IPv6 brackets.
fn host_key(host: &str) -> String {
    let host = host.trim().trim_end_matches('.');
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.to_ascii_lowercase()
}

pub(super) fn check_address(
    host: &str,
    address: IpAddr,
    policy: &FetchPolicy,
) -> Result<(), FeedError> {
    match non_public_kind(address) {
        Some(kind) if !policy.allow_private => Err(FeedError::ForbiddenAddress {
            host: host.to_owned(),
            address,
            kind,
        }),
        _ => Ok(()),
    }
}

/// What kind of non-public address this is, or `None` for an ordinary internet address.
pub fn non_public_kind(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(ip) => non_public_v4(ip),
        IpAddr::V6(ip) => non_public_v6(ip),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let kind = match (a, b, c) {
        // 0.0.0.0 reaches the local machine on Linux.
        (0, _, _) => "an unspecified address",
        (127, _, _) => "a loopback address",
        (10, _, _) | (192, 168, _) => "a private network address",
        (172, 16..=31, _) => "a private network address",
        // Includes 169.254.169.254, where cloud providers serve instance credentials.
        (169, 254, _) => "a link-local address",
        (100, 64..=127, _) => "a carrier-grade NAT address",
        (224..=239, _, _) => "a multicast address",
        (255, 255, 255) if ip.is_broadcast() => "the broadcast address",
        (240..=255, _, _) => "a reserved address",
        (192, 0, 0) => "a reserved address",
        (198, 18..=19, _) => "a benchmarking address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        _ => return None,
    };
    Some(kind)
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    // Addresses that carry an IPv4 address are judged by it: "::ffff:127.0.0.1" is loopback.
    let embedded = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_public_v4(v4);
    }
    let kind = match segments {
        [0, 0, 0, 0, 0, 0, 0, 0] => "an unspecified address",
        [0, 0, 0, 0, 0, 0, 0, 1] => "a loopback address",
        // Deprecated IPv4-compatible form "::a.b.c.d".
        [0, 0, 0, 0, 0, 0, high, low] => return non_public_v4(embedded(high, low)),
        // NAT64: the gateway forwards to the embedded IPv4 address.
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => return non_public_v4(embedded(high, low)),
        // IPv4-translated (SIIT, RFC 2765) "::ffff:0:a.b.c.d".
        [0, 0, 0, 0, 0xffff, 0, high, low] => return non_public_v4(embedded(high, low)),
        // Local-use NAT64 (RFC 8215): where the IPv4 address sits depends on the operator's
        // prefix length, so the whole range is refused.
        [0x64, 0xff9b, 1, ..] => "a local NAT64 address",
        // 6to4 relays reach the embedded IPv4 address.
        [0x2002, high, low, ..] => return non_public_v4(embedded(high, low)),
        // Teredo tunnels to an IPv4 server and client (the client's address inverted): refused
        // whole, as no feed server needs one.
        [0x2001, 0, ..] => "a Teredo tunnel address",
        [first, ..] if first & 0xfe00 == 0xfc00 => "a unique-local address",
        [first, ..] if first & 0xffc0 == 0xfe80 => "a link-local address",
        [first, ..] if first & 0xffc0 == 0xfec0 => "a site-local address",
        [first, ..] if first & 0xff00 == 0xff00 => "a multicast address",
        [0x2001, 0x0db8, ..] => "a documentation address",
        // ISATAP's interface id "0:5efe:a.b.c.d" (or "200:5efe:…") carries an IPv4 address.
        [_, _, _, _, 0 | 0x0200, 0x5efe, high, low] => {
            return non_public_v4(embedded(high, low));
        }
        _ => return None,
    };
    Some(kind)
}
