//! The pages as the server renders them (the first paint, before hydration): the floor, the order
//! pad, the kitchen display and the manager's screen, each for a signed-in browser; and the order
//! pad's one-tap send.

use crate::helpers::{Backend, DEMO_T1, DEMO_VENUE, HTML, TestApp, signed_in_browser, venue_path as v};
use beerflow_core::domain::Venue;
use beerflow_core::domain::inventory::Product;
use beerflow_core::domain::order::{Order, OrderStatus};
use beerflow_core::domain::table::Table;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    the_order_pad_shows_the_menu_with_prices_and_the_tables_open_orders,
    the_takeaway_pad_shows_only_the_orders_without_a_table,
    the_floor_opens_as_the_plan_of_the_busiest_area_with_each_tables_status_and_the_orders_ready_to_serve,
    the_kitchen_display_shows_its_tickets_by_lane_with_allergies_notes_and_all_day_counts,
    the_manager_screen_shows_the_venues_kitchen_thresholds_and_its_staff,
    each_role_lands_on_its_home_and_other_screens_say_they_are_not_for_it,
    every_page_sends_a_browser_without_a_session_to_login,
    the_pads_send_creates_and_confirms_the_order_once_per_tap,
    the_order_pad_names_its_table_in_the_first_paint,
);

// The demo's dishes, its kitchen category and table T2.
const BURGER: Uuid = Uuid::from_u128(0x400);
const FRIES: Uuid = Uuid::from_u128(0x401);
const COLA: Uuid = Uuid::from_u128(0x405);
const DEMO_KITCHEN_CATEGORY: Uuid = Uuid::from_u128(0x200);
const DEMO_T2: Uuid = Uuid::from_u128(0x701);

/// The orders of a busy evening, by what the screens show of them.
struct Evening {
    /// T1, sent to the kitchen: two burgers for a guest allergic to nuts.
    sent: Order,
    /// T1, ready to serve: a cola.
    ready: Order,
    /// T1, served, not yet completed: fries.
    served: Order,
    /// T1, completed: no longer open.
    completed: Order,
    /// Takeaway, cooking: a burger.
    cooking_takeaway: Order,
    /// Takeaway, ready after `ready`.
    ready_takeaway: Order,
}

/// Orders in every state the screens tell apart, and a dish on the menu with no stock.
async fn busy_evening(app: &TestApp) -> Evening {
    use OrderStatus::*;
    let admin = app.token("admin").await;
    let tiramisu = json!({"name": "Tiramisu", "unit": "pz", "price": 6.5, "category_id": DEMO_KITCHEN_CATEGORY});
    let _: Product = app.post_as(&v("/products"), &admin, &tiramisu, 201).await;
    let order = |table: Option<Uuid>, body: Value, path: &'static [OrderStatus]| {
        let (app, admin) = (app, admin.clone());
        async move {
            let mut body = body;
            body["table_id"] = json!(table);
            let mut order = app.create_order(&admin, &body).await;
            for status in path {
                order = app.move_order(&admin, order.id, *status).await;
            }
            order
        }
    };
    let burgers = json!({"notes": "birthday", "items": [{"product_id": BURGER, "quantity": 2, "notes": "no onions",
                                                           "modifiers": {"allergy": "nuts", "cooking": "medium"}}]});
    let cola = json!({"items": [{"product_id": COLA, "quantity": 1}]});
    let fries = json!({"items": [{"product_id": FRIES, "quantity": 3}]});
    let burger = json!({"items": [{"product_id": BURGER, "quantity": 1}]});
    let t1 = Some(DEMO_T1);
    Evening {
        sent: order(t1, burgers, &[Confirmed]).await,
        ready: order(t1, cola.clone(), &[Confirmed, Preparing, Ready]).await,
        served: order(t1, fries.clone(), &[Confirmed, Preparing, Ready, Served]).await,
        completed: order(t1, fries, &[Confirmed, Preparing, Ready, Served, Completed]).await,
        cooking_takeaway: order(None, burger, &[Confirmed, Preparing]).await,
        ready_takeaway: order(None, cola, &[Confirmed, Preparing, Ready]).await,
    }
}

/// What a browser navigating to `path` gets: the status, the `Location` if any, and the document
/// up to the end of its body without the hydration markers (`<!>`), so assertions read the
/// rendered markup, not the resources serialized after it for hydration.
async fn navigate(app: &TestApp, browser: &reqwest::Client, path: &str) -> (StatusCode, Option<String>, String) {
    let res = browser.get(app.url(path)).header("Accept", HTML).send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    let html = res.text().await.unwrap();
    (status, location, html.split("</body>").next().unwrap_or_default().replace("<!>", ""))
}

/// The rendered body of a page that must answer 200.
async fn page(app: &TestApp, browser: &reqwest::Client, path: &str) -> String {
    let (status, _, html) = navigate(app, browser, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {html}");
    html
}

/// Every element whose opening tag contains `marker` (e.g. `data-order-number="2"`, or a tag
/// such as `<li`), from its opening tag to its matching closing tag, in document order.
fn elements<'a>(html: &'a str, marker: &str) -> Vec<&'a str> {
    let bare_tag = marker.strip_prefix('<').is_some_and(|n| n.chars().all(|c| c.is_ascii_alphanumeric()));
    html.match_indices(marker)
        .filter_map(|(i, _)| {
            let start = if marker.starts_with('<') { i } else { html[..i].rfind('<')? };
            // Only markers inside an opening tag (no `>` between its `<` and the marker), and
            // `<a` is not `<article`.
            if html[start..i].contains('>') || html[start + 1..].starts_with('/') {
                return None;
            }
            if bare_tag && !html[i + marker.len()..].starts_with([' ', '>']) {
                return None;
            }
            let name: String = html[start + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            Some(&html[start..start + element_len(&html[start..], &name)])
        })
        .collect()
}

/// The length of the element `html` starts with, a `<name ...>`, up to its matching `</name>`
/// (or its opening tag's end for a void element such as `<input>`).
fn element_len(html: &str, name: &str) -> usize {
    if ["input", "br", "hr", "img", "meta", "link"].contains(&name) {
        return html.find('>').map_or(html.len(), |end| end + 1);
    }
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let mut depth = 0;
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with(&close) {
            depth -= 1;
            if depth == 0 {
                return i + close.len();
            }
            i += close.len();
        } else if rest.starts_with(&open) && rest[open.len()..].starts_with([' ', '>']) {
            depth += 1;
            i += open.len();
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    panic!("<{name}> is not closed in {html}")
}

/// The one element whose opening tag contains `marker`.
fn element<'a>(html: &'a str, marker: &str) -> &'a str {
    match elements(html, marker).as_slice() {
        [one] => one,
        found => panic!("{} elements with {marker:?} in {html}", found.len()),
    }
}

/// The text a user reads in a fragment: tags dropped, whitespace collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The texts of every element with `marker`, in document order.
fn texts(html: &str, marker: &str) -> Vec<String> {
    elements(html, marker).into_iter().map(text).collect()
}

/// The value of attribute `name` in the opening tag `element` starts with.
fn attr<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let tag = &element[..element.find('>')?];
    tag.split(&format!(" {name}=\"")).nth(1).and_then(|rest| rest.split('"').next())
}

/// The order numbers of the order cards or tickets in a fragment, in document order.
fn order_numbers(html: &str) -> Vec<String> {
    elements(html, "data-order-number=")
        .into_iter()
        .filter_map(|e| attr(e, "data-order-number"))
        .map(str::to_owned)
        .collect()
}

async fn the_order_pad_shows_the_menu_with_prices_and_the_tables_open_orders(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let evening = busy_evening(&app).await;
    let waiter = signed_in_browser(&app, "waiter1").await;
    let html = page(&app, &waiter, &format!("/waiter/table/{DEMO_T1}")).await;
    assert!(html.contains("<title>Order · BeerFlow</title>"), "{html}");
    assert_eq!(attr(element(&html, "class=\"back\""), "href"), Some("/waiter"), "a way back to the floor");

    // The menu: categories in their sort order, each dish with its price.
    let menu = element(&html, "aria-label=\"Menu\"");
    assert_eq!(texts(menu, "<h3"), ["Kitchen", "Beers on tap", "Soft drinks"]);
    assert_eq!(
        text(element(menu, "aria-label=\"Add Burger\"")),
        "Burger €12.00 97 left",
        "with what is left to promise"
    );
    assert_eq!(text(element(menu, "aria-label=\"Add Lager 0.4 l\"")), "Lager 0.4 l €5.00 60 l left");
    let kitchen = elements(menu, "class=\"category\"")[0];
    assert_eq!(texts(kitchen, "class=\"dish-name\""), ["Burger", "Caesar salad", "Fries", "Tiramisu"], "by name");
    // A stocked dish with nothing on hand is sold out; a dish without stock tracking never is.
    let tiramisu = element(menu, "aria-label=\"Add Tiramisu (sold out)\"");
    assert_eq!(text(tiramisu), "Tiramisu €6.50 Sold out");
    assert!(attr(tiramisu, "class").is_some_and(|c| c.split(' ').any(|c| c == "sold-out")), "{tiramisu}");
    assert_eq!(html.matches("Sold out").count(), 1, "only the tiramisu");
    assert_eq!(text(element(menu, "aria-label=\"Add Tap water\"")), "Tap water €0.00");

    // The pad starts empty and cannot be sent.
    let pad = element(&html, "aria-label=\"Order pad\"");
    assert!(text(pad).contains("Tap dishes to add them."), "{pad}");
    let send = element(pad, "class=\"primary send\"");
    assert!(send.starts_with("<button type=\"button\" disabled"), "{send}");

    // The table's open orders, newest first; the completed one and the takeaways are not there.
    let orders = element(&html, "aria-label=\"Orders\"");
    let numbers = [&evening.served, &evening.ready, &evening.sent].map(|o| o.order_number.clone());
    assert_eq!(order_numbers(orders), numbers);
    for gone in [&evening.completed, &evening.cooking_takeaway, &evening.ready_takeaway] {
        assert!(!order_numbers(orders).contains(&gone.order_number), "{orders}");
    }
    let card = |o: &Order| element(orders, &format!("data-order-number=\"{}\"", o.order_number));
    let ready = card(&evening.ready);
    assert_eq!(attr(ready, "data-status"), Some("ready"));
    let starts = |card: &str, head: String| assert!(text(card).starts_with(&head), "{head} in {}", text(card));
    // Each card: number, status, total, lines with prices; what can be done now.
    starts(ready, format!("#{} Ready €3.50 Ready to serve 1× Cola €3.50", evening.ready.order_number));
    assert_eq!(texts(ready, "class=\"primary\""), ["Serve"]);
    assert_eq!(texts(ready, "class=\"who-can\"").len(), 1, "started: only a manager can void or cancel");
    let sent = card(&evening.sent);
    starts(sent, format!("#{} Sent €24.00 2× Burger €24.00", evening.sent.order_number));
    assert!(texts(sent, "class=\"primary\"").is_empty(), "nothing to serve yet");
    assert_eq!(texts(sent, "class=\"danger-ghost\""), ["Cancel order"], "not started: the waiter may cancel");
    let served = card(&evening.served);
    starts(served, format!("#{} Served €13.50 3× Fries €13.50", evening.served.order_number));
    assert_eq!(texts(served, "class=\"primary\""), ["Complete"]);
    assert!(texts(served, "class=\"danger-ghost\"").is_empty(), "served: too late to cancel");
}

/// The title bar of a table's pad names the table in the first paint, before hydration.
async fn the_order_pad_names_its_table_in_the_first_paint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = signed_in_browser(&app, "waiter1").await;
    let html = page(&app, &waiter, &format!("/waiter/table/{DEMO_T1}")).await;
    assert_eq!(texts(element(&html, "class=\"screen-bar\""), "<h1"), ["Table T1"]);
}

async fn the_takeaway_pad_shows_only_the_orders_without_a_table(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let evening = busy_evening(&app).await;
    let waiter = signed_in_browser(&app, "waiter2").await;
    let html = page(&app, &waiter, "/waiter/table/takeaway").await;
    assert_eq!(texts(element(&html, "class=\"screen-bar\""), "<h1"), ["Takeaway"]);
    assert_eq!(texts(&html, "class=\"user-name\""), ["Walter Waiter"]);
    let orders = element(&html, "aria-label=\"Orders\"");
    assert_eq!(
        order_numbers(orders),
        [&evening.ready_takeaway, &evening.cooking_takeaway].map(|o| o.order_number.clone()),
        "newest first"
    );
    let cooking = element(orders, &format!("data-order-number=\"{}\"", evening.cooking_takeaway.order_number));
    assert_eq!(
        text(cooking),
        format!(
            "#{} Cooking €12.00 1× Burger €12.00 Move Covers The kitchen has started this order: only a manager can \
             void a line or cancel it. Ask the manager on duty.",
            evening.cooking_takeaway.order_number
        )
    );
    let primaries: Vec<String> = texts(orders, "class=\"primary\"");
    assert_eq!(primaries, ["Serve"], "only the ready one can be served");

    // A table with nothing open says so.
    let html = page(&app, &waiter, &format!("/waiter/table/{DEMO_T2}")).await;
    assert_eq!(text(element(&html, "aria-label=\"Orders\"")), "Orders No open orders.");
}

async fn the_floor_opens_as_the_plan_of_the_busiest_area_with_each_tables_status_and_the_orders_ready_to_serve(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let evening = busy_evening(&app).await;
    let waiter_token = app.token("waiter1").await;
    let _: Table = app
        .patch_as(&v(&format!("/tables/{DEMO_T2}/status")), &waiter_token, &json!({"status": "out_of_service"}))
        .await;
    let waiter = signed_in_browser(&app, "waiter1").await;
    let html = page(&app, &waiter, "/waiter").await;
    assert_eq!(texts(element(&html, "class=\"screen-bar\""), "<h1"), ["Floor"]);

    // The banner lists the ready orders, oldest first, each linking to its pad.
    let banner = element(&html, "class=\"ready-banner\"");
    assert_eq!(
        texts(banner, "<li"),
        [
            format!("#{} · T1", evening.ready.order_number),
            format!("#{} · Takeaway", evening.ready_takeaway.order_number)
        ]
    );
    let links: Vec<_> = elements(banner, "<a").into_iter().filter_map(|a| attr(a, "href")).collect();
    assert_eq!(links, [format!("/waiter/table/{DEMO_T1}").as_str(), "/waiter/table/takeaway"]);

    // The floor opens as the plan (the device's remembered choice, List, is applied in the
    // browser): the area tabs by name, the busiest one (Sala) shown.
    let toggle = element(&html, "class=\"segmented\"");
    let pressed: Vec<_> = elements(toggle, "<button").into_iter().map(|b| (text(b), attr(b, "aria-pressed"))).collect();
    assert_eq!(pressed, [("Plan".to_owned(), Some("true")), ("List".to_owned(), Some("false"))]);
    let tabs = element(&html, "class=\"plan-tabs\"");
    let tabs: Vec<_> = elements(tabs, "<button type=\"button\" aria-pressed")
        .into_iter()
        .map(|b| (text(b), attr(b, "aria-pressed").unwrap_or_default()))
        .collect();
    assert_eq!(tabs, [("Bancone".to_owned(), "false"), ("Dehors".to_owned(), "false"), ("Sala".to_owned(), "true")]);

    // Sala's tables where they stand, each with its status, seats, open orders and the ready
    // badge in what a screen reader says of it.
    let tables = elements(&html, "class=\"plan-table\"");
    let drawn: Vec<_> = tables.iter().filter_map(|t| attr(t, "data-table")).collect();
    assert_eq!(drawn, ["T1", "T2", "T3", "T4", "T5", "T6"]);
    let said = |name: &str| {
        let t = tables.iter().find(|t| attr(t, "data-table") == Some(name)).expect("drawn");
        (attr(t, "data-status").unwrap_or_default(), attr(t, "aria-label").unwrap_or_default())
    };
    assert_eq!(
        said("T1"),
        ("occupied", "T1, 2 seats, occupied, 3 open, Ready to serve"),
        "sent, ready and served; not the completed one"
    );
    assert_eq!(said("T2"), ("out_of_service", "T2, 2 seats, out of service"));
    assert_eq!(said("T6"), ("free", "T6, 8 seats, free"));
    assert_eq!(elements(&html, "class=\"plan-ready\"").len(), 1, "only T1 has an order ready");
    let takeaway = element(&html, "class=\"button takeaway-link\"");
    assert_eq!((attr(takeaway, "href"), text(takeaway).as_str()), (Some("/waiter/table/takeaway"), "Takeaway"));
}

async fn the_kitchen_display_shows_its_tickets_by_lane_with_allergies_notes_and_all_day_counts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let evening = busy_evening(&app).await;
    let chef = signed_in_browser(&app, "chef").await;
    let html = page(&app, &chef, "/kitchen").await;
    // The header: the counts by status, the station filter.
    let bar = text(element(&html, "class=\"kds-bar\""));
    assert!(bar.starts_with("Kitchen display New 1 Cooking 1 Ready 2 All stations Kitchen Bar"), "{bar}");

    // One board, oldest first (the REST API's order), each ticket saying where it is; served
    // orders are gone.
    let token = app.token("chef").await;
    let api: Vec<beerflow_core::domain::order::KitchenOrder> = app.get_as(&v("/orders/kitchen-display"), &token).await;
    let board = element(&html, "class=\"kds-board\"");
    let numbers: Vec<String> = api.iter().map(|k| k.order.order_number.clone()).collect();
    assert_eq!(order_numbers(board), numbers);
    let expected = [
        (&evening.sent, "confirmed", "New"),
        (&evening.cooking_takeaway, "preparing", "Cooking"),
        (&evening.ready, "ready", "Ready"),
        (&evening.ready_takeaway, "ready", "Ready"),
    ];
    assert_eq!(numbers.len(), expected.len());
    for (order, status, label) in expected {
        let t = element(board, &format!("data-order-number=\"{}\"", order.order_number));
        assert_eq!(attr(t, "data-status"), Some(status), "{label}");
        assert_eq!(texts(t, "class=\"state\""), [label]);
    }
    assert!(!order_numbers(&html).contains(&evening.served.order_number), "served orders leave the kitchen");

    // The new ticket: its place, the allergy in its own highlighted line, other modifiers, notes.
    let ticket = |o: &Order| element(&html, &format!("data-order-number=\"{}\"", o.order_number));
    let sent = ticket(&evening.sent);
    assert_eq!(attr(sent, "aria-label"), Some(format!("Order {} for T1, new", evening.sent.order_number).as_str()));
    assert_eq!(attr(sent, "class"), Some("ticket"), "just arrived: neither amber nor red");
    let line = element(sent, "<li");
    assert_eq!(attr(line, "class"), Some("has-allergy"));
    assert_eq!(texts(line, "class=\"allergy\""), ["ALLERGY: nuts"]);
    assert_eq!(texts(line, "class=\"modifiers\""), ["cooking: medium"], "the allergy is not repeated");
    assert_eq!(texts(line, "class=\"item-note\""), ["no onions"]);
    assert_eq!(texts(line, "class=\"qty\""), ["2×"]);
    assert_eq!(texts(sent, "class=\"note\""), ["birthday"]);
    assert_eq!(texts(sent, "class=\"primary bump\""), ["Start"]);
    // Each line is a button: a touch marks it done.
    assert_eq!(attr(element(line, "class=\"line\""), "aria-pressed"), Some("false"));

    let cooking = ticket(&evening.cooking_takeaway);
    assert_eq!(texts(cooking, "class=\"place\""), ["Takeaway"]);
    assert_eq!(texts(cooking, "class=\"primary bump\""), ["Ready"]);
    assert_eq!(attr(element(cooking, "<li"), "class"), Some(""), "no allergy");
    for ready in [&evening.ready, &evening.ready_takeaway] {
        assert!(elements(ticket(ready), "class=\"primary bump\"").is_empty(), "the waiters serve it");
    }

    // All day: what is still to cook (new and cooking), summed by dish.
    let all_day = element(&html, "aria-label=\"All day\"");
    assert_eq!(texts(all_day, "<li"), ["3 Burger"]);
    let recall = element(&html, "class=\"ghost recall-button\"");
    assert!(recall[..recall.find('>').unwrap()].contains(" disabled"), "nothing bumped yet: {recall}");
}

async fn the_manager_screen_shows_the_venues_kitchen_thresholds_and_its_staff(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager_token = app.token("manager").await;
    let venue = format!("/api/v1/venues/{DEMO_VENUE}");
    let _: Venue = app.patch_as(&venue, &manager_token, &json!({"kds_warn_minutes": 7, "kds_late_minutes": 14})).await;
    let admin_token = app.token("admin").await;
    let walter = app.login_as("waiter2").await.user.id;
    let users = format!("{venue}/users/{walter}");
    assert_eq!(app.delete(&users, &admin_token).await.status(), StatusCode::NO_CONTENT);

    let manager = signed_in_browser(&app, "manager").await;
    let html = page(&app, &manager, "/manager").await;
    let nav = element(&html, "aria-label=\"Main\"");
    assert_eq!(texts(nav, "<a"), ["Floor", "Kitchen", "Manage"]);
    let screens = element(&html, "aria-label=\"Manager screens\"");
    assert_eq!(texts(screens, "<a"), ["Overview", "Menu", "Stock", "Recall", "Floor plan", "Staff", "Alerts"]);
    // The overview: the room by table status, the kitchen, the stock needing attention.
    let room = element(&html, "aria-label=\"The room now\"");
    let free: Vec<String> = elements(room, "data-status=\"free\"").into_iter().map(text).collect();
    assert_eq!(free.len(), 1, "{room}");
    assert!(free[0].ends_with(" free"), "{free:?}");
    let kitchen = text(element(&html, "aria-label=\"The kitchen now\""));
    assert!(kitchen.contains("open tickets") && kitchen.contains("late (over 14 min)"), "{kitchen}");
    let stock = text(element(&html, "aria-label=\"Stock needing attention\""));
    assert!(stock.starts_with("Stock needing attention"), "{stock}");

    let venue_form = element(&html, "id=\"venue-settings\"");
    let value = |id: &str| attr(element(venue_form, &format!("id=\"{id}\"")), "value").map(str::to_owned);
    assert_eq!(value("venue_currency").as_deref(), Some("EUR"));
    assert_eq!(value("venue_locale").as_deref(), Some("it-IT"));
    assert_eq!(value("venue_timezone").as_deref(), Some("Europe/Rome"));
    let italian = element(venue_form, "value=\"it\"");
    assert!(italian.contains("selected"), "the venue speaks Italian: {italian}");

    let form = element(&html, "id=\"kitchen-settings\"");
    let warn = element(form, "id=\"warn_minutes\"");
    let late = element(form, "id=\"late_minutes\"");
    assert_eq!((attr(warn, "value"), attr(late, "value")), (Some("7"), Some("14")));
    assert!(attr(form, "action").is_some_and(|a| a.starts_with("/api/save_kitchen_settings")), "{form}");

    let html = page(&app, &manager, "/manager/staff").await;
    let staff = element(&html, "class=\"manage-table staff\"");
    assert_eq!(texts(staff, "<th"), ["Name", "Email", "Role", "Active"]);
    let rows: Vec<String> = elements(staff, "<tr").into_iter().skip(1).map(text).collect();
    assert_eq!(
        rows,
        [
            "Alex Admin admin@beerflow.demo admin yes",
            "Morgan Manager manager@beerflow.demo manager yes",
            "Wendy Waiter waiter1@beerflow.demo waiter yes",
            "Walter Waiter waiter2@beerflow.demo waiter no",
            "Charlie Chef chef@beerflow.demo kitchen yes",
        ]
    );
}

async fn each_role_lands_on_its_home_and_other_screens_say_they_are_not_for_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (who, home) in [("admin", "/manager"), ("manager", "/manager"), ("waiter1", "/waiter"), ("chef", "/kitchen")] {
        let browser = signed_in_browser(&app, who).await;
        let (status, location, _) = navigate(&app, &browser, "/").await;
        assert!(status.is_redirection(), "{who}: {status}");
        assert_eq!(location.as_deref(), Some(home), "{who}");
    }
    let table = format!("/waiter/table/{DEMO_T1}");
    for (who, role, path, home) in [
        ("waiter1", "waiter", "/manager", "/waiter"),
        ("waiter1", "waiter", "/kitchen", "/waiter"),
        ("chef", "kitchen", "/waiter", "/kitchen"),
        ("chef", "kitchen", table.as_str(), "/kitchen"),
        ("waiter1", "waiter", "/manager/menu", "/waiter"),
        ("waiter1", "waiter", "/manager/stock", "/waiter"),
        ("waiter1", "waiter", "/manager/staff", "/waiter"),
        ("waiter1", "waiter", "/manager/alerts", "/waiter"),
        ("chef", "kitchen", "/manager/stock", "/kitchen"),
    ] {
        let browser = signed_in_browser(&app, who).await;
        let html = page(&app, &browser, path).await;
        let card = element(&html, "<section class=\"card\"");
        assert_eq!(
            text(card),
            format!("Not for your role Your role ({role}) cannot use this screen. Go to your home screen"),
            "{who} on {path}"
        );
        assert_eq!(attr(element(card, "<a"), "href"), Some(home));
        // Nothing of the screen itself is rendered.
        for part in ["class=\"screen-bar\"", "class=\"kds\"", "class=\"settings-form\"", "staff\"", "stack-form"] {
            assert!(!html.contains(part), "{who} on {path}: {html}");
        }
    }
}

async fn every_page_sends_a_browser_without_a_session_to_login(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    busy_evening(&app).await;
    let anonymous =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let table = format!("/waiter/table/{DEMO_T1}");
    for path in ["/", "/waiter", table.as_str(), "/waiter/table/takeaway", "/kitchen", "/manager"] {
        let (status, location, html) = navigate(&app, &anonymous, path).await;
        assert!(matches!(status.as_u16(), 302 | 303), "{path}: {status}");
        assert_eq!(location.as_deref(), Some("/login"), "{path}");
        // Not even the first paint leaks the venue's orders or staff.
        assert!(!html.contains("data-order-number") && !html.contains("Alex Admin"), "{path}: {html}");
    }
}

/// The pad's send (`SendOrder`, a JSON server function) as the page's code calls it: its status
/// and its body, the order or the use case's error.
async fn send_order(app: &TestApp, browser: &reqwest::Client, body: &Value) -> (StatusCode, String) {
    use leptos::server_fn::ServerFn;
    let res = browser.post(app.url(app::api::SendOrder::PATH)).json(body).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

fn sent_order(status: StatusCode, body: &str) -> Order {
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not an order: {e}: {body}"))
}

fn refused(status: StatusCode, body: &str, want: StatusCode) -> beerflow_core::AppError {
    assert_eq!(status, want, "{body}");
    match serde_json::from_str(body) {
        Ok(app::error::UiError::App(e)) => e,
        other => panic!("not a use case's error: {other:?}: {body}"),
    }
}

/// One tap sends the pad to the kitchen: the order is created and confirmed, an allergy becomes
/// the line's `allergy` modifier, blank notes are dropped. The tap's key makes a retry (bad Wi-Fi,
/// a double tap) find the order it made, and confirm it if the first try stopped at the draft.
async fn the_pads_send_creates_and_confirms_the_order_once_per_tap(backend: Backend) {
    use beerflow_core::AppError;
    let app = TestApp::spawn(backend).await;
    let waiter = signed_in_browser(&app, "waiter1").await;
    let token = app.token("waiter1").await;
    let key = Uuid::new_v4().to_string();
    let lines = json!([
        {"product_id": BURGER, "quantity": 2, "notes": "  ", "allergy": " nuts "},
        {"product_id": COLA, "quantity": 1, "notes": " no ice ", "allergy": ""},
    ]);
    let body = json!({"table_id": DEMO_T1, "lines": lines, "key": key});
    let (status, raw) = send_order(&app, &waiter, &body).await;
    let order = sent_order(status, &raw);
    assert_eq!((order.status, order.table_id), (OrderStatus::Confirmed, Some(DEMO_T1)));
    let burger = &order.items[0];
    assert_eq!((burger.product_name.as_str(), burger.notes.as_deref()), ("Burger", None));
    assert_eq!(burger.modifiers.clone().map(Value::Object), Some(json!({"allergy": "nuts"})));
    let cola = &order.items[1];
    assert_eq!((cola.notes.as_deref(), cola.modifiers.as_ref()), (Some("no ice"), None));
    assert_eq!(order.total, crate::helpers::money(27.5));

    // The same tap again: the same order, not a second one.
    let (status, raw) = send_order(&app, &waiter, &body).await;
    assert_eq!(sent_order(status, &raw).id, order.id);
    let on_t1 = app.orders(&token, &format!("?table_id={DEMO_T1}")).await;
    assert_eq!(on_t1.iter().map(|o| o.id).collect::<Vec<_>>(), [order.id]);

    // A first try that stopped after creating the draft: the retry confirms that draft.
    let key = Uuid::new_v4().to_string();
    let res = app
        .client
        .post(app.url(&v("/orders")))
        .bearer_auth(&token)
        .header("Idempotency-Key", &key)
        .json(&json!({"items": [{"product_id": FRIES, "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    let draft: Order = crate::helpers::expect_as(res, 201).await;
    let body = json!({"table_id": null, "lines": [{"product_id": FRIES, "quantity": 1}], "key": key});
    let (status, raw) = send_order(&app, &waiter, &body).await;
    let confirmed = sent_order(status, &raw);
    assert_eq!((confirmed.id, confirmed.status, confirmed.table_id), (draft.id, OrderStatus::Confirmed, None));
    // The key is the waiter's own: a colleague's tap with the same key is another order.
    let colleague = signed_in_browser(&app, "waiter2").await;
    let (status, raw) = send_order(&app, &colleague, &body).await;
    assert_ne!(sent_order(status, &raw).id, draft.id);

    // An empty pad, or a role that does not take orders, sends nothing.
    let before = app.orders(&token, "?limit=1000").await.len();
    let empty = json!({"table_id": DEMO_T1, "lines": [], "key": Uuid::new_v4().to_string()});
    let (status, raw) = send_order(&app, &waiter, &empty).await;
    assert!(
        matches!(refused(status, &raw, StatusCode::BAD_REQUEST), AppError::BadRequest(m) if m.starts_with("lines"))
    );
    let chef = signed_in_browser(&app, "chef").await;
    let (status, raw) = send_order(&app, &chef, &json!({"table_id": DEMO_T1, "lines": lines, "key": "k"})).await;
    assert!(matches!(refused(status, &raw, StatusCode::FORBIDDEN), AppError::Forbidden(_)), "{raw}");
    assert_eq!(app.orders(&token, "?limit=1000").await.len(), before);
}
