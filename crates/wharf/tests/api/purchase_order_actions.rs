//! What a vendor does with its purchase orders through the vendor API: finding them (open ones
//! first, the rest searchable), accepting one, declining a line it can't fulfil (to the next
//! vendor the rules allow, or to the operator's Needs attention), packing slips as PDF — and
//! none of it on another vendor's purchase orders.

use bigcommerce_sim::{Money, ShopperAddress, ShopperLine, ShopperOrder};
use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp, spawn_app};
use crate::shipments::{Shop, shop};

/// A vendor's side of the API, by its token.
struct Vendor<'a> {
    app: &'a TestApp,
    token: &'a str,
}

impl Vendor<'_> {
    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .app
            .http
            .get(format!("{}/vendor-api/v1{path}", self.app.address))
            .bearer_auth(self.token)
            .send()
            .await
            .unwrap();
        answer(response).await
    }

    async fn post(&self, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .app
            .http
            .post(format!("{}/vendor-api/v1{path}", self.app.address))
            .bearer_auth(self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        answer(request.send().await.unwrap()).await
    }

    async fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let response = self
            .app
            .http
            .get(format!("{}/vendor-api/v1{path}", self.app.address))
            .bearer_auth(self.token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.bytes().await.unwrap().to_vec())
    }

    /// The purchase orders a list answers, with the `Link` header's next address.
    async fn list(&self, query: &str) -> (Vec<Value>, Option<String>) {
        let response = self
            .app
            .http
            .get(format!(
                "{}/vendor-api/v1/purchase-orders{query}",
                self.app.address
            ))
            .bearer_auth(self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{query}");
        let next = response
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_owned())
            .map(|link| {
                let start = link.find("</vendor-api/v1").unwrap() + "</vendor-api/v1".len();
                let end = link.find('>').unwrap();
                link[start..end].to_owned()
            });
        (response.json().await.unwrap(), next)
    }

    async fn decline(&self, po: &Value, line: &Value, reason: &str) -> (u16, Value) {
        self.post(
            &format!(
                "/purchase-orders/{}/lines/{}/decline",
                po["id"], line["order_line_id"]
            ),
            Some(json!({ "reason": reason })),
        )
        .await
    }

    async fn ship(&self, po: &Value, line: &Value, quantity: i64, tracking: &str) -> (u16, Value) {
        self.post(
            &format!("/purchase-orders/{}/shipments", po["id"]),
            Some(json!({
                "tracking_number": tracking,
                "carrier": "UPS",
                "lines": [{ "line_id": line["order_line_id"], "quantity": quantity }],
            })),
        )
        .await
    }
}

async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Places an order of the shop's variants (index, quantity) for `person` (a sample address)
/// with the customer's message, and reads it in. Returns (order number, wharf's order id).
async fn place(
    app: &TestApp,
    shop: &Shop,
    lines: Vec<ShopperLine>,
    person: u64,
    message: &str,
) -> (u64, i64) {
    let mut order = ShopperOrder::new(lines);
    order.addresses = vec![ShopperAddress::sample(person)];
    order.customer_message = message.to_owned();
    let number = app.sim.simulator.place_order(STORE_HASH, order);
    app.app.poll_orders(shop.store_id).await.expect("poll");
    let orders: Vec<Value> = app
        .api_get(&format!("/orders?q={number}"))
        .await
        .json()
        .await
        .unwrap();
    let id = orders
        .iter()
        .find(|o| o["external_id"].as_u64() == Some(number))
        .expect("the order is in wharf")["id"]
        .as_i64()
        .unwrap();
    (number, id)
}

fn catalog_line(shop: &Shop, variant: usize, quantity: u32) -> ShopperLine {
    let (product, variant, _) = &shop.variants[variant];
    ShopperLine::catalog(*product, Some(*variant), quantity)
}

async fn order_detail(app: &TestApp, order_id: i64) -> Value {
    app.api_get(&format!("/orders/{order_id}"))
        .await
        .json()
        .await
        .unwrap()
}

/// The order's purchase order for the vendor (by its id), as the operator API shows it.
async fn purchase_order_of(app: &TestApp, order_id: i64, vendor_id: i64) -> Value {
    let detail = order_detail(app, order_id).await;
    detail["purchase_orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|po| po["vendor_id"] == vendor_id)
        .unwrap_or_else(|| panic!("no purchase order of vendor {vendor_id}: {detail:#}"))
        .clone()
}

async fn vendor_id(vendor: &Vendor<'_>) -> i64 {
    vendor.get("/me").await.1["id"].as_i64().unwrap()
}

fn timeline(detail: &Value) -> Vec<String> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .collect()
}

fn ids(purchase_orders: &[Value]) -> Vec<i64> {
    purchase_orders
        .iter()
        .map(|po| po["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_vendor_sees_open_purchase_orders_first_and_searches_the_rest() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let alpha = Vendor {
        app: &app,
        token: &shop.alpha_token,
    };
    let alpha_id = vendor_id(&alpha).await;
    let (first_number, first) = place(&app, &shop, vec![catalog_line(&shop, 0, 1)], 0, "").await;
    let seen = jiff::Timestamp::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (_, second) = place(&app, &shop, vec![catalog_line(&shop, 1, 2)], 1, "").await;
    let (cancelled_number, cancelled) =
        place(&app, &shop, vec![catalog_line(&shop, 2, 1)], 2, "").await;
    let (_, accepted) = place(&app, &shop, vec![catalog_line(&shop, 3, 1)], 3, "").await;
    let first_po = purchase_order_of(&app, first, alpha_id).await;
    let second_po = purchase_order_of(&app, second, alpha_id).await;
    let cancelled_po = purchase_order_of(&app, cancelled, alpha_id).await;
    let accepted_po = purchase_order_of(&app, accepted, alpha_id).await;

    // The first shipped whole, the second half; one accepted; one cancelled in BigCommerce.
    let (status, _) = alpha
        .ship(&first_po, &first_po["lines"][0], 1, "1ZFIRST0001")
        .await;
    assert_eq!(status, 201);
    let (status, _) = alpha
        .ship(&second_po, &second_po["lines"][0], 1, "1ZSECOND001")
        .await;
    assert_eq!(status, 201);
    let (status, _) = alpha
        .post(
            &format!("/purchase-orders/{}/accept", accepted_po["id"]),
            None,
        )
        .await;
    assert_eq!(status, 200);
    app.sim
        .simulator
        .set_order_status(STORE_HASH, cancelled_number, 5);
    app.app.poll_orders(shop.store_id).await.unwrap();

    // By default: what is not cancelled, still to do first, each newest first.
    let (open, next) = alpha.list("").await;
    assert_eq!(next, None);
    assert_eq!(
        ids(&open),
        [&accepted_po, &second_po, &first_po]
            .iter()
            .map(|po| po["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        "accepted and partly shipped before shipped: {open:?}"
    );
    let states: Vec<&str> = open
        .iter()
        .map(|po| po["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["accepted", "partly_shipped", "shipped"]);

    // Every state is a filter, and a state or a search reaches the cancelled ones too.
    for (state, expected) in [
        ("accepted", &accepted_po),
        ("partly_shipped", &second_po),
        ("shipped", &first_po),
        ("cancelled", &cancelled_po),
    ] {
        let (found, _) = alpha.list(&format!("?state={state}")).await;
        assert_eq!(ids(&found), [expected["id"].as_i64().unwrap()], "{state}");
    }
    let (none_open, _) = alpha.list("?state=open").await;
    assert!(none_open.is_empty(), "{none_open:?}");

    // Searched by the store's order number, SKU, product name, customer name and tracking.
    let first_id = first_po["id"].as_i64().unwrap();
    let sku = shop.variants[0].2.to_lowercase();
    let product_name = first_po["lines"][0]["name"].as_str().unwrap().to_owned();
    let part_of_name = &product_name[..product_name.len().min(6)];
    for query in [
        format!("?q=%23{first_number}"),
        format!("?q={sku}"),
        "?q=1zfirst0001".to_owned(),
    ] {
        let (found, _) = alpha.list(&query).await;
        assert_eq!(ids(&found), [first_id], "{query}");
    }
    let (by_name, _) = alpha.list(&format!("?q={}", urlencode(part_of_name))).await;
    assert!(ids(&by_name).contains(&first_id), "{part_of_name}");
    let (by_customer, _) = alpha.list("?q=jane").await;
    assert_eq!(ids(&by_customer), [first_id], "Jane Doe placed the first");
    let (cancelled_found, _) = alpha.list(&format!("?q={cancelled_number}")).await;
    assert_eq!(cancelled_found[0]["status"], "cancelled");

    // New since the vendor last looked.
    let (marked, _) = alpha
        .list(&format!(
            "?status=all&seen_since={}",
            urlencode(&seen.to_string())
        ))
        .await;
    for po in &marked {
        assert_eq!(po["is_new"], po["id"] != first_id, "{po:#}");
    }

    // Pages of one follow the same order and end.
    let (mut page, mut next) = alpha.list("?status=all&limit=1").await;
    let mut walked = ids(&page);
    while let Some(address) = next {
        (page, next) = alpha
            .list(address.trim_start_matches("/purchase-orders"))
            .await;
        assert_eq!(page.len(), 1);
        walked.extend(ids(&page));
    }
    let (all, _) = alpha.list("?status=all").await;
    assert_eq!(walked, ids(&all));
    assert_eq!(walked.len(), 4);
    let done: Vec<&str> = all[2..]
        .iter()
        .map(|po| po["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        done,
        ["cancelled", "shipped"],
        "done after to do, newest first"
    );

    // Bad parameters are refused by name.
    let (status, body) = alpha
        .get("/purchase-orders?state=lost&status=some&seen_since=yesterday&cursor=x&limit=0")
        .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["state", "status", "seen_since", "cursor", "limit"]);
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn accepting_is_recorded_once_and_the_operator_sees_it() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let alpha = Vendor {
        app: &app,
        token: &shop.alpha_token,
    };
    let alpha_id = vendor_id(&alpha).await;
    let (number, order) = place(&app, &shop, vec![catalog_line(&shop, 0, 1)], 0, "").await;
    let po = purchase_order_of(&app, order, alpha_id).await;
    assert_eq!(po["state"], "open");
    assert_eq!(po["accepted_at_ms"], Value::Null);

    let accept = format!("/purchase-orders/{}/accept", po["id"]);
    let (status, first) = alpha.post(&accept, None).await;
    assert_eq!(status, 200, "{first:#}");
    assert_eq!(first["state"], "accepted");
    assert_eq!(first["accepted_by"], "API token");
    let (status, again) = alpha.post(&accept, None).await;
    assert_eq!(status, 200, "accepting twice is fine");
    assert_eq!(
        again["accepted_at_ms"], first["accepted_at_ms"],
        "the first stays"
    );

    // The operator's API, order page and order list say so, once.
    let detail = order_detail(&app, order).await;
    let seen = &detail["purchase_orders"][0];
    assert_eq!(seen["state"], "accepted");
    assert_eq!(seen["accepted_at_ms"], first["accepted_at_ms"]);
    let accepted_events = timeline(&detail)
        .into_iter()
        .filter(|m| m.contains("accepted its purchase order"))
        .count();
    assert_eq!(accepted_events, 1, "{detail:#}");
    let cookie = app.session_cookie().await;
    let page = app
        .get_page(
            &format!("/stores/{}/orders/{number}", shop.store_id),
            &cookie,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Accepted by vendor"), "{page}");
    assert!(page.contains("through API token"), "{page}");
    let list = app.get_page("/orders", &cookie).await.text().await.unwrap();
    assert!(list.contains("Alpha Supply (accepted)"), "{list}");

    // A cancelled purchase order has nothing to accept.
    let (cancelled_number, cancelled) =
        place(&app, &shop, vec![catalog_line(&shop, 1, 1)], 1, "").await;
    app.sim
        .simulator
        .set_order_status(STORE_HASH, cancelled_number, 5);
    app.app.poll_orders(shop.store_id).await.unwrap();
    let po = purchase_order_of(&app, cancelled, alpha_id).await;
    let (status, body) = alpha
        .post(&format!("/purchase-orders/{}/accept", po["id"]), None)
        .await;
    assert_eq!(status, 409);
    assert!(
        body["error"].as_str().unwrap().contains("is cancelled"),
        "{body:#}"
    );
}

#[tokio::test]
async fn a_declined_line_goes_to_the_next_vendor_the_rules_allow() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    // Beta Goods ships the first variant (a SKU rule); Alpha Supply, the default, the rest.
    let rule = json!({ "rule": "sku", "sku": shop.variants[0].2, "vendor": "Beta Goods" });
    let response = app
        .api_post(&format!("/stores/{}/assignments", shop.store_id), &rule)
        .await;
    assert_eq!(response.status(), 200);
    let alpha = Vendor {
        app: &app,
        token: &shop.alpha_token,
    };
    let beta = Vendor {
        app: &app,
        token: &shop.beta_token,
    };
    let (alpha_id, beta_id) = (vendor_id(&alpha).await, vendor_id(&beta).await);
    let lines = vec![catalog_line(&shop, 0, 2), catalog_line(&shop, 1, 1)];
    let (_, order) = place(&app, &shop, lines, 0, "").await;
    let betas = purchase_order_of(&app, order, beta_id).await;
    assert_eq!(betas["lines"].as_array().unwrap().len(), 1);

    let (status, declined) = beta
        .decline(&betas, &betas["lines"][0], "  out of stock until March \n")
        .await;
    assert_eq!(status, 200, "{declined:#}");
    assert_eq!(declined["lines"], json!([]));
    assert_eq!(declined["status"], "closed");
    assert_eq!(declined["state"], "closed");
    assert_eq!(
        declined["declined_lines"][0]["reason"],
        "out of stock until March"
    );

    // The line went to the next rule's vendor: the store's default, Alpha Supply.
    let alphas = purchase_order_of(&app, order, alpha_id).await;
    let skus: Vec<&str> = alphas["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sku"].as_str().unwrap())
        .collect();
    assert!(skus.contains(&shop.variants[0].2.as_str()), "{alphas:#}");
    let detail = order_detail(&app, order).await;
    assert_eq!(detail["order"]["routing_state"], "routed");
    let events = timeline(&detail).join("\n");
    assert!(
        events.contains("Beta Goods can't fulfil 2 × ")
            && events.contains("out of stock until March"),
        "{events}"
    );
    assert!(events.contains("now goes to Alpha Supply"), "{events}");
    assert!(
        events.contains("Purchase order for Beta Goods closed: every line on it was declined"),
        "{events}"
    );

    // Closed, not open-and-empty: out of Beta's open list, nothing to accept.
    let (open, _) = beta.list("").await;
    assert!(open.is_empty(), "{open:?}");
    let (status, _) = beta
        .post(&format!("/purchase-orders/{}/accept", betas["id"]), None)
        .await;
    assert_eq!(status, 409);
    // And Alpha ships it.
    let line = alphas["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == shop.variants[0].2.as_str())
        .unwrap();
    let (status, _) = alpha.ship(&alphas, line, 2, "1ZMOVED0001").await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn a_line_no_other_vendor_may_take_needs_the_operator_with_its_reason() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let alpha = Vendor {
        app: &app,
        token: &shop.alpha_token,
    };
    let alpha_id = vendor_id(&alpha).await;
    let lines = vec![catalog_line(&shop, 0, 1), catalog_line(&shop, 1, 1)];
    let (number, order) = place(&app, &shop, lines, 0, "").await;
    let po = purchase_order_of(&app, order, alpha_id).await;
    let line = &po["lines"][0];

    // The reason is required, trimmed and bounded; nothing changes until it is valid.
    for reason in ["", "   ", &"x".repeat(501)] {
        let (status, body) = alpha.decline(&po, line, reason).await;
        assert_eq!(status, 422, "{body:#}");
        assert_eq!(body["fields"][0]["field"], "reason");
    }
    assert_eq!(
        purchase_order_of(&app, order, alpha_id).await["lines"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let (status, declined) = alpha.decline(&po, line, "Discontinued by the maker").await;
    assert_eq!(status, 200, "{declined:#}");
    assert_eq!(declined["lines"].as_array().unwrap().len(), 1);
    assert_eq!(declined["status"], "open", "a line is left on it");

    let detail = order_detail(&app, order).await;
    assert_eq!(detail["order"]["routing_state"], "needs_attention");
    let events = timeline(&detail).join("\n");
    assert!(events.contains("needs a vendor"), "{events}");
    let preview: Value = app
        .api_get(&format!("/orders/{order}/routing-preview"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        preview["plan"]["needs_attention"],
        json!([line["order_line_id"]])
    );
    let cookie = app.session_cookie().await;
    let page = app
        .get_page(
            &format!("/stores/{}/orders/{number}", shop.store_id),
            &cookie,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Alpha Supply can&#x27;t fulfil it: “Discontinued by the maker”")
            || page.contains("Alpha Supply can't fulfil it: “Discontinued by the maker”"),
        "{page}"
    );

    // The operator gives it to Beta Goods: the order is routed, and Alpha never gets it back.
    let rule = json!({ "rule": "sku", "sku": shop.variants[0].2, "vendor": "Beta Goods" });
    let response = app
        .api_post(&format!("/stores/{}/assignments", shop.store_id), &rule)
        .await;
    assert_eq!(response.status(), 200);
    let detail = order_detail(&app, order).await;
    assert_eq!(detail["order"]["routing_state"], "routed", "{detail:#}");
}

#[tokio::test]
async fn a_line_with_anything_shipped_cannot_be_declined() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let alpha = Vendor {
        app: &app,
        token: &shop.alpha_token,
    };
    let alpha_id = vendor_id(&alpha).await;
    let (_, order) = place(&app, &shop, vec![catalog_line(&shop, 0, 2)], 0, "").await;
    let po = purchase_order_of(&app, order, alpha_id).await;
    let line = &po["lines"][0];
    let (status, _) = alpha.ship(&po, line, 1, "1ZHALF00001").await;
    assert_eq!(status, 201);

    let (status, body) = alpha.decline(&po, line, "out of stock").await;
    assert_eq!(status, 409);
    assert!(
        body["error"].as_str().unwrap().contains("1 of 2 of 2 × ")
            && body["error"].as_str().unwrap().contains("shipped already"),
        "{body:#}"
    );
    let after = purchase_order_of(&app, order, alpha_id).await;
    assert_eq!(after["lines"][0]["order_line_id"], line["order_line_id"]);
    assert_eq!(
        after["lines"][0]["quantity_shipped"], 1,
        "still on it, half shipped"
    );
    assert!(after["declined_lines"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_decline_racing_a_shipment_of_the_same_line_leaves_one_outcome() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let alpha = Vendor {
        app: &app,
        token: &shop.alpha_token,
    };
    let alpha_id = vendor_id(&alpha).await;
    let (mut declines, mut shipments) = (0, 0);
    for round in 0..6 {
        let lines = vec![catalog_line(&shop, 0, 1), catalog_line(&shop, 1, 1)];
        let (_, order) = place(&app, &shop, lines, round, "").await;
        let po = purchase_order_of(&app, order, alpha_id).await;
        let line = &po["lines"][0];
        let tracking = format!("1ZRACE{round:05}");
        let ((shipped, shipment), (declined, _)) = tokio::join!(
            alpha.ship(&po, line, 1, &tracking),
            alpha.decline(&po, line, "out of stock")
        );
        let after = purchase_order_of(&app, order, alpha_id).await;
        let still_on = after["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["order_line_id"] == line["order_line_id"]);
        match (shipped, declined) {
            (201, 409) => {
                shipments += 1;
                assert!(still_on, "shipped, so it stays: {after:#}");
                assert!(after["declined_lines"].as_array().unwrap().is_empty());
            }
            (422, 200) => {
                declines += 1;
                assert!(!still_on, "declined, so it left: {after:#}");
                assert!(
                    shipment.to_string().contains("line"),
                    "the shipment names the line: {shipment}"
                );
                let shipped_of_order = order_detail(&app, order).await["shipments"]
                    .as_array()
                    .unwrap()
                    .len();
                assert_eq!(shipped_of_order, 0, "nothing shipped of a declined line");
            }
            other => panic!("round {round}: shipment and decline answered {other:?}"),
        }
    }
    assert_eq!(declines + shipments, 6);
}

#[tokio::test]
async fn packing_slips_show_the_ship_to_skus_and_quantities_and_no_prices() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let alpha = Vendor {
        app: &app,
        token: &shop.alpha_token,
    };
    let alpha_id = vendor_id(&alpha).await;
    let long_name = "Handmade stoneware breakfast mug with a speckled glaze, a wide handle and \
                     room for a whole pot of tea, boxed";
    let lines = vec![
        catalog_line(&shop, 0, 3),
        ShopperLine::custom(long_name, "MUG-LONG-1", Money::parse("123.45").unwrap(), 2),
    ];
    let (number, order) = place(&app, &shop, lines, 1, "Leave it with the neighbour").await;
    let po = purchase_order_of(&app, order, alpha_id).await;
    assert_eq!(po["customer_message"], "Leave it with the neighbour");
    let (detail_status, detail) = alpha.get(&format!("/purchase-orders/{}", po["id"])).await;
    assert_eq!(detail_status, 200);
    assert_eq!(detail["customer_message"], "Leave it with the neighbour");

    let (status, pdf) = alpha
        .get_bytes(&format!("/purchase-orders/{}/packing-slip.pdf", po["id"]))
        .await;
    assert_eq!(status, 200);
    let text = pdf_text(&pdf);
    for expected in [
        format!("Order #{number}"),
        "Ravi Patel".to_owned(),
        "101 Main Street".to_owned(),
        "Chicago IL 60601".to_owned(),
        shop.variants[0].2.clone(),
        "MUG-LONG-1".to_owned(),
        "Leave it with the neighbour".to_owned(),
        "Handmade stoneware".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected:?} not in {text}");
    }
    let quantities: Vec<&str> = text.split_whitespace().collect();
    assert!(
        quantities.contains(&"3") && quantities.contains(&"2"),
        "{text}"
    );
    let total = order_detail(&app, order).await["order"]["total"]
        .as_str()
        .unwrap()
        .to_owned();
    for price in ["123.45", total.as_str(), "$", "Price", "Total"] {
        assert!(
            !text.contains(price),
            "a price ({price}) is on the slip: {text}"
        );
    }

    // A selection is one PDF, a slip per purchase order, in the order given.
    let (other_number, other) = place(&app, &shop, vec![catalog_line(&shop, 2, 1)], 2, "").await;
    let other_po = purchase_order_of(&app, other, alpha_id).await;
    let (status, pdf) = alpha
        .get_bytes(&format!(
            "/packing-slips.pdf?ids={},{}",
            other_po["id"], po["id"]
        ))
        .await;
    assert_eq!(status, 200);
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    assert_eq!(document.get_pages().len(), 2);
    let first_page = document.extract_text(&[1]).unwrap();
    assert!(
        first_page.contains(&format!("Order #{other_number}")),
        "{first_page}"
    );
    let second_page = document.extract_text(&[2]).unwrap();
    assert!(
        second_page.contains(&format!("Order #{number}")),
        "{second_page}"
    );

    // The selection is bounded and read by name.
    let many = (1..=51)
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(",");
    for query in ["", "?ids=", "?ids=1,two", &format!("?ids={many}")] {
        let (status, body) = alpha.get(&format!("/packing-slips.pdf{query}")).await;
        assert_eq!(status, 422, "{query}: {body:#}");
        assert_eq!(body["fields"][0]["field"], "ids");
    }
}

fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"));
    let document = lopdf::Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document.extract_text(&pages).unwrap()
}

#[tokio::test]
async fn another_vendors_purchase_orders_and_lines_are_not_found() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let rule = json!({ "rule": "sku", "sku": shop.variants[0].2, "vendor": "Beta Goods" });
    let response = app
        .api_post(&format!("/stores/{}/assignments", shop.store_id), &rule)
        .await;
    assert_eq!(response.status(), 200);
    let alpha = Vendor {
        app: &app,
        token: &shop.alpha_token,
    };
    let beta = Vendor {
        app: &app,
        token: &shop.beta_token,
    };
    let (alpha_id, beta_id) = (vendor_id(&alpha).await, vendor_id(&beta).await);
    let lines = vec![catalog_line(&shop, 0, 1), catalog_line(&shop, 1, 1)];
    let (number, order) = place(&app, &shop, lines, 0, "").await;
    let alphas = purchase_order_of(&app, order, alpha_id).await;
    let betas = purchase_order_of(&app, order, beta_id).await;
    let alpha_line = &alphas["lines"][0];
    let beta_line = &betas["lines"][0];

    // Beta on Alpha's purchase order: exactly like one that does not exist.
    let missing = 999_999;
    for (path, of_another) in [
        (
            format!("/purchase-orders/{}", alphas["id"]),
            format!("/purchase-orders/{missing}"),
        ),
        (
            format!("/purchase-orders/{}/packing-slip.pdf", alphas["id"]),
            format!("/purchase-orders/{missing}/packing-slip.pdf"),
        ),
        (
            format!("/packing-slips.pdf?ids={},{}", betas["id"], alphas["id"]),
            format!("/packing-slips.pdf?ids={},{missing}", betas["id"]),
        ),
    ] {
        let theirs = beta.get(&path).await;
        let nobodys = beta.get(&of_another).await;
        assert_eq!(theirs.0, 404, "{path}");
        assert_eq!(theirs, nobodys, "{path} reveals nothing");
    }
    let (status, _) = beta
        .post(&format!("/purchase-orders/{}/accept", alphas["id"]), None)
        .await;
    assert_eq!(status, 404);
    let (status, _) = beta.decline(&alphas, alpha_line, "not mine").await;
    assert_eq!(status, 404);
    // Alpha naming Beta's line on its own purchase order.
    let (status, _) = alpha.decline(&alphas, beta_line, "not mine").await;
    assert_eq!(status, 404);
    // Nor does a search reach it.
    let (found, _) = beta.list(&format!("?q={number}&status=all")).await;
    assert_eq!(ids(&found), [betas["id"].as_i64().unwrap()]);

    // Nothing changed on Alpha's purchase order.
    let after = purchase_order_of(&app, order, alpha_id).await;
    assert_eq!(after["state"], "open");
    assert_eq!(after["lines"], alphas["lines"]);
    assert!(after["declined_lines"].as_array().unwrap().is_empty());
}
