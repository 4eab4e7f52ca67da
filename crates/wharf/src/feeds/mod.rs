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
//!
//! What a fetch may do and its errors are in `policy`, the address rules in `rules`, and how a
//! URL is shown in `shown`; this module does the fetch itself.

mod policy;
mod rules;
mod shown;

use std::error::Error as _;
use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::dns::{Name, Resolve, Resolving};
use url::{Host, Url};

pub use policy::{FeedError, FetchPolicy};
pub use rules::{check_feed_url, non_public_kind};
pub use shown::shown_url;

use rules::check_address;

/// Downloads a feed as text, within `policy`. See the module documentation for what is refused.
pub async fn fetch_feed(url: &str, policy: &FetchPolicy) -> Result<String, FeedError> {
    // One deadline around everything, DNS included, which reqwest's own timeout would not cover.
    tokio::time::timeout(policy.timeout, fetch(url, policy))
        .await
        .unwrap_or(Err(FeedError::Timeout {
            after: policy.timeout,
        }))
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
mod tests;
