//! Inventory against the real server, on SQLite and PostgreSQL: categories, suppliers,
//! products, lots, adjustments, the movement ledger, FEFO preview, summary, trace and roles.

mod common;

use common::{Backend, TestApp, assert_error, expect_created as created, expect_ok as ok, venue_path as v};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    categories_and_suppliers_are_managed_and_deactivated,
    products_are_validated_filtered_updated_and_deactivated,
    receiving_a_lot_writes_the_lot_and_its_in_movement,
    adjustments_and_waste_never_take_a_lot_below_zero,
    concurrent_adjustments_never_oversell_a_lot,
    fefo_preview_takes_earliest_expiry_first_and_writes_nothing,
    the_summary_reports_on_hand_expiring_expired_and_below_min,
    a_lot_trace_lists_every_movement_oldest_first,
    each_role_may_read_inventory_but_only_managers_and_admins_write,
    another_venues_ids_are_not_found,
);

/// A product of its own, with no lots yet, for tests that count stock exactly.
async fn product(app: &TestApp, token: &str, sku: &str, min_stock: f64) -> Value {
    let body = json!({"name": format!("Test {sku}"), "unit": "pz", "price": 9.5, "sku": sku, "min_stock": min_stock});
    created(app.post(&v("/products"), token, &body).await).await
}

async fn receive(app: &TestApp, token: &str, product: &Value, code: &str, qty: f64, expiry: Option<String>) -> Value {
    let body = json!({"product_id": product["id"], "lot_code": code, "qty_init": qty, "unit": "pz",
                      "cost_per_unit": 2.25, "expiry_date": expiry});
    created(app.post(&v("/lots"), token, &body).await).await
}

/// The venue's local date, as the server judges it.
async fn venue_today(app: &TestApp, token: &str) -> chrono::NaiveDate {
    let s = ok(app.get(&v("/stock/summary"), token).await).await;
    s["today"].as_str().unwrap().parse().unwrap()
}

fn day(today: chrono::NaiveDate, offset: i64) -> Option<String> {
    Some((today + chrono::Duration::days(offset)).to_string())
}

/// For every lot of `product`, qty_current equals the sum of its movements.
async fn assert_ledger_balances(app: &TestApp, token: &str, product_id: &str) {
    let lots = ok(app.get(&v(&format!("/lots?product_id={product_id}")), token).await).await;
    for lot in lots.as_array().unwrap() {
        let moves =
            ok(app.get(&v(&format!("/stock/movements?lot_id={}", lot["id"].as_str().unwrap())), token).await).await;
        let sum: f64 = moves.as_array().unwrap().iter().map(|m| m["quantity"].as_f64().unwrap()).sum();
        assert!((sum - lot["qty_current"].as_f64().unwrap()).abs() < 1e-9, "lot {lot} vs movements {moves}");
    }
}

async fn categories_and_suppliers_are_managed_and_deactivated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("manager").await;
    let pizza = created(
        app.post(
            &v("/product-categories"),
            &admin,
            &json!({"name": "Pizza", "sort_order": 0, "station": "Pizza Oven"}),
        )
        .await,
    )
    .await;
    assert_eq!(pizza["station"], "pizza oven");
    assert_eq!(pizza["active"], true);
    let desserts =
        created(app.post(&v("/product-categories"), &admin, &json!({"name": "Desserts", "sort_order": 5})).await).await;
    assert_eq!(desserts["station"], "kitchen", "default station");
    assert_error(app.post(&v("/product-categories"), &admin, &json!({"name": "Pizza"})).await, 409, "already exists")
        .await;
    assert_error(app.post(&v("/product-categories"), &admin, &json!({"name": " "})).await, 400, "name").await;
    assert_error(
        app.post(&v("/product-categories"), &admin, &json!({"name": "X", "colour": "red"})).await,
        400,
        "unknown field `colour`",
    )
    .await;

    let list = ok(app.get(&v("/product-categories"), &admin).await).await;
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Pizza", "Kitchen", "Beers on tap", "Soft drinks", "Desserts"], "by sort_order, then name");

    let id = pizza["id"].as_str().unwrap();
    let renamed = ok(app
        .patch(&v(&format!("/product-categories/{id}")), &admin, &json!({"name": "Pizze", "sort_order": 9}))
        .await)
    .await;
    assert_eq!((renamed["name"].as_str(), renamed["sort_order"].as_i64()), (Some("Pizze"), Some(9)));
    assert_error(
        app.patch(&v(&format!("/product-categories/{id}")), &admin, &json!({"name": "Desserts"})).await,
        409,
        "already exists",
    )
    .await;
    let res = app.delete(&v(&format!("/product-categories/{id}")), &admin).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(ok(app.get(&v(&format!("/product-categories/{id}")), &admin).await).await["active"], false);
    let active = ok(app.get(&v("/product-categories?active=true"), &admin).await).await;
    assert!(active.as_array().unwrap().iter().all(|c| c["id"] != id));
    let missing = uuid::Uuid::new_v4();
    assert_error(app.get(&v(&format!("/product-categories/{missing}")), &admin).await, 404, "not found").await;
    assert_error(
        app.patch(&v(&format!("/product-categories/{missing}")), &admin, &json!({"name": "Y"})).await,
        404,
        "not found",
    )
    .await;

    let s =
        created(app.post(&v("/suppliers"), &admin, &json!({"name": "Caseificio Rossi", "phone": "+39 055 123"})).await)
            .await;
    assert_eq!(s["phone"], "+39 055 123");
    assert_error(app.post(&v("/suppliers"), &admin, &json!({"name": "Caseificio Rossi"})).await, 409, "already exists")
        .await;
    let sid = s["id"].as_str().unwrap();
    let cleared =
        ok(app.patch(&v(&format!("/suppliers/{sid}")), &admin, &json!({"phone": null, "notes": "Mon and Thu"})).await)
            .await;
    assert_eq!((cleared["phone"].clone(), cleared["notes"].clone()), (Value::Null, json!("Mon and Thu")));
    assert_eq!(app.delete(&v(&format!("/suppliers/{sid}")), &admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(ok(app.get(&v(&format!("/suppliers/{sid}")), &admin).await).await["active"], false);
    assert_eq!(ok(app.get(&v("/suppliers"), &admin).await).await.as_array().unwrap().len(), 3);
}

async fn products_are_validated_filtered_updated_and_deactivated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("admin").await;
    let cat = created(app.post(&v("/product-categories"), &token, &json!({"name": "Pizza"})).await).await;
    let body = json!({"name": "Margherita", "unit": "pz", "price": 8.5, "cost": 2.1, "sku": "PIZ-MARG",
                      "category_id": cat["id"], "min_stock": 0.25, "attributes": {"vegetarian": true}});
    let p = created(app.post(&v("/products"), &token, &body).await).await;
    assert_eq!((p["price"].as_f64(), p["cost"].as_f64(), p["min_stock"].as_f64()), (Some(8.5), Some(2.1), Some(0.25)));
    assert_eq!((p["track_stock"].clone(), p["attributes"]["vegetarian"].clone()), (json!(true), json!(true)));

    let cases = [
        (json!({"name": "Dup", "unit": "pz", "price": 1, "sku": "PIZ-MARG"}), 409, "sku"),
        (json!({"name": "Bad", "unit": "kilo", "price": 1}), 400, "unknown variant `kilo`"),
        (json!({"name": "Bad", "unit": "pz", "price": -1}), 400, "price"),
        (json!({"name": "Bad", "unit": "pz", "price": 1.005}), 400, "at most 2 decimals"),
        (json!({"name": "Bad", "unit": "pz", "price": "1"}), 400, "invalid type"),
        (json!({"name": "Bad", "unit": "pz"}), 400, "missing field `price`"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "colour": 1}), 400, "unknown field `colour`"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "attributes": [1]}), 400, "invalid type"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "category_id": uuid::Uuid::new_v4()}), 404, "category_id"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "supplier_id": uuid::Uuid::new_v4()}), 404, "supplier_id"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "category_id": "nope"}), 400, "invalid"),
    ];
    for (body, status, needle) in cases {
        assert_error(app.post(&v("/products"), &token, &body).await, status, needle).await;
    }
    let all = ok(app.get(&v("/products?limit=1000"), &token).await).await;
    assert_eq!(all.as_array().unwrap().len(), 8, "demo's 7 and the Margherita; nothing from the refused bodies");

    let found = ok(app.get(&v("/products?q=margh"), &token).await).await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let by_sku = ok(app.get(&v("/products?q=piz-"), &token).await).await;
    assert_eq!(by_sku[0]["id"], p["id"]);
    let in_cat = ok(app.get(&v(&format!("/products?category_id={}", cat["id"].as_str().unwrap())), &token).await).await;
    assert_eq!(in_cat.as_array().unwrap().len(), 1);
    assert_eq!(ok(app.get(&v("/products?q=100%25"), &token).await).await.as_array().unwrap().len(), 0, "% is literal");

    let id = p["id"].as_str().unwrap();
    let updated = ok(app
        .patch(&v(&format!("/products/{id}")), &token, &json!({"price": 9, "sku": null, "category_id": null}))
        .await)
    .await;
    assert_eq!(
        (updated["price"].as_f64(), updated["sku"].clone(), updated["category_id"].clone()),
        (Some(9.0), Value::Null, Value::Null)
    );
    assert_error(app.patch(&v(&format!("/products/{id}")), &token, &json!({"price": -2})).await, 400, "price").await;
    assert_error(
        app.patch(&v(&format!("/products/{id}")), &token, &json!({"supplier_id": uuid::Uuid::new_v4()})).await,
        404,
        "supplier_id",
    )
    .await;
    assert_eq!(
        ok(app.get(&v(&format!("/products/{id}")), &token).await).await["price"].as_f64(),
        Some(9.0),
        "refused patches changed nothing"
    );

    assert_eq!(app.delete(&v(&format!("/products/{id}")), &token).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(ok(app.get(&v(&format!("/products/{id}")), &token).await).await["active"], false);
    let active = ok(app.get(&v("/products?active=true&limit=1000"), &token).await).await;
    assert_eq!(active.as_array().unwrap().len(), 7);
    assert_error(app.get(&v(&format!("/products/{}", uuid::Uuid::new_v4())), &token).await, 404, "not found").await;
}

async fn receiving_a_lot_writes_the_lot_and_its_in_movement(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let p = product(&app, &token, "T-LOT", 0.0).await;
    let lot = receive(&app, &token, &p, "L-001", 12.5, Some("2030-01-31".into())).await;
    assert_eq!((lot["qty_init"].as_f64(), lot["qty_current"].as_f64()), (Some(12.5), Some(12.5)));
    assert_eq!(
        (lot["expiry_date"].as_str(), lot["cost_per_unit"].as_f64(), lot["unit"].as_str()),
        (Some("2030-01-31"), Some(2.25), Some("pz"))
    );
    let moves =
        ok(app.get(&v(&format!("/stock/movements?lot_id={}", lot["id"].as_str().unwrap())), &token).await).await;
    assert_eq!(moves.as_array().unwrap().len(), 1);
    let m = &moves[0];
    assert_eq!(
        (m["movement_type"].as_str(), m["reference_type"].as_str(), m["quantity"].as_f64()),
        (Some("IN"), Some("lot_receipt"), Some(12.5))
    );
    assert_eq!((m["lot_code"].as_str(), m["reference_id"].clone()), (Some("L-001"), lot["id"].clone()));
    let me = ok(app.get("/api/v1/auth/me", &token).await).await;
    assert_eq!(m["created_by"], me["id"]);

    let pid = p["id"].clone();
    let cases = [
        (json!({"product_id": pid, "lot_code": "L-001", "qty_init": 1, "unit": "pz"}), 409, "lot_code"),
        (json!({"product_id": pid, "lot_code": "L-002", "qty_init": 1, "unit": "kg"}), 400, "unit"),
        (json!({"product_id": pid, "lot_code": "L-002", "qty_init": 0, "unit": "pz"}), 400, "qty_init"),
        (json!({"product_id": pid, "lot_code": "L-002", "qty_init": -3, "unit": "pz"}), 400, "qty_init"),
        (
            json!({"product_id": pid, "lot_code": "L-002", "qty_init": 1, "unit": "pz", "expiry_date": "2030-02-30"}),
            400,
            "invalid",
        ),
        (
            json!({"product_id": pid, "lot_code": "L-002", "qty_init": 1, "unit": "pz", "expiry_date": "31/01/2030"}),
            400,
            "invalid",
        ),
        (
            json!({"product_id": pid, "lot_code": "L-002", "qty_init": 1, "unit": "pz", "qty_current": 5}),
            400,
            "unknown field `qty_current`",
        ),
        (
            json!({"product_id": uuid::Uuid::new_v4(), "lot_code": "L-002", "qty_init": 1, "unit": "pz"}),
            404,
            "product_id",
        ),
        (
            json!({"product_id": pid, "lot_code": "L-002", "qty_init": 1, "unit": "pz", "supplier_id": uuid::Uuid::new_v4()}),
            404,
            "supplier_id",
        ),
    ];
    for (body, status, needle) in cases {
        assert_error(app.post(&v("/lots"), &token, &body).await, status, needle).await;
    }
    let pid = p["id"].as_str().unwrap();
    let lots = ok(app.get(&v(&format!("/lots?product_id={pid}")), &token).await).await;
    assert_eq!(lots.as_array().unwrap().len(), 1, "refused receipts wrote nothing");
    let moves = ok(app.get(&v(&format!("/stock/movements?product_id={pid}")), &token).await).await;
    assert_eq!(moves.as_array().unwrap().len(), 1);

    // Only location, expiry and notes change by PATCH.
    let id = lot["id"].as_str().unwrap();
    let changed = ok(app
        .patch(&v(&format!("/lots/{id}")), &token, &json!({"storage_location": "Freezer 2", "expiry_date": null}))
        .await)
    .await;
    assert_eq!(
        (changed["storage_location"].as_str(), changed["expiry_date"].clone()),
        (Some("Freezer 2"), Value::Null)
    );
    assert_error(
        app.patch(&v(&format!("/lots/{id}")), &token, &json!({"qty_current": 100})).await,
        400,
        "unknown field",
    )
    .await;

    // The lot list's filters.
    let exp = ok(app.get(&v("/lots?expiring_before=2000-01-01"), &token).await).await;
    assert_eq!(exp.as_array().unwrap().len(), 0);
    assert_error(app.get(&v("/lots?expiring_before=tomorrow"), &token).await, 400, "invalid query").await;
    let available = ok(app.get(&v("/lots?available=true&limit=1000"), &token).await).await;
    assert_eq!(available.as_array().unwrap().len(), 10, "the demo's 9 and this one");
    assert_ledger_balances(&app, &token, pid).await;
}

async fn adjustments_and_waste_never_take_a_lot_below_zero(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let p = product(&app, &token, "T-ADJ", 0.0).await;
    let lot = receive(&app, &token, &p, "A-1", 10.0, None).await;
    let adjust = v(&format!("/lots/{}/adjust", lot["id"].as_str().unwrap()));

    let after =
        ok(app.post(&adjust, &token, &json!({"quantity": -2.5, "reason": "recount", "movement_type": "ADJUST"})).await)
            .await;
    assert_eq!(after["qty_current"].as_f64(), Some(7.5));
    let after = ok(app
        .post(&adjust, &token, &json!({"quantity": 0.5, "reason": "found one", "movement_type": "ADJUST"}))
        .await)
    .await;
    assert_eq!(after["qty_current"].as_f64(), Some(8.0));
    let after =
        ok(app.post(&adjust, &token, &json!({"quantity": -1, "reason": "dropped", "movement_type": "WASTE"})).await)
            .await;
    assert_eq!(after["qty_current"].as_f64(), Some(7.0));

    let cases = [
        (json!({"quantity": -7.001, "reason": "too much", "movement_type": "ADJUST"}), "below zero"),
        (json!({"quantity": -8, "reason": "too much", "movement_type": "WASTE"}), "below zero"),
        (json!({"quantity": 0, "reason": "nothing", "movement_type": "ADJUST"}), "quantity"),
        (json!({"quantity": 1, "reason": "waste up?", "movement_type": "WASTE"}), "negative"),
        (json!({"quantity": 1, "reason": "sneaky", "movement_type": "IN"}), "movement_type"),
        (json!({"quantity": -1, "reason": "sneaky", "movement_type": "OUT"}), "movement_type"),
        (json!({"quantity": -1, "reason": " ", "movement_type": "ADJUST"}), "reason"),
        (json!({"quantity": -1, "movement_type": "ADJUST"}), "missing field `reason`"),
        (json!({"quantity": -1, "reason": "x", "movement_type": "LOST"}), "unknown variant"),
    ];
    for (body, needle) in cases {
        assert_error(app.post(&adjust, &token, &body).await, 400, needle).await;
    }
    let lot_now = ok(app.get(&v(&format!("/lots/{}", lot["id"].as_str().unwrap())), &token).await).await;
    assert_eq!(lot_now["qty_current"].as_f64(), Some(7.0), "refused adjustments wrote nothing");
    let moves =
        ok(app.get(&v(&format!("/stock/movements?lot_id={}", lot["id"].as_str().unwrap())), &token).await).await;
    let types: Vec<&str> = moves.as_array().unwrap().iter().map(|m| m["movement_type"].as_str().unwrap()).collect();
    assert_eq!(types, ["WASTE", "ADJUST", "ADJUST", "IN"], "newest first");
    let waste = ok(app.get(&v("/stock/movements?reference_type=waste"), &token).await).await;
    assert_eq!(waste.as_array().unwrap().len(), 1);
    assert_eq!((waste[0]["quantity"].as_f64(), waste[0]["reason"].as_str()), (Some(-1.0), Some("dropped")));
    assert_error(app.get(&v("/stock/movements?reference_type=theft"), &token).await, 400, "invalid query").await;

    // Emptying exactly to zero is fine; the lot then leaves `available=true`.
    let empty =
        ok(app.post(&adjust, &token, &json!({"quantity": -7, "reason": "spoiled", "movement_type": "WASTE"})).await)
            .await;
    assert_eq!(empty["qty_current"].as_f64(), Some(0.0));
    let pid = p["id"].as_str().unwrap();
    assert_eq!(
        ok(app.get(&v(&format!("/lots?product_id={pid}&available=true")), &token).await)
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        ok(app.get(&v(&format!("/lots?product_id={pid}&available=false")), &token).await)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_error(
        app.post(
            &v(&format!("/lots/{}/adjust", uuid::Uuid::new_v4())),
            &token,
            &json!({"quantity": 1, "reason": "x", "movement_type": "ADJUST"}),
        )
        .await,
        404,
        "not found",
    )
    .await;
    assert_ledger_balances(&app, &token, pid).await;
}

async fn concurrent_adjustments_never_oversell_a_lot(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let p = product(&app, &token, "T-RACE", 0.0).await;
    let lot = receive(&app, &token, &p, "R-1", 5.0, None).await;
    let adjust = v(&format!("/lots/{}/adjust", lot["id"].as_str().unwrap()));
    let body = json!({"quantity": -1, "reason": "race", "movement_type": "WASTE"});
    let attempts = (0..12).map(|_| app.post(&adjust, &token, &body));
    let statuses: Vec<StatusCode> = futures::future::join_all(attempts).await.into_iter().map(|r| r.status()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::BAD_REQUEST).count(), 7, "{statuses:?}");
    let lot_now = ok(app.get(&v(&format!("/lots/{}", lot["id"].as_str().unwrap())), &token).await).await;
    assert_eq!(lot_now["qty_current"].as_f64(), Some(0.0));
    assert_ledger_balances(&app, &token, p["id"].as_str().unwrap()).await;
}

async fn fefo_preview_takes_earliest_expiry_first_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let today = venue_today(&app, &token).await;
    let p = product(&app, &token, "T-FEFO", 0.0).await;
    receive(&app, &token, &p, "LATE", 4.0, day(today, 5)).await;
    let soon = receive(&app, &token, &p, "SOON", 3.0, day(today, 1)).await;
    receive(&app, &token, &p, "GONE", 10.0, day(today, -1)).await;
    receive(&app, &token, &p, "TODAY", 1.0, day(today, 0)).await;
    receive(&app, &token, &p, "KEG", 10.0, None).await;

    let chef = app.token("chef").await;
    let plan =
        ok(app.post(&v("/stock/fefo-allocation"), &chef, &json!({"product_id": p["id"], "quantity": 5})).await).await;
    let used: Vec<(&str, f64)> = plan["allocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["lot_code"].as_str().unwrap(), a["quantity"].as_f64().unwrap()))
        .collect();
    assert_eq!(used, [("TODAY", 1.0), ("SOON", 3.0), ("LATE", 1.0)]);
    assert_eq!((plan["sufficient"].clone(), plan["available"].as_f64()), (json!(true), Some(18.0)));
    assert_eq!(plan["allocations"][1]["lot_id"], soon["id"]);

    let short =
        ok(app.post(&v("/stock/fefo-allocation"), &chef, &json!({"product_id": p["id"], "quantity": 25})).await).await;
    assert_eq!((short["sufficient"].clone(), short["available"].as_f64()), (json!(false), Some(18.0)));
    assert!(short["allocations"].as_array().unwrap().iter().all(|a| a["lot_code"] != "GONE"), "never an expired lot");

    assert_error(
        app.post(&v("/stock/fefo-allocation"), &chef, &json!({"product_id": p["id"], "quantity": 0})).await,
        400,
        "quantity",
    )
    .await;
    assert_error(
        app.post(&v("/stock/fefo-allocation"), &chef, &json!({"product_id": uuid::Uuid::new_v4(), "quantity": 1}))
            .await,
        404,
        "product",
    )
    .await;
    let pid = p["id"].as_str().unwrap();
    let moves = ok(app.get(&v(&format!("/stock/movements?product_id={pid}")), &token).await).await;
    assert_eq!(moves.as_array().unwrap().len(), 5, "a preview writes nothing");
}

async fn the_summary_reports_on_hand_expiring_expired_and_below_min(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let today = venue_today(&app, &token).await;
    let p = product(&app, &token, "T-SUM", 20.0).await;
    receive(&app, &token, &p, "S-SOON", 3.0, day(today, 1)).await;
    receive(&app, &token, &p, "S-LATE", 4.0, day(today, 6)).await;
    receive(&app, &token, &p, "S-GONE", 10.0, day(today, -2)).await;
    receive(&app, &token, &p, "S-KEG", 10.0, None).await;

    let summary = ok(app.get(&v("/stock/summary"), &token).await).await;
    assert_eq!((summary["status"].as_str(), summary["expiring_within_days"].as_u64()), (Some("ok"), Some(3)));
    let mine = summary["products"].as_array().unwrap().iter().find(|x| x["product_id"] == p["id"]).unwrap().clone();
    assert_eq!((mine["qty_on_hand"].as_f64(), mine["lot_count"].as_u64()), (Some(17.0), Some(3)));
    assert_eq!((mine["expiring_soon_qty"].as_f64(), mine["expired_qty"].as_f64()), (Some(3.0), Some(10.0)));
    assert_eq!((mine["next_expiry"].clone(), mine["below_min"].clone()), (json!(day(today, 1)), json!(true)));
    let codes = |key: &str| -> Vec<String> {
        summary[key].as_array().unwrap().iter().map(|l| l["lot_code"].as_str().unwrap().to_owned()).collect()
    };
    assert!(
        codes("expiring_lots").contains(&"S-SOON".to_owned()) && !codes("expiring_lots").contains(&"S-LATE".to_owned())
    );
    assert!(codes("expired_lots").contains(&"S-GONE".to_owned()));

    let wider = ok(app.get(&v("/stock/summary?days=10"), &token).await).await;
    let mine = wider["products"].as_array().unwrap().iter().find(|x| x["product_id"] == p["id"]).unwrap().clone();
    assert_eq!(mine["expiring_soon_qty"].as_f64(), Some(7.0));
    assert_error(app.get(&v("/stock/summary?days=soon"), &token).await, 400, "invalid query").await;
    assert_error(app.get(&v("/stock/summary?days=1000"), &token).await, 400, "days").await;

    // Raising the stock above the minimum clears the flag.
    receive(&app, &token, &p, "S-MORE", 5.0, None).await;
    let summary = ok(app.get(&v("/stock/summary"), &token).await).await;
    let mine = summary["products"].as_array().unwrap().iter().find(|x| x["product_id"] == p["id"]).unwrap().clone();
    assert_eq!((mine["qty_on_hand"].as_f64(), mine["below_min"].clone()), (Some(22.0), json!(false)));
}

async fn a_lot_trace_lists_every_movement_oldest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let p = product(&app, &token, "T-TRACE", 0.0).await;
    let lot = receive(&app, &token, &p, "TR-1", 6.0, None).await;
    let id = lot["id"].as_str().unwrap();
    ok(app
        .post(
            &v(&format!("/lots/{id}/adjust")),
            &token,
            &json!({"quantity": -2, "reason": "spilled", "movement_type": "WASTE"}),
        )
        .await)
    .await;
    let chef = app.token("chef").await;
    let trace = ok(app.get(&v(&format!("/lots/{id}/trace")), &chef).await).await;
    assert_eq!((trace["lot"]["id"].as_str(), trace["product_name"].as_str()), (Some(id), Some("Test T-TRACE")));
    let moves = trace["movements"].as_array().unwrap();
    let types: Vec<&str> = moves.iter().map(|m| m["movement_type"].as_str().unwrap()).collect();
    assert_eq!(types, ["IN", "WASTE"]);
    assert!(
        moves.iter().all(|m| m["order_number"].is_null() && m["table_name"].is_null() && m["created_at"].is_string())
    );
    assert_error(app.get(&v(&format!("/lots/{}/trace", uuid::Uuid::new_v4())), &chef).await, 404, "not found").await;
}

async fn each_role_may_read_inventory_but_only_managers_and_admins_write(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let demo_lot = ok(app.get(&v("/lots?limit=1"), &app.token("admin").await).await).await[0].clone();
    let lot_id = demo_lot["id"].as_str().unwrap().to_owned();
    for (who, may_write) in [("admin", true), ("manager", true), ("waiter1", false), ("chef", false)] {
        let token = app.token(who).await;
        for path in ["/product-categories", "/suppliers", "/products", "/lots", "/stock/movements", "/stock/summary"] {
            assert_eq!(app.get(&v(path), &token).await.status(), StatusCode::OK, "{who} reads {path}");
        }
        let writes = [
            app.post(&v("/product-categories"), &token, &json!({"name": format!("Cat {who}")})).await,
            app.post(&v("/suppliers"), &token, &json!({"name": format!("Sup {who}")})).await,
            app.post(&v("/products"), &token, &json!({"name": format!("P {who}"), "unit": "pz", "price": 1})).await,
            app.post(
                &v(&format!("/lots/{lot_id}/adjust")),
                &token,
                &json!({"quantity": 1, "reason": "count", "movement_type": "ADJUST"}),
            )
            .await,
            app.patch(&v(&format!("/lots/{lot_id}")), &token, &json!({"notes": format!("checked by {who}")})).await,
        ];
        for res in writes {
            let status = res.status();
            if may_write {
                assert!(status.is_success(), "{who} may write, got {status}");
            } else {
                assert_error(res, 403, "may not").await;
            }
        }
    }
    // Another venue's inventory: 403 for everyone.
    let other = format!("/api/v1/venues/{}/products", uuid::Uuid::new_v4());
    assert_error(app.get(&other, &app.token("admin").await).await, 403, "not yours").await;
    let lot = ok(app.get(&v(&format!("/lots/{lot_id}")), &app.token("admin").await).await).await;
    let before = demo_lot["qty_current"].as_f64().unwrap();
    assert_eq!(lot["qty_current"].as_f64(), Some(before + 2.0), "only the two permitted adjustments landed");
}

async fn another_venues_ids_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let venue = app.services.add_venue("The Anchor", "Europe/London").await.unwrap();
    app.services
        .add_user(venue.id, "boss@anchor.pub", "Boss", beerflow_core::domain::Role::Admin, "long-enough")
        .await
        .unwrap();
    let theirs = app.login("boss@anchor.pub", "long-enough").await.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = format!("/api/v1/venues/{}", venue.id);
    let cat = created(app.post(&format!("{base}/product-categories"), &theirs, &json!({"name": "Fish"})).await).await;
    let sup = created(app.post(&format!("{base}/suppliers"), &theirs, &json!({"name": "Harbour"})).await).await;
    let prod = created(
        app.post(&format!("{base}/products"), &theirs, &json!({"name": "Cod", "unit": "kg", "price": 20})).await,
    )
    .await;
    let lot = created(
        app.post(
            &format!("{base}/lots"),
            &theirs,
            &json!({"product_id": prod["id"], "lot_code": "C1", "qty_init": 3, "unit": "kg"}),
        )
        .await,
    )
    .await;

    let ours = app.token("admin").await;
    let id = |x: &Value| x["id"].as_str().unwrap().to_owned();
    for path in [
        format!("/product-categories/{}", id(&cat)),
        format!("/suppliers/{}", id(&sup)),
        format!("/products/{}", id(&prod)),
        format!("/lots/{}", id(&lot)),
        format!("/lots/{}/trace", id(&lot)),
    ] {
        assert_error(app.get(&v(&path), &ours).await, 404, "not found").await;
    }
    let cases = [
        (v("/lots"), json!({"product_id": prod["id"], "lot_code": "X", "qty_init": 1, "unit": "kg"}), "product_id"),
        (v("/products"), json!({"name": "X", "unit": "pz", "price": 1, "category_id": cat["id"]}), "category_id"),
        (v("/products"), json!({"name": "X", "unit": "pz", "price": 1, "supplier_id": sup["id"]}), "supplier_id"),
        (
            v(&format!("/lots/{}/adjust", id(&lot))),
            json!({"quantity": -1, "reason": "x", "movement_type": "WASTE"}),
            "not found",
        ),
        (v("/stock/fefo-allocation"), json!({"product_id": prod["id"], "quantity": 1}), "not found"),
    ];
    for (path, body, needle) in cases {
        assert_error(app.post(&path, &ours, &body).await, 404, needle).await;
    }
    assert_error(
        app.patch(&v(&format!("/products/{}", id(&prod))), &ours, &json!({"price": 1})).await,
        404,
        "not found",
    )
    .await;
    // Their lot is untouched and our lists never show their rows.
    let lot_now = ok(app.get(&format!("{base}/lots/{}", id(&lot)), &theirs).await).await;
    assert_eq!(lot_now["qty_current"].as_f64(), Some(3.0));
    let our_products = ok(app.get(&v("/products?limit=1000"), &ours).await).await;
    assert!(our_products.as_array().unwrap().iter().all(|p| p["id"] != prod["id"]));
    let our_moves = ok(app.get(&v("/stock/movements?limit=1000"), &ours).await).await;
    assert!(our_moves.as_array().unwrap().iter().all(|m| m["lot_id"] != lot["id"]));
    // A venue with an unknown time zone is refused.
    assert!(app.services.add_venue("Nowhere", "Mars/Olympus").await.is_err());
}
