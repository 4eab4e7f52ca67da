//! The OpenAPI documents of the vendor API and the operator API: served without signing in,
//! and every answer the API gives in a day's work matches the schema its document declares —
//! with no field the document leaves out. Each test calls every documented operation.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, TestApp, spawn_app};
use crate::shipments::shop;

/// The document, and which of its operations the test has called.
struct Reference {
    document: Value,
    called: BTreeSet<(String, String)>,
}

impl Reference {
    async fn fetch(app: &TestApp, address: &str) -> Reference {
        let response = app
            .http
            .get(format!("{}{address}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "the document needs no sign-in");
        let document: Value = response.json().await.unwrap();
        assert!(
            document["openapi"].as_str().unwrap().starts_with("3.1"),
            "{document:#}"
        );
        // OpenAPI requires a description on every response.
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                for (status, response) in operation["responses"].as_object().unwrap() {
                    assert!(
                        response["description"]
                            .as_str()
                            .is_some_and(|d| !d.is_empty()),
                        "{method} {path} {status} has no description"
                    );
                }
            }
        }
        Reference {
            document,
            called: BTreeSet::new(),
        }
    }

    /// Sends `request` and checks its answer against the documented response for the status.
    /// A JSON body the API accepts must match the documented request body too.
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        request: reqwest::RequestBuilder,
        expected_status: u16,
    ) -> Value {
        let operation = self.document["paths"][path][method].clone();
        assert!(operation.is_object(), "{method} {path} is not documented");
        self.called.insert((method.to_owned(), path.to_owned()));
        let (client, request) = request.build_split();
        let request = request.unwrap();
        let sent: Option<Value> = request
            .body()
            .and_then(|body| body.as_bytes())
            .and_then(|bytes| serde_json::from_slice(bytes).ok());
        let response = client.execute(request).await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await.unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        assert_eq!(status, expected_status, "{method} {path}: {text}");
        if let Some(sent) = sent.filter(|_| status < 300) {
            let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
            let errors = self.mismatches(schema, &sent);
            assert!(
                errors.is_empty(),
                "{method} {path}: the accepted body does not match its schema: {errors:#?}"
            );
        }
        let documented = &operation["responses"][status.to_string()];
        assert!(
            documented.is_object(),
            "{method} {path} answered {status}, which it does not document"
        );
        if status == 204 {
            assert!(text.is_empty() && documented.get("content").is_none());
            return Value::Null;
        }
        // A document that is not JSON (a PDF): the answer has the documented type and is one.
        if let Some(other) = documented["content"].as_object().and_then(|content| {
            content
                .keys()
                .find(|k| k.as_str() != "application/json")
                .cloned()
        }) {
            assert_eq!(content_type, other, "{method} {path} {status}");
            if other == "application/pdf" {
                assert!(bytes.starts_with(b"%PDF-"), "{method} {path}: not a PDF");
            }
            return Value::Null;
        }
        let body: Value = serde_json::from_str(&text).unwrap();
        let schema = &documented["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "{method} {path} {status} documents no JSON"
        );
        let errors = self.mismatches(schema, &body);
        assert!(
            errors.is_empty(),
            "{method} {path} {status} does not match its schema: {errors:#?}\n{body:#}"
        );
        body
    }

    /// How `instance` breaks `schema`, undocumented fields included.
    fn mismatches(&self, schema: &Value, instance: &Value) -> Vec<String> {
        assert!(schema.is_object(), "no schema for {instance}");
        // The document's components beside the schema, so its `$ref`s resolve.
        let rooted = json!({ "components": self.document["components"], "allOf": [schema] });
        let validator = jsonschema::validator_for(&rooted).unwrap();
        let mut errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        self.undocumented(schema, instance, String::new(), &mut errors);
        errors
    }

    /// Reports every field of `instance` that `schema` does not declare. Schemas stay open to
    /// other properties (closing them breaks `allOf`/`oneOf` compositions), so this walks the
    /// answer itself: an undocumented field fails the test.
    fn undocumented(&self, schema: &Value, instance: &Value, at: String, out: &mut Vec<String>) {
        match instance {
            Value::Object(fields) => {
                let declared = self.properties(schema);
                let values = self.resolve(schema).get("additionalProperties").cloned();
                for (name, value) in fields {
                    match (declared.get(name), &values) {
                        (Some(field), _) => {
                            self.undocumented(field, value, format!("{at}/{name}"), out)
                        }
                        (None, Some(map @ Value::Object(_))) => {
                            self.undocumented(map, value, format!("{at}/{name}"), out)
                        }
                        (None, _) => out.push(format!("undocumented field {at}/{name}")),
                    }
                }
            }
            Value::Array(items) => {
                for schema in self.members(schema) {
                    if let Some(item) = schema.get("items") {
                        for (n, value) in items.iter().enumerate() {
                            self.undocumented(item, value, format!("{at}/{n}"), out);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The properties `schema` declares, across its `allOf`/`oneOf`/`anyOf` members.
    fn properties(&self, schema: &Value) -> serde_json::Map<String, Value> {
        let mut all = serde_json::Map::new();
        for member in self.members(schema) {
            if let Some(properties) = member.get("properties").and_then(Value::as_object) {
                all.extend(properties.clone());
            }
        }
        all
    }

    /// `schema` and, recursively, the members of its compositions, with `$ref`s resolved.
    fn members(&self, schema: &Value) -> Vec<Value> {
        let schema = self.resolve(schema);
        let mut members = vec![schema.clone()];
        for keyword in ["allOf", "oneOf", "anyOf"] {
            for member in schema[keyword].as_array().into_iter().flatten() {
                members.extend(self.members(member));
            }
        }
        members
    }

    fn resolve(&self, schema: &Value) -> Value {
        match schema["$ref"].as_str() {
            Some(reference) => {
                let pointer = reference.trim_start_matches('#');
                self.resolve(
                    self.document
                        .pointer(pointer)
                        .expect("a $ref that resolves"),
                )
            }
            None => schema.clone(),
        }
    }

    fn assert_all_called(&self) {
        let uncalled: Vec<_> = self
            .operations()
            .difference(&self.called)
            .cloned()
            .collect();
        assert!(
            uncalled.is_empty(),
            "documented but never checked: {uncalled:?}"
        );
    }

    fn operations(&self) -> BTreeSet<(String, String)> {
        let mut all = BTreeSet::new();
        for (path, item) in self.document["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                all.insert((method.clone(), path.clone()));
            }
        }
        all
    }
}

#[tokio::test]
async fn every_vendor_api_answer_matches_its_openapi_document() {
    let app = spawn_app().await;
    let mut reference = Reference::fetch(&app, "/vendor-api/v1/openapi.json").await;
    let shop = shop(&app).await;
    let (order_number, _) = shop.order(&app, &[(0, 2, 0), (1, 1, 0)]).await;
    let url = |path: &str| format!("{}/vendor-api/v1{path}", app.address);
    let token = shop.alpha_token.as_str();
    let get = |path: &str| app.http.get(url(path)).bearer_auth(token);
    let post = |path: &str| app.http.post(url(path)).bearer_auth(token);
    let put = |path: &str| app.http.put(url(path)).bearer_auth(token);

    reference.call("get", "/me", get("/me"), 200).await;
    let no_token = app.http.get(url("/me"));
    reference.call("get", "/me", no_token, 401).await;

    let listed = reference
        .call("get", "/purchase-orders", get("/purchase-orders"), 200)
        .await;
    let purchase_order = &listed[0];
    let po_id = purchase_order["id"].as_i64().unwrap();
    let po_path = "/purchase-orders/{id}";
    let one = get(&format!("/purchase-orders/{po_id}"));
    reference.call("get", po_path, one, 200).await;
    let missing = get("/purchase-orders/999999");
    reference.call("get", po_path, missing, 404).await;
    let not_a_number = get("/purchase-orders/first");
    reference.call("get", po_path, not_a_number, 422).await;
    let searched = get(&format!(
        "/purchase-orders?q={order_number}&state=open&seen_since=2026-01-01T00:00:00Z&limit=10"
    ));
    let found = reference
        .call("get", "/purchase-orders", searched, 200)
        .await;
    assert_eq!(found[0]["is_new"], true, "{found:#}");
    let bad_search = get("/purchase-orders?state=lost&limit=0");
    reference
        .call("get", "/purchase-orders", bad_search, 422)
        .await;

    let slip = get(&format!("/purchase-orders/{po_id}/packing-slip.pdf"));
    reference
        .call("get", "/purchase-orders/{id}/packing-slip.pdf", slip, 200)
        .await;
    let slips = get(&format!("/packing-slips.pdf?ids={po_id}"));
    reference
        .call("get", "/packing-slips.pdf", slips, 200)
        .await;
    let no_ids = get("/packing-slips.pdf?ids=");
    reference
        .call("get", "/packing-slips.pdf", no_ids, 422)
        .await;

    let accept_path = "/purchase-orders/{id}/accept";
    let accept = post(&format!("/purchase-orders/{po_id}/accept"));
    let accepted = reference.call("post", accept_path, accept, 200).await;
    assert_eq!(accepted["state"], "accepted", "{accepted:#}");
    let accept_missing = post("/purchase-orders/999999/accept");
    reference
        .call("post", accept_path, accept_missing, 404)
        .await;

    let ship_path = "/purchase-orders/{id}/shipments";
    let shipments_url = format!("/purchase-orders/{po_id}/shipments");
    let broken = post(&shipments_url)
        .header("content-type", "application/json")
        .body("{\"tracking_number\": ");
    reference.call("post", ship_path, broken, 400).await;
    let invalid = post(&shipments_url).json(&json!({ "carrier": "UPS", "lines": [] }));
    reference.call("post", ship_path, invalid, 422).await;
    let line = &purchase_order["lines"][0];
    let shipment = json!({
        "tracking_number": "1Z999AA10123456784",
        "carrier": "UPS",
        "lines": [{ "line_id": line["order_line_id"], "quantity": line["quantity"] }],
    });
    let recorded = reference
        .call("post", ship_path, post(&shipments_url).json(&shipment), 201)
        .await;
    let shipment_id = recorded["id"].as_i64().unwrap();
    let read = get(&format!("/shipments/{shipment_id}"));
    reference.call("get", "/shipments/{id}", read, 200).await;

    let decline_path = "/purchase-orders/{id}/lines/{line_id}/decline";
    let shipped_line = format!(
        "/purchase-orders/{po_id}/lines/{}/decline",
        line["order_line_id"]
    );
    let shipped = post(&shipped_line).json(&json!({ "reason": "out of stock" }));
    reference.call("post", decline_path, shipped, 409).await;
    // Declined on an order of its own, so the tracking CSV below still finds its lines.
    let (other_number, _) = shop.order(&app, &[(2, 1, 0), (3, 1, 0)]).await;
    let other: Value = get(&format!("/purchase-orders?q={other_number}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let other_line = &other[0]["lines"][0];
    let unshipped_line = format!(
        "/purchase-orders/{}/lines/{}/decline",
        other[0]["id"], other_line["order_line_id"]
    );
    let no_reason = post(&unshipped_line).json(&json!({ "reason": "  " }));
    reference.call("post", decline_path, no_reason, 422).await;
    let declined = post(&unshipped_line).json(&json!({ "reason": "out of stock" }));
    let declined = reference.call("post", decline_path, declined, 200).await;
    assert_eq!(declined["declined_lines"][0]["reason"], "out of stock");

    let sku_b = &shop.variants[1].2;
    let tracking = format!(
        "order,sku,quantity,tracking_number,carrier\n\
         {order_number},{sku_b},1,CSV-1,FedEx\n\
         {order_number},{sku_b},many,CSV-2,FedEx\n"
    );
    let upload = post(&format!("/shipments/csv?store_id={}", shop.store_id))
        .header("content-type", "text/csv")
        .body(tracking);
    let report = reference.call("post", "/shipments/csv", upload, 200).await;
    assert_eq!(report["errors"].as_array().unwrap().len(), 1, "{report:#}");

    let sku_a = &shop.variants[0].2;
    let levels =
        json!({ "items": [{ "sku": sku_a, "quantity": 7 }, { "sku": "NOT-OURS", "quantity": 1 }] });
    reference
        .call("put", "/stock", put("/stock").json(&levels), 200)
        .await;
    let negative = json!({ "items": [{ "sku": sku_a, "quantity": -1 }] });
    reference
        .call("put", "/stock", put("/stock").json(&negative), 422)
        .await;
    let file = format!("sku,quantity\n{sku_a},5\n{sku_b},x\n");
    reference
        .call(
            "post",
            "/stock/csv",
            post("/stock/csv")
                .header("content-type", "text/csv")
                .body(file),
            200,
        )
        .await;
    let unmatched = reference
        .call("get", "/stock/unmatched", get("/stock/unmatched"), 200)
        .await;
    assert_eq!(unmatched, json!(["NOT-OURS"]));

    reference.assert_all_called();
}

#[tokio::test]
async fn every_operator_api_answer_matches_its_openapi_document() {
    let app = spawn_app().await;
    let mut reference = Reference::fetch(&app, "/api/v1/openapi.json").await;
    let shop = shop(&app).await;
    let store = shop.store_id;
    let url = |path: &str| format!("{}/api/v1{path}", app.address);
    let signed_in =
        |request: reqwest::RequestBuilder| request.basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD));
    let get = |path: &str| signed_in(app.http.get(url(path)));
    let post = |path: &str| signed_in(app.http.post(url(path)));
    let put = |path: &str| signed_in(app.http.put(url(path)));
    let (sku_a, sku_b) = (&shop.variants[0].2, &shop.variants[1].2);

    // Stores, Connect and the catalog.
    reference.call("get", "/stores", get("/stores"), 200).await;
    reference
        .call("get", "/stores", app.http.get(url("/stores")), 401)
        .await;
    let invalid = post("/stores").json(&json!({ "name": "" }));
    reference.call("post", "/stores", invalid, 422).await;
    let added = post("/stores").json(&app.another_store_input("Second store", "secondstore1"));
    let second = reference.call("post", "/stores", added, 201).await;
    let second = second["id"].as_i64().unwrap();
    let one = get(&format!("/stores/{second}"));
    reference.call("get", "/stores/{id}", one, 200).await;
    let missing = get("/stores/999999");
    reference.call("get", "/stores/{id}", missing, 404).await;
    let renamed = put(&format!("/stores/{second}")).json(&json!({ "name": "Second shop" }));
    reference.call("put", "/stores/{id}", renamed, 200).await;
    let bad_url = put(&format!("/stores/{second}")).json(&json!({ "store_url": "ftp://x" }));
    reference.call("put", "/stores/{id}", bad_url, 422).await;
    let gone = put("/stores/999999").json(&json!({ "name": "Nobody" }));
    reference.call("put", "/stores/{id}", gone, 404).await;
    let disable = post(&format!("/stores/{second}/disable"));
    reference
        .call("post", "/stores/{id}/disable", disable, 200)
        .await;
    let enable = post(&format!("/stores/{second}/enable"));
    reference
        .call("post", "/stores/{id}/enable", enable, 200)
        .await;
    // A store removed: refused while enabled, and with a wrong name.
    let added = post("/stores").json(&app.another_store_input("Closed store", "closedshop1"));
    let closed = reference.call("post", "/stores", added, 201).await;
    let closed = format!("/stores/{}", closed["id"]);
    let remove = |query: &[(&str, &str)]| signed_in(app.http.delete(url(&closed)).query(query));
    let enabled = remove(&[("confirm_name", "Closed store")]);
    reference.call("delete", "/stores/{id}", enabled, 409).await;
    let disable = post(&format!("{closed}/disable"));
    reference
        .call("post", "/stores/{id}/disable", disable, 200)
        .await;
    let misnamed = remove(&[("confirm_name", "Closed")]);
    reference
        .call("delete", "/stores/{id}", misnamed, 422)
        .await;
    let removed = remove(&[("confirm_name", "Closed store"), ("orders", "delete")]);
    reference.call("delete", "/stores/{id}", removed, 200).await;
    let gone = remove(&[("confirm_name", "Closed store")]);
    reference.call("delete", "/stores/{id}", gone, 404).await;
    // The answers every operation can give, added to the document in one place.
    let not_a_number = get("/stores/first");
    reference
        .call("get", "/stores/{id}", not_a_number, 422)
        .await;
    let cross_site =
        post(&format!("/stores/{second}/connect")).header("origin", "https://evil.example");
    reference
        .call("post", "/stores/{id}/connect", cross_site, 403)
        .await;
    let connect = post(&format!("/stores/{second}/connect"));
    let connected = reference
        .call("post", "/stores/{id}/connect", connect, 200)
        .await;
    assert_eq!(
        connected["connection"]["status"], "connected",
        "{connected:#}"
    );
    let incremental =
        post(&format!("/stores/{store}/imports")).json(&json!({ "mode": "incremental" }));
    let import = reference
        .call("post", "/stores/{id}/imports", incremental, 202)
        .await;
    let import = get(&format!("/imports/{}", import["id"]));
    reference.call("get", "/imports/{id}", import, 200).await;
    let products = get(&format!("/products?store_id={store}&q={sku_a}"));
    reference.call("get", "/products", products, 200).await;
    let both = get("/products?vendor_id=1&no_vendor=true");
    reference.call("get", "/products", both, 422).await;

    // Vendors and their assignment rules.
    let vendors = reference
        .call("get", "/vendors", get("/vendors"), 200)
        .await;
    let alpha = vendors
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "Alpha Supply")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let gamma = post("/vendors").json(&json!({ "name": "Gamma", "email": "ops@gamma.example" }));
    let gamma = reference.call("post", "/vendors", gamma, 201).await;
    assert!(
        gamma["api_token_once"]
            .as_str()
            .unwrap()
            .starts_with("whv_")
    );
    let gamma = gamma["id"].as_i64().unwrap();
    let nameless = post("/vendors").json(&json!({}));
    reference.call("post", "/vendors", nameless, 422).await;
    let read = get(&format!("/vendors/{gamma}"));
    reference.call("get", "/vendors/{id}", read, 200).await;
    let renamed = put(&format!("/vendors/{gamma}")).json(&json!({ "name": "Gamma Goods" }));
    reference.call("put", "/vendors/{id}", renamed, 200).await;
    // The vendor's own BigCommerce store.
    let theirs = app.another_store_input("unused", "gammashop1");
    let bigcommerce = format!("/vendors/{gamma}/bigcommerce");
    let none = get(&bigcommerce);
    reference
        .call("get", "/vendors/{id}/bigcommerce", none, 404)
        .await;
    let unsaved = post(&format!("{bigcommerce}/connect"));
    reference
        .call("post", "/vendors/{id}/bigcommerce/connect", unsaved, 404)
        .await;
    let partial = put(&bigcommerce).json(&json!({ "store_url": "ftp://x" }));
    reference
        .call("put", "/vendors/{id}/bigcommerce", partial, 422)
        .await;
    let credentials = json!({
        "store_url": theirs["store_url"],
        "store_hash": theirs["store_hash"],
        "client_id": "gamma-client",
        "client_secret": "gamma-secret",
        "access_token": theirs["access_token"],
    });
    let saved = put(&bigcommerce).json(&credentials);
    reference
        .call("put", "/vendors/{id}/bigcommerce", saved, 200)
        .await;
    let check = post(&format!("{bigcommerce}/connect"));
    let checked = reference
        .call("post", "/vendors/{id}/bigcommerce/connect", check, 200)
        .await;
    assert_eq!(checked["connection"]["status"], "connected", "{checked:#}");
    let read = get(&bigcommerce);
    reference
        .call("get", "/vendors/{id}/bigcommerce", read, 200)
        .await;
    let settings = put(&format!("{bigcommerce}/settings"))
        .json(&json!({ "order_status_id": 9, "include_customer_contact": true }));
    reference
        .call("put", "/vendors/{id}/bigcommerce/settings", settings, 200)
        .await;
    let bad = put(&format!("{bigcommerce}/settings")).json(&json!({ "order_status_id": 2 }));
    reference
        .call("put", "/vendors/{id}/bigcommerce/settings", bad, 422)
        .await;
    let disconnect = signed_in(app.http.delete(url(&bigcommerce)));
    reference
        .call("delete", "/vendors/{id}/bigcommerce", disconnect, 204)
        .await;
    let rotated = post(&format!("/vendors/{gamma}/token"));
    let rotated = reference
        .call("post", "/vendors/{id}/token", rotated, 200)
        .await;
    assert!(rotated["api_token_once"].is_string());
    let off = post(&format!("/vendors/{gamma}/deactivate"));
    let off = reference
        .call("post", "/vendors/{id}/deactivate", off, 200)
        .await;
    assert_eq!(off["active"], false);
    let on = post(&format!("/vendors/{gamma}/activate"));
    reference
        .call("post", "/vendors/{id}/activate", on, 200)
        .await;
    let hourly =
        put(&format!("/vendors/{gamma}/mail-schedule")).json(&json!({ "mail_schedule": "hourly" }));
    let hourly = reference
        .call("put", "/vendors/{id}/mail-schedule", hourly, 200)
        .await;
    assert_eq!(hourly["mail_schedule"], "hourly");
    let weekly =
        put(&format!("/vendors/{gamma}/mail-schedule")).json(&json!({ "mail_schedule": "weekly" }));
    reference
        .call("put", "/vendors/{id}/mail-schedule", weekly, 422)
        .await;
    // A vendor's own BigCommerce store: its catalog read and the match lists.
    let no_store = get(&format!("/vendors/{gamma}/bigcommerce/matches"));
    reference
        .call("get", "/vendors/{id}/bigcommerce/matches", no_store, 404)
        .await;
    let delta =
        crate::vendor_store::vendor_with_store(&app, "Delta Makers", "deltastore1", 3).await;
    let read = post(&format!(
        "/vendors/{}/bigcommerce/catalog-read",
        delta.vendor_id
    ));
    reference
        .call("post", "/vendors/{id}/bigcommerce/catalog-read", read, 202)
        .await;
    app.app.read_vendor_catalog(delta.vendor_id).await.unwrap();
    let listed = get(&format!(
        "/vendors/{}/bigcommerce/matches?state=unmatched",
        delta.vendor_id
    ));
    reference
        .call("get", "/vendors/{id}/bigcommerce/matches", listed, 200)
        .await;
    let bad_state = get(&format!(
        "/vendors/{}/bigcommerce/matches?state=maybe",
        delta.vendor_id
    ));
    reference
        .call("get", "/vendors/{id}/bigcommerce/matches", bad_state, 422)
        .await;
    let branding = reference
        .call("get", "/branding", get("/branding"), 200)
        .await;
    assert_eq!(branding["accent"], "#1d4ed8");
    let rebrand = put("/branding").json(
        &json!({ "name": "Trail Co", "accent": "#0F766E", "support_email": "help@trail.example" }),
    );
    let rebrand = reference.call("put", "/branding", rebrand, 200).await;
    assert_eq!(rebrand["accent"], "#0f766e");
    let bad_brand = put("/branding").json(&json!({ "accent": "teal" }));
    reference.call("put", "/branding", bad_brand, 422).await;
    reference
        .call("get", "/mail/operator", get("/mail/operator"), 200)
        .await;
    let operator = put("/mail/operator").json(&json!({ "operator_email": "ops@trail.example" }));
    let operator = reference.call("put", "/mail/operator", operator, 200).await;
    assert_eq!(operator["operator_email"], "ops@trail.example");
    let missing = post("/vendors/999999/deactivate");
    reference
        .call("post", "/vendors/{id}/deactivate", missing, 404)
        .await;
    let cleared = signed_in(
        app.http
            .delete(url(&format!("/vendors/{gamma}/unmatched-skus"))),
    );
    reference
        .call("delete", "/vendors/{id}/unmatched-skus", cleared, 200)
        .await;
    let invite = post(&format!("/vendors/{gamma}/users"))
        .json(&json!({ "email": "pat@gamma.example", "name": "Pat" }));
    let invited = reference
        .call("post", "/vendors/{id}/users", invite, 201)
        .await;
    let user = invited["user"]["id"].as_i64().unwrap();
    let addressless = post(&format!("/vendors/{gamma}/users")).json(&json!({ "name": "Sam" }));
    reference
        .call("post", "/vendors/{id}/users", addressless, 422)
        .await;
    let users = get(&format!("/vendors/{gamma}/users"));
    reference
        .call("get", "/vendors/{id}/users", users, 200)
        .await;
    let resend = post(&format!("/vendors/{gamma}/users/{user}/invitation"));
    reference
        .call(
            "post",
            "/vendors/{id}/users/{user_id}/invitation",
            resend,
            200,
        )
        .await;
    let change = put(&format!("/vendors/{gamma}/users/{user}"))
        .json(&json!({ "email": "pat.smith@gamma.example", "name": "Pat Smith" }));
    reference
        .call("put", "/vendors/{id}/users/{user_id}", change, 200)
        .await;
    let unreadable =
        put(&format!("/vendors/{gamma}/users/{user}")).json(&json!({ "email": "pat" }));
    reference
        .call("put", "/vendors/{id}/users/{user_id}", unreadable, 422)
        .await;
    let nobody =
        put(&format!("/vendors/{gamma}/users/999999")).json(&json!({ "email": "a@b.example" }));
    reference
        .call("put", "/vendors/{id}/users/{user_id}", nobody, 404)
        .await;
    let remove = signed_in(
        app.http
            .delete(url(&format!("/vendors/{gamma}/users/{user}"))),
    );
    reference
        .call("delete", "/vendors/{id}/users/{user_id}", remove, 204)
        .await;
    let again = signed_in(
        app.http
            .delete(url(&format!("/vendors/{gamma}/users/{user}"))),
    );
    reference
        .call("delete", "/vendors/{id}/users/{user_id}", again, 404)
        .await;
    let rule = json!({ "rule": "sku", "sku": sku_b, "vendor": "Beta Goods" });
    let assign = post(&format!("/stores/{store}/assignments")).json(&rule);
    reference
        .call("post", "/stores/{id}/assignments", assign, 200)
        .await;
    let rules = format!("sku,vendor\n{sku_a},Alpha Supply\n{sku_b},Nobody\n");
    let upload = post(&format!("/stores/{store}/assignments/csv"))
        .header("content-type", "text/csv")
        .body(rules);
    let outcome = reference
        .call("post", "/stores/{id}/assignments/csv", upload, 200)
        .await;
    assert_eq!(
        outcome["errors"].as_array().unwrap().len(),
        1,
        "{outcome:#}"
    );
    let listed = get(&format!("/stores/{store}/assignments"));
    let listed = reference
        .call("get", "/stores/{id}/assignments", listed, 200)
        .await;
    let missing = get("/stores/999999/assignments");
    reference
        .call("get", "/stores/{id}/assignments", missing, 404)
        .await;
    let rule_id = listed[0]["id"].as_i64().unwrap();
    let rule_path = format!("/assignments/{rule_id}");
    let change = put(&rule_path).json(&json!({ "vendor": "Alpha Supply" }));
    reference
        .call("put", "/assignments/{id}", change, 200)
        .await;
    let nobody = put(&rule_path).json(&json!({ "vendor": "Nobody" }));
    reference
        .call("put", "/assignments/{id}", nobody, 422)
        .await;
    let unknown = put("/assignments/999999").json(&json!({ "vendor": "Alpha Supply" }));
    reference
        .call("put", "/assignments/{id}", unknown, 404)
        .await;
    let remove = signed_in(app.http.delete(url(&rule_path)));
    reference
        .call("delete", "/assignments/{id}", remove, 204)
        .await;
    let again = signed_in(app.http.delete(url(&rule_path)));
    reference
        .call("delete", "/assignments/{id}", again, 404)
        .await;
    // Put the rule back: the flows below ship through it.
    let rule = json!({ "rule": "sku", "sku": sku_b, "vendor": "Beta Goods" });
    let response = post(&format!("/stores/{store}/assignments"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let statuses =
        put(&format!("/stores/{store}/routing")).json(&json!({ "routed_status_ids": [11, 9] }));
    reference
        .call("put", "/stores/{id}/routing", statuses, 200)
        .await;

    // Orders, their purchase orders and shipments.
    let (order_number, order_id) = shop.order(&app, &[(0, 2, 0), (1, 1, 0)]).await;
    let sync = post(&format!("/stores/{store}/orders/sync"));
    reference
        .call("post", "/stores/{id}/orders/sync", sync, 200)
        .await;
    reference.call("get", "/orders", get("/orders"), 200).await;
    let bad_filter = get("/orders?state=lost");
    reference.call("get", "/orders", bad_filter, 422).await;
    let detail = get(&format!("/orders/{order_id}"));
    let detail = reference.call("get", "/orders/{id}", detail, 200).await;
    let preview = get(&format!("/orders/{order_id}/routing-preview"));
    reference
        .call("get", "/orders/{id}/routing-preview", preview, 200)
        .await;
    let alphas = detail["purchase_orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|po| po["vendor_id"] == alpha)
        .unwrap();
    let line = &alphas["lines"][0];
    let shipment = json!({
        "tracking_number": "1Z999AA10123456784",
        "carrier": "UPS",
        "lines": [{ "line_id": line["order_line_id"], "quantity": line["quantity"] }],
    });
    let ship = post(&format!("/purchase-orders/{}/shipments", alphas["id"])).json(&shipment);
    let shipped = reference
        .call("post", "/purchase-orders/{id}/shipments", ship, 201)
        .await;
    let read = get(&format!("/shipments/{}", shipped["id"]));
    reference.call("get", "/shipments/{id}", read, 200).await;
    let retry = post(&format!("/shipments/{}/retry", shipped["id"]));
    reference
        .call("post", "/shipments/{id}/retry", retry, 409)
        .await;
    // Alpha has no store of its own: its purchase order was never sent to one.
    let vendor_order = get(&format!("/purchase-orders/{}/vendor-order", alphas["id"]));
    reference
        .call(
            "get",
            "/purchase-orders/{id}/vendor-order",
            vendor_order,
            404,
        )
        .await;
    let send_again = post(&format!(
        "/purchase-orders/{}/vendor-order/send-again",
        alphas["id"]
    ));
    reference
        .call(
            "post",
            "/purchase-orders/{id}/vendor-order/send-again",
            send_again,
            409,
        )
        .await;
    let tracking = format!(
        "order,sku,quantity,tracking_number,carrier\n{order_number},{sku_b},1,CSV-1,FedEx\n"
    );
    let upload = post(&format!("/stores/{store}/shipments/csv"))
        .header("content-type", "text/csv")
        .body(tracking);
    reference
        .call("post", "/stores/{id}/shipments/csv", upload, 200)
        .await;

    // Inventory: stock, terms, warehouses, feeds, push and drift.
    let levels =
        json!({ "items": [{ "sku": sku_a, "quantity": 9 }, { "sku": "NOT-OURS", "quantity": 1 }] });
    let stock = put(&format!("/vendors/{alpha}/stock")).json(&levels);
    reference
        .call("put", "/vendors/{id}/stock", stock, 200)
        .await;
    let file = post(&format!("/vendors/{alpha}/stock/csv"))
        .header("content-type", "text/csv")
        .body(format!("sku,quantity\n{sku_a},8\n"));
    reference
        .call("post", "/vendors/{id}/stock/csv", file, 200)
        .await;
    let unmatched = get(&format!("/vendors/{alpha}/stock/unmatched"));
    reference
        .call("get", "/vendors/{id}/stock/unmatched", unmatched, 200)
        .await;
    let terms = put(&format!("/vendors/{alpha}/stock-terms")).json(&json!({ "buffer": 1 }));
    reference
        .call("put", "/vendors/{id}/stock-terms", terms, 204)
        .await;
    let warehouses = get(&format!("/vendors/{alpha}/warehouses"));
    let warehouses = reference
        .call("get", "/vendors/{id}/warehouses", warehouses, 200)
        .await;
    let warehouse = warehouses[0]["id"].as_i64().unwrap();
    let mapping = put(&format!("/warehouses/{warehouse}")).json(&json!({ "location_id": 1 }));
    reference
        .call("put", "/warehouses/{id}", mapping, 204)
        .await;
    let unreachable = json!({ "url": "http://127.0.0.1:9/stock.csv", "interval_secs": 3600 });
    let feed = post(&format!("/vendors/{alpha}/feeds")).json(&unreachable);
    let feed = reference
        .call("post", "/vendors/{id}/feeds", feed, 201)
        .await;
    let feeds = get(&format!("/vendors/{alpha}/feeds"));
    reference
        .call("get", "/vendors/{id}/feeds", feeds, 200)
        .await;
    let run = post(&format!("/feeds/{}/run", feed["id"]));
    reference.call("post", "/feeds/{id}/run", run, 422).await;
    let edit = put(&format!("/feeds/{}", feed["id"])).json(&json!({ "interval_secs": 600 }));
    reference.call("put", "/feeds/{id}", edit, 200).await;
    let remove = signed_in(app.http.delete(url(&format!("/feeds/{}", feed["id"]))));
    reference.call("delete", "/feeds/{id}", remove, 204).await;
    let items = get(&format!(
        "/stores/{store}/inventory/items?q={sku_a}&limit=5"
    ));
    reference
        .call("get", "/stores/{id}/inventory/items", items, 200)
        .await;
    let inventory = get(&format!("/stores/{store}/inventory"));
    reference
        .call("get", "/stores/{id}/inventory", inventory, 200)
        .await;
    let push = post(&format!("/stores/{store}/inventory/push")).json(&json!({ "full": true }));
    reference
        .call("post", "/stores/{id}/inventory/push", push, 200)
        .await;
    let drift = post(&format!("/stores/{store}/inventory/drift-check"));
    reference
        .call("post", "/stores/{id}/inventory/drift-check", drift, 200)
        .await;

    reference.assert_all_called();
}
