//! The foundation: login, tokens, roles, venues and users, error bodies, limits, health, browser sessions.

use crate::helpers::{
    Backend, DEMO_PASSWORD, DEMO_VENUE, HTML, TestApp, TestDb, assert_error, expect_as, expect_created, form_action,
    signed_in_browser, submit_login_form, typed, venue_path,
};
use beerflow_core::AppError;
use beerflow_core::domain::inventory::{Lot, Product};
use beerflow_core::domain::order::OrderStatus;
use beerflow_core::domain::{Role, User, Venue};
use beerflow_core::services::{LoginRequest, LoginResponse};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    every_demo_user_logs_in_and_gets_a_bearer_token,
    unknown_email_and_wrong_password_get_the_same_401,
    protected_endpoints_need_a_valid_token,
    a_token_naming_another_venue_than_its_accounts_is_refused,
    repeated_failed_logins_are_throttled,
    behind_a_trusted_proxy_the_throttle_counts_the_client_it_names,
    a_user_reads_only_their_own_venue,
    managers_set_the_kitchen_age_thresholds,
    admins_manage_users_and_other_roles_are_refused,
    new_users_are_validated_and_nothing_is_written_on_error,
    deactivated_users_can_no_longer_sign_in_or_use_their_token,
    bad_bodies_get_clear_400s_and_oversized_bodies_413,
    health_reports_the_database,
    the_generated_jwt_secret_survives_a_restart,
    demo_data_is_loaded_once,
    venues_are_created_with_a_name_and_an_iana_time_zone,
    pages_need_a_session_and_the_login_page_renders,
    browser_session_login_reaches_the_api_and_logout_ends_it,
    a_browser_session_survives_a_restart_and_logging_out_deletes_it,
    server_functions_answer_with_the_rest_apis_status_codes,
);

async fn every_demo_user_logs_in_and_gets_a_bearer_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (who, role) in [
        ("admin", Role::Admin),
        ("manager", Role::Manager),
        ("waiter1", Role::Waiter),
        ("waiter2", Role::Waiter),
        ("chef", Role::Kitchen),
    ] {
        let res = app.login(&format!("{who}@beerflow.demo"), DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK, "{who}");
        let body: Value = res.json().await.unwrap();
        // Never on the wire, whatever the type says.
        assert!(body["user"].get("password_hash").is_none());
        let login: LoginResponse = typed(&body);
        assert_eq!(login.token_type, "Bearer");
        assert!(login.expires_in > 0);
        assert_eq!(login.user.role, role);
        assert_eq!(login.user.venue_id, DEMO_VENUE);
        assert_eq!(login.user.email, format!("{who}@beerflow.demo"));

        let me = app.me(&login.access_token).await;
        assert_eq!(me.id, login.user.id);
        assert_eq!(me.role, role);
    }
    // E-mail is matched case-insensitively.
    assert_eq!(app.login("  Chef@BeerFlow.demo ", DEMO_PASSWORD).await.status(), StatusCode::OK);
}

async fn unknown_email_and_wrong_password_get_the_same_401(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let wrong =
        assert_error(app.login("admin@beerflow.demo", "nope-nope").await, 401, "invalid email or password").await;
    let unknown =
        assert_error(app.login("ghost@beerflow.demo", DEMO_PASSWORD).await, 401, "invalid email or password").await;
    assert_eq!(wrong, unknown);
}

async fn protected_endpoints_need_a_valid_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.client.get(app.url("/api/v1/auth/me")).send().await.unwrap();
    assert_error(res, 401, "authentication required").await;

    let res = app.get("/api/v1/auth/me", "not.a.jwt").await;
    assert_error(res, 401, "malformed").await;

    // A token signed with another secret.
    let token = app.token("admin").await;
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[2] = "c2lnbmF0dXJlLWZyb20tc29tZXdoZXJlLWVsc2U".into();
    assert_error(app.get("/api/v1/auth/me", &parts.join(".")).await, 401, "signature").await;

    let res = app.client.get(app.url("/api/v1/auth/me")).header("Authorization", "Basic abc").send().await.unwrap();
    assert_error(res, 401, "bearer").await;

    let res = app.get(&format!("/api/v1/venues/{DEMO_VENUE}/users"), "").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

/// A token we signed, for the right account, but naming a venue the account does not belong to
/// (as after the account moved): refused as a whole, not read as the account's own venue.
async fn a_token_naming_another_venue_than_its_accounts_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let waiter = app.login_as("waiter1").await;
    let other = app.services.add_venue("The Anchor", "Europe/London").await.expect("a second venue");
    let moved = User { venue_id: other.id, ..waiter.user.clone() };
    let token = app.services.tokens.issue(&moved).expect("token");
    assert_error(app.get("/api/v1/auth/me", &token).await, 401, "no longer matches the account").await;
    for venue in [other.id, DEMO_VENUE] {
        let res = app.get(&format!("/api/v1/venues/{venue}/orders"), &token).await;
        assert_error(res, 401, "no longer matches the account").await;
    }
    assert_eq!(app.me(&waiter.access_token).await.id, waiter.user.id, "the account's own token still works");
}

/// `X-Forwarded-For` is believed from a trusted proxy (`--trusted-proxies`) and from nobody else:
/// behind nginx the throttle counts each tablet, and a client talking to the server directly
/// cannot dodge it by naming another address.
async fn behind_a_trusted_proxy_the_throttle_counts_the_client_it_names(backend: Backend) {
    let login = |app: &TestApp, forwarded: &'static str, password: &'static str| {
        let res = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("X-Forwarded-For", forwarded)
            .json(&serde_json::json!({"email": "waiter1@beerflow.demo", "password": password}))
            .send();
        async move { res.await.unwrap().status().as_u16() }
    };
    let proxied = TestApp::spawn_behind_proxy(backend).await;
    for _ in 0..5 {
        assert_eq!(login(&proxied, "203.0.113.5", "wrong").await, 401);
    }
    assert_eq!(login(&proxied, "203.0.113.5", DEMO_PASSWORD).await, 429, "the tablet that typed them is throttled");
    // A forged entry left of what the proxy appended changes nothing.
    assert_eq!(login(&proxied, "198.51.100.1, 203.0.113.5", DEMO_PASSWORD).await, 429);
    assert_eq!(login(&proxied, "203.0.113.6", DEMO_PASSWORD).await, 200, "another tablet signs in");

    // Without a trusted proxy (the default) the header is never read: this address is throttled
    // whatever a request claims.
    let direct = TestApp::spawn(backend).await;
    for _ in 0..5 {
        assert_eq!(login(&direct, "203.0.113.5", "wrong").await, 401);
    }
    assert_eq!(login(&direct, "203.0.113.6", DEMO_PASSWORD).await, 429);
}

async fn repeated_failed_logins_are_throttled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for _ in 0..5 {
        assert_eq!(app.login("waiter1@beerflow.demo", "wrong-password").await.status(), StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while the e-mail is throttled from this address, and
    // the answer says when to try again.
    let res = app.login("waiter1@beerflow.demo", DEMO_PASSWORD).await;
    let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=300).contains(&retry_after), "{retry_after}");
    assert_error(res, 429, "too many failed logins").await;
    // Other staff on the same address (tablets behind one router) still get in, however many
    // wrong passwords were typed there for other people's e-mails.
    for i in 0..30 {
        assert_eq!(app.login(&format!("guess{i}@beerflow.demo"), "x").await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.login("chef@beerflow.demo", DEMO_PASSWORD).await.status(), StatusCode::OK);

    // The throttle is in the database: another instance, and this one after a restart, see it.
    let other = TestApp::spawn_on(app.db.share(), None).await;
    assert_error(other.login("waiter1@beerflow.demo", DEMO_PASSWORD).await, 429, "too many failed logins").await;
    let db = app.stop().await;
    let app = TestApp::spawn_on(db, None).await;
    assert_error(app.login("waiter1@beerflow.demo", DEMO_PASSWORD).await, 429, "too many failed logins").await;

    // From another address, the waiter signs in (the pair is throttled, not the e-mail)...
    let login = |email: &str, password: &str| LoginRequest { email: email.into(), password: password.into() };
    let elsewhere = Some("10.0.0.7".parse().unwrap());
    assert!(app.services.login(&login("waiter1@beerflow.demo", DEMO_PASSWORD), elsewhere).await.is_ok());
    // ...until the e-mail has failed 20 times from anywhere.
    for i in 0..20 {
        let from = Some(format!("10.1.0.{i}").parse().unwrap());
        let failed = app.services.login(&login("manager@beerflow.demo", "wrong"), from).await;
        assert!(matches!(failed, Err(AppError::Unauthorized(_))), "{i}: {failed:?}");
    }
    let fresh = Some("10.2.0.1".parse().unwrap());
    let refused = app.services.login(&login("manager@beerflow.demo", DEMO_PASSWORD), fresh).await;
    assert!(matches!(refused, Err(AppError::TooManyLogins { retry_after_secs: 1..=300 })), "{refused:?}");
}

async fn a_user_reads_only_their_own_venue(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("chef").await;
    let venue: Venue = app.get_as(&format!("/api/v1/venues/{DEMO_VENUE}"), &token).await;
    assert_eq!(venue.name, "BeerFlow Demo Pub");
    assert_eq!(venue.id, DEMO_VENUE);

    let other = uuid::Uuid::new_v4();
    assert_error(app.get(&format!("/api/v1/venues/{other}"), &token).await, 403, "not yours").await;
    assert_error(app.get("/api/v1/venues/not-a-uuid", &token).await, 400, "venue_id").await;
    assert_error(app.get("/api/v1/no-such-thing", &token).await, 404, "no such endpoint").await;
}

async fn managers_set_the_kitchen_age_thresholds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let path = format!("/api/v1/venues/{DEMO_VENUE}");
    let venue: Venue = app.get_as(&path, &manager).await;
    assert_eq!((venue.kds_warn_minutes, venue.kds_late_minutes), (10, 20));

    let changed: Venue = app.patch_as(&path, &manager, &json!({"kds_warn_minutes": 8, "kds_late_minutes": 15})).await;
    assert_eq!((changed.kds_warn_minutes, changed.kds_late_minutes), (8, 15));
    // One field at a time keeps the other.
    let changed: Venue = app.patch_as(&path, &manager, &json!({"kds_late_minutes": 25})).await;
    assert_eq!((changed.kds_warn_minutes, changed.kds_late_minutes), (8, 25));

    // Bad values name the field and change nothing.
    for (body, field) in [
        (json!({"kds_warn_minutes": 0}), "kds_warn_minutes"),
        (json!({"kds_late_minutes": 1000}), "kds_late_minutes"),
        (json!({"kds_warn_minutes": 30}), "kds_late_minutes"),
        (json!({"kds_warn_minutes": 12, "kds_late_minutes": 12}), "kds_late_minutes"),
        (json!({"colour": "red"}), "colour"),
    ] {
        assert_error(app.patch(&path, &manager, &body).await, 400, field).await;
    }
    // Waiters and the kitchen read the settings but do not change them.
    for who in ["waiter1", "chef"] {
        let token = app.token(who).await;
        assert_error(app.patch(&path, &token, &json!({"kds_warn_minutes": 5})).await, 403, "").await;
    }
    let venue: Venue = app.get_as(&path, &manager).await;
    assert_eq!((venue.kds_warn_minutes, venue.kds_late_minutes), (8, 25));
}

async fn admins_manage_users_and_other_roles_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let users = format!("/api/v1/venues/{DEMO_VENUE}/users");
    let new_user =
        json!({"email": "bar@beerflow.demo", "name": "Bea Bartender", "role": "waiter", "password": "long-enough"});

    let admin = app.token("admin").await;
    let body = expect_created(app.post(&users, &admin, &new_user).await).await;
    // Never on the wire, whatever the type says.
    assert!(body.get("password").is_none() && body.get("password_hash").is_none());
    let created: User = typed(&body);
    assert_eq!(created.email, "bar@beerflow.demo");
    assert_eq!(created.role, Role::Waiter);
    assert!(created.active);
    assert_eq!(app.login("bar@beerflow.demo", "long-enough").await.status(), StatusCode::OK);

    assert_error(app.post(&users, &admin, &new_user).await, 409, "already in use").await;

    let listed: Vec<User> = app.get_as(&users, &admin).await;
    assert_eq!(listed.len(), 6);
    let page: Vec<User> = app.get_as(&format!("{users}?limit=2&offset=1"), &admin).await;
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].id, listed[1].id);
    assert_error(app.get(&format!("{users}?limit=0"), &admin).await, 400, "limit").await;
    assert_error(app.get(&format!("{users}?limit=1001"), &admin).await, 400, "limit").await;

    // Managers may list but not create or deactivate.
    let manager = app.token("manager").await;
    assert_eq!(app.get(&users, &manager).await.status(), StatusCode::OK);
    let other = json!({"email": "x@beerflow.demo", "name": "X", "role": "admin", "password": "long-enough"});
    assert_error(app.post(&users, &manager, &other).await, 403, "role manager").await;
    assert_error(app.delete(&format!("{users}/{}", created.id), &manager).await, 403, "role").await;

    // Waiters and the kitchen may do neither.
    for who in ["waiter1", "chef"] {
        let token = app.token(who).await;
        assert_error(app.get(&users, &token).await, 403, "may not").await;
        assert_error(app.post(&users, &token, &other).await, 403, "may not").await;
    }
    // Another venue's users: 403, even for an admin.
    let elsewhere = format!("/api/v1/venues/{}/users", uuid::Uuid::new_v4());
    assert_error(app.get(&elsewhere, &admin).await, 403, "not yours").await;

    // Nothing was created by the refused attempts.
    let listed: Vec<User> = app.get_as(&users, &admin).await;
    assert_eq!(listed.len(), 6);
}

async fn new_users_are_validated_and_nothing_is_written_on_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let users = format!("/api/v1/venues/{DEMO_VENUE}/users");
    let admin = app.token("admin").await;
    let cases = [
        (
            json!({"email": "a@beerflow.demo", "name": "A", "role": "chef", "password": "long-enough"}),
            "unknown variant `chef`",
        ),
        (
            json!({"email": "a@beerflow.demo", "name": "A", "role": "waiter", "password": "long-enough", "pin": 1234}),
            "unknown field `pin`",
        ),
        (json!({"email": "a@beerflow.demo", "name": "A", "role": "waiter"}), "missing field `password`"),
        (json!({"email": "a@beerflow.demo", "name": 7, "role": "waiter", "password": "long-enough"}), "invalid type"),
        (json!({"email": "not-an-email", "name": "A", "role": "waiter", "password": "long-enough"}), "email"),
        (json!({"email": "a@beerflow.demo", "name": "  ", "role": "waiter", "password": "long-enough"}), "name"),
        (json!({"email": "a@beerflow.demo", "name": "A", "role": "waiter", "password": "short"}), "password"),
    ];
    for (body, needle) in cases {
        assert_error(app.post(&users, &admin, &body).await, 400, needle).await;
    }
    let listed: Vec<User> = app.get_as(&users, &admin).await;
    assert_eq!(listed.len(), 5, "no user was written");
}

async fn deactivated_users_can_no_longer_sign_in_or_use_their_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let users = format!("/api/v1/venues/{DEMO_VENUE}/users");
    let admin = app.token("admin").await;
    let waiter = app.token("waiter2").await;
    let id = app.me(&waiter).await.id;

    assert_eq!(app.delete(&format!("{users}/{id}"), &admin).await.status(), StatusCode::NO_CONTENT);
    assert_error(app.get("/api/v1/auth/me", &waiter).await, 401, "deactivated").await;
    assert_error(app.login("waiter2@beerflow.demo", DEMO_PASSWORD).await, 401, "invalid email or password").await;
    let listed: Vec<User> = app.get_as(&users, &admin).await;
    assert!(listed.iter().any(|u| u.id == id && !u.active), "history stays");

    assert_error(app.delete(&format!("{users}/{}", uuid::Uuid::new_v4()), &admin).await, 404, "not found").await;
    assert_error(app.delete(&format!("{users}/nope"), &admin).await, 400, "invalid path").await;
    let admin_id = app.me(&admin).await.id;
    let res = app.delete(&format!("{users}/{admin_id}"), &admin).await;
    assert_error(res, 409, "your own account").await;
}

async fn bad_bodies_get_clear_400s_and_oversized_bodies_413(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let login = app.url("/api/v1/auth/login");
    let send = |body: String| app.client.post(&login).header("Content-Type", "application/json").body(body).send();
    assert_error(send("{\"email\": ".into()).await.unwrap(), 400, "malformed JSON").await;
    assert_error(send("{\"email\": \"a@b.co\"}".into()).await.unwrap(), 400, "missing field `password`").await;
    assert_error(
        send("{\"email\": \"a@b.co\", \"password\": \"x\", \"remember\": true}".into()).await.unwrap(),
        400,
        "unknown field `remember`",
    )
    .await;
    let res = app.client.post(&login).body("{}").send().await.unwrap();
    assert_error(res, 400, "Content-Type").await;
    let huge = format!("{{\"email\": \"{}\", \"password\": \"x\"}}", "a".repeat(1024 * 1024 + 10));
    assert_error(send(huge).await.unwrap(), 413, "larger than").await;
}

async fn health_reports_the_database(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["details"]["database"]["status"], "up");

    if backend == Backend::Postgres {
        app.db.drop_now().await;
        let res = app.client.get(app.url("/health")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "error");
        assert_eq!(body["details"]["database"]["status"], "down");
    }
}

async fn the_generated_jwt_secret_survives_a_restart(backend: Backend) {
    let app = TestApp::spawn_on(TestDb::new(backend).await, None).await;
    app.seed_demo().await;
    let token = app.token("manager").await;
    let db = app.stop().await;

    let again = TestApp::spawn_on(db, None).await;
    assert_eq!(again.get("/api/v1/auth/me", &token).await.status(), StatusCode::OK);
    let db = again.stop().await;

    // A server configured with a different secret refuses it.
    let other = TestApp::spawn_on(db, Some("another-secret-of-at-least-32-bytes")).await;
    assert_error(other.get("/api/v1/auth/me", &token).await, 401, "signature").await;
}

async fn demo_data_is_loaded_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.seed_demo().await;
    app.seed_demo().await;
    let admin = app.token("admin").await;
    let listed: Vec<User> = app.get_as(&format!("/api/v1/venues/{DEMO_VENUE}/users"), &admin).await;
    let mut emails: Vec<&str> = listed.iter().map(|u| u.email.as_str()).collect();
    emails.sort();
    assert_eq!(
        emails,
        [
            "admin@beerflow.demo",
            "chef@beerflow.demo",
            "manager@beerflow.demo",
            "waiter1@beerflow.demo",
            "waiter2@beerflow.demo"
        ]
    );

    // The menu and stock, read straight from the database until the inventory API lands.
    let count = |sqlite: &'static str, pg: &'static str| count_rows(&app.db.url, backend, sqlite, pg);
    assert_eq!(count("SELECT COUNT(*) FROM product_categories", "SELECT COUNT(*) FROM product_categories").await, 3);
    assert_eq!(count("SELECT COUNT(*) FROM suppliers", "SELECT COUNT(*) FROM suppliers").await, 2);
    assert_eq!(count("SELECT COUNT(*) FROM products", "SELECT COUNT(*) FROM products").await, 7);
    assert_eq!(count("SELECT COUNT(*) FROM lots", "SELECT COUNT(*) FROM lots").await, 9);
    assert_eq!(
        count("SELECT COUNT(*) FROM stock_movements", "SELECT COUNT(*) FROM stock_movements").await,
        9,
        "one IN per lot, once"
    );
    // Every lot's quantity equals the sum of its movements.
    let consistent = count(
        "SELECT COUNT(*) FROM lots l WHERE l.qty_current_milli = \
         (SELECT SUM(m.quantity_milli) FROM stock_movements m WHERE m.lot_id = l.id AND m.movement_type = 'IN')",
        "SELECT COUNT(*) FROM lots l WHERE l.qty_current = \
         (SELECT SUM(m.quantity) FROM stock_movements m WHERE m.lot_id = l.id AND m.movement_type = 'IN')",
    )
    .await;
    assert_eq!(consistent, 9);
    // Judged in the venue's time zone: one lot has expired, some expire within three days.
    let summary = app.stock_summary(&admin, "").await;
    let expired: Vec<&str> = summary.expired_lots.iter().map(|l| l.lot_code.as_str()).collect();
    assert_eq!(expired, ["CAES-0001"]);
    assert!(summary.expiring_lots.len() >= 2, "{summary:?}");
}

/// `beerflow venue add`: the name is trimmed and required, the time zone must be an IANA one
/// (the venue's "today" and "expired" are judged in it).
async fn venues_are_created_with_a_name_and_an_iana_time_zone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let refused = |name: &'static str, timezone: &'static str, needle: &'static str| {
        let services = app.services.clone();
        async move {
            match services.add_venue(name, timezone).await {
                Err(AppError::BadRequest(message)) => assert!(message.starts_with(needle), "{message}"),
                other => panic!("{name:?} in {timezone:?}: expected a bad request naming {needle}, got {other:?}"),
            }
        }
    };
    refused("  ", "Europe/Rome", "name").await;
    refused("", "Mars/Olympus", "name").await;
    refused("The Anchor", "Mars/Olympus", "timezone: `Mars/Olympus`").await;
    refused("The Anchor", "", "timezone").await;
    refused("The Anchor", "europe/rome ", "timezone").await;

    let venue = app.services.add_venue("  The Anchor ", "Europe/London").await.expect("venue");
    assert_eq!((venue.name.as_str(), venue.timezone.as_str()), ("The Anchor", "Europe/London"));
    assert_eq!((venue.kds_warn_minutes, venue.kds_late_minutes), (10, 20), "the default thresholds");
    let stored = app.services.store.get_venue(venue.id).await.unwrap().expect("stored");
    assert_eq!((stored.name, stored.timezone), (venue.name, venue.timezone));
}

/// A `COUNT(*)` in the backend's own SQL, straight from the database.
async fn count_rows(url: &str, backend: Backend, sqlite: &str, pg: &str) -> i64 {
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query_scalar(sqlite).fetch_one(&pool).await.unwrap()
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query_scalar(pg).fetch_one(&pool).await.unwrap()
        }
    }
}

async fn pages_need_a_session_and_the_login_page_renders(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for page in ["/", "/waiter", "/kitchen", "/manager"] {
        let res = app.client.get(app.url(page)).header("Accept", HTML).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND, "{page}");
        assert_eq!(res.headers()["location"], "/login", "{page}");
    }
    let res = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("<form") && html.contains("name=\"email\"") && html.contains("name=\"password\""), "{html}");
    // Under the bundle's version when the site is built (`/pkg/<version>/beerflow.js`).
    let script = links_the_script(&html);
    assert!(script, "hydration script is linked: {html}");
    assert_eq!(app.client.get(app.url("/no-such-page")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

/// Whether the page links the hydration script, `/pkg/beerflow.js` or `/pkg/<version>/beerflow.js`.
fn links_the_script(html: &str) -> bool {
    html.match_indices("/pkg/").any(|(i, _)| {
        let rest = &html[i + 5..];
        rest.starts_with("beerflow.js")
            || rest.split_once('/').is_some_and(|(v, f)| v.len() == 16 && f.starts_with("beerflow.js"))
    })
}

/// The login form posts to a server function; the session cookie it sets is HttpOnly and is
/// accepted by the API and the role's pages; logging out ends it.
async fn browser_session_login_reaches_the_api_and_logout_ends_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let html = app.client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let action = form_action(&html, 0);
    // Like a browser: keeps cookies, and navigations accept HTML.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("Accept", HTML.parse().unwrap());
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let res = browser
        .post(app.url(&action))
        .form(&[("email", "chef@beerflow.demo"), ("password", "wrong-password")])
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("set-cookie").is_none_or(|c| !c.to_str().unwrap().contains("beerflow_session")));
    assert_eq!(browser.get(app.url("/api/v1/auth/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);

    // Charlie reads the screens in English (the demo venue speaks Italian).
    app.speaks("chef", Some("en")).await;
    let res = browser
        .post(app.url(&action))
        .form(&[("email", "chef@beerflow.demo"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/kitchen");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("beerflow_session=") && cookie.contains("HttpOnly"), "{cookie}");

    let me: User = expect_as(browser.get(app.url("/api/v1/auth/me")).send().await.unwrap(), 200).await;
    assert_eq!(me.role, Role::Kitchen);
    let kitchen = browser.get(app.url("/kitchen")).send().await.unwrap();
    assert_eq!(kitchen.status(), StatusCode::OK);
    let page = kitchen.text().await.unwrap();
    assert!(page.contains("Kitchen display") && page.contains("Charlie Chef"));
    // The kitchen may not use the manager's screen, and its navigation does not offer it.
    assert!(!page.contains("href=\"/manager\""));
    let manager = browser.get(app.url("/manager")).send().await.unwrap().text().await.unwrap();
    assert!(manager.contains("Not for your role"));

    let logout = form_action(&page, 0);
    let res = browser.post(app.url(&logout)).send().await.unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(browser.get(app.url("/api/v1/auth/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(browser.get(app.url("/kitchen")).send().await.unwrap().status(), StatusCode::FOUND);
}

/// The `beerflow_session=…` cookie a login through the form sets.
async fn session_cookie(app: &TestApp, who: &str) -> String {
    let res = submit_login_form(app, &app.client, who).await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().filter(|c| c.starts_with("beerflow_session=")).expect("the session cookie").to_owned()
}

/// Sessions live in the database: a restarted server (or another instance) knows them, and
/// logging out deletes the session itself, so a copy of the cookie is worthless afterwards.
async fn a_browser_session_survives_a_restart_and_logging_out_deletes_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cookie = session_cookie(&app, "chef").await;
    let me = |app: &TestApp| app.client.get(app.url("/api/v1/auth/me")).header("Cookie", &cookie).send();
    let chef: User = expect_as(me(&app).await.unwrap(), 200).await;
    assert_eq!(chef.role, Role::Kitchen);
    let db = app.stop().await;

    let app = TestApp::spawn_on(db, None).await;
    let again: User = expect_as(me(&app).await.unwrap(), 200).await;
    assert_eq!(again.id, chef.id);
    let res = app.client.get(app.url("/kitchen")).header("Cookie", &cookie).header("Accept", HTML).send().await;
    let page = res.unwrap().text().await.unwrap();
    assert!(page.contains("Kitchen display") && page.contains("Charlie Chef"), "{page}");

    let res = app
        .client
        .post(app.url(&form_action(&page, 0)))
        .header("Cookie", &cookie)
        .header("Accept", HTML)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/login");
    assert_error(me(&app).await.unwrap(), 401, "authentication required").await;
    let res = app.client.get(app.url("/kitchen")).header("Cookie", &cookie).header("Accept", HTML).send().await;
    assert_eq!(res.unwrap().headers()["location"], "/login");
    let count = "SELECT COUNT(*) FROM sessions";
    assert_eq!(count_rows(&app.db.url, backend, count, count).await, 0, "the session row is gone");
}

/// With the database gone, a browser session can be neither read nor deleted: the API answers
/// 500 rather than a 401 that would tell the client it was signed out, and logging out fails
/// rather than claiming a session ended that is still stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_session_the_database_cannot_reach_is_an_error_not_a_sign_out() {
    let mut app = TestApp::spawn(Backend::Postgres).await;
    let cookie = session_cookie(&app, "chef").await;
    let page = app.client.get(app.url("/kitchen")).header("Cookie", &cookie).header("Accept", HTML).send().await;
    let logout = form_action(&page.unwrap().text().await.unwrap(), 0);
    app.db.drop_now().await;

    let res = app.client.get(app.url("/api/v1/auth/me")).header("Cookie", &cookie).send().await.unwrap();
    let body = assert_error(res, 500, "internal server error").await;
    assert_eq!(body["error"], "internal_error");
    let res = app.client.post(app.url(&logout)).header("Cookie", &cookie).header("Accept", HTML).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(res.headers().get("location").is_none(), "not sent on to the login page as if signed out");
    // A page says the server is unavailable instead of asking a signed-in cook to sign in again.
    let res =
        app.client.get(app.url("/kitchen")).header("Cookie", &cookie).header("Accept", HTML).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().get("location").is_none(), "not redirected to the login page");
    let html = res.text().await.unwrap();
    assert!(html.contains("BeerFlow is not available right now"), "{html}");
    assert!(!html.contains("Sign in"), "{html}");
}

/// A server function's answer: its status and body.
async fn call_server_fn<F: ServerFn>(app: &TestApp, browser: &reqwest::Client, form: &[(&str, &str)]) -> (u16, String) {
    let res = browser.post(app.url(F::PATH)).form(form).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// A server function's error body, typed as the UI reads it.
fn ui_error(body: &str) -> app::error::UiError {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not a UiError: {e}: {body}"))
}

/// A refused server function says why with the REST API's status, not a blanket 500, and its body is
/// the use case's own error, typed.
async fn server_functions_answer_with_the_rest_apis_status_codes(backend: Backend) {
    use app::api::{SaveKitchenSettings, SetOrderStatus};
    use app::error::UiError;
    let app = TestApp::spawn(backend).await;
    let good = [("warn_minutes", "7"), ("late_minutes", "14")];

    let anonymous = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let (status, body) = call_server_fn::<SaveKitchenSettings>(&app, &anonymous, &good).await;
    assert_eq!(status, 401, "{body}");
    assert!(matches!(ui_error(&body), UiError::App(AppError::Unauthorized(_))), "{body}");

    let waiter = signed_in_browser(&app, "waiter1").await;
    let (status, body) = call_server_fn::<SaveKitchenSettings>(&app, &waiter, &good).await;
    assert_eq!(status, 403, "{body}");
    assert!(matches!(ui_error(&body), UiError::App(AppError::Forbidden(_))), "{body}");

    let manager = signed_in_browser(&app, "manager").await;
    let bad = [("warn_minutes", "0"), ("late_minutes", "14")];
    let (status, body) = call_server_fn::<SaveKitchenSettings>(&app, &manager, &bad).await;
    assert_eq!(status, 400, "{body}");
    match ui_error(&body) {
        UiError::App(AppError::BadRequest(message)) => assert!(message.contains("kds_warn_minutes"), "{message}"),
        other => panic!("expected a bad request, got {other:?}"),
    }
    let (status, body) = call_server_fn::<SaveKitchenSettings>(&app, &manager, &good).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<(i32, i32)>(&body).unwrap(), (7, 14));
    let token = app.token("manager").await;
    let venue: Venue = app.get_as(&format!("/api/v1/venues/{DEMO_VENUE}"), &token).await;
    assert_eq!((venue.kds_warn_minutes, venue.kds_late_minutes), (7, 14));

    // An order the stock cannot cover: serving it from the waiter's screen is a 400 naming the dish.
    let admin = app.token("admin").await;
    let body = json!({"name": "Truffle risotto", "unit": "pz", "price": 24, "sku": "SF-TRUFFLE"});
    let dish: Product = app.post_as(&venue_path("/products"), &admin, &body, 201).await;
    let lot = json!({"product_id": dish.id, "lot_code": "TR-1", "qty_init": 1, "unit": "pz"});
    let _: Lot = app.post_as(&venue_path("/lots"), &admin, &lot, 201).await;
    let order = app.create_order(&admin, &json!({"items": [{"product_id": dish.id, "quantity": 2}]})).await;
    for status in [OrderStatus::Confirmed, OrderStatus::Ready] {
        app.move_order(&admin, order.id, status).await;
    }
    let order_id = order.id.to_string();
    let serve = [("order_id", order_id.as_str()), ("status", "served")];
    let (status, body) = call_server_fn::<SetOrderStatus>(&app, &waiter, &serve).await;
    assert_eq!(status, 400, "{body}");
    match ui_error(&body) {
        UiError::App(AppError::InsufficientStock(list)) => {
            assert_eq!(list.len(), 1, "{list:?}");
            assert_eq!((list[0].product_id, list[0].product_name.as_str()), (dish.id, "Truffle risotto"));
        }
        other => panic!("expected a stock shortfall, got {other:?}"),
    }
    assert_eq!(app.order(&admin, order.id).await.status, OrderStatus::Ready, "nothing was served");
}
