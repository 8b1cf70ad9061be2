//! The store alone, no HTTP: each area's use cases straight over `DynStore`, on both backends.

use crate::helpers::{Backend, TestDb, money, qty};
use beerflow_core::AppError;
use beerflow_core::domain::event::EventRecord;
use beerflow_core::domain::inventory::{
    Category, Lot, Movement, MovementType, NewMovement, Product, ReferenceType, Supplier, Unit,
};
use beerflow_core::domain::order::{ItemAllocation, Order, OrderStatus};
use beerflow_core::domain::stock::Shortfall;
use beerflow_core::domain::table::{Position, Table, TableStatus};
use beerflow_core::domain::{Qty, Role, User, Venue};
use beerflow_core::store::inventory::{LotFilter, MovementFilter, ProductFilter};
use beerflow_core::store::orders::{ItemDraft, OrderDraft, OrderFilter, StatusChange};
use beerflow_core::store::tables::TableFilter;
use beerflow_core::store::{DynStore, NewUser, NewVenue, Page, now_micros};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures::future::join_all;
use serde_json::json;
use uuid::Uuid;

on_both_backends!(
    venues_users_settings_and_sessions_are_kept_and_conflicts_are_told_by_their_constraint,
    stock_received_into_lots_is_served_to_an_order_by_fefo_and_a_shortfall_writes_nothing,
    the_event_log_is_numbered_without_gaps_per_venue_and_pruned_from_its_oldest_end,
    the_demo_data_seeded_twice_changes_nothing_the_second_time,
    a_deleted_orders_number_is_never_handed_out_again,
);

/// Everything, at once: the lists of these tests are far shorter.
const ALL: Page = Page { limit: 1000, offset: 0 };

async fn open(backend: Backend) -> (TestDb, DynStore) {
    let db = TestDb::new(backend).await;
    let store = beerflow_core::store::connect(&db.url).await.expect("connect store");
    (db, store)
}

async fn add_venue(store: &DynStore, name: &str) -> Venue {
    let venue = NewVenue {
        id: Uuid::new_v4(),
        name: name.into(),
        timezone: "Europe/London".into(),
        currency: "GBP".into(),
        language: "en".into(),
        locale: "en-GB".into(),
    };
    store.create_venue(&venue).await.expect("create venue")
}

/// A new account; the store keeps the hash as given (hashing is the use cases' business).
fn new_user(venue_id: Uuid, email: &str, role: Role) -> NewUser {
    NewUser {
        id: Uuid::new_v4(),
        venue_id,
        email: email.into(),
        name: format!("Staff {email}"),
        role,
        password_hash: format!("hash of {email}"),
    }
}

async fn add_user(store: &DynStore, venue: &Venue, email: &str, role: Role) -> User {
    store.create_user(&new_user(venue.id, email, role)).await.expect("create user")
}

/// Every move is allowed: the state machine and the roles are the use cases' checks.
fn allow(_: &Order) -> Result<(), AppError> {
    Ok(())
}

async fn move_to(store: &DynStore, order: &Order, to: OrderStatus, actor: &User, today: NaiveDate) -> Order {
    try_move(store, order, to, actor, today).await.unwrap_or_else(|e| panic!("{} -> {to}: {e:?}", order.status))
}

async fn try_move(
    store: &DynStore,
    order: &Order,
    to: OrderStatus,
    actor: &User,
    today: NaiveDate,
) -> Result<Order, AppError> {
    let change = StatusChange { to, reason: None, actor, today: Some(today), check: &allow };
    Ok(store.change_status(order.venue_id, order.id, &change).await?.expect("the order exists"))
}

fn draft(venue: &Venue, by: &User, table_id: Option<Uuid>, items: &[(Uuid, f64)]) -> OrderDraft {
    let items = items
        .iter()
        .map(|(product_id, quantity)| ItemDraft {
            id: Uuid::new_v4(),
            product_id: *product_id,
            quantity: qty(*quantity),
            notes: None,
            modifiers: None,
        })
        .collect();
    OrderDraft {
        id: Uuid::new_v4(),
        venue_id: venue.id,
        table_id,
        covers: table_id.map(|_| 2),
        notes: None,
        items,
        created_by: by.id,
        idempotency_key: None,
        now: now_micros(),
    }
}

async fn create_order(store: &DynStore, draft: &OrderDraft) -> Order {
    let (order, created) = store.create_order(draft).await.expect("create order");
    assert!(created, "no idempotency key: always a new order");
    order
}

async fn venues_users_settings_and_sessions_are_kept_and_conflicts_are_told_by_their_constraint(backend: Backend) {
    let (_db, store) = open(backend).await;

    // Venues: created with the kitchen display's default thresholds; an id is taken once.
    let new_venue = NewVenue {
        id: Uuid::new_v4(),
        name: "The Anchor".into(),
        timezone: "Europe/London".into(),
        currency: "GBP".into(),
        language: "en".into(),
        locale: "en-GB".into(),
    };
    let venue = store.create_venue(&new_venue).await.unwrap();
    assert_eq!((venue.id, venue.name.as_str(), venue.timezone.as_str()), (new_venue.id, "The Anchor", "Europe/London"));
    assert_eq!((venue.kds_warn_minutes, venue.kds_late_minutes), (10, 20));
    assert_eq!(store.get_venue(venue.id).await.unwrap(), Some(venue.clone()));
    assert!(matches!(store.create_venue(&new_venue).await, Err(AppError::Conflict(_))));
    assert_eq!((venue.currency.as_str(), venue.language.as_str(), venue.locale.as_str()), ("GBP", "en", "en-GB"));
    let settings = Venue {
        kds_warn_minutes: 8,
        kds_late_minutes: 15,
        timezone: "Europe/Rome".into(),
        currency: "EUR".into(),
        language: "it".into(),
        locale: "it-IT".into(),
        ..venue.clone()
    };
    let changed = store.update_venue(&settings).await.unwrap().expect("the venue exists");
    assert_eq!(changed, settings);
    assert_eq!(store.get_venue(venue.id).await.unwrap(), Some(changed));
    assert_eq!(store.update_venue(&Venue { id: Uuid::new_v4(), ..settings }).await.unwrap(), None);
    assert_eq!(store.get_venue(Uuid::new_v4()).await.unwrap(), None);

    // Users: an e-mail is taken once (409); the same id with a new e-mail breaks the primary
    // key, which no use case expects: that is a 500, not a conflict to show the caller.
    let owner = new_user(venue.id, "owner@anchor.pub", Role::Admin);
    let user = store.create_user(&owner).await.unwrap();
    assert_eq!(
        (user.id, user.venue_id, user.email.as_str(), user.role, user.active),
        (owner.id, venue.id, "owner@anchor.pub", Role::Admin, true)
    );
    assert_eq!(store.get_user(owner.id).await.unwrap(), Some(user.clone()));
    assert_eq!(
        store.find_user_for_login("owner@anchor.pub").await.unwrap(),
        Some((user.clone(), owner.password_hash.clone()))
    );
    let same_email = NewUser { id: Uuid::new_v4(), ..owner.clone() };
    match store.create_user(&same_email).await {
        Err(AppError::Conflict(message)) => assert!(message.contains("owner@anchor.pub"), "{message}"),
        other => panic!("a taken e-mail must be a conflict, got {other:?}"),
    }
    let same_id = NewUser { email: "other@anchor.pub".into(), ..owner.clone() };
    assert_eq!(store.create_user(&same_id).await, Err(AppError::Internal));
    let nowhere = new_user(Uuid::new_v4(), "ghost@anchor.pub", Role::Waiter);
    assert!(matches!(store.create_user(&nowhere).await, Err(AppError::NotFound(_))));
    assert_eq!(store.list_users(venue.id, ALL).await.unwrap(), vec![user.clone()], "the refused users wrote nothing");
    assert_eq!(store.find_user_for_login("other@anchor.pub").await.unwrap(), None);

    // Listing pages; deactivating keeps the account, inactive, and only in its own venue.
    let waiter = add_user(&store, &venue, "waiter@anchor.pub", Role::Waiter).await;
    let page = store.list_users(venue.id, Page { limit: 1, offset: 1 }).await.unwrap();
    assert_eq!(page, vec![waiter.clone()]);
    let elsewhere = add_venue(&store, "The Crown").await;
    assert_eq!(store.deactivate_user(elsewhere.id, waiter.id).await.unwrap(), None);
    assert_eq!(store.deactivate_user(venue.id, Uuid::new_v4()).await.unwrap(), None);
    let gone = store.deactivate_user(venue.id, waiter.id).await.unwrap().expect("the user exists");
    assert_eq!(gone, User { active: false, ..waiter.clone() });
    assert_eq!(store.get_user(waiter.id).await.unwrap(), Some(gone.clone()));
    let (found, _) = store.find_user_for_login("waiter@anchor.pub").await.unwrap().expect("still there");
    assert!(!found.active);
    assert_eq!(store.list_users(venue.id, ALL).await.unwrap(), [user, gone]);

    // Settings: the first writer wins, also when several start at once.
    assert_eq!(store.setting_get_or_init("test_key", "first").await.unwrap(), "first");
    assert_eq!(store.setting_get_or_init("test_key", "second").await.unwrap(), "first");
    let racers = join_all((0..8).map(|i| {
        let store = store.clone();
        async move { store.setting_get_or_init("raced_key", &format!("value {i}")).await.unwrap() }
    }))
    .await;
    assert!(racers.iter().all(|v| *v == racers[0]), "{racers:?}");
    assert_eq!(store.setting_get_or_init("raced_key", "late").await.unwrap(), racers[0]);

    // Sessions: saved (and saved over), loaded until they expire, deleted.
    let now = now_micros();
    let record = |n: i64| json!({"id": "s-1", "data": {"user_id": owner.id, "n": n}});
    // PostgreSQL keeps sessions as jsonb, which may respace the text: compare the JSON.
    let load = |id: &'static str, at: DateTime<Utc>| {
        let store = store.clone();
        async move {
            let text = store.session_load(id, at).await.unwrap();
            text.map(|t| serde_json::from_str::<serde_json::Value>(&t).expect("a session is JSON"))
        }
    };
    store.session_save("s-1", &record(1).to_string(), now + Duration::hours(1)).await.unwrap();
    assert_eq!(load("s-1", now).await, Some(record(1)));
    store.session_save("s-1", &record(2).to_string(), now + Duration::hours(1)).await.unwrap();
    assert_eq!(load("s-1", now).await, Some(record(2)));
    assert_eq!(load("s-1", now + Duration::hours(2)).await, None, "expired by then");
    store.session_save("s-2", &record(3).to_string(), now - Duration::seconds(1)).await.unwrap();
    assert_eq!(load("s-2", now).await, None, "saved already expired");
    assert_eq!(load("s-3", now).await, None);
    store.session_delete("s-1").await.unwrap();
    assert_eq!(load("s-1", now).await, None);
    store.session_delete("s-1").await.expect("deleting what is gone is fine");
}

async fn stock_received_into_lots_is_served_to_an_order_by_fefo_and_a_shortfall_writes_nothing(backend: Backend) {
    let (_db, store) = open(backend).await;
    let venue = add_venue(&store, "The Anchor").await;
    let manager = add_user(&store, &venue, "manager@anchor.pub", Role::Manager).await;
    let waiter = add_user(&store, &venue, "waiter@anchor.pub", Role::Waiter).await;
    let now = now_micros();
    let today = now.date_naive();

    // Categories and suppliers: stored as given, a name once per venue.
    let kitchen = Category {
        id: Uuid::new_v4(),
        venue_id: venue.id,
        name: "Kitchen".into(),
        sort_order: 1,
        station: "kitchen".into(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    assert_eq!(store.create_category(&kitchen).await.unwrap(), kitchen);
    let twin = Category { id: Uuid::new_v4(), ..kitchen.clone() };
    assert!(matches!(store.create_category(&twin).await, Err(AppError::Conflict(_))));
    assert_eq!(store.list_categories(venue.id, None, ALL).await.unwrap(), vec![kitchen.clone()]);
    let farm = Supplier {
        id: Uuid::new_v4(),
        venue_id: venue.id,
        name: "Fattoria Verde".into(),
        contact_name: Some("Gina".into()),
        email: None,
        phone: Some("+39 055 123".into()),
        notes: None,
        active: true,
        created_at: now,
        updated_at: now,
    };
    assert_eq!(store.create_supplier(&farm).await.unwrap(), farm);
    let twin = Supplier { id: Uuid::new_v4(), ..farm.clone() };
    assert!(matches!(store.create_supplier(&twin).await, Err(AppError::Conflict(_))));
    assert_eq!(store.get_supplier(venue.id, farm.id).await.unwrap(), Some(farm.clone()));

    // Products: a SKU once per venue; a category of nowhere is not found.
    let pie = Product {
        id: Uuid::new_v4(),
        venue_id: venue.id,
        category_id: Some(kitchen.id),
        supplier_id: Some(farm.id),
        name: "Fish pie".into(),
        sku: Some("KIT-PIE".into()),
        unit: Unit::Pz,
        price: money(14.0),
        cost: Some(money(4.0)),
        track_stock: true,
        min_stock: Some(qty(3.0)),
        attributes: json!({"allergens": ["fish", "milk"]}).as_object().unwrap().clone(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    assert_eq!(store.create_product(&pie).await.unwrap(), pie);
    let same_sku = Product { id: Uuid::new_v4(), name: "Fish pie, large".into(), ..pie.clone() };
    assert!(matches!(store.create_product(&same_sku).await, Err(AppError::Conflict(_))));
    let orphan = Product { id: Uuid::new_v4(), sku: None, category_id: Some(Uuid::new_v4()), ..pie.clone() };
    assert!(matches!(store.create_product(&orphan).await, Err(AppError::NotFound(_))));
    let filter = ProductFilter { q: Some("fish".into()), ..Default::default() };
    assert_eq!(store.list_products(venue.id, &filter, ALL).await.unwrap(), vec![pie.clone()]);

    // Receiving a lot writes the lot and its IN movement together.
    let lot = Lot {
        id: Uuid::new_v4(),
        venue_id: venue.id,
        product_id: pie.id,
        supplier_id: Some(farm.id),
        lot_code: "PIE-1".into(),
        qty_init: qty(5.0),
        qty_current: qty(5.0),
        unit: Unit::Pz,
        cost_per_unit: Some(money(4.5)),
        expiry_date: Some(today + Duration::days(3)),
        storage_location: Some("Walk-in fridge".into()),
        notes: None,
        received_at: now,
        created_at: now,
        updated_at: now,
    };
    let receipt = |lot: &Lot| NewMovement {
        id: Uuid::new_v4(),
        quantity: lot.qty_init,
        movement_type: MovementType::In,
        reference_id: Some(lot.id),
        reason: None,
        created_by: Some(manager.id),
    };
    assert_eq!(store.receive_lot(&lot, &receipt(&lot)).await.unwrap(), lot);
    let of_lot = MovementFilter { lot_id: Some(lot.id), ..Default::default() };
    let moves = store.list_movements(venue.id, &of_lot, ALL).await.unwrap();
    assert_eq!(moves.len(), 1, "{moves:?}");
    let m = &moves[0];
    assert_eq!(
        (m.movement_type, m.reference_type, m.reference_id),
        (MovementType::In, ReferenceType::LotReceipt, Some(lot.id))
    );
    assert_eq!(
        (m.quantity, m.lot_code.as_str(), m.product_id, m.created_by),
        (qty(5.0), "PIE-1", pie.id, Some(manager.id))
    );
    let same_code = Lot { id: Uuid::new_v4(), ..lot.clone() };
    assert!(matches!(store.receive_lot(&same_code, &receipt(&same_code)).await, Err(AppError::Conflict(_))));
    let in_kilos = Lot { id: Uuid::new_v4(), lot_code: "PIE-2".into(), unit: Unit::Kg, ..lot.clone() };
    assert!(matches!(store.receive_lot(&in_kilos, &receipt(&in_kilos)).await, Err(AppError::BadRequest(_))));
    let lots = store.list_lots(venue.id, &LotFilter { product_id: Some(pie.id), ..Default::default() }, ALL).await;
    assert_eq!(lots.unwrap(), vec![lot.clone()], "the refused receipts wrote nothing");

    // Tables: a name once per venue.
    let snug = Table {
        id: Uuid::new_v4(),
        venue_id: venue.id,
        name: "Snug".into(),
        seats: 4,
        area: Some("Bar".into()),
        position_json: Some(Position { x: 10.0, y: 20.0, width: None, height: None, shape: None, rotation: None }),
        status: TableStatus::Free,
        open_orders: 0,
        created_at: now,
        updated_at: now,
    };
    assert_eq!(store.create_table(&snug).await.unwrap(), snug);
    let twin = Table { id: Uuid::new_v4(), ..snug.clone() };
    assert!(matches!(store.create_table(&twin).await, Err(AppError::Conflict(_))));
    assert_eq!(store.list_tables(venue.id, &TableFilter::default(), ALL).await.unwrap(), vec![snug.clone()]);

    // An order on the table: numbered, priced from the product, and the table is taken.
    let order = create_order(&store, &draft(&venue, &waiter, Some(snug.id), &[(pie.id, 2.0), (pie.id, 1.0)])).await;
    assert_eq!((order.order_number.as_str(), order.status, order.total), ("1", OrderStatus::Draft, money(42.0)));
    assert_eq!((order.table_id, order.table_name.as_deref()), (Some(snug.id), Some("Snug")));
    assert!(order.items.iter().all(|i| i.unit_price == money(14.0) && i.allocations.is_empty()));
    assert_eq!(store.get_order(venue.id, order.id).await.unwrap(), Some(order.clone()));
    let table = store.get_table(venue.id, snug.id).await.unwrap().expect("the table exists");
    assert_eq!((table.status, table.open_orders), (TableStatus::Occupied, 1));

    // Served: FEFO takes the lot, writes its OUT movement, the lines' allocations and the cost.
    let mut current = order.clone();
    for to in [OrderStatus::Confirmed, OrderStatus::Preparing, OrderStatus::Ready] {
        current = move_to(&store, &current, to, &waiter, today).await;
        assert_eq!(current.status, to);
    }
    let served = move_to(&store, &current, OrderStatus::Served, &waiter, today).await;
    assert_eq!(served.status, OrderStatus::Served);
    assert!(served.served_at.is_some());
    // 3 portions at the lot's 4.50.
    assert_eq!(served.cost_of_goods, Some(money(13.5)));
    let allocated = |n: f64| vec![ItemAllocation { lot_id: lot.id, lot_code: "PIE-1".into(), quantity: qty(n) }];
    assert_eq!(served.items[0].allocations, allocated(2.0));
    assert_eq!(served.items[1].allocations, allocated(1.0));
    assert!(served.items.iter().all(|i| i.allocated_lot_id == Some(lot.id)));
    assert_eq!(store.get_order(venue.id, order.id).await.unwrap(), Some(served.clone()), "stored as answered");
    let of_order = MovementFilter { reference_id: Some(order.id), ..Default::default() };
    let out: Vec<Movement> = store.list_movements(venue.id, &of_order, ALL).await.unwrap();
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!((out[0].movement_type, out[0].reference_type), (MovementType::Out, ReferenceType::Order));
    assert_eq!((out[0].lot_id, out[0].quantity, out[0].created_by), (lot.id, qty(-3.0), Some(waiter.id)));
    let left = store.get_lot(venue.id, lot.id).await.unwrap().expect("the lot exists");
    assert_eq!(left.qty_current, qty(2.0));

    // A check that refuses: its error, and nothing changes.
    let refuse = |_: &Order| -> Result<(), AppError> { Err(AppError::conflict("not now")) };
    let change = StatusChange { to: OrderStatus::Completed, reason: None, actor: &waiter, today: None, check: &refuse };
    assert_eq!(store.change_status(venue.id, order.id, &change).await, Err(AppError::conflict("not now")));
    assert_eq!(store.get_order(venue.id, order.id).await.unwrap(), Some(served.clone()));

    // A shortfall (3 asked, 2 left) is typed, and writes nothing at all.
    let hungry = create_order(&store, &draft(&venue, &waiter, None, &[(pie.id, 3.0)])).await;
    let mut hungry_ready = hungry.clone();
    for to in [OrderStatus::Confirmed, OrderStatus::Ready] {
        hungry_ready = move_to(&store, &hungry_ready, to, &waiter, today).await;
    }
    let seq = store.latest_seq(venue.id).await.unwrap();
    let refused = try_move(&store, &hungry_ready, OrderStatus::Served, &waiter, today).await;
    let shortfall = Shortfall {
        product_id: pie.id,
        product_name: "Fish pie".into(),
        requested: qty(3.0),
        available: qty(2.0),
        unit: Unit::Pz,
    };
    assert_eq!(refused, Err(AppError::InsufficientStock(vec![shortfall])));
    assert_eq!(store.get_order(venue.id, hungry.id).await.unwrap(), Some(hungry_ready), "still ready, unserved");
    assert_eq!(store.get_lot(venue.id, lot.id).await.unwrap(), Some(left));
    let of_orders = MovementFilter { reference_type: Some(ReferenceType::Order), ..Default::default() };
    assert_eq!(store.list_movements(venue.id, &of_orders, ALL).await.unwrap(), out);
    assert_eq!(store.latest_seq(venue.id).await.unwrap(), seq, "no event for a refused serve");
    let ready = OrderFilter { statuses: vec![OrderStatus::Ready], ..Default::default() };
    let still_ready: Vec<Uuid> = store.list_orders(venue.id, &ready, ALL).await.unwrap().iter().map(|o| o.id).collect();
    assert_eq!(still_ready, [hungry.id]);
}

async fn the_event_log_is_numbered_without_gaps_per_venue_and_pruned_from_its_oldest_end(backend: Backend) {
    let (_db, store) = open(backend).await;
    let venue = add_venue(&store, "The Anchor").await;
    let waiter = add_user(&store, &venue, "waiter@anchor.pub", Role::Waiter).await;
    let other = add_venue(&store, "The Crown").await;
    let their_waiter = add_user(&store, &other, "waiter@crown.pub", Role::Waiter).await;
    let quiet = add_venue(&store, "The Quiet Man").await;
    assert_eq!((store.latest_seq(venue.id).await.unwrap(), store.oldest_seq(venue.id).await.unwrap()), (0, 0));

    // Concurrent writers take numbers 1, 2, ... without a gap or a duplicate.
    join_all((0..20).map(|_| {
        let (store, order) = (store.clone(), draft(&venue, &waiter, None, &[]));
        async move { create_order(&store, &order).await }
    }))
    .await;
    create_order(&store, &draft(&other, &their_waiter, None, &[])).await;
    let seqs = |events: &[EventRecord]| events.iter().map(|e| e.seq).collect::<Vec<_>>();
    let log = store.list_events(venue.id, 0, 1000).await.unwrap();
    assert_eq!(seqs(&log), (1..=20).collect::<Vec<_>>());
    assert!(log.iter().all(|e| e.event == "new_order"), "{log:?}");
    assert_eq!(seqs(&store.list_events(venue.id, 5, 3).await.unwrap()), [6, 7, 8], "after a seq, at most a limit");
    assert_eq!((store.latest_seq(venue.id).await.unwrap(), store.oldest_seq(venue.id).await.unwrap()), (20, 1));
    // Each venue counts on its own.
    assert_eq!(seqs(&store.list_events(other.id, 0, 1000).await.unwrap()), [1]);
    assert_eq!((store.latest_seq(quiet.id).await.unwrap(), store.oldest_seq(quiet.id).await.unwrap()), (0, 0));

    // Pruning takes what is older than the cut-off, beyond each venue's last `keep`.
    let later = Utc::now() + Duration::days(1);
    assert_eq!(store.prune_events(later, 5).await.unwrap(), 15, "the 15 oldest of ours; theirs is among its last 5");
    assert_eq!(seqs(&store.list_events(venue.id, 0, 1000).await.unwrap()), (16..=20).collect::<Vec<_>>());
    assert_eq!((store.latest_seq(venue.id).await.unwrap(), store.oldest_seq(venue.id).await.unwrap()), (20, 16));
    assert_eq!(seqs(&store.list_events(other.id, 0, 1000).await.unwrap()), [1]);
    let earlier = Utc::now() - Duration::days(1);
    assert_eq!(store.prune_events(earlier, 0).await.unwrap(), 0, "recent events stay whatever their number");
    // Numbers go on from the counter, never from what is left.
    create_order(&store, &draft(&venue, &waiter, None, &[])).await;
    assert_eq!(seqs(&store.list_events(venue.id, 20, 1000).await.unwrap()), [21]);
    assert_eq!(store.latest_seq(venue.id).await.unwrap(), 21);
    // A log pruned empty still knows its latest number (a client's `last_seq` stays meaningful).
    assert_eq!(store.prune_events(later, 0).await.unwrap(), 7, "ours (16 to 21) and theirs");
    assert_eq!((store.latest_seq(venue.id).await.unwrap(), store.oldest_seq(venue.id).await.unwrap()), (21, 0));
}

/// What the demo data consists of, as the store lists it.
#[derive(Debug, PartialEq)]
struct Snapshot {
    venue: Option<Venue>,
    users: Vec<User>,
    admin_hash: Option<String>,
    categories: Vec<Category>,
    suppliers: Vec<Supplier>,
    products: Vec<Product>,
    lots: Vec<Lot>,
    movements: Vec<Movement>,
    tables: Vec<Table>,
}

async fn snapshot(store: &DynStore, venue_id: Uuid) -> Snapshot {
    Snapshot {
        venue: store.get_venue(venue_id).await.unwrap(),
        users: store.list_users(venue_id, ALL).await.unwrap(),
        admin_hash: store.find_user_for_login("admin@beerflow.demo").await.unwrap().map(|(_, hash)| hash),
        categories: store.list_categories(venue_id, None, ALL).await.unwrap(),
        suppliers: store.list_suppliers(venue_id, None, ALL).await.unwrap(),
        products: store.list_products(venue_id, &ProductFilter::default(), ALL).await.unwrap(),
        lots: store.list_lots(venue_id, &LotFilter::default(), ALL).await.unwrap(),
        movements: store.list_movements(venue_id, &MovementFilter::default(), ALL).await.unwrap(),
        tables: store.list_tables(venue_id, &TableFilter::default(), ALL).await.unwrap(),
    }
}

async fn the_demo_data_seeded_twice_changes_nothing_the_second_time(backend: Backend) {
    use beerflow_core::demo::{DEMO_TIMEZONE, DEMO_VENUE_ID, demo_data};
    let (_db, store) = open(backend).await;
    let now = now_micros();
    let today = now.with_timezone(&DEMO_TIMEZONE).date_naive();
    store.seed_demo(&demo_data(today, now).unwrap()).await.unwrap();
    let first = snapshot(&store, DEMO_VENUE_ID).await;
    assert_eq!(first.venue.as_ref().map(|v| v.name.as_str()), Some("BeerFlow Demo Pub"));
    assert_eq!((first.users.len(), first.categories.len(), first.suppliers.len(), first.products.len()), (5, 3, 2, 7));
    assert_eq!((first.lots.len(), first.movements.len(), first.tables.len()), (9, 9, 10));
    for lot in &first.lots {
        let sum: Qty = first.movements.iter().filter(|m| m.lot_id == lot.id).map(|m| m.quantity).sum();
        assert_eq!(sum, lot.qty_current, "lot {} and its receipt", lot.lot_code);
    }

    // A later run brings fresh password hashes, receipt ids and clock: none of it lands.
    let later = now + Duration::hours(1);
    store.seed_demo(&demo_data(today, later).unwrap()).await.unwrap();
    assert_eq!(snapshot(&store, DEMO_VENUE_ID).await, first);
}

async fn a_deleted_orders_number_is_never_handed_out_again(backend: Backend) {
    let (_db, store) = open(backend).await;
    let venue = add_venue(&store, "The Anchor").await;
    let waiter = add_user(&store, &venue, "waiter@anchor.pub", Role::Waiter).await;
    let first = create_order(&store, &draft(&venue, &waiter, None, &[])).await;
    let second = create_order(&store, &draft(&venue, &waiter, None, &[])).await;
    assert_eq!((first.order_number.as_str(), second.order_number.as_str()), ("1", "2"));
    // The newest order, a draft, is deleted: its number stays used.
    assert_eq!(store.delete_order(venue.id, second.id).await.unwrap(), Some(()));
    assert_eq!(store.get_order(venue.id, second.id).await.unwrap(), None);
    let third = create_order(&store, &draft(&venue, &waiter, None, &[])).await;
    assert_eq!(third.order_number, "3");
}
