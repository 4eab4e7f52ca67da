//! The vendor API's OpenAPI document: served without a token, and every answer the API gives a
//! vendor going through its day matches the schema the document declares for it — with no
//! field the document leaves out.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::shipments::shop;

/// The document, and which of its operations the test has called.
struct Reference {
    document: Value,
    called: BTreeSet<(String, String)>,
}

impl Reference {
    async fn fetch(app: &TestApp) -> Reference {
        let response = app
            .http
            .get(format!("{}/vendor-api/v1/openapi.json", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "the document needs no token");
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
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        request: reqwest::RequestBuilder,
        expected_status: u16,
    ) -> Value {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, expected_status, "{method} {path}: {body:#}");
        let operation = &self.document["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        let schema =
            &operation["responses"][status.to_string()]["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "{method} {path} answered {status}, which it does not document"
        );
        let validator = jsonschema::validator_for(&self.closed_schema(schema)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {status} does not match its schema: {errors:#?}\n{body:#}"
        );
        self.called.insert((method.to_owned(), path.to_owned()));
        body
    }

    /// `schema` with the document's components beside it (so `$ref`s resolve) and every object
    /// closed to properties it does not declare: an undocumented field fails the test.
    fn closed_schema(&self, schema: &Value) -> Value {
        let mut components = self.document["components"].clone();
        close_objects(&mut components);
        let mut schema = schema.clone();
        close_objects(&mut schema);
        json!({ "components": components, "allOf": [schema] })
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

fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

#[tokio::test]
async fn every_vendor_api_answer_matches_its_openapi_document() {
    let app = spawn_app().await;
    let mut reference = Reference::fetch(&app).await;
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

    let sku_b = &shop.variants[1].2;
    let tracking = format!(
        "order,sku,quantity,tracking_number,carrier\n\
         {order_number},{sku_b},1,CSV-1,FedEx\n\
         {order_number},{sku_b},many,CSV-2,FedEx\n"
    );
    let upload = post(&format!("/shipments/csv?store_id={}", shop.store_id)).body(tracking);
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
        .call("post", "/stock/csv", post("/stock/csv").body(file), 200)
        .await;
    let unmatched = reference
        .call("get", "/stock/unmatched", get("/stock/unmatched"), 200)
        .await;
    assert_eq!(unmatched, json!(["NOT-OURS"]));

    let uncalled: Vec<_> = reference
        .operations()
        .difference(&reference.called)
        .cloned()
        .collect();
    assert!(
        uncalled.is_empty(),
        "documented but never checked: {uncalled:?}"
    );
}
