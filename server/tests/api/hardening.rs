//! What an adversarial pass found (issue 12), one test per finding: each failed before its fix.

use crate::helpers::{
    Backend, DEMO_PASSWORD, DEMO_VENUE, HTML, TestApp, TestDb, assert_error, expect_as, expect_ok, form_action,
    signed_in_browser, venue_path,
};
use beerflow_core::domain::inventory::{Lot, Product};
use beerflow_core::domain::table::Table;
use beerflow_core::domain::{Qty, Venue};
use beerflow_core::services::{LoginRequest, Services};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

on_both_backends!(
    cross_site_writes_with_the_session_cookie_are_refused,
    nul_and_control_characters_are_refused_naming_the_field,
    quantities_and_money_with_more_decimals_than_the_contract_are_refused,
    arrays_are_refused_where_the_contract_has_objects,
    dates_are_exactly_yyyy_mm_dd,
    a_wrong_method_answers_405_with_the_error_body,
    a_products_attributes_are_capped,
    the_connection_stays_usable_after_an_early_refusal,
    server_function_refusals_answer_the_rest_status_codes,
    pages_without_a_session_answer_a_real_redirect,
    weak_jwt_secrets_are_refused,
    the_cookie_is_secure_over_https_and_every_response_carries_the_security_headers,
);

const BURGER: Uuid = Uuid::from_u128(0x400);

/// The manager screen's kitchen-settings form, as the page renders it.
async fn kitchen_settings_action(app: &TestApp, browser: &reqwest::Client) -> String {
    let html = browser.get(app.url("/manager")).header("Accept", HTML).send().await.unwrap().text().await.unwrap();
    let action = html
        .match_indices("action=\"")
        .filter_map(|(i, _)| html[i + 8..].split('"').next())
        .find(|a| a.starts_with("/api/save_kitchen_settings"))
        .unwrap_or_else(|| panic!("no kitchen settings form in {html}"));
    action.to_owned()
}

async fn kitchen_thresholds(app: &TestApp) -> (i32, i32) {
    let venue: Venue = app.get_as(&format!("/api/v1/venues/{DEMO_VENUE}"), &app.token("manager").await).await;
    (venue.kds_warn_minutes, venue.kds_late_minutes)
}

async fn cross_site_writes_with_the_session_cookie_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = signed_in_browser(&app, "manager").await;
    let action = app.url(&kitchen_settings_action(&app, &manager).await);
    let before = kitchen_thresholds(&app).await;
    let form = [("warn_minutes", "1"), ("late_minutes", "2")];
    for (header, value) in [
        ("Origin", "http://evil.example"),
        ("Origin", "null"),
        // A sibling port of the same host is another origin.
        ("Origin", "http://127.0.0.1:1"),
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Site", "same-site"),
    ] {
        let res = manager.post(&action).header(header, value).form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{header}: {value}");
        let body: Value = res.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("cross-site request refused"), "{body}");
        // The REST API with the same cookie is refused alike.
        let res = manager
            .patch(app.url(&format!("/api/v1/venues/{DEMO_VENUE}")))
            .header(header, value)
            .json(&json!({"kds_warn_minutes": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "REST, {header}: {value}");
    }
    assert_eq!(kitchen_thresholds(&app).await, before, "nothing changed");

    // The server's own pages send their own origin, or say same-origin.
    let own = format!("http://{}", app.addr);
    let res = manager.post(&action).header("Origin", &own).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert_eq!(kitchen_thresholds(&app).await, (1, 2));
    let res = manager
        .post(&action)
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("warn_minutes", "3"), ("late_minutes", "4")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(kitchen_thresholds(&app).await, (3, 4));

    // A bearer token is not something a forged page can attach: not affected.
    let token = app.token("manager").await;
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/venues/{DEMO_VENUE}")))
        .bearer_auth(&token)
        .header("Origin", "http://evil.example")
        .json(&json!({"kds_warn_minutes": 5, "kds_late_minutes": 9}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(kitchen_thresholds(&app).await, (5, 9));
}

async fn nul_and_control_characters_are_refused_naming_the_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let lot = app.lots(&admin, &format!("?product_id={BURGER}")).await.remove(0);
    let table = app.table(&admin, crate::helpers::DEMO_T1).await;
    let order = app.create_order(&admin, &json!({"table_id": table.id, "items": []})).await;
    let nul = "bad\u{0}name";
    let cases: Vec<(&str, String, Value, &str)> = vec![
        ("POST", venue_path("/product-categories"), json!({"name": nul}), "name"),
        ("POST", venue_path("/product-categories"), json!({"name": "Grill", "station": "gr\u{0}ill"}), "station"),
        ("POST", venue_path("/suppliers"), json!({"name": nul}), "name"),
        ("POST", venue_path("/suppliers"), json!({"name": "Farm", "notes": "\u{0}"}), "notes"),
        ("POST", venue_path("/products"), json!({"name": nul, "unit": "pz", "price": 1}), "name"),
        ("POST", venue_path("/products"), json!({"name": "P", "unit": "pz", "price": 1, "sku": "S\u{0}"}), "sku"),
        (
            "POST",
            venue_path("/products"),
            json!({"name": "P", "unit": "pz", "price": 1, "attributes": {"k\u{0}": 1}}),
            "attributes.k",
        ),
        (
            "POST",
            venue_path("/products"),
            json!({"name": "P", "unit": "pz", "price": 1, "attributes": {"origin": "I\u{0}T"}}),
            "attributes.origin",
        ),
        (
            "POST",
            venue_path("/lots"),
            json!({"product_id": BURGER, "lot_code": "L\u{0}1", "qty_init": 1, "unit": "pz"}),
            "lot_code",
        ),
        ("PATCH", venue_path(&format!("/lots/{}", lot.id)), json!({"notes": "\u{0}"}), "notes"),
        (
            "PATCH",
            venue_path(&format!("/lots/{}", lot.id)),
            json!({"storage_location": "\u{1b}[31m"}),
            "storage_location",
        ),
        (
            "POST",
            venue_path(&format!("/lots/{}/adjust", lot.id)),
            json!({"quantity": -1, "reason": "spilt\u{0}", "movement_type": "WASTE"}),
            "reason",
        ),
        ("POST", venue_path("/tables"), json!({"name": nul, "seats": 2}), "name"),
        ("POST", venue_path("/tables"), json!({"name": "T99", "seats": 2, "area": "\u{0}"}), "area"),
        (
            "POST",
            venue_path("/tables"),
            json!({"name": "T99", "seats": 2, "position_json": {"x": 1, "y": 1, "shape": "ro\u{0}und"}}),
            "position_json.shape",
        ),
        ("PATCH", venue_path(&format!("/tables/{}", table.id)), json!({"name": nul}), "name"),
        ("POST", venue_path("/orders"), json!({"notes": "\u{0}", "items": []}), "notes"),
        (
            "POST",
            venue_path("/orders"),
            json!({"items": [{"product_id": BURGER, "quantity": 1, "notes": "no\u{0}onions"}]}),
            "items[0].notes",
        ),
        (
            "POST",
            venue_path("/orders"),
            json!({"items": [{"product_id": BURGER, "quantity": 1, "modifiers": {"extra": "b\u{0}"}}]}),
            "items[0].modifiers.extra",
        ),
        (
            "POST",
            venue_path(&format!("/orders/{}/items", order.id)),
            json!({"items": [{"product_id": BURGER, "quantity": 1, "notes": "\u{7}"}]}),
            "items[0].notes",
        ),
        (
            "PATCH",
            venue_path(&format!("/orders/{}/status", order.id)),
            json!({"status": "cancelled", "reason": "\u{0}"}),
            "reason",
        ),
        (
            "POST",
            venue_path("/users"),
            json!({"email": "new@beerflow.demo", "name": nul, "role": "waiter", "password": "long-enough"}),
            "name",
        ),
        (
            "POST",
            venue_path("/users"),
            json!({"email": "n\u{0}ew@beerflow.demo", "name": "New", "role": "waiter", "password": "long-enough"}),
            "email",
        ),
    ];
    let before = (app.orders(&admin, "").await.len(), app.get(&venue_path("/products"), &admin).await.text().await);
    for (method, path, body, field) in &cases {
        let request = match *method {
            "POST" => app.post(path, &admin, body).await,
            _ => app.patch(path, &admin, body).await,
        };
        let error = assert_error(request, 400, field).await;
        assert!(error["message"].as_str().unwrap().contains("control characters"), "{method} {path}: {error}");
    }
    let after = (app.orders(&admin, "").await.len(), app.get(&venue_path("/products"), &admin).await.text().await);
    assert_eq!(before.0, after.0, "no order was created");
    assert_eq!(before.1.unwrap(), after.1.unwrap(), "no product was created or changed");
    assert_eq!(app.lot(&admin, lot.id).await, lot, "the lot is as it was");

    // Free text keeps its line breaks and tabs.
    let res =
        app.patch(&venue_path(&format!("/lots/{}", lot.id)), &admin, &json!({"notes": "top shelf\n\tleft"})).await;
    assert_eq!(expect_as::<Lot>(res, 200).await.notes.as_deref(), Some("top shelf\n\tleft"));
    // ...but a name does not.
    assert_error(app.post(&venue_path("/product-categories"), &admin, &json!({"name": "a\nb"})).await, 400, "name")
        .await;

    // Filters: a NUL matched everything containing what came before it on SQLite.
    assert_error(app.get(&venue_path("/products?q=a%00b"), &admin).await, 400, "q").await;
    assert_error(app.get(&venue_path("/tables?area=%00"), &admin).await, 400, "area").await;
    let found: Vec<Product> = app.get_as(&venue_path("/products?q=urg"), &admin).await;
    assert_eq!(found.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Burger"]);

    // Login, without any token.
    let res = app.client.post(app.url("/api/v1/auth/login")).json(&json!({"email": "a\u{0}@b.c", "password": "x"}));
    assert_error(res.send().await.unwrap(), 400, "email").await;
}

async fn quantities_and_money_with_more_decimals_than_the_contract_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let lot = app.lots(&admin, &format!("?product_id={BURGER}")).await.remove(0);
    let lot_body = |qty: &str| -> Value {
        serde_json::from_str(&format!(
            r#"{{"product_id": "{BURGER}", "lot_code": "D-1", "qty_init": {qty}, "unit": "pz"}}"#
        ))
        .unwrap()
    };
    let raw = |text: &str| -> Value { serde_json::from_str(text).unwrap() };
    let cases: Vec<(String, Value, &str)> = vec![
        (venue_path("/lots"), lot_body("123456.0007"), "qty_init"),
        (venue_path("/lots"), lot_body("1000.0004"), "qty_init"),
        (venue_path("/lots"), lot_body("1e-4"), "qty_init"),
        (
            venue_path("/lots"),
            raw(&format!(
                r#"{{"product_id":"{BURGER}","lot_code":"D","qty_init":1,"unit":"pz","cost_per_unit":0.005}}"#
            )),
            "cost_per_unit",
        ),
        (venue_path("/products"), raw(r#"{"name":"P","unit":"pz","price":12345.675}"#), "price"),
        (venue_path("/products"), raw(r#"{"name":"P","unit":"pz","price":1000000.004}"#), "price"),
        (venue_path("/products"), raw(r#"{"name":"P","unit":"pz","price":1,"min_stock":0.0001}"#), "min_stock"),
        (
            venue_path(&format!("/lots/{}/adjust", lot.id)),
            raw(r#"{"quantity":-1.0005,"reason":"spilt","movement_type":"WASTE"}"#),
            "quantity",
        ),
        (
            venue_path("/orders"),
            raw(&format!(r#"{{"items":[{{"product_id":"{BURGER}","quantity":1.0001}}]}}"#)),
            "quantity",
        ),
        (
            venue_path("/stock/fefo-allocation"),
            raw(&format!(r#"{{"product_id":"{BURGER}","quantity":2.0004}}"#)),
            "quantity",
        ),
    ];
    let products_before = app.get(&venue_path("/products"), &admin).await.text().await.unwrap();
    for (path, body, field) in &cases {
        let error = assert_error(app.post(path, &admin, body).await, 400, field).await;
        assert!(error["message"].as_str().unwrap().contains("decimal"), "{path} {body}: {error}");
    }
    assert_eq!(app.get(&venue_path("/products"), &admin).await.text().await.unwrap(), products_before);
    assert_eq!(app.lot(&admin, lot.id).await, lot, "no adjustment was written");

    // Exactly 0.001 and exactly a cent are kept as they are, however many digits come before.
    let stored: Lot = expect_as(app.post(&venue_path("/lots"), &admin, &lot_body("123456.001")).await, 201).await;
    assert_eq!(stored.qty_init, Qty::parse("123456.001").unwrap());
    let res = app.get(&venue_path(&format!("/lots/{}", stored.id)), &admin).await;
    assert!(res.text().await.unwrap().contains("\"qty_init\":123456.001"), "written back exactly");
    let product: Product = expect_as(
        app.post(&venue_path("/products"), &admin, &raw(r#"{"name":"P","unit":"pz","price":12345.67}"#)).await,
        201,
    )
    .await;
    assert_eq!(product.price.to_string(), "12345.67");
}

async fn arrays_are_refused_where_the_contract_has_objects(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let lot = app.lots(&admin, &format!("?product_id={BURGER}")).await.remove(0);
    let orders_before = app.orders(&admin, "").await.len();
    for (method, path) in [
        ("POST", venue_path("/orders")),
        ("PATCH", format!("/api/v1/venues/{DEMO_VENUE}")),
        ("PATCH", venue_path(&format!("/lots/{}", lot.id))),
        ("POST", venue_path("/product-categories")),
        ("POST", "/api/v1/auth/login".to_owned()),
    ] {
        let res = match method {
            "POST" => app.post(&path, &admin, &json!([])).await,
            _ => app.patch(&path, &admin, &json!([])).await,
        };
        assert_error(res, 400, "expected a JSON object").await;
    }
    assert_eq!(app.orders(&admin, "").await.len(), orders_before, "no empty draft was created");

    let res =
        app.post(&venue_path("/tables"), &admin, &json!({"name": "T9", "seats": 2, "position_json": [1, 2]})).await;
    assert_error(res, 400, "position_json").await;
    let tables: Vec<Table> = app.get_as(&venue_path("/tables"), &admin).await;
    assert!(tables.iter().all(|t| t.name != "T9"), "nothing was stored");
    let t1 = crate::helpers::DEMO_T1;
    let res = app.patch(&venue_path(&format!("/tables/{t1}")), &admin, &json!({"position_json": [5, 6]})).await;
    assert_error(res, 400, "position_json").await;
    let res = app.patch(&venue_path("/tables/layout"), &admin, &json!({"tables": [[t1, {"x": 1, "y": 2}]]})).await;
    assert_error(res, 400, "tables").await;
    let res = app
        .patch(&venue_path("/tables/layout"), &admin, &json!({"tables": [{"id": t1, "position_json": [1, 2]}]}))
        .await;
    assert_error(res, 400, "position_json").await;
    let res = app.post(&venue_path("/orders"), &admin, &json!({"items": [[BURGER, 1]]})).await;
    assert_error(res, 400, "items").await;
    assert_eq!(app.table(&admin, t1).await, tables.into_iter().find(|t| t.id == t1).unwrap(), "T1 is as it was");
    assert_eq!(app.orders(&admin, "").await.len(), orders_before);
}

async fn dates_are_exactly_yyyy_mm_dd(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let lot = app.lots(&admin, &format!("?product_id={BURGER}")).await.remove(0);
    for date in ["2026-1-1", "2026-01-1", "26-01-01", "2026-01-01T00:00:00Z", " 2026-01-01", "2026-02-30"] {
        let body = json!({"product_id": BURGER, "lot_code": "X", "qty_init": 1, "unit": "pz", "expiry_date": date});
        assert_error(app.post(&venue_path("/lots"), &admin, &body).await, 400, "expiry_date").await;
        let res = app.patch(&venue_path(&format!("/lots/{}", lot.id)), &admin, &json!({"expiry_date": date})).await;
        assert_error(res, 400, "expiry_date").await;
        let query = format!("/lots?expiring_before={}", date.replace(' ', "%20").replace(':', "%3A"));
        assert_error(app.get(&venue_path(&query), &admin).await, 400, "expiring_before").await;
    }
    assert_eq!(app.lot(&admin, lot.id).await, lot);
    let body = json!({"product_id": BURGER, "lot_code": "X", "qty_init": 1, "unit": "pz", "expiry_date": "2026-01-05"});
    let stored: Lot = expect_as(app.post(&venue_path("/lots"), &admin, &body).await, 201).await;
    assert_eq!(stored.expiry_date.map(|d| d.to_string()).as_deref(), Some("2026-01-05"));
    expect_ok(app.get(&venue_path("/lots?expiring_before=2026-01-06"), &admin).await).await;
}

async fn a_wrong_method_answers_405_with_the_error_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    for (method, path) in [
        (reqwest::Method::PUT, venue_path("/products")),
        (reqwest::Method::DELETE, venue_path("/lots")),
        (reqwest::Method::POST, venue_path("/orders/kitchen-display")),
        (reqwest::Method::GET, "/api/v1/auth/login".to_owned()),
    ] {
        let res = app.client.request(method.clone(), app.url(&path)).bearer_auth(&admin).send().await.unwrap();
        let body = assert_error(res, 405, &format!("{method} is not allowed")).await;
        assert_eq!(body["error"], "method_not_allowed", "{body}");
    }
}

async fn a_products_attributes_are_capped(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("admin").await;
    let big = json!({"name": "Big", "unit": "pz", "price": 1, "attributes": {"blob": "x".repeat(100_000)}});
    assert_error(app.post(&venue_path("/products"), &admin, &big).await, 400, "attributes: must be at most 4096 bytes")
        .await;
    let fits = json!({"name": "Fits", "unit": "pz", "price": 1, "attributes": {"blob": "x".repeat(4000)}});
    let product: Product = expect_as(app.post(&venue_path("/products"), &admin, &fits).await, 201).await;
    let patch = json!({"attributes": {"blob": "y".repeat(5000)}});
    let res = app.patch(&venue_path(&format!("/products/{}", product.id)), &admin, &patch).await;
    assert_error(res, 400, "attributes").await;
    let again: Product = app.get_as(&venue_path(&format!("/products/{}", product.id)), &admin).await;
    assert_eq!(again.attributes["blob"], json!("x".repeat(4000)));
}

/// Sends raw HTTP/1.1 requests over one connection and reads each answer whole.
struct RawConnection {
    stream: tokio::net::TcpStream,
    buffered: Vec<u8>,
}

impl RawConnection {
    async fn open(app: &TestApp) -> RawConnection {
        RawConnection { stream: tokio::net::TcpStream::connect(app.addr).await.unwrap(), buffered: Vec::new() }
    }

    /// The status line and headers (lower-cased) of the answer, and its body.
    async fn send(&mut self, request: &str) -> (String, String) {
        self.stream.write_all(request.as_bytes()).await.unwrap();
        loop {
            let text = String::from_utf8_lossy(&self.buffered).to_string();
            if let Some(end) = text.find("\r\n\r\n") {
                let head = text[..end].to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                if self.buffered.len() >= end + 4 + length {
                    let body = String::from_utf8_lossy(&self.buffered[end + 4..end + 4 + length]).to_string();
                    self.buffered.drain(..end + 4 + length);
                    return (head, body);
                }
            }
            let mut chunk = [0u8; 8192];
            let n = tokio::time::timeout(std::time::Duration::from_secs(30), self.stream.read(&mut chunk))
                .await
                .expect("an answer within 30 s")
                .unwrap();
            assert!(n > 0, "the server closed the connection; read so far: {text}");
            self.buffered.extend_from_slice(&chunk[..n]);
        }
    }
}

async fn the_connection_stays_usable_after_an_early_refusal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = app.token("waiter1").await;
    let host = app.addr;
    let body = format!(r#"{{"name": "T77", "seats": 4, "notes": "{}"}}"#, "x".repeat(200_000));
    let mut conn = RawConnection::open(&app).await;
    for _ in 0..3 {
        // A waiter may not create tables: refused before the body is looked at.
        let (head, error) = conn
            .send(&format!(
                "POST /api/v1/venues/{DEMO_VENUE}/tables HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {waiter}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ))
            .await;
        assert!(head.starts_with("http/1.1 403"), "{head}");
        assert!(!head.contains("connection: close"), "{head}");
        assert!(error.contains("\"status_code\":403"), "{error}");
    }
    // The next request on the same connection is answered.
    let (head, me) = conn
        .send(&format!("GET /api/v1/auth/me HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {waiter}\r\n\r\n"))
        .await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(me.contains("waiter1@beerflow.demo"), "{me}");

    // A body over the limit is refused, and the close is announced rather than sprung.
    let mut conn = RawConnection::open(&app).await;
    let huge = 2 * 1024 * 1024;
    let request = format!(
        "POST /api/v1/venues/{DEMO_VENUE}/tables HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {waiter}\r\n\
         Content-Type: application/json\r\nContent-Length: {huge}\r\n\r\n{}",
        "x".repeat(huge)
    );
    let (head, error) = conn.send(&request).await;
    assert!(head.starts_with("http/1.1 413"), "{head}");
    assert!(head.contains("connection: close"), "{head}");
    assert!(error.contains("payload_too_large"), "{error}");
}

async fn server_function_refusals_answer_the_rest_status_codes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // A wrong password on the login form, as the page's own code sends it.
    let html = app.client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let login = app.url(&form_action(&html, 0));
    let res = app
        .client
        .post(&login)
        .form(&[("email", "waiter1@beerflow.demo"), ("password", "wrong-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("invalid email or password"));
    let res = app.client.post(&login).form(&[("email", "not-an-email"), ("password", "x")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "an unknown e-mail is the same 401");

    let manager = signed_in_browser(&app, "manager").await;
    let action = app.url(&kitchen_settings_action(&app, &manager).await);
    // Not signed in.
    let res = app.client.post(&action).form(&[("warn_minutes", "3"), ("late_minutes", "6")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Not allowed: a waiter.
    let waiter = signed_in_browser(&app, "waiter1").await;
    let res = waiter.post(&action).form(&[("warn_minutes", "3"), ("late_minutes", "6")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Invalid: amber after red.
    let res = manager.post(&action).form(&[("warn_minutes", "9"), ("late_minutes", "6")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Bad arguments.
    let res = manager.post(&action).form(&[("warn_minutes", "many")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // And a good one still works.
    let res = manager.post(&action).form(&[("warn_minutes", "4"), ("late_minutes", "8")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(kitchen_thresholds(&app).await, (4, 8));
}

async fn pages_without_a_session_answer_a_real_redirect(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for accept in ["*/*", HTML] {
        for path in ["/waiter", "/kitchen", "/manager", "/"] {
            let res = app.client.get(app.url(path)).header("Accept", accept).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::FOUND, "{path} ({accept})");
            let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
            assert_eq!(location.as_deref(), Some("/login"), "{path}");
            assert_eq!(res.text().await.unwrap(), "", "{path}: a redirect has no page");
        }
    }
    // A curl-like client that follows redirects lands on the login page.
    let follows = reqwest::Client::new();
    let res = follows.get(app.url("/kitchen")).send().await.unwrap();
    assert_eq!((res.status(), res.url().path()), (StatusCode::OK, "/login"));
    assert!(res.text().await.unwrap().contains("type=\"password\""));
}

async fn weak_jwt_secrets_are_refused(backend: Backend) {
    let db = TestDb::new(backend).await;
    for weak in ["a", "", "   ", "secret", &"x".repeat(31)] {
        let store = beerflow_core::store::connect(&db.url).await.unwrap();
        let error = Services::new(store, Some(weak.to_owned())).await.err().expect("refused");
        assert!(error.to_string().contains("must be at least 32 bytes"), "{weak:?}: {error}");
    }
    // The server itself refuses to start, saying why.
    for weak in ["a", "secret", ""] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_beerflow"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("BEERFLOW_DATABASE_URL", &db.url)
            .env("BEERFLOW_JWT_SECRET", weak)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{weak:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("must be at least 32 bytes"), "{weak:?}: {stderr}");
    }
    let store = beerflow_core::store::connect(&db.url).await.unwrap();
    let services = Services::new(store, Some("x".repeat(32))).await.expect("32 bytes will do");
    services.seed_demo().await.unwrap();
    let login = LoginRequest { email: "chef@beerflow.demo".into(), password: DEMO_PASSWORD.into() };
    assert!(services.login(&login, None).await.is_ok());
}

async fn the_cookie_is_secure_over_https_and_every_response_carries_the_security_headers(backend: Backend) {
    let plain = TestApp::spawn(backend).await;
    let cookie = session_cookie_of_a_login(&plain).await;
    assert!(!cookie.to_lowercase().contains("secure"), "over plain HTTP: {cookie}");
    for (path, token) in [("/login", None), ("/api/v1/auth/me", Some(plain.token("chef").await)), ("/health", None)] {
        let mut request = plain.client.get(plain.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let res = request.send().await.unwrap();
        let header = |name: &str| res.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert_eq!(header("content-security-policy").as_deref(), Some("frame-ancestors 'none'"), "{path}");
        assert_eq!(header("referrer-policy").as_deref(), Some("same-origin"), "{path}");
    }

    let public = TestApp::spawn_public(backend, "https://Pub.Example/some/path").await;
    let cookie = session_cookie_of_a_login(&public).await;
    assert!(cookie.contains("; Secure"), "over HTTPS: {cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    // Behind the proxy, the own origin is the public one: the listening address is not.
    let manager = signed_in_browser(&public, "manager").await;
    let action = public.url(&kitchen_settings_action(&public, &manager).await);
    let form = [("warn_minutes", "2"), ("late_minutes", "3")];
    let res = manager.post(&action).header("Origin", format!("http://{}", public.addr)).form(&form).send().await;
    assert_eq!(res.unwrap().status(), StatusCode::FORBIDDEN);
    let res = manager.post(&action).header("Origin", "https://pub.example").form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(kitchen_thresholds(&public).await, (2, 3));
}

async fn session_cookie_of_a_login(app: &TestApp) -> String {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = crate::helpers::submit_login_form(app, &client, "waiter1").await;
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("beerflow_session="))
        .expect("a session cookie")
}
