//! The `beerflow` binary itself: accounts from the command line, serving, SIGTERM, a broken migration.

use crate::helpers::{Backend, TestDb, expect_as};
use beerflow_core::services::LoginResponse;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

on_both_backends!(accounts_created_on_the_command_line_can_sign_in_and_sigterm_stops_the_server);

fn beerflow(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beerflow"));
    cmd.env("BEERFLOW_DATABASE_URL", &db.url).env_remove("BEERFLOW_JWT_SECRET").env("RUST_LOG", "info");
    cmd
}

async fn accounts_created_on_the_command_line_can_sign_in_and_sigterm_stops_the_server(backend: Backend) {
    let db = TestDb::new(backend).await;
    let out =
        beerflow(&db).args(["venue", "add", "--name", "The Anchor", "--timezone", "Europe/London"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let venue = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    uuid::Uuid::parse_str(&venue).expect("venue add prints the new id");

    let out = beerflow(&db)
        .args([
            "user",
            "add",
            "--venue",
            &venue,
            "--email",
            "Owner@Anchor.pub",
            "--name",
            "Olive Owner",
            "--role",
            "admin",
        ])
        .env("BEERFLOW_USER_PASSWORD", "s3cret-enough")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = beerflow(&db)
        .args(["user", "add", "--venue", &venue, "--email", "x@anchor.pub", "--name", "X", "--role", "sommelier"])
        .env("BEERFLOW_USER_PASSWORD", "s3cret-enough")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role"));

    let mut server = beerflow(&db).args(["serve", "--addr", "127.0.0.1:0"]).stdout(Stdio::piped()).spawn().unwrap();
    let stdout = server.stdout.take().unwrap();
    // Read the log on its own thread, and keep draining it so the server never blocks on a pipe.
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.split("listening on http://").nth(1)
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(addr.split_whitespace().next().unwrap_or_default().to_owned());
            }
        }
    });
    let addr = tokio::time::timeout(Duration::from_secs(60), rx).await.expect("server starts").expect("address");

    let client = reqwest::Client::new();
    let res = client
        .post(format!("http://{addr}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "owner@anchor.pub", "password": "s3cret-enough"}))
        .send()
        .await
        .unwrap();
    let login: LoginResponse = expect_as(res, 200).await;
    // Printed exactly as the API writes ids.
    assert_eq!(login.user.venue_id.to_string(), venue);
    // Nothing is invented without --demo.
    let demo = client
        .post(format!("http://{addr}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@beerflow.demo", "password": "admin123!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(demo.status(), reqwest::StatusCode::UNAUTHORIZED);

    let status = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = wait_with_timeout(&mut server, Duration::from_secs(20)).await;
    assert_eq!(exit.and_then(|s| s.code()), Some(0), "graceful exit on SIGTERM");
}

#[test]
fn a_failed_migration_stops_the_server_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.db");
    // A database whose record of migration 1 does not match the migration we ship.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::{Connection, Executor};
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        conn.execute(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
             installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, \
             checksum BLOB NOT NULL, execution_time BIGINT NOT NULL); \
             INSERT INTO _sqlx_migrations VALUES (1, 'foundation', CURRENT_TIMESTAMP, 1, x'00', 0);",
        )
        .await
        .unwrap();
    });
    let out = Command::new(env!("CARGO_BIN_EXE_beerflow"))
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", &format!("sqlite://{}", path.display())])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the server must refuse to start");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("migration") && stderr.contains("1"), "{stderr}");
}

async fn wait_with_timeout(child: &mut std::process::Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    None
}

/// `--metrics-addr` serves `/metrics` on an address of its own, and then not beside the site;
/// a threshold naming no operation stops the server with a message saying which.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_can_have_an_address_of_their_own_and_a_bad_threshold_is_refused() {
    let db = TestDb::new(Backend::Sqlite).await;
    let out = beerflow(&db).args(["serve", "--addr", "127.0.0.1:0", "--slow-ms", "order_cration=5"]).output().unwrap();
    assert!(!out.status.success(), "a bad threshold must stop the server");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown operation `order_cration`") && stderr.contains("order_creation"), "{stderr}");

    let mut server = beerflow(&db)
        .args(["serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--alert-scan-secs", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let (mut metrics, mut tx) = (None, Some(tx));
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let after =
                |marker: &str| line.split(marker).nth(1).and_then(|s| s.split_whitespace().next()).map(str::to_owned);
            if let Some(m) = after("metrics on http://") {
                metrics = Some(m.trim_end_matches("/metrics").to_owned());
            }
            if let Some(addr) = after("listening on http://")
                && let Some(tx) = tx.take()
            {
                let _ = tx.send((addr, metrics.clone()));
            }
        }
    });
    let (addr, metrics) = tokio::time::timeout(Duration::from_secs(60), rx).await.expect("server starts").unwrap();
    let metrics = metrics.expect("the metrics address is announced before the site's");
    let client = reqwest::Client::new();
    let res = client.get(format!("http://{metrics}/metrics")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.unwrap().contains("beerflow_build_info{version="));
    assert_eq!(client.get(format!("http://{addr}/metrics")).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(client.get(format!("http://{addr}/health/live")).send().await.unwrap().status().as_u16(), 200);
    let _ = Command::new("kill").args(["-TERM", &server.id().to_string()]).status();
    let exit = wait_with_timeout(&mut server, Duration::from_secs(20)).await;
    assert_eq!(exit.and_then(|s| s.code()), Some(0), "graceful exit on SIGTERM");
}
