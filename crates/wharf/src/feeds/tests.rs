//! The feed fetcher's unit tests, most against a local server: refused addresses, pinning,
//! size and time limits, redirects, statuses, encodings, and URLs shown without secrets.

use std::net::IpAddr;
use std::time::{Duration, Instant};

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
