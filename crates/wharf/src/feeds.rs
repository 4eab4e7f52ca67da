//! Fetching vendor feeds (stock CSVs and the like) from URLs the operator configured.
//!
//! A feed URL is typed in by a person and fetched by the server, so it is a server-side request
//! forgery risk: "http://169.254.169.254/…" would read cloud credentials, "http://localhost:…"
//! would reach admin ports. [`fetch_feed`] therefore only talks to public addresses (unless the
//! policy allows private ones), checks the address it actually connects to, and never follows
//! redirects. It also bounds time and size, since a feed server is not trusted to behave.
//!
//! Each call builds its own HTTP client: the checked addresses are pinned into the client
//! (`ClientBuilder::resolve_to_addrs`) and every other DNS lookup is refused, which a shared
//! client cannot do per request. Feeds are fetched on a schedule, so the cost does not matter.

use std::error::Error as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Name, Resolve, Resolving};
use url::{Host, Url};

/// Limits for one fetch; stored per feed or taken from configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPolicy {
    /// For the whole fetch: DNS lookup, connecting, and reading the full body.
    pub timeout: Duration,
    /// Bodies larger than this are refused (the download stops there).
    pub max_bytes: u64,
    /// Allows loopback, private and other non-public addresses; for self-hosted setups where the
    /// vendor's server is on the same network, and for tests.
    pub allow_private: bool,
    /// When non-empty, the URL's host must be one of these (exact names, case-insensitive; an
    /// IP address is written without brackets). Empty: any public host.
    pub allowed_hosts: Vec<String>,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            timeout: Duration::from_secs(30),
            max_bytes: 20 * 1024 * 1024,
            allow_private: false,
            allowed_hosts: Vec::new(),
        }
    }
}

/// Why a feed could not be fetched; the messages are meant for the operator who set up the feed.
/// They never include the feed URL itself, which may carry an access token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("the feed URL is not valid: {reason}")]
    InvalidUrl { reason: String },
    #[error("feed URLs must start with http:// or https:// (this one starts with {scheme}:)")]
    UnsupportedScheme { scheme: String },
    #[error("{host} is not one of the hosts this feed may be fetched from")]
    HostNotAllowed { host: String },
    #[error("could not look up {host}: {reason}")]
    Lookup { host: String, reason: String },
    #[error("{host} is {kind} ({address}); feeds are only fetched from public internet addresses")]
    ForbiddenAddress {
        host: String,
        address: IpAddr,
        /// E.g. "a loopback address".
        kind: &'static str,
    },
    #[error("the feed did not finish downloading within {after:?}")]
    Timeout { after: Duration },
    #[error(
        "the feed URL redirects ({status}) to {}; redirects are not followed, so use the final \
         address as the feed URL",
        location.as_deref().unwrap_or("an unspecified location")
    )]
    Redirect {
        status: u16,
        location: Option<String>,
    },
    #[error("the feed server answered {status}")]
    Status { status: reqwest::StatusCode },
    #[error("feed larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    #[error("the feed is not UTF-8 text ({detail}); export it as \"CSV UTF-8\"")]
    NotUtf8 { detail: String },
    #[error("could not fetch the feed: {reason}")]
    Request { reason: String },
}

/// Downloads a feed as text, within `policy`. See the module documentation for what is refused.
pub async fn fetch_feed(url: &str, policy: &FetchPolicy) -> Result<String, FeedError> {
    // One deadline around everything, DNS included, which reqwest's own timeout would not cover.
    tokio::time::timeout(policy.timeout, fetch(url, policy))
        .await
        .unwrap_or(Err(FeedError::Timeout {
            after: policy.timeout,
        }))
}

/// How a feed URL is shown to people: scheme, host and port, and the file name when the path
/// ends in one that does not look like a token. User name, password, query, fragment and the
/// rest of the path are left out: feed servers put access tokens in every one of them.
pub fn shown_url(url: &Url) -> String {
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    match segments.split_last() {
        Some((file, before)) if is_plain_file_name(file) => {
            shown.push_str(if before.is_empty() { "/" } else { "/…/" });
            shown.push_str(file);
        }
        Some(_) => shown.push_str("/…"),
        None => {}
    }
    shown
}

/// "stock.csv" is shown; "9f8e7d6c5b4a3921.csv" or "export" might be a token and are not.
fn is_plain_file_name(segment: &str) -> bool {
    let Some((stem, extension)) = segment.rsplit_once('.') else {
        return false;
    };
    let digits = stem.chars().filter(char::is_ascii_digit).count();
    !stem.is_empty()
        && stem.len() <= 40
        && (1..=5).contains(&extension.len())
        && extension.chars().all(|c| c.is_ascii_alphanumeric())
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        // Mostly letters: a long run of digits and hex looks like a token.
        && digits * 3 <= stem.len()
}

/// The checks that need no network: scheme, allowed hosts, and the address when the host is an
/// IP address. For validating a feed URL when the operator saves it; [`fetch_feed`] repeats them.
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

async fn fetch(url: &str, policy: &FetchPolicy) -> Result<String, FeedError> {
    let url = check_feed_url(url, policy)?;
    let mut client = reqwest::Client::builder()
        // A redirect could lead anywhere, including to a private address; refusing it is simpler
        // and safer than re-checking every hop.
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve the host itself, bypassing the address check.
        .no_proxy()
        // Fails closed: only names pinned below resolve, so nothing unchecked is ever reached.
        .dns_resolver(Arc::new(NoLookups))
        .user_agent(concat!(
            "wharf/",
            env!("CARGO_PKG_VERSION"),
            " (feed fetcher)"
        ));
    if let Some(Host::Domain(domain)) = url.host() {
        let addresses = resolve(domain, &url, policy).await?;
        // Connect to exactly the addresses checked, so a DNS answer that changes between the
        // check and the connection (DNS rebinding) cannot point us somewhere else.
        client = client.resolve_to_addrs(domain, &addresses);
    }
    let client = client.build().map_err(request_error)?;
    let mut response = client
        .get(url.clone())
        .send()
        .await
        .map_err(request_error)?;

    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        return Err(FeedError::Redirect {
            status: status.as_u16(),
            location,
        });
    }
    if !status.is_success() {
        return Err(FeedError::Status { status });
    }

    let too_large = FeedError::TooLarge {
        max_bytes: policy.max_bytes,
    };
    let declared = response.content_length().unwrap_or(0);
    if declared > policy.max_bytes {
        return Err(too_large);
    }
    // Read chunk by chunk so an endless or oversized body is cut off at the limit instead of
    // being buffered whole. The declared length only sizes the buffer, it is not trusted.
    let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(request_error)? {
        if (body.len() + chunk.len()) as u64 > policy.max_bytes {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    decode(body)
}

/// Looks the host up and checks every address, not just the first: the connection may use any
/// of them.
async fn resolve(
    domain: &str,
    url: &Url,
    policy: &FetchPolicy,
) -> Result<Vec<SocketAddr>, FeedError> {
    let lookup_error = |reason: String| FeedError::Lookup {
        host: domain.to_owned(),
        reason,
    };
    // Only http and https get here, and both have a default port.
    let port = url.port_or_known_default().unwrap_or(80);
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((domain, port))
        .await
        .map_err(|error| lookup_error(error.to_string()))?
        .collect();
    if addresses.is_empty() {
        return Err(lookup_error("it has no addresses".to_owned()));
    }
    for address in &addresses {
        check_address(domain, address.ip(), policy)?;
    }
    Ok(addresses)
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

fn check_address(host: &str, address: IpAddr, policy: &FetchPolicy) -> Result<(), FeedError> {
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

/// The body as text. Excel's "Unicode text" export is UTF-16, a common mistake worth naming.
fn decode(body: Vec<u8>) -> Result<String, FeedError> {
    if body.starts_with(&[0xff, 0xfe]) || body.starts_with(&[0xfe, 0xff]) {
        return Err(FeedError::NotUtf8 {
            detail: "it is UTF-16".to_owned(),
        });
    }
    String::from_utf8(body).map_err(|error| FeedError::NotUtf8 {
        detail: format!(
            "invalid byte at position {}",
            error.utf8_error().valid_up_to()
        ),
    })
}

/// reqwest's message alone is often just "error sending request"; the cause is in its sources.
/// The URL is left out because it may hold an access token.
fn request_error(error: reqwest::Error) -> FeedError {
    let error = error.without_url();
    let mut reason = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !reason.contains(&cause_text) {
            reason.push_str(": ");
            reason.push_str(&cause_text);
        }
        source = cause.source();
    }
    FeedError::Request { reason }
}

/// The client's DNS resolver: refuses every name. Names that were checked are pinned with
/// `resolve_to_addrs`, which takes precedence, so this only ever answers for names that were not.
struct NoLookups;

impl Resolve for NoLookups {
    fn resolve(&self, name: Name) -> Resolving {
        let message = format!("{} was not checked before connecting", name.as_str());
        Box::pin(async move { Err(message.into()) })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    fn private_ok() -> FetchPolicy {
        FetchPolicy {
            allow_private: true,
            ..FetchPolicy::default()
        }
    }

    /// Reads the request head, so the client is not cut off while still sending.
    async fn read_request(socket: &mut TcpStream) {
        let mut request = Vec::new();
        let mut buffer = [0; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buffer[..n]),
            }
        }
    }

    /// A server on 127.0.0.1 answering every request with `response` (raw HTTP).
    async fn serve(response: impl Into<Vec<u8>>) -> SocketAddr {
        let response = response.into();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let response = response.clone();
                tokio::spawn(async move {
                    read_request(&mut socket).await;
                    let _ = socket.write_all(&response).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        address
    }

    fn ok_response(body: &[u8]) -> Vec<u8> {
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(body);
        response
    }

    #[tokio::test]
    async fn private_addresses_are_refused_by_default() {
        for (url, address, kind) in [
            ("http://127.0.0.1/", "127.0.0.1", "a loopback address"),
            (
                "http://10.1.2.3/feed.csv",
                "10.1.2.3",
                "a private network address",
            ),
            (
                "http://192.168.0.1/",
                "192.168.0.1",
                "a private network address",
            ),
            (
                "https://172.20.0.5/",
                "172.20.0.5",
                "a private network address",
            ),
            (
                "http://169.254.169.254/latest/meta-data/",
                "169.254.169.254",
                "a link-local address",
            ),
            ("http://[::1]:8080/", "::1", "a loopback address"),
            (
                "http://[::ffff:127.0.0.1]/",
                "::ffff:127.0.0.1",
                "a loopback address",
            ),
            ("http://2130706433/", "127.0.0.1", "a loopback address"),
            ("http://0x7f.1/", "127.0.0.1", "a loopback address"),
            ("http://0.0.0.0/", "0.0.0.0", "an unspecified address"),
            (
                "http://100.64.0.1/",
                "100.64.0.1",
                "a carrier-grade NAT address",
            ),
            ("http://224.0.0.1/", "224.0.0.1", "a multicast address"),
            ("http://[fd00::1]/", "fd00::1", "a unique-local address"),
            ("http://[fe80::1]/", "fe80::1", "a link-local address"),
        ] {
            let error = fetch_feed(url, &FetchPolicy::default()).await.unwrap_err();
            let FeedError::ForbiddenAddress {
                address: refused,
                kind: refused_kind,
                ..
            } = &error
            else {
                panic!("{url}: {error:?}");
            };
            assert_eq!(refused.to_string(), address, "{url}");
            assert_eq!(*refused_kind, kind, "{url}");
        }
        let error = fetch_feed("http://169.254.169.254/", &FetchPolicy::default())
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "169.254.169.254 is a link-local address (169.254.169.254); feeds are only fetched \
             from public internet addresses"
        );
    }

    #[tokio::test]
    async fn names_are_resolved_and_checked() {
        let error = fetch_feed("http://localhost:1/", &FetchPolicy::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&error, FeedError::ForbiddenAddress { host, .. } if host == "localhost"),
            "{error:?}"
        );
    }

    #[test]
    fn a_shown_feed_url_keeps_no_secret() {
        let shown = |url: &str| shown_url(&Url::parse(url).unwrap());
        assert_eq!(
            shown("https://alice:hunter2@feeds.example.com/stock.csv?token=abc#x"),
            "https://feeds.example.com/stock.csv"
        );
        assert_eq!(
            shown("https://feeds.example.com/v1/9f8e7d6c5b4a3921/stock.csv"),
            "https://feeds.example.com/…/stock.csv"
        );
        assert_eq!(
            shown("http://feeds.example.com:8080/export/9f8e7d6c5b4a3921a0b1"),
            "http://feeds.example.com:8080/…"
        );
        assert_eq!(
            shown("https://feeds.example.com/f/9f8e7d6c5b4a3921a0b1.csv"),
            "https://feeds.example.com/…"
        );
        assert_eq!(
            shown("https://feeds.example.com/"),
            "https://feeds.example.com"
        );
    }

    #[test]
    fn public_addresses_are_allowed() {
        for address in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "169.255.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "::ffff:0:808:808",
            "2001:db9:1:2:0:5efe:808:808",
        ] {
            let address: IpAddr = address.parse().unwrap();
            assert_eq!(non_public_kind(address), None, "{address}");
        }
        for address in [
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "::127.0.0.1",
            "fec0::1",
            // Every IPv4-embedding form of 127.0.0.1 and 10.0.0.1.
            "::ffff:0:7f00:1",
            "::ffff:0:a00:1",
            "64:ff9b:1::7f00:1",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2001:db8:1:2:0:5efe:7f00:1",
            "2001:db9:1:2:200:5efe:a00:1",
        ] {
            let address: IpAddr = address.parse().unwrap();
            assert!(non_public_kind(address).is_some(), "{address}");
        }
    }

    #[tokio::test]
    async fn fetches_from_a_private_address_when_allowed() {
        let address = serve(ok_response(b"\xef\xbb\xbfsku,qty\nA,1\n")).await;
        let text = fetch_feed(&format!("http://{address}/feed.csv"), &private_ok())
            .await
            .unwrap();
        // The byte-order mark is left for the CSV parser, which strips it.
        assert_eq!(text, "\u{feff}sku,qty\nA,1\n");
    }

    #[tokio::test]
    async fn a_name_is_pinned_to_the_checked_address() {
        let address = serve(ok_response(b"sku,qty\n")).await;
        let url = format!("http://localhost:{}/", address.port());
        // The client's own resolver refuses every name, so this only succeeds because the
        // address checked by `resolve` was pinned.
        assert_eq!(fetch_feed(&url, &private_ok()).await.unwrap(), "sku,qty\n");
    }

    #[tokio::test]
    async fn the_size_limit_is_enforced() {
        let policy = FetchPolicy {
            max_bytes: 1000,
            ..private_ok()
        };
        let body = vec![b'a'; 1000];
        let exact = serve(ok_response(&body)).await;
        let text = fetch_feed(&format!("http://{exact}/"), &policy)
            .await
            .unwrap();
        assert_eq!(text.len(), 1000);

        // Refused from the declared length.
        let declared = serve(ok_response(&[b'a'; 1001])).await;
        let error = fetch_feed(&format!("http://{declared}/"), &policy)
            .await
            .unwrap_err();
        assert_eq!(error, FeedError::TooLarge { max_bytes: 1000 });
        assert_eq!(error.to_string(), "feed larger than 1000 bytes");

        // No length given and a body that never ends: reading stops at the limit.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endless = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            read_request(&mut socket).await;
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await;
            while socket.write_all(&[b'a'; 4096]).await.is_ok() {}
        });
        let error = fetch_feed(&format!("http://{endless}/"), &policy)
            .await
            .unwrap_err();
        assert_eq!(error, FeedError::TooLarge { max_bytes: 1000 });
    }

    #[tokio::test]
    async fn the_timeout_is_enforced() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            // Accepts, then never answers.
            let (_socket, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        let policy = FetchPolicy {
            timeout: Duration::from_millis(200),
            ..private_ok()
        };
        let started = Instant::now();
        let error = fetch_feed(&format!("http://{address}/"), &policy)
            .await
            .unwrap_err();
        assert_eq!(
            error,
            FeedError::Timeout {
                after: Duration::from_millis(200)
            }
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(
            error.to_string(),
            "the feed did not finish downloading within 200ms"
        );
    }

    #[tokio::test]
    async fn redirects_are_not_followed() {
        let address = serve(
            "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/\r\n\
             Content-Length: 0\r\n\r\n",
        )
        .await;
        let error = fetch_feed(&format!("http://{address}/"), &private_ok())
            .await
            .unwrap_err();
        assert_eq!(
            error,
            FeedError::Redirect {
                status: 302,
                location: Some("http://169.254.169.254/latest/".into())
            }
        );
        assert!(
            error
                .to_string()
                .contains("redirects (302) to http://169.254.169.254/latest/"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn allowed_hosts_are_enforced() {
        let address = serve(ok_response(b"sku,qty\n")).await;
        let url = format!("http://{address}/");
        let elsewhere = FetchPolicy {
            allowed_hosts: vec!["feeds.example.com".into()],
            ..private_ok()
        };
        let error = fetch_feed(&url, &elsewhere).await.unwrap_err();
        assert_eq!(
            error,
            FeedError::HostNotAllowed {
                host: "127.0.0.1".into()
            }
        );
        let listed = FetchPolicy {
            allowed_hosts: vec!["feeds.example.com".into(), " 127.0.0.1 ".into()],
            ..private_ok()
        };
        assert_eq!(fetch_feed(&url, &listed).await.unwrap(), "sku,qty\n");
        // Being listed does not make a private address acceptable.
        let listed_only = FetchPolicy {
            allow_private: false,
            ..listed
        };
        let error = fetch_feed(&url, &listed_only).await.unwrap_err();
        assert!(
            matches!(error, FeedError::ForbiddenAddress { .. }),
            "{error:?}"
        );
        // Names compare without case or a trailing dot.
        let named = FetchPolicy {
            allowed_hosts: vec!["Feeds.Example.COM.".into()],
            ..FetchPolicy::default()
        };
        assert!(check_feed_url("https://feeds.example.com/s.csv", &named).is_ok());
        assert!(check_feed_url("https://[::1]/", &named).is_err());
    }

    #[tokio::test]
    async fn error_statuses_are_reported() {
        let address = serve("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n").await;
        let error = fetch_feed(&format!("http://{address}/"), &private_ok())
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), "the feed server answered 404 Not Found");
    }

    #[tokio::test]
    async fn bodies_must_be_utf8() {
        let latin1 = serve(ok_response(b"sku,qty\nCaf\xe9,1\n")).await;
        let error = fetch_feed(&format!("http://{latin1}/"), &private_ok())
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the feed is not UTF-8 text (invalid byte at position 11); export it as \"CSV UTF-8\""
        );
        let utf16 = serve(ok_response(b"\xff\xfes\x00")).await;
        let error = fetch_feed(&format!("http://{utf16}/"), &private_ok())
            .await
            .unwrap_err();
        assert_eq!(
            error,
            FeedError::NotUtf8 {
                detail: "it is UTF-16".into()
            }
        );
    }

    #[tokio::test]
    async fn only_http_urls_are_fetched() {
        let policy = FetchPolicy::default();
        assert_eq!(
            fetch_feed("ftp://example.com/stock.csv", &policy)
                .await
                .unwrap_err(),
            FeedError::UnsupportedScheme {
                scheme: "ftp".into()
            }
        );
        assert!(matches!(
            fetch_feed("file:///etc/passwd", &policy).await.unwrap_err(),
            FeedError::UnsupportedScheme { .. }
        ));
        assert!(matches!(
            fetch_feed("not a url", &policy).await.unwrap_err(),
            FeedError::InvalidUrl { .. }
        ));
    }

    #[tokio::test]
    async fn connection_failures_name_the_cause_but_not_the_url() {
        // Bind and drop, so nothing listens on the port.
        let address = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let error = fetch_feed(&format!("http://{address}/?token=secret"), &private_ok())
            .await
            .unwrap_err();
        let FeedError::Request { reason } = &error else {
            panic!("{error:?}");
        };
        assert!(!reason.contains("secret"), "{reason}");
        assert!(reason.to_lowercase().contains("refused"), "{reason}");
    }
}
