//! What one feed fetch may do ([`FetchPolicy`]) and why a fetch failed ([`FeedError`]).

use std::net::IpAddr;
use std::time::Duration;

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
