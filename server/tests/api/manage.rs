//! The server functions of the manager's screens (menu, stock, staff), called as the pages' own
//! code calls them with a browser's session: they run the REST API's use cases, refuse the roles
//! the permission table refuses (403, nothing written), and name the field a bad value is in.

use crate::helpers::{Backend, TestApp, qty, signed_in_browser, venue_path as v};
use app::error::UiError;
use beerflow_core::AppError;
use beerflow_core::domain::inventory::{FefoPreview, Lot, Movement, Product};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_waiter_cannot_call_the_manager_screens_functions_and_nothing_is_written,
    the_menu_form_creates_and_edits_a_product_and_names_the_field_of_a_bad_value,
    the_stock_form_receives_lots_previews_fefo_and_wastes_an_expired_lot_in_one_step,
    an_admin_resets_a_password_and_a_manager_cannot,
);

/// A server function taking JSON, as the page's code calls it.
async fn call_json(app: &TestApp, browser: &reqwest::Client, path: &str, body: &Value) -> (StatusCode, String) {
    let res = browser.post(app.url(path)).json(body).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// A server function taking a form's fields.
async fn call_form(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let res = browser.post(app.url(path)).form(fields).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

fn refused(answer: (StatusCode, String), want: StatusCode) -> AppError {
    let (status, body) = answer;
    assert_eq!(status, want, "{body}");
    match serde_json::from_str(&body) {
        Ok(UiError::App(e)) => e,
        other => panic!("not a use case's error: {other:?}: {body}"),
    }
}

fn ok<T: serde::de::DeserializeOwned>(answer: (StatusCode, String)) -> T {
    let (status, body) = answer;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn product_form(name: &str, sku: &str, price: &str) -> Value {
    json!({"form": {
        "id": null, "name": name, "sku": sku, "unit": "pz", "price": price, "cost": "", "category_id": null,
        "supplier_id": null, "track_stock": true, "min_stock": "", "active": true,
    }})
}

async fn a_waiter_cannot_call_the_manager_screens_functions_and_nothing_is_written(backend: Backend) {
    use app::manage_api::*;
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let products: Vec<Product> = app.get_as(&v("/products"), &manager).await;
    let lots: Vec<Lot> = app.get_as(&v("/lots"), &manager).await;
    let lot = &lots[0];
    let waiter = signed_in_browser(&app, "waiter1").await;
    let lot_id = lot.id.to_string();
    let product_id = products[0].id.to_string();
    let admin_id = app.login_as("admin").await.user.id.to_string();
    let venue: Value = app.get_as(&v(""), &manager).await;
    let calls = [
        call_json(&app, &waiter, SaveProduct::PATH, &product_form("Sneaky", "SNK-1", "1")).await,
        call_json(&app, &waiter, SaveCategory::PATH, &json!({"form": {"id": null, "name": "Sneaky", "sort_order": "1", "station": "bar", "active": true}})).await,
        call_json(&app, &waiter, SaveSupplier::PATH, &json!({"form": {"id": null, "name": "Sneaky", "contact_name": "", "email": "", "phone": "", "active": true}})).await,
        call_form(&app, &waiter, SetActive::PATH, &[("kind", "product"), ("id", &product_id), ("active", "false")]).await,
        call_json(&app, &waiter, Receive::PATH, &json!({"form": {"product_id": product_id, "lot_code": "SNK", "quantity": "5", "unit": "pz", "cost_per_unit": "", "expiry_date": null, "storage_location": "", "supplier_id": null}})).await,
        call_form(&app, &waiter, Adjust::PATH, &[("lot_id", &lot_id), ("quantity", "1"), ("reason", "sneaky"), ("waste", "true")]).await,
        call_form(&app, &waiter, WasteExpired::PATH, &[("lot_id", &lot_id)]).await,
        call_form(&app, &waiter, CreateStaff::PATH, &[("name", "Sneaky"), ("email", "sneaky@example.com"), ("role", "admin"), ("password", "long enough")]).await,
        call_form(&app, &waiter, ResetStaffPassword::PATH, &[("user_id", &admin_id), ("password", "long enough")]).await,
        call_form(&app, &waiter, DeactivateStaff::PATH, &[("user_id", &admin_id)]).await,
        call_form(&app, &waiter, app::api::SaveVenueSettings::PATH, &[("language", "en"), ("currency", "USD"), ("locale", "en-US"), ("timezone", "America/New_York")]).await,
        call_form(&app, &waiter, app::api::SaveKitchenSettings::PATH, &[("warn_minutes", "1"), ("late_minutes", "2")]).await,
    ];
    for answer in calls {
        let e = refused(answer, StatusCode::FORBIDDEN);
        assert_eq!(e.code(), "forbidden", "{e}");
    }
    // Nothing changed.
    let after: Vec<Product> = app.get_as(&v("/products"), &manager).await;
    assert_eq!(after, products);
    let lots_after: Vec<Lot> = app.get_as(&v("/lots"), &manager).await;
    assert_eq!(lots_after, lots);
    let movements: Vec<Movement> = app.get_as(&v(&format!("/stock/movements?lot_id={}", lot.id)), &manager).await;
    assert_eq!(movements.len(), 1, "only the receipt: {movements:?}");
    assert!(!app.login("sneaky@example.com", "long enough").await.status().is_success());
    let venue_after: Value = app.get_as(&v(""), &manager).await;
    assert_eq!(venue_after, venue, "the venue's settings are as they were");
    assert_eq!(app.login_as("admin").await.user.id.to_string(), admin_id, "the admin still signs in");
    // A manager may run the menu and stock but not create staff accounts.
    let manager_browser = signed_in_browser(&app, "manager").await;
    let create = call_form(
        &app,
        &manager_browser,
        CreateStaff::PATH,
        &[("name", "Sneaky"), ("email", "sneaky@example.com"), ("role", "waiter"), ("password", "long enough")],
    )
    .await;
    refused(create, StatusCode::FORBIDDEN);
}

async fn the_menu_form_creates_and_edits_a_product_and_names_the_field_of_a_bad_value(backend: Backend) {
    use app::manage_api::*;
    let app = TestApp::spawn(backend).await;
    let manager = signed_in_browser(&app, "manager").await;
    let token = app.token("manager").await;
    // A comma for the decimals, as an Italian keyboard types it.
    let created: Product =
        ok(call_json(&app, &manager, SaveProduct::PATH, &product_form("Spritz", "SPR-1", "6,50")).await);
    assert_eq!((created.name.as_str(), created.price.raw(), created.sku.as_deref()), ("Spritz", 650, Some("SPR-1")));
    let read: Product = app.get_as(&v(&format!("/products/{}", created.id)), &token).await;
    assert_eq!(read, created);

    // The same SKU again: a conflict about the SKU, nothing created.
    let before: Vec<Product> = app.get_as(&v("/products"), &token).await;
    let e = refused(
        call_json(&app, &manager, SaveProduct::PATH, &product_form("Spritz 2", "SPR-1", "7")).await,
        StatusCode::CONFLICT,
    );
    assert!(e.to_string().starts_with("sku: "), "{e}");
    assert_eq!(e.msg().and_then(|m| m.key.as_deref()), Some("err-sku-taken"));
    // Not a number, and a negative price: 400 naming the field.
    let e = refused(
        call_json(&app, &manager, SaveProduct::PATH, &product_form("Spritz 3", "", "six")).await,
        StatusCode::BAD_REQUEST,
    );
    assert!(e.to_string().starts_with("price: "), "{e}");
    let e = refused(
        call_json(&app, &manager, SaveProduct::PATH, &product_form("Spritz 3", "", "-1")).await,
        StatusCode::BAD_REQUEST,
    );
    assert!(e.to_string().starts_with("price: "), "{e}");
    let after: Vec<Product> = app.get_as(&v("/products"), &token).await;
    assert_eq!(after.len(), before.len());

    // Edited, then deactivated: it leaves the waiter's menu.
    let mut form = product_form("Spritz Aperol", "SPR-1", "7.00");
    form["form"]["id"] = json!(created.id);
    form["form"]["min_stock"] = json!("4,5");
    let edited: Product = ok(call_json(&app, &manager, SaveProduct::PATH, &form).await);
    assert_eq!((edited.name.as_str(), edited.price.raw(), edited.min_stock), ("Spritz Aperol", 700, Some(qty(4.5))));
    let id = created.id.to_string();
    let (status, body) =
        call_form(&app, &manager, SetActive::PATH, &[("kind", "product"), ("id", &id), ("active", "false")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let waiter = signed_in_browser(&app, "waiter1").await;
    let menu: Vec<app::api::MenuProduct> = ok(call_form(&app, &waiter, app::api::Menu::PATH, &[]).await);
    assert!(!menu.iter().any(|m| m.id == created.id), "deactivated, off the pad");
    assert!(menu.iter().any(|m| m.name == "Burger"));
}

async fn the_stock_form_receives_lots_previews_fefo_and_wastes_an_expired_lot_in_one_step(backend: Backend) {
    use app::manage_api::*;
    let app = TestApp::spawn(backend).await;
    let manager = signed_in_browser(&app, "manager").await;
    let token = app.token("manager").await;
    let product: Product =
        app.post_as(&v("/products"), &token, &json!({"name": "Burrata", "unit": "pz", "price": 9}), 201).await;
    let today = chrono::Utc::now().date_naive();
    let receive = |code: &str, quantity: &str, expiry: Option<chrono::NaiveDate>| {
        json!({"form": {"product_id": product.id, "lot_code": code, "quantity": quantity, "unit": "pz",
            "cost_per_unit": "2,40", "expiry_date": expiry, "storage_location": "Cold room", "supplier_id": null}})
    };
    let late: Lot = ok(call_json(
        &app,
        &manager,
        Receive::PATH,
        &receive("BUR-LATE", "6", Some(today + chrono::Duration::days(9))),
    )
    .await);
    let early: Lot = ok(call_json(
        &app,
        &manager,
        Receive::PATH,
        &receive("BUR-EARLY", "4", Some(today + chrono::Duration::days(3))),
    )
    .await);
    assert_eq!((early.qty_init, early.cost_per_unit.map(|c| c.raw())), (qty(4.0), Some(240)));
    // The same lot code twice for the product: a conflict on the lot code.
    let e =
        refused(call_json(&app, &manager, Receive::PATH, &receive("BUR-EARLY", "1", None)).await, StatusCode::CONFLICT);
    assert!(e.to_string().starts_with("lot_code: "), "{e}");
    // No quantity: 400 naming it.
    let e =
        refused(call_json(&app, &manager, Receive::PATH, &receive("BUR-X", " ", None)).await, StatusCode::BAD_REQUEST);
    assert!(e.to_string().starts_with("qty_init: "), "{e}");

    // The next 5 portions: the 4 of the earlier expiry, then 1 of the later.
    let pid = product.id.to_string();
    let preview: FefoPreview =
        ok(call_form(&app, &manager, FefoNext::PATH, &[("product_id", &pid), ("portions", "5")]).await);
    let takes: Vec<(&str, _)> = preview.allocations.iter().map(|a| (a.lot_code.as_str(), a.quantity)).collect();
    assert_eq!(takes, [("BUR-EARLY", qty(4.0)), ("BUR-LATE", qty(1.0))]);
    assert!(preview.sufficient);

    // Waste of 1,5 is taken off the lot, with its reason.
    let lid = late.id.to_string();
    let wasted: Lot = ok(call_form(
        &app,
        &manager,
        Adjust::PATH,
        &[("lot_id", &lid), ("quantity", "1,5"), ("reason", "dropped"), ("waste", "true")],
    )
    .await);
    assert_eq!(wasted.qty_current, qty(4.5));
    let e = refused(
        call_form(
            &app,
            &manager,
            Adjust::PATH,
            &[("lot_id", &lid), ("quantity", "9"), ("reason", "too much"), ("waste", "true")],
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    assert!(e.to_string().starts_with("quantity: "), "{e}");

    // A lot that has not expired cannot be recorded as expired waste; one that has, in one step.
    let eid = early.id.to_string();
    refused(call_form(&app, &manager, WasteExpired::PATH, &[("lot_id", &eid)]).await, StatusCode::CONFLICT);
    let old: Lot = app
        .post_as(
            &v("/lots"),
            &token,
            &json!({"product_id": product.id, "lot_code": "BUR-OLD", "qty_init": 2, "unit": "pz",
            "expiry_date": today - chrono::Duration::days(3)}),
            201,
        )
        .await;
    let oid = old.id.to_string();
    let gone: Lot = ok(call_form(&app, &manager, WasteExpired::PATH, &[("lot_id", &oid)]).await);
    assert_eq!(gone.qty_current, qty(0.0));
    let moves: Vec<Movement> = app.get_as(&v(&format!("/stock/movements?lot_id={}", old.id)), &token).await;
    let kinds: Vec<(&str, _)> = moves.iter().map(|m| (m.movement_type.as_str(), m.quantity)).collect();
    assert!(kinds.contains(&("WASTE", qty(-2.0))), "{kinds:?}");
    // Twice: nothing left to waste, nothing written.
    refused(call_form(&app, &manager, WasteExpired::PATH, &[("lot_id", &oid)]).await, StatusCode::CONFLICT);
    let again: Vec<Movement> = app.get_as(&v(&format!("/stock/movements?lot_id={}", old.id)), &token).await;
    assert_eq!(again.len(), moves.len());

    // The board the screen draws: the product's usable lots and its summary.
    let board: StockBoard = ok(call_form(&app, &manager, LoadStock::PATH, &[]).await);
    let mine: Vec<&str> =
        board.lots.iter().filter(|l| l.product_id == product.id).map(|l| l.lot_code.as_str()).collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
    let summary = board.summary.products.iter().find(|p| p.product_id == product.id).unwrap();
    assert_eq!(summary.qty_on_hand, qty(8.5));
}

async fn an_admin_resets_a_password_and_a_manager_cannot(backend: Backend) {
    use app::manage_api::*;
    let app = TestApp::spawn(backend).await;
    let wendy = app.login_as("waiter1").await.user;
    let path = v(&format!("/users/{}/password", wendy.id));
    let manager = app.token("manager").await;
    let res = app
        .client
        .put(app.url(&path))
        .bearer_auth(&manager)
        .json(&json!({"password": "brand new pw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let admin = app.token("admin").await;
    let res =
        app.client.put(app.url(&path)).bearer_auth(&admin).json(&json!({"password": "short"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().starts_with("password: "), "{body}");
    assert!(app.login("waiter1@beerflow.demo", "admin123!").await.status().is_success(), "unchanged");
    let res = app
        .client
        .put(app.url(&path))
        .bearer_auth(&admin)
        .json(&json!({"password": "brand new pw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.login("waiter1@beerflow.demo", "admin123!").await.status(), StatusCode::UNAUTHORIZED);
    assert!(app.login("waiter1@beerflow.demo", "brand new pw").await.status().is_success());

    // The screen's twin, for an admin's session: the same use case.
    let browser = signed_in_browser(&app, "admin").await;
    let chef = app.login_as("chef").await.user.id.to_string();
    let (status, body) =
        call_form(&app, &browser, ResetStaffPassword::PATH, &[("user_id", &chef), ("password", "kitchen pw 2")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(app.login("chef@beerflow.demo", "kitchen pw 2").await.status().is_success());
    // And deactivation from the screen: the account can no longer sign in.
    let (status, body) = call_form(&app, &browser, DeactivateStaff::PATH, &[("user_id", &chef)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.login("chef@beerflow.demo", "kitchen pw 2").await.status(), StatusCode::UNAUTHORIZED);
}
