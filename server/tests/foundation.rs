//! The foundation against the real server, on SQLite and PostgreSQL: login, tokens, roles,
//! venues and users, error bodies, limits, health, sessions for the browser.

mod common;

use common::{Backend, DEMO_PASSWORD, DEMO_VENUE, TestApp, TestDb, assert_error, expect_ok};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    every_demo_user_logs_in_and_gets_a_bearer_token,
    unknown_email_and_wrong_password_get_the_same_401,
    protected_endpoints_need_a_valid_token,
    repeated_failed_logins_are_throttled,
    a_user_reads_only_their_own_venue,
    managers_set_the_kitchen_age_thresholds,
    admins_manage_users_and_other_roles_are_refused,
    new_users_are_validated_and_nothing_is_written_on_error,
    deactivated_users_can_no_longer_sign_in_or_use_their_token,
    bad_bodies_get_clear_400s_and_oversized_bodies_413,
    health_reports_the_database,
    the_generated_jwt_secret_survives_a_restart,
    demo_data_is_loaded_once,
    pages_need_a_session_and_the_login_page_renders,
    browser_session_login_reaches_the_api_and_logout_ends_it,
);

async fn every_demo_user_logs_in_and_gets_a_bearer_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (who, role) in
        [("admin", "admin"), ("manager", "manager"), ("waiter1", "waiter"), ("waiter2", "waiter"), ("chef", "kitchen")]
    {
        let res = app.login(&format!("{who}@beerflow.demo"), DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK, "{who}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        assert!(body["expires_in"].as_u64().unwrap() > 0);
        assert_eq!(body["user"]["role"], role);
        assert_eq!(body["user"]["venue_id"], DEMO_VENUE);
        assert_eq!(body["user"]["email"], format!("{who}@beerflow.demo"));
        assert!(body["user"].get("password_hash").is_none());

        let me: Value = app.get("/api/v1/auth/me", body["access_token"].as_str().unwrap()).await.json().await.unwrap();
        assert_eq!(me["id"], body["user"]["id"]);
        assert_eq!(me["role"], role);
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

async fn repeated_failed_logins_are_throttled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for _ in 0..5 {
        assert_eq!(app.login("waiter1@beerflow.demo", "wrong-password").await.status(), StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while the e-mail is throttled.
    assert_error(app.login("waiter1@beerflow.demo", DEMO_PASSWORD).await, 429, "too many failed logins").await;
    // Other staff on the same address (tablets behind one router) still get in...
    assert_eq!(app.login("chef@beerflow.demo", DEMO_PASSWORD).await.status(), StatusCode::OK);
    // ...until the address itself has failed too often (20 in the window, 5 already counted).
    for i in 0..15 {
        assert_eq!(app.login(&format!("guess{i}@beerflow.demo"), "x").await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_error(app.login("chef@beerflow.demo", DEMO_PASSWORD).await, 429, "too many failed logins").await;
}

async fn a_user_reads_only_their_own_venue(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("chef").await;
    let res = app.get(&format!("/api/v1/venues/{DEMO_VENUE}"), &token).await;
    assert_eq!(res.status(), StatusCode::OK);
    let venue: Value = res.json().await.unwrap();
    assert_eq!(venue["name"], "BeerFlow Demo Pub");
    assert_eq!(venue["id"], DEMO_VENUE);

    let other = uuid::Uuid::new_v4();
    assert_error(app.get(&format!("/api/v1/venues/{other}"), &token).await, 403, "not yours").await;
    assert_error(app.get("/api/v1/venues/not-a-uuid", &token).await, 400, "venue_id").await;
    assert_error(app.get("/api/v1/no-such-thing", &token).await, 404, "no such endpoint").await;
}

async fn managers_set_the_kitchen_age_thresholds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let manager = app.token("manager").await;
    let path = format!("/api/v1/venues/{DEMO_VENUE}");
    let venue = expect_ok(app.get(&path, &manager).await).await;
    assert_eq!((venue["kds_warn_minutes"].as_i64(), venue["kds_late_minutes"].as_i64()), (Some(10), Some(20)));

    let changed =
        expect_ok(app.patch(&path, &manager, &json!({"kds_warn_minutes": 8, "kds_late_minutes": 15})).await).await;
    assert_eq!((changed["kds_warn_minutes"].as_i64(), changed["kds_late_minutes"].as_i64()), (Some(8), Some(15)));
    // One field at a time keeps the other.
    let changed = expect_ok(app.patch(&path, &manager, &json!({"kds_late_minutes": 25})).await).await;
    assert_eq!((changed["kds_warn_minutes"].as_i64(), changed["kds_late_minutes"].as_i64()), (Some(8), Some(25)));

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
    let venue = expect_ok(app.get(&path, &manager).await).await;
    assert_eq!((venue["kds_warn_minutes"].as_i64(), venue["kds_late_minutes"].as_i64()), (Some(8), Some(25)));
}

async fn admins_manage_users_and_other_roles_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let users = format!("/api/v1/venues/{DEMO_VENUE}/users");
    let new_user =
        json!({"email": "bar@beerflow.demo", "name": "Bea Bartender", "role": "waiter", "password": "long-enough"});

    let admin = app.token("admin").await;
    let res = app.post(&users, &admin, &new_user).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["email"], "bar@beerflow.demo");
    assert_eq!(created["role"], "waiter");
    assert_eq!(created["active"], true);
    assert!(created.get("password").is_none() && created.get("password_hash").is_none());
    assert_eq!(app.login("bar@beerflow.demo", "long-enough").await.status(), StatusCode::OK);

    assert_error(app.post(&users, &admin, &new_user).await, 409, "already in use").await;

    let listed: Vec<Value> = app.get(&users, &admin).await.json().await.unwrap();
    assert_eq!(listed.len(), 6);
    let page: Vec<Value> = app.get(&format!("{users}?limit=2&offset=1"), &admin).await.json().await.unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0]["id"], listed[1]["id"]);
    assert_error(app.get(&format!("{users}?limit=0"), &admin).await, 400, "limit").await;
    assert_error(app.get(&format!("{users}?limit=1001"), &admin).await, 400, "limit").await;

    // Managers may list but not create or deactivate.
    let manager = app.token("manager").await;
    assert_eq!(app.get(&users, &manager).await.status(), StatusCode::OK);
    let other = json!({"email": "x@beerflow.demo", "name": "X", "role": "admin", "password": "long-enough"});
    assert_error(app.post(&users, &manager, &other).await, 403, "role manager").await;
    assert_error(app.delete(&format!("{users}/{}", created["id"].as_str().unwrap()), &manager).await, 403, "role")
        .await;

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
    let listed: Vec<Value> = app.get(&users, &admin).await.json().await.unwrap();
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
    let listed: Vec<Value> = app.get(&users, &admin).await.json().await.unwrap();
    assert_eq!(listed.len(), 5, "no user was written");
}

async fn deactivated_users_can_no_longer_sign_in_or_use_their_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let users = format!("/api/v1/venues/{DEMO_VENUE}/users");
    let admin = app.token("admin").await;
    let waiter = app.token("waiter2").await;
    let me: Value = app.get("/api/v1/auth/me", &waiter).await.json().await.unwrap();
    let id = me["id"].as_str().unwrap();

    assert_eq!(app.delete(&format!("{users}/{id}"), &admin).await.status(), StatusCode::NO_CONTENT);
    assert_error(app.get("/api/v1/auth/me", &waiter).await, 401, "deactivated").await;
    assert_error(app.login("waiter2@beerflow.demo", DEMO_PASSWORD).await, 401, "invalid email or password").await;
    let listed: Vec<Value> = app.get(&users, &admin).await.json().await.unwrap();
    assert!(listed.iter().any(|u| u["id"] == id && u["active"] == false), "history stays");

    assert_error(app.delete(&format!("{users}/{}", uuid::Uuid::new_v4()), &admin).await, 404, "not found").await;
    assert_error(app.delete(&format!("{users}/nope"), &admin).await, 400, "invalid path").await;
    let admin_id: Value = app.get("/api/v1/auth/me", &admin).await.json().await.unwrap();
    let res = app.delete(&format!("{users}/{}", admin_id["id"].as_str().unwrap()), &admin).await;
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
    let other = TestApp::spawn_on(db, Some("another-secret")).await;
    assert_error(other.get("/api/v1/auth/me", &token).await, 401, "signature").await;
}

async fn demo_data_is_loaded_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.seed_demo().await;
    app.seed_demo().await;
    let admin = app.token("admin").await;
    let listed: Vec<Value> = app.get(&format!("/api/v1/venues/{DEMO_VENUE}/users"), &admin).await.json().await.unwrap();
    let mut emails: Vec<&str> = listed.iter().map(|u| u["email"].as_str().unwrap()).collect();
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
    let summary: Value =
        app.get(&format!("/api/v1/venues/{DEMO_VENUE}/stock/summary"), &admin).await.json().await.unwrap();
    let expired: Vec<&str> =
        summary["expired_lots"].as_array().unwrap().iter().map(|l| l["lot_code"].as_str().unwrap()).collect();
    assert_eq!(expired, ["CAES-0001"]);
    assert!(summary["expiring_lots"].as_array().unwrap().len() >= 2, "{summary}");
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
    assert!(html.contains("/pkg/beerflow.js"), "hydration script is linked");
    assert_eq!(app.client.get(app.url("/no-such-page")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
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

    let me: Value = browser.get(app.url("/api/v1/auth/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "kitchen");
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

/// What a browser sends as `Accept` when it navigates or submits a plain form.
const HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// The `action` of the n-th form in a page.
fn form_action(html: &str, n: usize) -> String {
    html.match_indices("<form")
        .nth(n)
        .and_then(|(i, _)| html[i..].split("action=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no form #{n} in {html}"))
}
