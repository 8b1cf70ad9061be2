//! Inventory: categories, suppliers, products, lots, adjustments, the ledger, FEFO, summary, trace, roles.

use crate::helpers::{Backend, TestApp, assert_error, expect_as, money, qty, venue_path as v};
use beerflow_core::domain::Qty;
use beerflow_core::domain::inventory::{
    Category, FefoPreview, Lot, MovementType, Product, ReferenceType, Supplier, Unit,
};
use beerflow_core::domain::stock::ProductSummary;
use beerflow_core::services::{LoginResponse, LotTrace};
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

on_both_backends!(
    categories_and_suppliers_are_managed_and_deactivated,
    a_categorys_station_and_a_suppliers_contacts_are_patched_and_validated,
    products_are_validated_filtered_updated_and_deactivated,
    every_product_field_can_be_patched_and_a_bad_value_changes_nothing,
    receiving_a_lot_writes_the_lot_and_its_in_movement,
    adjustments_and_waste_never_take_a_lot_below_zero,
    concurrent_adjustments_never_oversell_a_lot,
    fefo_preview_takes_earliest_expiry_first_and_writes_nothing,
    the_summary_reports_on_hand_expiring_expired_and_below_min,
    a_venue_whose_stored_time_zone_is_unknown_is_judged_in_utc,
    a_lot_trace_lists_every_movement_oldest_first,
    each_role_may_read_inventory_but_only_managers_and_admins_write,
    another_venues_ids_are_not_found,
);

/// A product of its own, with no lots yet, for tests that count stock exactly.
async fn product(app: &TestApp, token: &str, sku: &str, min_stock: f64) -> Product {
    let body = json!({"name": format!("Test {sku}"), "unit": "pz", "price": 9.5, "sku": sku, "min_stock": min_stock});
    app.post_as(&v("/products"), token, &body, 201).await
}

async fn receive(app: &TestApp, token: &str, product: &Product, code: &str, qty: f64, expiry: Option<String>) -> Lot {
    let body = json!({"product_id": product.id, "lot_code": code, "qty_init": qty, "unit": "pz",
                      "cost_per_unit": 2.25, "expiry_date": expiry});
    app.post_as(&v("/lots"), token, &body, 201).await
}

/// The venue's local date, as the server judges it.
async fn venue_today(app: &TestApp, token: &str) -> NaiveDate {
    app.stock_summary(token, "").await.today
}

/// `offset` days from `today`, as a request writes it.
fn day(today: NaiveDate, offset: i64) -> Option<String> {
    Some(date(today, offset).to_string())
}

fn date(today: NaiveDate, offset: i64) -> NaiveDate {
    today + chrono::Duration::days(offset)
}

/// For every lot of `product`, qty_current equals the sum of its movements, exactly.
async fn assert_ledger_balances(app: &TestApp, token: &str, product_id: Uuid) {
    for lot in app.lots(token, &format!("?product_id={product_id}")).await {
        let moves = app.movements(token, &format!("?lot_id={}", lot.id)).await;
        let sum: Qty = moves.iter().map(|m| m.quantity).sum();
        assert_eq!(sum, lot.qty_current, "lot {lot:?} vs movements {moves:?}");
    }
}

async fn products(app: &TestApp, token: &str, query: &str) -> Vec<Product> {
    app.get_as(&v(&format!("/products{query}")), token).await
}

/// The lot after a successful adjustment.
async fn adjust(app: &TestApp, token: &str, lot: Uuid, body: serde_json::Value) -> Lot {
    app.post_as(&v(&format!("/lots/{lot}/adjust")), token, &body, 200).await
}

async fn preview(app: &TestApp, token: &str, product: Uuid, quantity: u32) -> FefoPreview {
    let body = json!({"product_id": product, "quantity": quantity});
    app.post_as(&v("/stock/fefo-allocation"), token, &body, 200).await
}

/// The summary's line of one product.
fn line_of(products: &[ProductSummary], id: Uuid) -> ProductSummary {
    products.iter().find(|x| x.product_id == id).unwrap_or_else(|| panic!("product {id} not in the summary")).clone()
}

async fn categories_and_suppliers_are_managed_and_deactivated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token("manager").await;
    let pizza: Category = app
        .post_as(
            &v("/product-categories"),
            &admin,
            &json!({"name": "Pizza", "sort_order": 0, "station": "Pizza Oven"}),
            201,
        )
        .await;
    assert_eq!(pizza.station, "pizza oven");
    assert!(pizza.active);
    let desserts: Category =
        app.post_as(&v("/product-categories"), &admin, &json!({"name": "Desserts", "sort_order": 5}), 201).await;
    assert_eq!(desserts.station, "kitchen", "default station");
    assert_error(app.post(&v("/product-categories"), &admin, &json!({"name": "Pizza"})).await, 409, "already exists")
        .await;
    assert_error(app.post(&v("/product-categories"), &admin, &json!({"name": " "})).await, 400, "name").await;
    assert_error(
        app.post(&v("/product-categories"), &admin, &json!({"name": "X", "colour": "red"})).await,
        400,
        "unknown field `colour`",
    )
    .await;

    let list: Vec<Category> = app.get_as(&v("/product-categories"), &admin).await;
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Pizza", "Kitchen", "Beers on tap", "Soft drinks", "Desserts"], "by sort_order, then name");

    let id = pizza.id;
    let renamed: Category = app
        .patch_as(&v(&format!("/product-categories/{id}")), &admin, &json!({"name": "Pizze", "sort_order": 9}))
        .await;
    assert_eq!((renamed.name.as_str(), renamed.sort_order), ("Pizze", 9));
    assert_error(
        app.patch(&v(&format!("/product-categories/{id}")), &admin, &json!({"name": "Desserts"})).await,
        409,
        "already exists",
    )
    .await;
    let res = app.delete(&v(&format!("/product-categories/{id}")), &admin).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(!app.get_as::<Category>(&v(&format!("/product-categories/{id}")), &admin).await.active);
    let active: Vec<Category> = app.get_as(&v("/product-categories?active=true"), &admin).await;
    assert!(active.iter().all(|c| c.id != id));
    let missing = Uuid::new_v4();
    assert_error(app.get(&v(&format!("/product-categories/{missing}")), &admin).await, 404, "not found").await;
    assert_error(
        app.patch(&v(&format!("/product-categories/{missing}")), &admin, &json!({"name": "Y"})).await,
        404,
        "not found",
    )
    .await;

    let s: Supplier =
        app.post_as(&v("/suppliers"), &admin, &json!({"name": "Caseificio Rossi", "phone": "+39 055 123"}), 201).await;
    assert_eq!(s.phone.as_deref(), Some("+39 055 123"));
    assert_error(app.post(&v("/suppliers"), &admin, &json!({"name": "Caseificio Rossi"})).await, 409, "already exists")
        .await;
    let sid = s.id;
    let cleared: Supplier =
        app.patch_as(&v(&format!("/suppliers/{sid}")), &admin, &json!({"phone": null, "notes": "Mon and Thu"})).await;
    assert_eq!((cleared.phone, cleared.notes.as_deref()), (None, Some("Mon and Thu")));
    assert_eq!(app.delete(&v(&format!("/suppliers/{sid}")), &admin).await.status(), StatusCode::NO_CONTENT);
    assert!(!app.get_as::<Supplier>(&v(&format!("/suppliers/{sid}")), &admin).await.active);
    assert_eq!(app.get_as::<Vec<Supplier>>(&v("/suppliers"), &admin).await.len(), 3);
}

async fn products_are_validated_filtered_updated_and_deactivated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("admin").await;
    let cat: Category = app.post_as(&v("/product-categories"), &token, &json!({"name": "Pizza"}), 201).await;
    let body = json!({"name": "Margherita", "unit": "pz", "price": 8.5, "cost": 2.1, "sku": "PIZ-MARG",
                      "category_id": cat.id, "min_stock": 0.25, "attributes": {"vegetarian": true}});
    let p: Product = app.post_as(&v("/products"), &token, &body, 201).await;
    assert_eq!((p.price, p.cost, p.min_stock), (money(8.5), Some(money(2.1)), Some(qty(0.25))));
    assert_eq!((p.track_stock, p.attributes["vegetarian"].clone()), (true, json!(true)));

    let cases = [
        (json!({"name": "Dup", "unit": "pz", "price": 1, "sku": "PIZ-MARG"}), 409, "sku"),
        (json!({"name": "Bad", "unit": "kilo", "price": 1}), 400, "unknown variant `kilo`"),
        (json!({"name": "Bad", "unit": "pz", "price": -1}), 400, "price"),
        (json!({"name": "Bad", "unit": "pz", "price": 1.005}), 400, "at most 2 decimals"),
        (json!({"name": "Bad", "unit": "pz", "price": "1"}), 400, "invalid type"),
        (json!({"name": "Bad", "unit": "pz"}), 400, "missing field `price`"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "colour": 1}), 400, "unknown field `colour`"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "attributes": [1]}), 400, "invalid type"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "category_id": Uuid::new_v4()}), 404, "category_id"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "supplier_id": Uuid::new_v4()}), 404, "supplier_id"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "category_id": "nope"}), 400, "invalid"),
    ];
    for (body, status, needle) in cases {
        assert_error(app.post(&v("/products"), &token, &body).await, status, needle).await;
    }
    let all = products(&app, &token, "?limit=1000").await;
    assert_eq!(all.len(), 8, "demo's 7 and the Margherita; nothing from the refused bodies");

    assert_eq!(products(&app, &token, "?q=margh").await.len(), 1);
    let by_sku = products(&app, &token, "?q=piz-").await;
    assert_eq!(by_sku[0].id, p.id);
    let in_cat: Vec<Product> = app.get_as(&v(&format!("/products?category_id={}", cat.id)), &token).await;
    assert_eq!(in_cat.len(), 1);
    assert_eq!(products(&app, &token, "?q=100%25").await.len(), 0, "% is literal");

    let id = p.id;
    let updated: Product = app
        .patch_as(&v(&format!("/products/{id}")), &token, &json!({"price": 9, "sku": null, "category_id": null}))
        .await;
    assert_eq!((updated.price, updated.sku, updated.category_id), (money(9.0), None, None));
    assert_error(app.patch(&v(&format!("/products/{id}")), &token, &json!({"price": -2})).await, 400, "price").await;
    assert_error(
        app.patch(&v(&format!("/products/{id}")), &token, &json!({"supplier_id": Uuid::new_v4()})).await,
        404,
        "supplier_id",
    )
    .await;
    let path = v(&format!("/products/{id}"));
    assert_eq!(app.get_as::<Product>(&path, &token).await.price, money(9.0), "refused patches changed nothing");

    assert_eq!(app.delete(&path, &token).await.status(), StatusCode::NO_CONTENT);
    assert!(!app.get_as::<Product>(&path, &token).await.active);
    assert_eq!(products(&app, &token, "?active=true&limit=1000").await.len(), 7);
    assert_error(app.get(&v(&format!("/products/{}", Uuid::new_v4())), &token).await, 404, "not found").await;
}

/// The station of a category is where its dishes are cooked: lower-cased, and what the order's
/// lines carry to the kitchen display. A supplier's contacts are trimmed; a blank one clears it.
async fn a_categorys_station_and_a_suppliers_contacts_are_patched_and_validated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let pizza: Category = app.post_as(&v("/product-categories"), &token, &json!({"name": "Pizza"}), 201).await;
    assert_eq!(pizza.station, "kitchen");
    let path = v(&format!("/product-categories/{}", pizza.id));
    let moved: Category = app.patch_as(&path, &token, &json!({"station": "  Pizza Oven "})).await;
    assert_eq!(moved.station, "pizza oven");
    let stored: Category = app.get_as(&path, &token).await;
    assert_eq!(stored, moved);
    for body in [
        json!({"station": "  "}),
        json!({"station": "x".repeat(41)}),
        // The valid name is not applied either.
        json!({"name": "Pizze", "station": ""}),
    ] {
        assert_error(app.patch(&path, &token, &body).await, 400, "station").await;
    }
    assert_eq!(app.get_as::<Category>(&path, &token).await, stored, "refused patches changed nothing");

    // An order's lines go to their category's station.
    let body = json!({"name": "Margherita", "unit": "pz", "price": 8, "category_id": pizza.id});
    let margherita: Product = app.post_as(&v("/products"), &token, &body, 201).await;
    let order = app.create_order(&token, &json!({"items": [{"product_id": margherita.id, "quantity": 1}]})).await;
    assert_eq!(order.items[0].station.as_deref(), Some("pizza oven"));

    let rossi: Supplier = app.post_as(&v("/suppliers"), &token, &json!({"name": "Caseificio Rossi"}), 201).await;
    let path = v(&format!("/suppliers/{}", rossi.id));
    let body = json!({"name": " Caseificio Bianchi ", "contact_name": " Anna Bianchi ", "email": "ordini@bianchi.it"});
    let renamed: Supplier = app.patch_as(&path, &token, &body).await;
    assert_eq!(
        (renamed.name.as_str(), renamed.contact_name.as_deref(), renamed.email.as_deref()),
        ("Caseificio Bianchi", Some("Anna Bianchi"), Some("ordini@bianchi.it"))
    );
    assert_eq!(app.get_as::<Supplier>(&path, &token).await, renamed);
    let cases = [
        (json!({"name": " "}), 400, "name"),
        (json!({"contact_name": "x".repeat(101)}), 400, "contact_name"),
        (json!({"email": format!("{}@bianchi.it", "x".repeat(250))}), 400, "email"),
        (json!({"name": "Caseificio Verdi", "email": "x".repeat(255)}), 400, "email"),
        (json!({"name": "Fattoria Verde"}), 409, "already exists"),
    ];
    for (body, status, needle) in cases {
        assert_error(app.patch(&path, &token, &body).await, status, needle).await;
    }
    assert_eq!(app.get_as::<Supplier>(&path, &token).await, renamed, "refused patches changed nothing");
    let cleared: Supplier = app.patch_as(&path, &token, &json!({"contact_name": "   ", "email": null})).await;
    assert_eq!((cleared.contact_name, cleared.email), (None, None));
    assert_eq!(app.get_as::<Supplier>(&path, &token).await.name, "Caseificio Bianchi");
}

async fn every_product_field_can_be_patched_and_a_bad_value_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("admin").await;
    let before = products(&app, &token, "?limit=1000").await.len();
    for (body, field) in [
        (json!({"name": "Bad", "unit": "pz", "price": 1, "min_stock": -1}), "min_stock"),
        (json!({"name": "Bad", "unit": "pz", "price": 1, "cost": -0.5}), "cost"),
    ] {
        assert_error(app.post(&v("/products"), &token, &body).await, 400, field).await;
    }
    assert_eq!(products(&app, &token, "?limit=1000").await.len(), before, "nothing was created");

    let body = json!({"name": "Focaccia", "unit": "pz", "price": 4, "cost": 1.2, "min_stock": 2,
                      "attributes": {"vegan": true}});
    let focaccia: Product = app.post_as(&v("/products"), &token, &body, 201).await;
    let path = v(&format!("/products/{}", focaccia.id));
    let body = json!({"name": " Focaccia genovese ", "unit": "kg", "cost": 1.5, "track_stock": false,
                      "min_stock": 0.5, "attributes": {"vegan": false, "oil": "ligure"}});
    let patched: Product = app.patch_as(&path, &token, &body).await;
    assert_eq!(patched.name, "Focaccia genovese");
    assert_eq!(patched.unit, Unit::Kg);
    assert_eq!((patched.cost, patched.min_stock, patched.track_stock), (Some(money(1.5)), Some(qty(0.5)), false));
    assert_eq!(serde_json::Value::Object(patched.attributes.clone()), json!({"vegan": false, "oil": "ligure"}));
    assert_eq!((patched.price, patched.sku.as_deref()), (money(4.0), None), "fields not sent stay");
    assert_eq!(app.get_as::<Product>(&path, &token).await, patched);

    let cases = [
        (json!({"cost": -0.01}), "cost"),
        (json!({"min_stock": -1}), "min_stock"),
        (json!({"name": "  "}), "name"),
        (json!({"name": "x".repeat(201)}), "name"),
        // A valid field beside a bad one is not applied either.
        (json!({"name": "Focaccia barese", "track_stock": true, "min_stock": -0.001}), "min_stock"),
        (json!({"unit": "kilo"}), "unknown variant `kilo`"),
        (json!({"track_stock": "yes"}), "invalid type"),
        (json!({"attributes": ["vegan"]}), "invalid type"),
    ];
    for (body, needle) in cases {
        assert_error(app.patch(&path, &token, &body).await, 400, needle).await;
    }
    assert_eq!(app.get_as::<Product>(&path, &token).await, patched, "refused patches changed nothing");

    // `null` clears the cost and the minimum; the attributes are replaced, not merged.
    let body = json!({"cost": null, "min_stock": null, "attributes": {}});
    let cleared: Product = app.patch_as(&path, &token, &body).await;
    assert_eq!((cleared.cost, cleared.min_stock), (None, None));
    assert!(cleared.attributes.is_empty());
    assert_eq!(app.get_as::<Product>(&path, &token).await, cleared);
}

async fn receiving_a_lot_writes_the_lot_and_its_in_movement(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let p = product(&app, &token, "T-LOT", 0.0).await;
    let lot = receive(&app, &token, &p, "L-001", 12.5, Some("2030-01-31".into())).await;
    assert_eq!((lot.qty_init, lot.qty_current), (qty(12.5), qty(12.5)));
    assert_eq!(
        (lot.expiry_date, lot.cost_per_unit, lot.unit),
        (Some(NaiveDate::from_ymd_opt(2030, 1, 31).unwrap()), Some(money(2.25)), Unit::Pz)
    );
    let moves = app.movements(&token, &format!("?lot_id={}", lot.id)).await;
    assert_eq!(moves.len(), 1);
    let m = &moves[0];
    assert_eq!(
        (m.movement_type, m.reference_type, m.quantity),
        (MovementType::In, ReferenceType::LotReceipt, qty(12.5))
    );
    assert_eq!((m.lot_code.as_str(), m.reference_id), ("L-001", Some(lot.id)));
    let me = app.me(&token).await;
    assert_eq!(m.created_by, Some(me.id));

    let pid = p.id;
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
        (json!({"product_id": Uuid::new_v4(), "lot_code": "L-002", "qty_init": 1, "unit": "pz"}), 404, "product_id"),
        (
            json!({"product_id": pid, "lot_code": "L-002", "qty_init": 1, "unit": "pz", "supplier_id": Uuid::new_v4()}),
            404,
            "supplier_id",
        ),
    ];
    for (body, status, needle) in cases {
        assert_error(app.post(&v("/lots"), &token, &body).await, status, needle).await;
    }
    assert_eq!(app.lots(&token, &format!("?product_id={pid}")).await.len(), 1, "refused receipts wrote nothing");
    assert_eq!(app.movements(&token, &format!("?product_id={pid}")).await.len(), 1);

    // Only location, expiry and notes change by PATCH.
    let id = lot.id;
    let changed: Lot = app
        .patch_as(&v(&format!("/lots/{id}")), &token, &json!({"storage_location": "Freezer 2", "expiry_date": null}))
        .await;
    assert_eq!((changed.storage_location.as_deref(), changed.expiry_date), (Some("Freezer 2"), None));
    assert_error(
        app.patch(&v(&format!("/lots/{id}")), &token, &json!({"qty_current": 100})).await,
        400,
        "unknown field",
    )
    .await;

    // The lot list's filters.
    assert_eq!(app.lots(&token, "?expiring_before=2000-01-01").await.len(), 0);
    assert_error(app.get(&v("/lots?expiring_before=tomorrow"), &token).await, 400, "invalid query").await;
    assert_eq!(app.lots(&token, "?available=true&limit=1000").await.len(), 10, "the demo's 9 and this one");
    assert_ledger_balances(&app, &token, pid).await;
}

async fn adjustments_and_waste_never_take_a_lot_below_zero(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let p = product(&app, &token, "T-ADJ", 0.0).await;
    let lot = receive(&app, &token, &p, "A-1", 10.0, None).await;
    let path = v(&format!("/lots/{}/adjust", lot.id));

    let recount = json!({"quantity": -2.5, "reason": "recount", "movement_type": "ADJUST"});
    assert_eq!(adjust(&app, &token, lot.id, recount).await.qty_current, qty(7.5));
    let found = json!({"quantity": 0.5, "reason": "found one", "movement_type": "ADJUST"});
    assert_eq!(adjust(&app, &token, lot.id, found).await.qty_current, qty(8.0));
    let dropped = json!({"quantity": -1, "reason": "dropped", "movement_type": "WASTE"});
    assert_eq!(adjust(&app, &token, lot.id, dropped).await.qty_current, qty(7.0));

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
        assert_error(app.post(&path, &token, &body).await, 400, needle).await;
    }
    assert_eq!(app.lot(&token, lot.id).await.qty_current, qty(7.0), "refused adjustments wrote nothing");
    let moves = app.movements(&token, &format!("?lot_id={}", lot.id)).await;
    let types: Vec<MovementType> = moves.iter().map(|m| m.movement_type).collect();
    use MovementType::{Adjust, In, Waste};
    assert_eq!(types, [Waste, Adjust, Adjust, In], "newest first");
    let waste = app.movements(&token, "?reference_type=waste").await;
    assert_eq!(waste.len(), 1);
    assert_eq!((waste[0].quantity, waste[0].reason.as_deref()), (qty(-1.0), Some("dropped")));
    assert_error(app.get(&v("/stock/movements?reference_type=theft"), &token).await, 400, "invalid query").await;

    // Emptying exactly to zero is fine; the lot then leaves `available=true`.
    let spoiled = json!({"quantity": -7, "reason": "spoiled", "movement_type": "WASTE"});
    assert_eq!(adjust(&app, &token, lot.id, spoiled).await.qty_current, Qty::ZERO);
    let pid = p.id;
    assert_eq!(app.lots(&token, &format!("?product_id={pid}&available=true")).await.len(), 0);
    assert_eq!(app.lots(&token, &format!("?product_id={pid}&available=false")).await.len(), 1);
    assert_error(
        app.post(
            &v(&format!("/lots/{}/adjust", Uuid::new_v4())),
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
    let adjust = v(&format!("/lots/{}/adjust", lot.id));
    let body = json!({"quantity": -1, "reason": "race", "movement_type": "WASTE"});
    let attempts = (0..12).map(|_| app.post(&adjust, &token, &body));
    let statuses: Vec<StatusCode> = futures::future::join_all(attempts).await.into_iter().map(|r| r.status()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::BAD_REQUEST).count(), 7, "{statuses:?}");
    assert_eq!(app.lot(&token, lot.id).await.qty_current, Qty::ZERO);
    assert_ledger_balances(&app, &token, p.id).await;
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
    let plan = preview(&app, &chef, p.id, 5).await;
    let used: Vec<(&str, Qty)> = plan.allocations.iter().map(|a| (a.lot_code.as_str(), a.quantity)).collect();
    assert_eq!(used, [("TODAY", qty(1.0)), ("SOON", qty(3.0)), ("LATE", qty(1.0))]);
    assert_eq!((plan.sufficient, plan.available), (true, qty(18.0)));
    assert_eq!(plan.allocations[1].lot_id, soon.id);

    let short = preview(&app, &chef, p.id, 25).await;
    assert_eq!((short.sufficient, short.available), (false, qty(18.0)));
    assert!(short.allocations.iter().all(|a| a.lot_code != "GONE"), "never an expired lot");

    assert_error(
        app.post(&v("/stock/fefo-allocation"), &chef, &json!({"product_id": p.id, "quantity": 0})).await,
        400,
        "quantity",
    )
    .await;
    assert_error(
        app.post(&v("/stock/fefo-allocation"), &chef, &json!({"product_id": Uuid::new_v4(), "quantity": 1})).await,
        404,
        "product",
    )
    .await;
    let moves = app.movements(&token, &format!("?product_id={}", p.id)).await;
    assert_eq!(moves.len(), 5, "a preview writes nothing");
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

    let summary = app.stock_summary(&token, "").await;
    assert_eq!((summary.status.as_str(), summary.expiring_within_days), ("ok", 3));
    let mine = line_of(&summary.products, p.id);
    assert_eq!((mine.qty_on_hand, mine.lot_count), (qty(17.0), 3));
    assert_eq!((mine.expiring_soon_qty, mine.expired_qty), (qty(3.0), qty(10.0)));
    assert_eq!((mine.next_expiry, mine.below_min), (Some(date(today, 1)), true));
    let expiring: Vec<&str> = summary.expiring_lots.iter().map(|l| l.lot_code.as_str()).collect();
    assert!(expiring.contains(&"S-SOON") && !expiring.contains(&"S-LATE"));
    assert!(summary.expired_lots.iter().any(|l| l.lot_code == "S-GONE"));

    let wider = app.stock_summary(&token, "?days=10").await;
    assert_eq!(line_of(&wider.products, p.id).expiring_soon_qty, qty(7.0));
    assert_error(app.get(&v("/stock/summary?days=soon"), &token).await, 400, "invalid query").await;
    assert_error(app.get(&v("/stock/summary?days=1000"), &token).await, 400, "days").await;

    // Raising the stock above the minimum clears the flag.
    receive(&app, &token, &p, "S-MORE", 5.0, None).await;
    let mine = line_of(&app.stock_summary(&token, "").await.products, p.id);
    assert_eq!((mine.qty_on_hand, mine.below_min), (qty(22.0), false));
}

/// Runs one statement straight on the database, for a state the API never writes.
async fn execute(app: &TestApp, backend: Backend, sql: &str) {
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&app.db.url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&app.db.url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
    }
}

/// The API only stores IANA time zones, but a venue written otherwise (an older release, a hand
/// edit) must not take the stock screens down: its dates are judged in UTC.
async fn a_venue_whose_stored_time_zone_is_unknown_is_judged_in_utc(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    execute(&app, backend, "UPDATE venues SET timezone = 'Mars/Olympus'").await;
    let before = chrono::Utc::now().date_naive();
    let summary = app.stock_summary(&token, "?days=3").await;
    let after = chrono::Utc::now().date_naive();
    assert!([before, after].contains(&summary.today), "{} is not today in UTC", summary.today);
    // FEFO judges expiry by the same date, and still plans.
    let fefo = preview(&app, &token, Uuid::from_u128(0x400), 5).await;
    assert!(fefo.sufficient, "{fefo:?}");
}

async fn a_lot_trace_lists_every_movement_oldest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("manager").await;
    let p = product(&app, &token, "T-TRACE", 0.0).await;
    let lot = receive(&app, &token, &p, "TR-1", 6.0, None).await;
    let id = lot.id;
    let waste = json!({"quantity": -2, "reason": "spilled", "movement_type": "WASTE"});
    let _: Lot = app.post_as(&v(&format!("/lots/{id}/adjust")), &token, &waste, 200).await;
    let chef = app.token("chef").await;
    // Typed: every movement's `created_at` is a timestamp.
    let trace: LotTrace = app.get_as(&v(&format!("/lots/{id}/trace")), &chef).await;
    assert_eq!((trace.lot.id, trace.product_name.as_str()), (id, "Test T-TRACE"));
    let types: Vec<MovementType> = trace.movements.iter().map(|m| m.movement.movement_type).collect();
    assert_eq!(types, [MovementType::In, MovementType::Waste]);
    assert!(trace.movements.iter().all(|m| m.order_number.is_none() && m.table_name.is_none()));
    assert_error(app.get(&v(&format!("/lots/{}/trace", Uuid::new_v4())), &chef).await, 404, "not found").await;
}

async fn each_role_may_read_inventory_but_only_managers_and_admins_write(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let demo_lot = app.lots(&app.token("admin").await, "?limit=1").await.remove(0);
    let lot_id = demo_lot.id;
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
    let other = format!("/api/v1/venues/{}/products", Uuid::new_v4());
    assert_error(app.get(&other, &app.token("admin").await).await, 403, "not yours").await;
    let lot = app.lot(&app.token("admin").await, lot_id).await;
    assert_eq!(lot.qty_current, demo_lot.qty_current + qty(2.0), "only the two permitted adjustments landed");
}

async fn another_venues_ids_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let venue = app.services.add_venue("The Anchor", "Europe/London").await.unwrap();
    app.services
        .add_user(venue.id, "boss@anchor.pub", "Boss", beerflow_core::domain::Role::Admin, "long-enough")
        .await
        .unwrap();
    let login: LoginResponse = expect_as(app.login("boss@anchor.pub", "long-enough").await, 200).await;
    let theirs = login.access_token;
    let base = format!("/api/v1/venues/{}", venue.id);
    let cat: Category =
        app.post_as(&format!("{base}/product-categories"), &theirs, &json!({"name": "Fish"}), 201).await;
    let sup: Supplier = app.post_as(&format!("{base}/suppliers"), &theirs, &json!({"name": "Harbour"}), 201).await;
    let body = json!({"name": "Cod", "unit": "kg", "price": 20});
    let prod: Product = app.post_as(&format!("{base}/products"), &theirs, &body, 201).await;
    let body = json!({"product_id": prod.id, "lot_code": "C1", "qty_init": 3, "unit": "kg"});
    let lot: Lot = app.post_as(&format!("{base}/lots"), &theirs, &body, 201).await;

    let ours = app.token("admin").await;
    for path in [
        format!("/product-categories/{}", cat.id),
        format!("/suppliers/{}", sup.id),
        format!("/products/{}", prod.id),
        format!("/lots/{}", lot.id),
        format!("/lots/{}/trace", lot.id),
    ] {
        assert_error(app.get(&v(&path), &ours).await, 404, "not found").await;
    }
    let cases = [
        (v("/lots"), json!({"product_id": prod.id, "lot_code": "X", "qty_init": 1, "unit": "kg"}), "product_id"),
        (v("/products"), json!({"name": "X", "unit": "pz", "price": 1, "category_id": cat.id}), "category_id"),
        (v("/products"), json!({"name": "X", "unit": "pz", "price": 1, "supplier_id": sup.id}), "supplier_id"),
        (
            v(&format!("/lots/{}/adjust", lot.id)),
            json!({"quantity": -1, "reason": "x", "movement_type": "WASTE"}),
            "not found",
        ),
        (v("/stock/fefo-allocation"), json!({"product_id": prod.id, "quantity": 1}), "not found"),
    ];
    for (path, body, needle) in cases {
        assert_error(app.post(&path, &ours, &body).await, 404, needle).await;
    }
    assert_error(app.patch(&v(&format!("/products/{}", prod.id)), &ours, &json!({"price": 1})).await, 404, "not found")
        .await;
    // Their lot is untouched and our lists never show their rows.
    let lot_now: Lot = app.get_as(&format!("{base}/lots/{}", lot.id), &theirs).await;
    assert_eq!(lot_now.qty_current, qty(3.0));
    let our_products: Vec<Product> = app.get_as(&v("/products?limit=1000"), &ours).await;
    assert!(our_products.iter().all(|p| p.id != prod.id));
    let our_moves = app.movements(&ours, "?limit=1000").await;
    assert!(our_moves.iter().all(|m| m.lot_id != lot.id));
    // A venue with an unknown time zone is refused.
    assert!(app.services.add_venue("Nowhere", "Mars/Olympus").await.is_err());
}
