//! `wharf demo`, as a newcomer runs it: the store connects, and the shopper and vendors keep
//! orders, shipments and stock moving.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::Connection;

/// A running `wharf demo`: its URL and admin password, what it printed for adding a second
/// store (by the form's labels: "Store URL", "Access Token", …) and where its data is. Stops
/// (SIGTERM) when dropped.
pub(crate) struct Demo {
    process: Child,
    pub url: String,
    pub password: String,
    pub second_store: HashMap<String, String>,
    pub data_dir: String,
    /// A demo vendor's portal sign-in (e-mail, password), as printed.
    pub portal_login: (String, String),
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
    let mut second_store = HashMap::new();
    let mut data_dir = None;
    let mut portal_login = None;
    let mut in_second_store = false;
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
        if line.trim().starts_with("add a second store") {
            in_second_store = true;
        } else if in_second_store && line.starts_with("    ") {
            if let Some((label, value)) = line.trim().split_once(':') {
                second_store.insert(label.to_owned(), value.trim().to_owned());
            }
        } else {
            in_second_store = false;
        }
        if let Some(rest) = line.trim().strip_prefix("vendor portal: ") {
            // "…/vendor/login as EMAIL (Acme Supply) or …, password PASSWORD"
            let email = rest.split(" as ").nth(1).and_then(|r| r.split(' ').next());
            let password = rest.rsplit(", password ").next();
            portal_login = email
                .zip(password)
                .map(|(e, p)| (e.to_owned(), p.to_owned()));
        }
        if let Some(rest) = line.trim().strip_prefix("data in ") {
            data_dir = rest.split(" (temporary)").next().map(str::to_owned);
        }
        if line.contains("Ctrl-C stops the demo") {
            break;
        }
    }
    Demo {
        process,
        url: url.expect("the demo prints its URL"),
        password: password.expect("and a login"),
        second_store,
        data_dir: data_dir.expect("and where its data is"),
        portal_login: portal_login.expect("and a vendor's portal sign-in"),
    }
}

impl Demo {
    fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(method, format!("{}/api/v1{path}", self.url))
            .basic_auth("admin", Some(&self.password))
    }

    async fn get(&self, path: &str) -> Value {
        let response = self.api(reqwest::Method::GET, path).send().await.unwrap();
        response.json().await.unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.api(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap()
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
    // The third vendor runs its own simulated store: its purchase orders become orders there.
    let mut store_vendor: Option<i64> = None;
    let mut vendor_ordered = false;
    while tokio::time::Instant::now() < deadline
        && !(orders_seen >= 2 && shipped && published > 0 && vendor_ordered)
    {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if store_vendor.is_none() {
            let vendors = get(format!("{url}/api/v1/vendors")).await;
            store_vendor = vendors
                .as_array()
                .into_iter()
                .flatten()
                .find(|v| v["name"] == "Fabrikam Direct")
                .and_then(|v| v["id"].as_i64());
        }
        let orders = get(format!("{url}/api/v1/orders")).await;
        orders_seen = orders.as_array().map_or(0, Vec::len);
        for order in orders.as_array().into_iter().flatten() {
            let detail = get(format!("{url}/api/v1/orders/{}", order["id"])).await;
            shipped |= detail["shipments"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["state"] == "pushed"));
            let to_store_vendor = detail["purchase_orders"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|po| store_vendor.is_some() && po["vendor_id"].as_i64() == store_vendor);
            for po in to_store_vendor {
                if !vendor_ordered {
                    let sent = get(format!(
                        "{url}/api/v1/purchase-orders/{}/vendor-order",
                        po["id"]
                    ))
                    .await;
                    vendor_ordered = sent["state"] == "created"
                        && sent["vendor_order_number"].as_i64().is_some();
                }
            }
        }
        published = get(format!("{url}/api/v1/stores/1/inventory")).await["published"]
            .as_u64()
            .unwrap_or(0);
    }
    // The printed portal sign-in works once the cast is on stage (it is, by now).
    let (email, portal_password) = demo.portal_login.clone();
    let signed_in = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{url}/vendor/login"))
        .form(&[
            ("email", email.as_str()),
            ("password", portal_password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303, "the demo's portal sign-in works");
    drop(demo);
    assert!(
        orders_seen >= 2,
        "the shopper's orders arrive ({orders_seen})"
    );
    assert!(shipped, "a vendor's shipment reaches BigCommerce");
    assert!(published > 0, "vendors' stock is published");
    assert!(
        store_vendor.is_some(),
        "the demo's third vendor, on its own store, exists"
    );
    assert!(
        vendor_ordered,
        "a purchase order for the third vendor became an order in its own store"
    );
}

#[tokio::test]
async fn the_demo_prints_a_second_store_that_connects_when_added() {
    let demo = start_demo();
    let printed = |label: &str| {
        demo.second_store.get(label).cloned().unwrap_or_else(|| {
            panic!(
                "the demo prints the second store's {label}: {:?}",
                demo.second_store
            )
        })
    };
    let store = json!({
        "name": "My second store",
        "store_url": printed("Store URL"),
        "store_hash": printed("Store hash"),
        "client_id": printed("Client ID"),
        "client_secret": printed("Client Secret"),
        "access_token": printed("Access Token"),
        "auth_type": "private",
    });
    assert_ne!(
        store["store_hash"], "wharfdemo1",
        "not the demo's own store"
    );

    let response = demo.post("/stores", store).await;
    assert_eq!(response.status(), 201);
    let added: Value = response.json().await.unwrap();
    let response = demo
        .post(&format!("/stores/{}/connect", added["id"]), json!({}))
        .await;
    let connected: Value = response.json().await.unwrap();
    assert_eq!(
        connected["connection"]["status"], "connected",
        "{connected:#}"
    );
}

/// The demo's vendors ship and report stock; one the user adds and routes orders to is left
/// alone: its purchase orders stay unshipped and it has reported no stock.
#[tokio::test]
async fn a_vendor_the_user_adds_gets_no_simulated_shipments_or_stock() {
    let demo = start_demo();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
    // The cast is on stage once the three demo vendors exist (the third comes after the
    // default rule names Acme).
    while demo.get("/vendors").await.as_array().map_or(0, Vec::len) < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the demo's vendors never came"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let response = demo
        .post("/vendors", json!({ "name": "Northwind Traders" }))
        .await;
    assert_eq!(response.status(), 201);
    let northwind: Value = response.json().await.unwrap();
    let token = northwind["api_token_once"].as_str().unwrap().to_owned();
    let response = demo
        .post(
            "/stores/1/assignments",
            json!({ "rule": "default", "vendor": "Northwind Traders" }),
        )
        .await;
    assert_eq!(response.status(), 200);

    // The shopper's next orders go to Northwind (but for Contoso's and Fabrikam's prefixes).
    let purchase_orders = || async {
        reqwest::Client::new()
            .get(format!(
                "{}/vendor-api/v1/purchase-orders?status=all",
                demo.url
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json::<Vec<Value>>()
            .await
            .unwrap()
    };
    while purchase_orders().await.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no order reached Northwind"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Three rounds of the demo's vendors (every 7 s) in which they could have shipped it.
    tokio::time::sleep(Duration::from_secs(22)).await;

    let shipped: i64 = purchase_orders()
        .await
        .iter()
        .flat_map(|po| po["lines"].as_array().cloned().unwrap_or_default())
        .map(|line| line["quantity_shipped"].as_i64().unwrap())
        .sum();
    assert_eq!(shipped, 0, "nobody shipped Northwind's purchase orders");
    let database = format!("sqlite://{}/wharf.db?mode=ro", demo.data_dir);
    let mut conn = sqlx::SqliteConnection::connect(&database).await.unwrap();
    let (reported_at,): (Option<i64>,) =
        sqlx::query_as("SELECT stock_reported_at FROM vendors WHERE id = $1")
            .bind(northwind["id"].as_i64().unwrap())
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(reported_at, None, "nobody reported stock as Northwind");
    // The demo's own vendors are still at work meanwhile.
    let (acme_reported,): (Option<i64>,) =
        sqlx::query_as("SELECT stock_reported_at FROM vendors WHERE name = 'Acme Supply'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(acme_reported.is_some(), "Acme reports stock");
}

#[tokio::test]
async fn the_demo_sends_its_mail_to_its_catch_all_and_shows_it_on_the_mail_page() {
    let demo = start_demo();
    let http = reqwest::Client::new();
    let page = |path: String| {
        let (http, password) = (http.clone(), demo.password.clone());
        async move {
            http.get(path)
                .basic_auth("admin", Some(password))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(180);
    let list = loop {
        let list = page(format!("{}/mail", demo.url)).await;
        if list.contains(">sent<") {
            break list;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no mail was sent: {list}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(
        list.contains("New purchase order: Demo store order #"),
        "{list}"
    );
    let start = list.find("href=\"/mail/").unwrap() + "href=\"".len();
    let path = &list[start..start + list[start..].find('"').unwrap()];
    let one = page(format!("{}{path}", demo.url)).await;
    assert!(one.contains("id=\"mail-text\""), "{one}");
    assert!(one.contains("Open the purchase order"), "{one}");
    assert!(
        one.contains("<iframe sandbox"),
        "the HTML part, sandboxed: {one}"
    );
    assert!(
        one.contains("srcdoc=\"&#60;!DOCTYPE html") || one.contains("srcdoc=\"&lt;!DOCTYPE html"),
        "{one}"
    );
}
