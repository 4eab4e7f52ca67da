//! How a feed URL is shown to people, without the parts that may carry an access token.

use url::Url;

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
