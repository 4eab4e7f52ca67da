//! `wharf vendor connect-bigcommerce | bigcommerce-settings | bigcommerce |
//! disconnect-bigcommerce`: a vendor's own store from a terminal, with the exit codes scripts
//! rely on (0 green, 1 red, 2 a bad field).

use crate::cli::wharf;
use crate::helpers::spawn_app;
use crate::vendor_store_connect::{
    VENDOR_HASH, VENDOR_SCOPES, add_vendor, vendor_sim_store, vendor_token,
};

#[tokio::test]
async fn the_cli_connects_a_vendor_store_with_exit_codes_for_green_red_and_bad_fields() {
    let app = spawn_app().await;
    add_vendor(&app, "Acme Supply").await;
    let domain = vendor_sim_store(&app, VENDOR_HASH).await;
    let good = vendor_token(&app, VENDOR_HASH, VENDOR_SCOPES).await;
    let weak = vendor_token(&app, VENDOR_HASH, &["store_v2_orders"]).await;
    let args = |token: &str, hash: &str| -> Vec<String> {
        [
            "vendor",
            "connect-bigcommerce",
            "Acme Supply",
            "--store-url",
            &domain,
            "--store-hash",
            hash,
            "--client-id",
            "cli-client",
            "--client-secret",
            "cli-secret",
            "--access-token",
            token,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let run = |args: Vec<String>| {
        let app = &app;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            wharf(app, &args).await
        }
    };

    let bad = run(args(&good, "not a hash")).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--store-hash"));

    let red = run(args(&weak, VENDOR_HASH)).await;
    assert_eq!(red.status.code(), Some(1));
    let out = String::from_utf8_lossy(&red.stdout).to_string();
    assert!(out.contains("Missing scope: Inventory (read)"), "{out}");
    assert!(out.contains("Settings › API"), "{out}");

    let green = run(args(&good, VENDOR_HASH)).await;
    let out = String::from_utf8_lossy(&green.stdout).to_string();
    assert_eq!(green.status.code(), Some(0), "{out}");
    assert!(out.contains("Connected"), "{out}");
    assert!(!out.contains(&good) && !out.contains("cli-secret"), "{out}");

    let settings = wharf(
        &app,
        &[
            "vendor",
            "bigcommerce-settings",
            "Acme Supply",
            "--order-status",
            "Awaiting Shipment",
            "--include-customer-contact",
            "yes",
        ],
    )
    .await;
    assert_eq!(settings.status.code(), Some(0));
    let refused = wharf(
        &app,
        &[
            "vendor",
            "bigcommerce-settings",
            "Acme Supply",
            "--order-status",
            "99",
        ],
    )
    .await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--order-status"));

    let shown = wharf(&app, &["vendor", "bigcommerce", "Acme Supply"]).await;
    let out = String::from_utf8_lossy(&shown.stdout).to_string();
    assert!(
        out.contains("Awaiting Shipment") && out.contains("e-mail and phone sent: yes"),
        "{out}"
    );

    let gone = wharf(&app, &["vendor", "disconnect-bigcommerce", "Acme Supply"]).await;
    assert_eq!(gone.status.code(), Some(0));
    let shown = wharf(&app, &["vendor", "bigcommerce", "Acme Supply"]).await;
    assert!(String::from_utf8_lossy(&shown.stdout).contains("no BigCommerce store connected"));
}
