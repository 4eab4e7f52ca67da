//! Every answer carries a Content-Security-Policy without inline script, and the headers that
//! stop framing, MIME sniffing and leaking addresses; no template needs anything inline. The
//! browser flows (`browser.rs`) run under this policy: htmx, and wharf.js reading a chosen file,
//! work with it.

use std::path::Path;

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, spawn_app};

fn assert_security_headers(response: &reqwest::Response, what: &str) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{what}: {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "same-origin", "{what}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let cookie = app.session_cookie().await;
    for path in ["/dashboard", "/vendors", "/inventory", "/no-such-page"] {
        let response = app.get_page(path, &cookie).await;
        assert_security_headers(&response, path);
    }
    for path in [
        "/login",
        "/healthz",
        "/assets/wharf.js",
        "/api/v1/openapi.json",
    ] {
        let response = app
            .http
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_security_headers(&response, path);
    }
    let api = app.api_get("/stores").await;
    assert_security_headers(&api, "/api/v1/stores");
    let refused = app
        .http
        .post(format!("{}/api/v1/vendors", app.address))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_security_headers(&refused, "a refusal");
}

/// What the policy forbids, looked for in every template: inline `<script>` and `<style>`,
/// event-handler attributes (`onchange=`), `style=` attributes, `javascript:` links and htmx's
/// `hx-on` (which evaluates script).
#[test]
fn no_template_has_inline_script_or_style() {
    let mut found = Vec::new();
    scan(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
        &mut found,
    );
    assert!(
        found.is_empty(),
        "inline script or style:\n{}",
        found.join("\n")
    );
}

fn scan(dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        // E-mail bodies are read by mail clients, never served under the policy, and mail
        // clients keep only inline styles.
        if path.ends_with("mail") {
            continue;
        }
        if path.is_dir() {
            scan(&path, found);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_ascii_lowercase();
            let inline_script = lower.match_indices("<script").any(|(at, _)| {
                let tag = &lower[at..lower[at..].find('>').map_or(lower.len(), |end| at + end)];
                !tag.contains(" src=")
            });
            let handler = lower
                .split(|c: char| c.is_whitespace() || c == '<')
                .any(|word| {
                    word.starts_with("on")
                        && word.contains('=')
                        && word[2..word.find('=').unwrap()]
                            .chars()
                            .all(|c| c.is_ascii_lowercase())
                        && word.find('=').unwrap() > 2
                });
            if inline_script
                || handler
                || lower.contains("<style")
                || lower.contains(" style=")
                || lower.contains("javascript:")
                || lower.contains("hx-on")
            {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
}
