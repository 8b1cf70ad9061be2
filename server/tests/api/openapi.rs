//! `GET /api/v1/openapi.json`: the OpenAPI document generated from the handlers lists the whole
//! contract, and what the server really answers conforms to the schemas it documents.

use crate::helpers::{Backend, DEMO_T1, TestApp, expect_ok, venue_path};
use beerflow_core::domain::order::OrderStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

on_both_backends!(the_document_lists_every_endpoint_of_the_contract, real_answers_conform_to_the_documented_schemas,);

/// Every endpoint of `docs/spec/API.md`, as the document writes its paths.
const CONTRACT: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/auth/me"),
    ("patch", "/api/v1/auth/me"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/venues/{venue_id}"),
    ("patch", "/api/v1/venues/{venue_id}"),
    ("get", "/api/v1/venues/{venue_id}/users"),
    ("post", "/api/v1/venues/{venue_id}/users"),
    ("delete", "/api/v1/venues/{venue_id}/users/{user_id}"),
    ("put", "/api/v1/venues/{venue_id}/users/{user_id}/password"),
    ("get", "/api/v1/venues/{venue_id}/product-categories"),
    ("post", "/api/v1/venues/{venue_id}/product-categories"),
    ("get", "/api/v1/venues/{venue_id}/product-categories/{id}"),
    ("patch", "/api/v1/venues/{venue_id}/product-categories/{id}"),
    ("delete", "/api/v1/venues/{venue_id}/product-categories/{id}"),
    ("get", "/api/v1/venues/{venue_id}/suppliers"),
    ("post", "/api/v1/venues/{venue_id}/suppliers"),
    ("get", "/api/v1/venues/{venue_id}/suppliers/{id}"),
    ("patch", "/api/v1/venues/{venue_id}/suppliers/{id}"),
    ("delete", "/api/v1/venues/{venue_id}/suppliers/{id}"),
    ("get", "/api/v1/venues/{venue_id}/products"),
    ("post", "/api/v1/venues/{venue_id}/products"),
    ("get", "/api/v1/venues/{venue_id}/products/{id}"),
    ("patch", "/api/v1/venues/{venue_id}/products/{id}"),
    ("delete", "/api/v1/venues/{venue_id}/products/{id}"),
    ("get", "/api/v1/venues/{venue_id}/lots"),
    ("post", "/api/v1/venues/{venue_id}/lots"),
    ("get", "/api/v1/venues/{venue_id}/lots/{id}"),
    ("patch", "/api/v1/venues/{venue_id}/lots/{id}"),
    ("post", "/api/v1/venues/{venue_id}/lots/{id}/adjust"),
    ("get", "/api/v1/venues/{venue_id}/lots/{id}/trace"),
    ("get", "/api/v1/venues/{venue_id}/stock/movements"),
    ("post", "/api/v1/venues/{venue_id}/stock/fefo-allocation"),
    ("get", "/api/v1/venues/{venue_id}/stock/summary"),
    ("get", "/api/v1/venues/{venue_id}/stock/available"),
    ("get", "/api/v1/venues/{venue_id}/tables"),
    ("post", "/api/v1/venues/{venue_id}/tables"),
    ("get", "/api/v1/venues/{venue_id}/tables/{id}"),
    ("patch", "/api/v1/venues/{venue_id}/tables/{id}"),
    ("delete", "/api/v1/venues/{venue_id}/tables/{id}"),
    ("patch", "/api/v1/venues/{venue_id}/tables/{id}/status"),
    ("patch", "/api/v1/venues/{venue_id}/tables/layout"),
    // Extension (issue 15): the floor plan with its version.
    ("get", "/api/v1/venues/{venue_id}/tables/layout"),
    ("get", "/api/v1/venues/{venue_id}/orders"),
    ("post", "/api/v1/venues/{venue_id}/orders"),
    ("get", "/api/v1/venues/{venue_id}/orders/{id}"),
    ("patch", "/api/v1/venues/{venue_id}/orders/{id}"),
    ("delete", "/api/v1/venues/{venue_id}/orders/{id}"),
    ("post", "/api/v1/venues/{venue_id}/orders/{id}/items"),
    ("patch", "/api/v1/venues/{venue_id}/orders/{id}/items/{item_id}"),
    ("post", "/api/v1/venues/{venue_id}/orders/{id}/items/{item_id}/void"),
    ("patch", "/api/v1/venues/{venue_id}/orders/{id}/status"),
    ("get", "/api/v1/venues/{venue_id}/orders/kitchen-display"),
    ("get", "/api/v1/ws"),
    ("get", "/health"),
    ("get", "/health/live"),
    ("get", "/health/ready"),
];

/// The document, fetched as any client would: without a token.
async fn document(app: &TestApp) -> Value {
    let res = app.client.get(app.url("/api/v1/openapi.json")).send().await.expect("GET openapi.json");
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    res.json().await.expect("the document is JSON")
}

async fn the_document_lists_every_endpoint_of_the_contract(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{}", doc["openapi"]);
    assert!(doc["info"]["title"].as_str().is_some_and(|t| !t.is_empty()));

    let paths = doc["paths"].as_object().expect("paths");
    let missing: Vec<_> = CONTRACT.iter().filter(|(method, path)| paths[*path].get(*method).is_none()).collect();
    assert!(missing.is_empty(), "not documented: {missing:?}");
    let documented: BTreeSet<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .collect();
    let listed: BTreeSet<(String, String)> = CONTRACT.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(documented, listed, "the document lists exactly the served endpoints");

    // Bearer tokens (JWT) everywhere but on login, the health check and the document itself.
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!((bearer["type"].as_str(), bearer["scheme"].as_str()), (Some("http"), Some("bearer")), "{bearer}");
    assert_eq!(bearer["bearerFormat"], "JWT");
    assert_eq!(doc["components"]["securitySchemes"]["session"]["in"], "cookie");
    let needs_bearer = |op: &Value| {
        op["security"].as_array().is_some_and(|alternatives| alternatives.iter().any(|a| a.get("bearer").is_some()))
    };
    for (method, path) in CONTRACT {
        let op = &paths[*path][*method];
        let public = matches!(*path, "/api/v1/auth/login" | "/api/v1/openapi.json") || path.starts_with("/health");
        assert_eq!(needs_bearer(op), !public, "{method} {path}: security {}", op["security"]);
        assert!(op["operationId"].is_string() && op["summary"].is_string(), "{method} {path}");
    }
    assert!(needs_bearer(&paths["/api/v1/venues/{venue_id}/orders"]["get"]));
    assert!(paths["/api/v1/auth/login"]["post"].get("security").is_none());

    // Login's refusals are documented with the error body; the throttle also with Retry-After.
    let login = &paths["/api/v1/auth/login"]["post"];
    for status in ["400", "401", "429"] {
        let schema = &login["responses"][status]["content"]["application/json"]["schema"];
        assert_eq!(schema["$ref"], "#/components/schemas/ErrorBody", "login {status}: {schema}");
    }
    assert!(login["responses"]["429"]["headers"].get("Retry-After").is_some());
    assert_eq!(
        login["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/LoginRequest"
    );

    // Every documented error is the error body, every operation of a venue names its path's ids.
    for (method, path) in CONTRACT {
        let op = &paths[*path][*method];
        for (status, response) in op["responses"].as_object().unwrap() {
            if (status.starts_with('4') || status.starts_with('5')) && !path.starts_with("/health") {
                let schema = &response["content"]["application/json"]["schema"];
                assert_eq!(schema["$ref"], "#/components/schemas/ErrorBody", "{method} {path} {status}");
            }
        }
        let params: Vec<&str> = op["parameters"]
            .as_array()
            .map(|ps| ps.iter().filter(|p| p["in"] == "path").map(|p| p["name"].as_str().unwrap()).collect())
            .unwrap_or_default();
        for name in ["venue_id", "id", "user_id"] {
            if path.contains(&format!("{{{name}}}")) {
                assert!(params.contains(&name), "{method} {path}: no path parameter {name}");
                let param = op["parameters"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap();
                assert_eq!(param["schema"]["format"], "uuid", "{method} {path} {name}");
            }
        }
    }
    let errors = &paths["/api/v1/venues/{venue_id}/orders/{id}/status"]["patch"]["responses"];
    for status in ["200", "400", "401", "403", "404", "409"] {
        assert!(errors.get(status).is_some(), "PATCH .../orders/{{id}}/status documents {status}");
    }

    let schemas = doc["components"]["schemas"].as_object().expect("components.schemas");
    for name in ["ErrorBody", "Order", "Lot", "Product", "Table", "Movement", "StockSummary", "Qty", "Money"] {
        assert!(schemas.contains_key(name), "components.schemas lacks {name}");
    }
    let error_body = &schemas["ErrorBody"];
    assert_eq!(error_body["required"], json!(["status_code", "error", "message"]));
    assert_eq!(error_body["properties"]["status_code"]["type"], "integer");
    // Enums list their wire values; numbers are numbers; `null` is allowed where serde writes it.
    assert_eq!(schemas["MovementType"]["enum"], json!(["IN", "OUT", "ADJUST", "WASTE"]));
    assert_eq!(schemas["Unit"]["enum"], json!(["pz", "kg", "g", "l", "ml", "cl"]));
    assert_eq!(schemas["TableStatus"]["enum"], json!(["free", "occupied", "reserved", "cleaning", "out_of_service"]));
    assert_eq!(schemas["Qty"]["type"], "number");
    assert_eq!(schemas["Money"]["type"], "number");
    let lot = &schemas["Lot"];
    assert_eq!(lot["properties"]["expiry_date"]["type"], json!(["string", "null"]));
    assert_eq!(lot["properties"]["expiry_date"]["format"], "date");
    assert!(lot["required"].as_array().unwrap().contains(&json!("expiry_date")), "always written, maybe null");
    // Request bodies: unknown fields refused, PATCH fields optional and `null` where it clears them.
    let patch = &schemas["LotPatch"];
    assert_eq!(patch["additionalProperties"], false);
    assert!(patch.get("required").is_none_or(|r| r.as_array().unwrap().is_empty()));
    assert_eq!(patch["properties"]["notes"]["type"], json!(["string", "null"]));
    let new_order = &schemas["NewOrder"];
    assert!(new_order.get("required").is_none_or(|r| !r.as_array().unwrap().contains(&json!("items"))));
}

/// The schema a `$ref` names.
fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let name = reference.strip_prefix("#/components/schemas/").expect("a local schema reference");
    doc["components"]["schemas"].get(name).unwrap_or_else(|| panic!("no schema {name}"))
}

/// The properties a schema names (through references and `allOf`).
fn property_names(doc: &Value, schema: &Value) -> BTreeSet<String> {
    if let Some(r) = schema["$ref"].as_str() {
        return property_names(doc, resolve(doc, r));
    }
    let mut names: BTreeSet<String> =
        schema["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(property_names(doc, part));
    }
    names
}

/// What is wrong with `value` as an instance of `schema`: the subset of JSON Schema the
/// document uses, plus "no property the schema does not name" (`strict`), so that a field added
/// to a type but not to its schema is caught too.
fn violations(doc: &Value, schema: &Value, value: &Value, at: &str, strict: bool) -> Vec<String> {
    let mut errors = Vec::new();
    if let Some(r) = schema["$ref"].as_str() {
        errors.extend(violations(doc, resolve(doc, r), value, at, strict));
    }
    if let Some(parts) = schema["allOf"].as_array() {
        for part in parts {
            errors.extend(violations(doc, part, value, at, false));
        }
        if strict && let Some(object) = value.as_object() {
            let known = property_names(doc, schema);
            errors.extend(object.keys().filter(|k| !known.contains(*k)).map(|k| format!("{at}.{k}: not documented")));
        }
    }
    if let Some(alternatives) = schema["oneOf"].as_array() {
        let matching = alternatives.iter().filter(|s| violations(doc, s, value, at, strict).is_empty()).count();
        if matching != 1 {
            errors.push(format!("{at}: matches {matching} of the oneOf alternatives: {value}"));
        }
    }
    if !schema["type"].is_null() {
        let types: Vec<&str> = match &schema["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            other => panic!("{at}: type {other}"),
        };
        let is = |t: &str| match t {
            "null" => value.is_null(),
            "boolean" => value.is_boolean(),
            "string" => value.is_string(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            "number" => value.is_number(),
            "integer" => value.is_i64() || value.is_u64(),
            other => panic!("{at}: type {other}"),
        };
        if !types.iter().any(|t| is(t)) {
            errors.push(format!("{at}: {value} is not of type {types:?}"));
            return errors;
        }
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {values:?}"));
    }
    if let (Some(format), Some(text)) = (schema["format"].as_str(), value.as_str()) {
        let ok = match format {
            "uuid" => uuid::Uuid::parse_str(text).is_ok(),
            "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10,
            "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{at}: `{text}` is not a {format}"));
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                errors.push(format!("{at}.{name}: required, missing"));
            }
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (name, v) in object {
                match properties.get(name) {
                    Some(s) => errors.extend(violations(doc, s, v, &format!("{at}.{name}"), true)),
                    None if strict || schema["additionalProperties"] == false => {
                        errors.push(format!("{at}.{name}: not documented"))
                    }
                    None => {}
                }
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, v) in array.iter().enumerate() {
            errors.extend(violations(doc, items, v, &format!("{at}[{i}]"), true));
        }
    }
    errors
}

/// Asserts that `body`, answered with `status` by `method path`, conforms to the documented
/// response (the document's path template is given, e.g. `/api/v1/venues/{venue_id}/lots`).
fn assert_conforms(doc: &Value, method: &str, template: &str, status: u16, body: &Value) {
    let response = &doc["paths"][template][method]["responses"][status.to_string()];
    assert!(!response.is_null(), "{method} {template}: {status} is not documented");
    let schema = &response["content"]["application/json"]["schema"];
    let errors = violations(doc, schema, body, "$", true);
    assert!(errors.is_empty(), "{method} {template} {status}:\n{}", errors.join("\n"));
}

async fn real_answers_conform_to_the_documented_schemas(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = document(&app).await;
    // The check itself finds a wrong type, a missing field and an undocumented one.
    let wrong = json!({"status_code": "400", "error": "bad_request", "extra": 1});
    let error_body = json!({"$ref": "#/components/schemas/ErrorBody"});
    assert_eq!(violations(&doc, &error_body, &wrong, "$", true).len(), 3, "{wrong}");
    let admin = app.token("admin").await;
    let v = |p: &str| format!("/api/v1/venues/{{venue_id}}{p}");

    // Reads of the demo data, through their documented templates.
    let reads = [
        ("/api/v1/auth/me".to_owned(), "/api/v1/auth/me".to_owned()),
        (venue_path(""), v("")),
        (venue_path("/users"), v("/users")),
        (venue_path("/product-categories"), v("/product-categories")),
        (venue_path("/suppliers"), v("/suppliers")),
        (venue_path("/products"), v("/products")),
        (venue_path("/lots"), v("/lots")),
        (venue_path("/stock/movements"), v("/stock/movements")),
        (venue_path("/stock/summary?days=30"), v("/stock/summary")),
        (venue_path("/tables"), v("/tables")),
    ];
    let mut bodies = Vec::new();
    for (url, template) in &reads {
        let body = expect_ok(app.get(url, &admin).await).await;
        assert_conforms(&doc, "get", template, 200, &body);
        bodies.push(body);
    }
    let products = &bodies[5];
    let tracked = products.as_array().unwrap().iter().find(|p| p["sku"] == "KIT-BURGER").expect("the demo burger");
    let lot = &bodies[6].as_array().unwrap()[0];
    let untracked = products.as_array().unwrap().iter().find(|p| p["track_stock"] == false).expect("tap water");

    // An order through its whole life, the kitchen display and the lots it was served from.
    let body = json!({"table_id": DEMO_T1, "covers": 2, "items": [
        {"product_id": tracked["id"], "quantity": 2, "notes": "no onions", "modifiers": {"cook": "medium"}},
        {"product_id": untracked["id"], "quantity": 0.5},
    ]});
    let res = app.post(&venue_path("/orders"), &admin, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let order: Value = res.json().await.unwrap();
    assert_conforms(&doc, "post", &v("/orders"), 201, &order);
    let id = order["id"].as_str().unwrap().to_owned();
    for status in [OrderStatus::Confirmed, OrderStatus::Preparing] {
        let res = app.patch_status(&admin, id.parse().unwrap(), status.as_str()).await;
        assert_conforms(&doc, "patch", &v("/orders/{id}/status"), 200, &expect_ok(res).await);
    }
    let kds = expect_ok(app.get(&venue_path("/orders/kitchen-display"), &admin).await).await;
    assert!(!kds.as_array().unwrap().is_empty());
    assert_conforms(&doc, "get", &v("/orders/kitchen-display"), 200, &kds);
    for status in [OrderStatus::Ready, OrderStatus::Served] {
        let res = app.patch_status(&admin, id.parse().unwrap(), status.as_str()).await;
        assert_conforms(&doc, "patch", &v("/orders/{id}/status"), 200, &expect_ok(res).await);
    }
    let served = expect_ok(app.get(&venue_path(&format!("/orders/{id}")), &admin).await).await;
    assert!(served["cost_of_goods"].is_number() && !served["items"][0]["allocations"].as_array().unwrap().is_empty());
    assert_conforms(&doc, "get", &v("/orders/{id}"), 200, &served);
    assert_conforms(&doc, "get", &v("/orders"), 200, &expect_ok(app.get(&venue_path("/orders"), &admin).await).await);
    let lot_id = served["items"][0]["allocated_lot_id"].as_str().unwrap();
    let trace = expect_ok(app.get(&venue_path(&format!("/lots/{lot_id}/trace")), &admin).await).await;
    assert_conforms(&doc, "get", &v("/lots/{id}/trace"), 200, &trace);

    // Writes of the other resources, with fractional quantities and money.
    let preview = json!({"product_id": lot["product_id"], "quantity": 1.5});
    let res = app.post(&venue_path("/stock/fefo-allocation"), &admin, &preview).await;
    assert_conforms(&doc, "post", &v("/stock/fefo-allocation"), 200, &expect_ok(res).await);
    let adjust = json!({"quantity": -0.25, "reason": "spilled", "movement_type": "WASTE"});
    let res = app.post(&venue_path(&format!("/lots/{}/adjust", lot["id"].as_str().unwrap())), &admin, &adjust).await;
    assert_conforms(&doc, "post", &v("/lots/{id}/adjust"), 200, &expect_ok(res).await);
    let product = json!({"name": "Spritz", "unit": "cl", "price": 7.5, "attributes": {"abv": 8}});
    let res = app.post(&venue_path("/products"), &admin, &product).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_conforms(&doc, "post", &v("/products"), 201, &res.json().await.unwrap());
    let table = json!({"name": "Terrace 9", "seats": 4, "position_json": {"x": 1.5, "y": 2, "shape": "round"}});
    let res = app.post(&venue_path("/tables"), &admin, &table).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_conforms(&doc, "post", &v("/tables"), 201, &res.json().await.unwrap());

    // Errors, and the pages outside the venue.
    let res = app.get(&venue_path("/orders?status=nope"), &admin).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_conforms(&doc, "get", &v("/orders"), 400, &res.json().await.unwrap());
    let res = app.client.get(app.url(&venue_path("/lots"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_conforms(&doc, "get", &v("/lots"), 401, &res.json().await.unwrap());
    let res = app.login("admin@beerflow.demo", "wrong password").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_conforms(&doc, "post", "/api/v1/auth/login", 401, &res.json().await.unwrap());
    let res = app.login("admin@beerflow.demo", crate::helpers::DEMO_PASSWORD).await;
    assert_conforms(&doc, "post", "/api/v1/auth/login", 200, &expect_ok(res).await);
    let health = expect_ok(app.client.get(app.url("/health")).send().await.unwrap()).await;
    assert_conforms(&doc, "get", "/health", 200, &health);
    for path in ["/health/live", "/health/ready"] {
        let body = expect_ok(app.client.get(app.url(path)).send().await.unwrap()).await;
        assert_conforms(&doc, "get", path, 200, &body);
    }
}
