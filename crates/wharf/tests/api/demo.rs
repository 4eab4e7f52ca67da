//! `wharf demo`, as a newcomer runs it: the store connects, and the shopper and vendors keep
//! orders, shipments and stock moving.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// A running `wharf demo`: its URL and admin password. Stops (SIGTERM) when dropped.
pub(crate) struct Demo {
    process: Child,
    pub url: String,
    pub password: String,
}

impl Drop for Demo {
    fn drop(&mut self) {
        // SIGTERM, so the demo removes its temporary directory on the way out.
        let _ = Command::new("kill")
            .args(["-TERM", &self.process.id().to_string()])
            .status();
        let _ = self.process.wait();
    }
}

pub(crate) fn start_demo() -> Demo {
    let mut process = Command::new(env!("CARGO_BIN_EXE_wharf"))
        // A small catalog: the cast starts once it is imported, and a debug build on a busy
        // machine takes its time over 1,200 products.
        .args(["demo", "--listen", "127.0.0.1:0", "--products", "100"])
        .env_remove("WHARF_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = None;
    let mut password = None;
    for line in BufReader::new(process.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
    {
        if let Some(rest) = line.strip_prefix("wharf demo is running: ") {
            url = Some(rest.trim().to_owned());
        }
        if let Some(rest) = line.trim().strip_prefix("sign in as admin / ") {
            password = Some(rest.trim().to_owned());
        }
        if line.contains("Ctrl-C stops the demo") {
            break;
        }
    }
    Demo {
        process,
        url: url.expect("the demo prints its URL"),
        password: password.expect("and a login"),
    }
}

#[tokio::test]
async fn the_demo_shows_orders_shipments_and_stock_moving() {
    let demo = start_demo();
    let (url, password) = (demo.url.clone(), demo.password.clone());
    let http = reqwest::Client::new();
    let get = |path: String| {
        let (http, password) = (http.clone(), password.clone());
        async move {
            http.get(path)
                .basic_auth("admin", Some(password))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };

    let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
    let (mut orders_seen, mut shipped, mut published) = (0, false, 0);
    while tokio::time::Instant::now() < deadline && !(orders_seen >= 2 && shipped && published > 0)
    {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let orders = get(format!("{url}/api/v1/orders")).await;
        orders_seen = orders.as_array().map_or(0, Vec::len);
        for order in orders.as_array().into_iter().flatten() {
            let detail = get(format!("{url}/api/v1/orders/{}", order["id"])).await;
            shipped |= detail["shipments"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["state"] == "pushed"));
        }
        published = get(format!("{url}/api/v1/stores/1/inventory")).await["published"]
            .as_u64()
            .unwrap_or(0);
    }
    drop(demo);
    assert!(
        orders_seen >= 2,
        "the shopper's orders arrive ({orders_seen})"
    );
    assert!(shipped, "a vendor's shipment reaches BigCommerce");
    assert!(published > 0, "vendors' stock is published");
}
