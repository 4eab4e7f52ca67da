//! Where the login form sends people after signing in: a path on wharf itself, or the dashboard.
//!
//! `next` arrives from a URL anyone can craft. Browsers drop tabs and newlines from a URL and
//! read a backslash as a slash, so `/<tab>/evil.example` or `/\evil.example` leave the site, and
//! a newline in a `Location` header cannot be sent at all (it answered 500, after the session was
//! made). So only a path passes: printable ASCII, exactly one leading `/`, no backslash, no
//! control character — checked on the text as sent and on it percent-decoded (as a browser or a
//! proxy might decode it). Anything else becomes `/`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_local_path(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

fn is_local_path(path: &str) -> bool {
    if !path.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    // Decoded a few times over: `%252F` is `%2F` after one decoding and `/` after two.
    let mut text = path.to_owned();
    for _ in 0..3 {
        if !one_leading_slash(&text) || text.chars().any(|c| c.is_control() || c == '\\') {
            return false;
        }
        let decoded = percent_decode(&text);
        if decoded == text {
            return true;
        }
        text = decoded;
    }
    false
}

fn one_leading_slash(path: &str) -> bool {
    path.starts_with('/') && !path[1..].starts_with('/')
}

/// `%XX` to its byte; invalid UTF-8 afterwards is replaced (and then is no path anyway).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A 303 to `location`, or to `/` if it cannot be a header: a redirect never fails the request.
pub fn see_other(location: &str) -> Response {
    let value = HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_pass() {
        for path in [
            "/",
            "/setup/integrations/bigcommerce",
            "/orders?status=open&page=2",
            "/products?q=red%20shirt",
        ] {
            assert_eq!(safe_next(Some(path)), path);
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn anything_that_could_leave_the_site_goes_home() {
        for path in [
            "//evil.example",
            "https://evil.example",
            "evil.example",
            "",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%252F/evil.example",
            "/\n",
            "/a\r\nSet-Cookie: x=1",
            "/%0d%0aSet-Cookie:%20x=1",
            "/%7f",
            "/%c2%85",
            "/ spaces",
            "/é",
        ] {
            assert_eq!(safe_next(Some(path)), "/", "{path:?}");
        }
    }

    #[test]
    fn a_redirect_to_an_impossible_location_goes_home_instead_of_failing() {
        let response = see_other("/a\nb");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/");
    }
}
