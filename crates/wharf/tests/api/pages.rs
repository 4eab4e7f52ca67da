//! What people see when an address is wrong, and the Setup pages the navigation leads to: pages
//! in wharf's layout, never a framework's plain-text rejection or an empty answer.

use crate::helpers::spawn_app_without_workers;

const FRAMEWORK_WORDS: [&str; 4] = [
    "Cannot parse",
    "i64",
    "Failed to deserialize",
    "Invalid URL",
];

#[tokio::test]
async fn a_wrong_address_answers_with_a_page_in_the_layout() {
    let app = spawn_app_without_workers().await;
    let cookie = app.session_cookie().await;
    let cases = [
        ("/orders/abc", 404, "Not found"),
        ("/no/such/page", 404, "Not found"),
        ("/setup/integrations/bigcommerce/stores/x", 404, "Not found"),
        ("/products?page=first", 400, "cannot read"),
        ("/products?store=somewhere", 400, "cannot read"),
    ];
    for (path, status, words) in cases {
        let response = app.get_page(path, &cookie).await;
        assert_eq!(response.status(), status, "{path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        let page = response.text().await.unwrap();
        assert!(page.contains(words), "{path}: {page}");
        assert!(
            page.contains("href=\"/orders\""),
            "{path}: the navigation: {page}"
        );
        for internal in FRAMEWORK_WORDS {
            assert!(!page.contains(internal), "{path}: {internal}: {page}");
        }
    }

    // Signed out, an unknown address is a page too, without the navigation.
    let response = app
        .http
        .get(format!("{}/no/such/page", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let page = response.text().await.unwrap();
    assert!(page.contains("There is nothing at this address."), "{page}");
    assert!(!page.contains("href=\"/orders\""), "{page}");
}

#[tokio::test]
async fn setup_and_integrations_are_pages_that_lead_to_the_stores() {
    let app = spawn_app_without_workers().await;
    let store_id = app.add_store(&app.store_input("Main shop")).await["id"]
        .as_i64()
        .unwrap();
    assert!(store_id > 0);
    let cookie = app.session_cookie().await;

    let dashboard = app
        .get_page("/dashboard", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        dashboard.contains("<a href=\"/setup\">Setup</a>"),
        "{dashboard}"
    );

    let setup = app.get_page("/setup", &cookie).await;
    assert_eq!(setup.status(), 200);
    let setup = setup.text().await.unwrap();
    assert!(setup.contains("href=\"/setup/integrations\""), "{setup}");
    assert!(
        setup.contains("0 of 1 BigCommerce store connected"),
        "{setup}"
    );
    assert!(setup.contains("href=\"/vendors\""), "{setup}");

    let integrations = app.get_page("/setup/integrations", &cookie).await;
    assert_eq!(integrations.status(), 200);
    let integrations = integrations.text().await.unwrap();
    assert!(
        integrations.contains("href=\"/setup/integrations/bigcommerce\""),
        "{integrations}"
    );
    let stores = app
        .get_page("/setup/integrations/bigcommerce", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        stores.contains(
            "<a href=\"/setup\">Setup</a> › <a href=\"/setup/integrations\">Integrations</a>"
        ),
        "{stores}"
    );
}

/// Every page starts with a link past the navigation to its content, and its navigation tells a
/// screen reader which section it is in.
#[tokio::test]
async fn every_page_has_the_skip_link_and_marks_its_section_in_the_navigation() {
    let app = spawn_app_without_workers().await;
    let store_id = app.add_store(&app.store_input("Main shop")).await["id"]
        .as_i64()
        .unwrap();
    let cookie = app.session_cookie().await;
    let store_page = format!("/setup/integrations/bigcommerce/stores/{store_id}");
    let rules_page = format!("/stores/{store_id}/rules");
    let pages = [
        ("/dashboard", "/dashboard"),
        ("/orders", "/orders"),
        ("/products", "/products"),
        ("/vendors", "/vendors"),
        ("/inventory", "/inventory"),
        ("/activity", "/activity"),
        ("/latency", "/latency"),
        ("/setup", "/setup"),
        ("/setup/integrations/bigcommerce", "/setup"),
        ("/setup/integrations/bigcommerce/new", "/setup"),
        (store_page.as_str(), "/setup"),
        (rules_page.as_str(), "/setup"),
        ("/account", "/account"),
    ];
    for (path, section) in pages {
        let response = app.get_page(path, &cookie).await;
        assert_eq!(response.status(), 200, "{path}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains(r##"<a class="skip-link" href="#main">Skip to content</a>"##)
                && page.contains(r#"<main id="main" tabindex="-1">"#),
            "{path}: the skip link and its target: {page}"
        );
        let current = format!(r#"<a href="{section}" aria-current="page">"#);
        assert!(page.contains(&current), "{path}: {current} in {page}");
        assert_eq!(
            page.matches("aria-current=").count(),
            1,
            "{path}: one current section"
        );
    }

    // Signed out, the sign-in page has the skip link too, and no navigation to mark.
    let login = app
        .http
        .get(format!("{}/login", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains(r#"class="skip-link""#), "{login}");
    assert!(!login.contains("aria-current"), "{login}");
}
