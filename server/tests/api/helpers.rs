//! The harness: the real server on port 0 over a fresh database per test, and typed requests.

use beerflow::{AppState, leptos_options, run};
use beerflow_core::domain::User;
use beerflow_core::domain::event::EventRecord;
use beerflow_core::domain::inventory::{Lot, Movement};
use beerflow_core::domain::order::{Order, OrderStatus};
use beerflow_core::domain::stock::StockSummary;
use beerflow_core::domain::table::Table;
use beerflow_core::domain::{Money, Qty};
use beerflow_core::services::{LoginResponse, Services, SharedServices};
use reqwest::{Client, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tokio::sync::oneshot;
use uuid::Uuid;

/// The demo venue and its table T1, as `spec/API.md` numbers them.
pub const DEMO_VENUE: Uuid = Uuid::from_u128(1);
pub const DEMO_T1: Uuid = Uuid::from_u128(0x700);
pub const DEMO_PASSWORD: &str = "admin123!";
pub const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed async test fn once on SQLite and once on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("beerflow.db").display());
                TestDb { url, pg_name: None, _dir: Some(dir) }
            }
            Backend::Postgres => {
                let name = format!("beerflow_test_{}", Uuid::new_v4().simple());
                let mut admin = pg_admin().await;
                sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                TestDb { url: format!("postgres://postgres@127.0.0.1:5432/{name}"), pg_name: Some(name), _dir: None }
            }
        }
    }

    /// The same database for a second server instance; only the first owner drops it.
    pub fn share(&self) -> TestDb {
        TestDb { url: self.url.clone(), pg_name: None, _dir: None }
    }

    /// Drops the PostgreSQL database now, cutting every connection to it.
    pub async fn drop_now(&mut self) {
        if let Some(name) = self.pg_name.take() {
            drop_pg_database(&name).await;
        }
    }
}

async fn pg_admin() -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(PG_ADMIN_URL).await.expect("PostgreSQL must be running on 127.0.0.1:5432")
}

async fn drop_pg_database(name: &str) {
    let mut admin = pg_admin().await;
    let _ = sqlx::Executor::execute(&mut admin, format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
            let _ = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime")
                    .block_on(drop_pg_database(&name))
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub client: Client,
    pub db: TestDb,
    pub services: SharedServices,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    /// The server with the demo data loaded.
    pub async fn spawn(backend: Backend) -> TestApp {
        let app = TestApp::spawn_on(TestDb::new(backend).await, None).await;
        app.seed_demo().await;
        app
    }

    /// The server over an existing database; `jwt_secret: None` uses the stored one.
    pub async fn spawn_on(db: TestDb, jwt_secret: Option<&str>) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        TestApp::spawn_with_listener(db, jwt_secret, listener).await
    }

    /// The server with the demo data, its accepted sockets with small kernel send buffers (they
    /// inherit the listener's), so that a client that stops reading fills them quickly.
    pub async fn spawn_with_small_send_buffers(backend: Backend) -> TestApp {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_send_buffer_size(4096).expect("SO_SNDBUF");
        socket.bind("127.0.0.1:0".parse().unwrap()).expect("bind");
        let listener = socket.listen(1024).expect("listen");
        let app = TestApp::spawn_with_listener(TestDb::new(backend).await, None, listener).await;
        app.seed_demo().await;
        app
    }

    /// The server with the demo data, served as if at `public_url` (`--public-url`).
    pub async fn spawn_public(backend: Backend, public_url: &str) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let origin = beerflow::public_origin(public_url).expect("public URL");
        let app = TestApp::start(TestDb::new(backend).await, None, Some(origin), None, Vec::new(), listener).await;
        app.seed_demo().await;
        app
    }

    /// The server with the demo data, serving the site (the bundle under `pkg/`) from `site_root`.
    pub async fn spawn_with_site(backend: Backend, site_root: &std::path::Path) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let site = Some(site_root.to_string_lossy().into_owned());
        let app = TestApp::start(TestDb::new(backend).await, None, None, site, Vec::new(), listener).await;
        app.seed_demo().await;
        app
    }

    pub async fn spawn_with_listener(
        db: TestDb,
        jwt_secret: Option<&str>,
        listener: tokio::net::TcpListener,
    ) -> TestApp {
        TestApp::start(db, jwt_secret, None, None, Vec::new(), listener).await
    }

    /// The server with the demo data behind a reverse proxy on this machine: 127.0.0.1 is a
    /// trusted proxy (`--trusted-proxies 127.0.0.1`), so `X-Forwarded-For` names the client.
    pub async fn spawn_behind_proxy(backend: Backend) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let trusted = vec![beerflow::client::parse_net("127.0.0.1").expect("an address")];
        let app = TestApp::start(TestDb::new(backend).await, None, None, None, trusted, listener).await;
        app.seed_demo().await;
        app
    }

    async fn start(
        db: TestDb,
        jwt_secret: Option<&str>,
        public_origin: Option<String>,
        site_root: Option<String>,
        trusted_proxies: Vec<ipnet::IpNet>,
        listener: tokio::net::TcpListener,
    ) -> TestApp {
        let store = beerflow_core::store::connect(&db.url).await.expect("connect store");
        let services = Services::new(store, jwt_secret.map(str::to_owned)).await.expect("services");
        let addr = listener.local_addr().expect("addr");
        let mut options = leptos_options(addr);
        if let Some(site_root) = site_root {
            options.site_root = site_root.into();
        }
        let state = AppState {
            services: services.clone(),
            leptos_options: options,
            public_origin,
            metrics_on_main: true,
            trusted_proxies: std::sync::Arc::new(trusted_proxies),
        };
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(run(listener, state, async move {
            let _ = rx.await;
        }));
        let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        TestApp { addr, base: format!("http://{addr}"), client, db, services, shutdown: Some(tx), server: Some(server) }
    }

    pub async fn seed_demo(&self) {
        self.services.seed_demo().await.expect("seed demo");
    }

    /// Stops the server gracefully and hands back its database.
    pub async fn stop(mut self) -> TestDb {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server ran");
        }
        std::mem::replace(&mut self.db, TestDb { url: String::new(), pg_name: None, _dir: None })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login request")
    }

    /// A demo user's login (`admin`, `manager`, `waiter1`, `waiter2`, `chef`).
    pub async fn login_as(&self, who: &str) -> LoginResponse {
        expect_as(self.login(&format!("{who}@beerflow.demo"), DEMO_PASSWORD).await, 200).await
    }

    /// A bearer token for a demo user.
    pub async fn token(&self, who: &str) -> String {
        self.login_as(who).await.access_token
    }

    /// The demo user `who` chooses the language of their screens (`None`: the venue's).
    pub async fn speaks(&self, who: &str, language: Option<&str>) {
        let res = self.patch("/api/v1/auth/me", &self.token(who).await, &json!({ "language": language })).await;
        assert!(res.status().is_success(), "{who} speaks {language:?}: {}", res.text().await.unwrap_or_default());
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("GET")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("POST")
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client.patch(self.url(path)).bearer_auth(token).json(body).send().await.expect("PATCH")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.client.delete(self.url(path)).bearer_auth(token).send().await.expect("DELETE")
    }

    /// A `200` of `GET path`, as `T`.
    pub async fn get_as<T: DeserializeOwned>(&self, path: &str, token: &str) -> T {
        expect_as(self.get(path, token).await, 200).await
    }

    /// The answer of `POST path`, which must have `status`, as `T`.
    pub async fn post_as<T: DeserializeOwned>(&self, path: &str, token: &str, body: &Value, status: u16) -> T {
        expect_as(self.post(path, token, body).await, status).await
    }

    /// A `200` of `PATCH path`, as `T`.
    pub async fn patch_as<T: DeserializeOwned>(&self, path: &str, token: &str, body: &Value) -> T {
        expect_as(self.patch(path, token, body).await, 200).await
    }

    /// The user behind a token.
    pub async fn me(&self, token: &str) -> User {
        self.get_as("/api/v1/auth/me", token).await
    }

    /// A new order of the demo venue (`201`).
    pub async fn create_order(&self, token: &str, body: &Value) -> Order {
        self.post_as(&venue_path("/orders"), token, body, 201).await
    }

    pub async fn order(&self, token: &str, id: Uuid) -> Order {
        self.get_as(&venue_path(&format!("/orders/{id}")), token).await
    }

    /// `GET .../orders{query}`, e.g. `?status=ready`.
    pub async fn orders(&self, token: &str, query: &str) -> Vec<Order> {
        self.get_as(&venue_path(&format!("/orders{query}")), token).await
    }

    /// Asks for a status move by the contract's name of the status, whatever the answer.
    pub async fn patch_status(&self, token: &str, id: Uuid, status: &str) -> Response {
        self.patch(&venue_path(&format!("/orders/{id}/status")), token, &json!({"status": status})).await
    }

    /// A status move that must succeed.
    pub async fn move_order(&self, token: &str, id: Uuid, status: OrderStatus) -> Order {
        expect_as(self.patch_status(token, id, status.as_str()).await, 200).await
    }

    pub async fn table(&self, token: &str, id: Uuid) -> Table {
        self.get_as(&venue_path(&format!("/tables/{id}")), token).await
    }

    pub async fn lot(&self, token: &str, id: Uuid) -> Lot {
        self.get_as(&venue_path(&format!("/lots/{id}")), token).await
    }

    /// `GET .../lots{query}`.
    pub async fn lots(&self, token: &str, query: &str) -> Vec<Lot> {
        self.get_as(&venue_path(&format!("/lots{query}")), token).await
    }

    /// `GET .../stock/movements{query}`, newest first.
    pub async fn movements(&self, token: &str, query: &str) -> Vec<Movement> {
        self.get_as(&venue_path(&format!("/stock/movements{query}")), token).await
    }

    /// `GET .../stock/summary{query}`.
    pub async fn stock_summary(&self, token: &str, query: &str) -> StockSummary {
        self.get_as(&venue_path(&format!("/stock/summary{query}")), token).await
    }

    /// The demo venue's event log after `after`, read from the store.
    pub async fn events(&self, after: i64) -> Vec<EventRecord> {
        self.services.store.list_events(DEMO_VENUE, after, 10_000).await.expect("list events")
    }

    pub async fn latest_seq(&self) -> i64 {
        self.services.store.latest_seq(DEMO_VENUE).await.expect("latest seq")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Asserts the contract's error body and status, and that the message mentions `needle`.
pub async fn assert_error(res: Response, status: u16, needle: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let body: Value = res.json().await.expect("error body is JSON");
    assert_eq!(body["status_code"], json!(status), "{body}");
    assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.to_lowercase().contains(&needle.to_lowercase()), "message {message:?} lacks {needle:?}");
    body
}

/// A path under the demo venue.
pub fn venue_path(path: &str) -> String {
    format!("/api/v1/venues/{DEMO_VENUE}{path}")
}

/// The JSON body of a `201`, failing with the body when the status differs.
pub async fn expect_created(res: Response) -> Value {
    expect_status(res, 201).await
}

/// The JSON body of a `200`, failing with the body when the status differs.
pub async fn expect_ok(res: Response) -> Value {
    expect_status(res, 200).await
}

pub async fn expect_status(res: Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    body
}

/// The body of a response that must have `status`, as `T`; fails showing the body otherwise.
pub async fn expect_as<T: DeserializeOwned>(res: Response, status: u16) -> T {
    let got = res.status().as_u16();
    let path = res.url().path().to_owned();
    let text = res.text().await.expect("response body");
    assert_eq!(got, status, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not a {}: {e}: {text}", std::any::type_name::<T>()))
}

/// A JSON body already read (for its wire format), as `T`.
pub fn typed<T: DeserializeOwned>(body: &Value) -> T {
    T::deserialize(body).unwrap_or_else(|e| panic!("not a {}: {e}: {body}", std::any::type_name::<T>()))
}

/// An exact quantity written as a decimal, e.g. `qty(12.5)`.
pub fn qty(v: f64) -> Qty {
    Qty::parse(&v.to_string()).expect("a quantity of at most 3 decimals")
}

/// An exact amount written as a decimal, e.g. `money(19.63)`.
pub fn money(v: f64) -> Money {
    Money::parse(&v.to_string()).expect("an amount of at most 2 decimals")
}

/// A browser signed in as a demo user through the login form (its session cookie kept), whose
/// requests are those of the page's own code: no `Accept: text/html`, so server functions answer
/// with their result instead of redirecting back to the form.
pub async fn signed_in_browser(app: &TestApp, who: &str) -> reqwest::Client {
    let browser =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    submit_login_form(app, &browser, who).await;
    browser
}

/// Signs `client` in as a demo user through the login page's form, as a browser does; the
/// answer is the redirect to the user's home, carrying the session cookie. The user has chosen
/// English (the demo venue speaks Italian), so the pages' words can be read in the tests; see
/// `submit_login_form_in` for the venue's own language.
pub async fn submit_login_form(app: &TestApp, client: &reqwest::Client, who: &str) -> reqwest::Response {
    app.speaks(who, Some("en")).await;
    submit_login_form_in(app, client, who).await
}

/// `submit_login_form` without choosing a language for the user.
pub async fn submit_login_form_in(app: &TestApp, client: &reqwest::Client, who: &str) -> reqwest::Response {
    let html = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let res = client
        .post(app.url(&form_action(&html, 0)))
        .header("Accept", HTML)
        .form(&[("email", format!("{who}@beerflow.demo").as_str()), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "login as {who}: {}", res.status());
    res
}

/// What a browser sends as `Accept` when it navigates or submits a plain form.
pub const HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// The `action` of the n-th form in a page.
pub fn form_action(html: &str, n: usize) -> String {
    html.match_indices("<form")
        .nth(n)
        .and_then(|(i, _)| html[i..].split("action=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no form #{n} in {html}"))
}

/// A WebSocket client of the feed, as the integration tests drive it.
pub mod ws {
    use super::{DEMO_VENUE, TestApp};
    use futures::{SinkExt, StreamExt};
    use serde_json::{Value, json};
    use std::time::Duration;
    use tokio_tungstenite::tungstenite::Message;

    pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

    pub async fn connect(app: &TestApp, token: &str) -> Ws {
        let url = format!("ws://{}/api/v1/ws?token={token}", app.addr);
        tokio_tungstenite::connect_async(url).await.expect("websocket connects").0
    }

    pub async fn send(ws: &mut Ws, event: &str, data: Value) {
        ws.send(Message::Text(json!({"event": event, "data": data}).to_string().into())).await.unwrap();
    }

    /// The next JSON frame (pings are skipped), or panic after 10 s. Frames are the wire
    /// contract itself, so the tests read them as JSON.
    pub async fn next(ws: &mut Ws) -> Value {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("a frame within 10 s");
            match msg.expect("open").expect("frame") {
                Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// Joins the demo venue (after `last_seq`, if given); the `joined_venue` answer.
    pub async fn join(ws: &mut Ws, last_seq: Option<i64>) -> Value {
        let data = match last_seq {
            Some(s) => json!({"venue_id": DEMO_VENUE, "last_seq": s}),
            None => json!({"venue_id": DEMO_VENUE}),
        };
        send(ws, "join_venue", data).await;
        let joined = next(ws).await;
        assert_eq!(joined["event"], "joined_venue", "{joined}");
        joined
    }
}
