//! Backups, restores and the migrations' status of a whole database, for the operator's commands
//! (`beerflow backup`, `beerflow restore`, `beerflow migrate --status`) and the upgrade path.
//!
//! - SQLite: a backup is `VACUUM INTO` a new file: an online, consistent copy (one read
//!   transaction) taken while the server runs. It is itself a SQLite database; restoring copies it
//!   into place (checked first with `PRAGMA integrity_check`).
//! - PostgreSQL: `pg_dump --format=custom` of the database (consistent: one snapshot), restored
//!   with `pg_restore --single-transaction` (all or nothing). Both need PostgreSQL's client
//!   programs on `PATH` (Debian's `postgresql-client`) of at least the server's major version.
//!
//! A restore goes only into an empty database unless told to replace what is there.

use super::{PG_MIGRATOR, SQLITE_MIGRATOR};
use sqlx::migrate::Migrator;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

/// What a backup file holds, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackupKind {
    Sqlite,
    /// `pg_dump`'s custom format.
    Postgres,
}

impl BackupKind {
    pub fn of_file(path: &Path) -> Result<BackupKind, String> {
        use std::io::Read;
        let mut head = [0u8; 16];
        let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let n = file.read(&mut head).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 16 && &head == b"SQLite format 3\0" {
            Ok(BackupKind::Sqlite)
        } else if n >= 5 && &head[..5] == b"PGDMP" {
            Ok(BackupKind::Postgres)
        } else {
            Err(format!(
                "{} is not a BeerFlow backup (neither a SQLite database nor a pg_dump archive)",
                path.display()
            ))
        }
    }
}

/// The SQLite file of a `sqlite://` URL.
pub fn sqlite_path(url: &str) -> Result<PathBuf, String> {
    let options =
        sqlx::sqlite::SqliteConnectOptions::from_str(url).map_err(|e| format!("database url `{url}`: {e}"))?;
    Ok(options.get_filename().to_path_buf())
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn check_url(url: &str) -> Result<(), String> {
    if url.starts_with("sqlite:") || is_postgres(url) {
        Ok(())
    } else {
        Err(format!("database url `{url}`: expected sqlite://PATH or postgres://..."))
    }
}

async fn open_sqlite(url: &str) -> Result<sqlx::SqlitePool, String> {
    let path = sqlite_path(url)?;
    if !path.exists() {
        return Err(format!("there is no SQLite database at {}", path.display()));
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map_err(|e| format!("database url `{url}`: {e}"))?
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_secs(10));
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// Writes a consistent copy of the whole database at `url` to the new file `to` while the
/// server may be running; refuses to overwrite a file.
pub async fn backup(url: &str, to: &Path) -> Result<BackupKind, String> {
    check_url(url)?;
    if to.exists() {
        return Err(format!("{} exists already: a backup never overwrites a file", to.display()));
    }
    if is_postgres(url) {
        let (url, password) = without_password(url);
        let mut cmd = Command::new("pg_dump");
        cmd.args(["--format=custom", "--no-owner", "--no-privileges", "--file"]).arg(to).arg(&url);
        run(with_password(&mut cmd, password)).map_err(|e| format!("pg_dump: {e}"))?;
        return Ok(BackupKind::Postgres);
    }
    sqlite_backup(&open_sqlite(url).await?, to).await?;
    Ok(BackupKind::Sqlite)
}

/// `VACUUM INTO` a new file: one read transaction, so a consistent copy of a live database.
pub(crate) async fn sqlite_backup(pool: &sqlx::SqlitePool, to: &Path) -> Result<(), String> {
    let target = to.to_str().ok_or_else(|| format!("{}: not a UTF-8 path", to.display()))?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(pool)
        .await
        .map_err(|e| format!("backing up to {}: {e}", to.display()))?;
    Ok(())
}

/// Restores the backup `from` into the database at `url`: only an empty database (no tables),
/// unless `replace` (then what is there goes first). The server must not be running on it.
pub async fn restore(url: &str, from: &Path, replace: bool) -> Result<BackupKind, String> {
    check_url(url)?;
    let kind = BackupKind::of_file(from)?;
    match (kind, is_postgres(url)) {
        (BackupKind::Postgres, true) => {
            let pool = sqlx::PgPool::connect(url).await.map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
            let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                .fetch_one(&pool)
                .await
                .map_err(|e| e.to_string())?;
            pool.close().await;
            if tables > 0 && !replace {
                return Err(not_empty(url, tables));
            }
            // The archive as SQL first (a damaged or partial file fails here, having changed
            // nothing), then emptying the schema and the whole restore in one transaction of
            // psql: all or nothing, `--replace` included.
            let script = tempfile_beside(from, "restore.sql");
            let listed = run(Command::new("pg_restore")
                .args(["--no-owner", "--no-privileges", "--exit-on-error", "--file"])
                .arg(&script)
                .arg(from));
            if let Err(e) = listed {
                let _ = std::fs::remove_file(&script);
                return Err(format!("pg_restore: {e}"));
            }
            let (url, password) = without_password(url);
            let mut psql = Command::new("psql");
            psql.args(["--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction"]);
            if tables > 0 {
                psql.args(["--command", "DROP SCHEMA public CASCADE", "--command", "CREATE SCHEMA public"]);
            }
            psql.arg("--file").arg(&script).arg("--dbname").arg(&url);
            let restored = run(with_password(&mut psql, password));
            let _ = std::fs::remove_file(&script);
            restored.map_err(|e| format!("restoring (nothing was changed): {e}"))?;
        }
        (BackupKind::Sqlite, false) => {
            let path = sqlite_path(url)?;
            if path.exists() {
                let tables = sqlite_tables(url).await?;
                if tables > 0 && !replace {
                    return Err(not_empty(url, tables));
                }
            }
            // Checked, then moved into place in one rename: never a half-copied database.
            let staged = path.with_extension("restoring");
            std::fs::copy(from, &staged).map_err(|e| format!("copying {}: {e}", from.display()))?;
            let staged_url = format!("sqlite://{}", staged.display());
            let check: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&open_sqlite(&staged_url).await?)
                .await
                .map_err(|e| e.to_string())?;
            if check != "ok" {
                let _ = std::fs::remove_file(&staged);
                return Err(format!("{} is damaged: {check}", from.display()));
            }
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            std::fs::rename(&staged, &path).map_err(|e| format!("moving the restored database into place: {e}"))?;
        }
        (BackupKind::Sqlite, true) => {
            return Err(format!("{} is a SQLite backup: restore it into a sqlite:// database", from.display()));
        }
        (BackupKind::Postgres, false) => {
            return Err(format!("{} is a PostgreSQL backup: restore it into a postgres:// database", from.display()));
        }
    }
    Ok(kind)
}

/// A new file's path in the system's temporary directory, named after `for_file`.
fn tempfile_beside(for_file: &Path, suffix: &str) -> PathBuf {
    let name = for_file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    std::env::temp_dir().join(format!("beerflow-{}-{name}.{suffix}", std::process::id()))
}

/// The URL without its password, and the password: PostgreSQL's programs get it in
/// `PGPASSWORD`, not on their command line (which every user of the machine can read).
fn without_password(url: &str) -> (String, Option<String>) {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, password)) => (format!("{}{user}{}", &url[..s + 3], &url[at..]), Some(password.to_owned())),
            None => (url.to_owned(), None),
        },
        _ => (url.to_owned(), None),
    }
}

fn with_password(cmd: &mut Command, password: Option<String>) -> &mut Command {
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd
}

fn not_empty(url: &str, tables: i64) -> String {
    format!(
        "the database at {} is not empty ({tables} tables): restore refuses to overwrite it; restore into a new \
         database, or pass --replace to drop what is there first",
        redact(url)
    )
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn sqlite_tables(url: &str) -> Result<i64, String> {
    sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .fetch_one(&open_sqlite(url).await?)
        .await
        .map_err(|e| e.to_string())
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.output().map_err(|e| {
        format!("cannot run {program} ({e}); install PostgreSQL's client programs (Debian: postgresql-client)")
    })?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).trim().to_owned()) }
}

/// One migration of this build, or one the database has and this build does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationState {
    pub version: i64,
    pub description: String,
    /// When it was applied (as the database recorded it); `None`: pending.
    pub applied_on: Option<String>,
    /// `false`: applied by a newer build (this one is older than the database).
    pub known: bool,
}

/// This build's migrations and the database's record of them, without changing anything.
pub async fn migration_status(url: &str) -> Result<Vec<MigrationState>, String> {
    check_url(url)?;
    let (migrator, applied): (&Migrator, Vec<(i64, String, String)>) = if is_postgres(url) {
        let pool = sqlx::PgPool::connect(url).await.map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
        let exists: bool = sqlx::query_scalar("SELECT to_regclass('public._sqlx_migrations') IS NOT NULL")
            .fetch_one(&pool)
            .await
            .map_err(|e| e.to_string())?;
        let rows = if exists {
            sqlx::query_as(
                "SELECT version, description, installed_on::text FROM _sqlx_migrations WHERE success ORDER BY version",
            )
            .fetch_all(&pool)
            .await
            .map_err(|e| e.to_string())?
        } else {
            Vec::new()
        };
        (&PG_MIGRATOR, rows)
    } else {
        let pool = open_sqlite(url).await?;
        (&SQLITE_MIGRATOR, sqlite_applied(&pool).await?)
    };
    Ok(states(migrator, &applied))
}

/// The successful rows of a SQLite database's `_sqlx_migrations` (none before the first start).
pub(crate) async fn sqlite_applied(pool: &sqlx::SqlitePool) -> Result<Vec<(i64, String, String)>, String> {
    let exists: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_one(pool)
            .await
            .map_err(|e| e.to_string())?;
    if exists == 0 {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT version, description, CAST(installed_on AS TEXT) FROM _sqlx_migrations WHERE success ORDER BY version",
    )
    .fetch_all(pool)
    .await
    .map_err(|e| e.to_string())
}

fn states(migrator: &Migrator, applied: &[(i64, String, String)]) -> Vec<MigrationState> {
    let mut out: Vec<MigrationState> = migrator
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| MigrationState {
            version: m.version,
            description: m.description.to_string(),
            applied_on: applied.iter().find(|a| a.0 == m.version).map(|a| a.2.clone()),
            known: true,
        })
        .collect();
    for (version, description, on) in applied {
        if !out.iter().any(|m| m.version == *version) {
            out.push(MigrationState {
                version: *version,
                description: description.clone(),
                applied_on: Some(on.clone()),
                known: false,
            });
        }
    }
    out.sort_by_key(|m| m.version);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_go_to_the_environment_not_the_command_line() {
        assert_eq!(
            without_password("postgres://app:s3cret@db:5432/beerflow"),
            ("postgres://app@db:5432/beerflow".to_owned(), Some("s3cret".to_owned()))
        );
        assert_eq!(
            without_password("postgres://postgres@127.0.0.1/x"),
            ("postgres://postgres@127.0.0.1/x".to_owned(), None)
        );
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/beerflow"), "postgres://app:***@db:5432/beerflow");
        assert_eq!(redact("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
        assert_eq!(redact("sqlite://beerflow.db"), "sqlite://beerflow.db");
    }

    #[test]
    fn the_status_lists_pending_and_unknown_migrations() {
        let applied = vec![
            (1, "foundation".to_owned(), "2026-12-01".to_owned()),
            (99, "from the future".to_owned(), "x".to_owned()),
        ];
        let s = states(&SQLITE_MIGRATOR, &applied);
        assert_eq!(s[0].applied_on.as_deref(), Some("2026-12-01"));
        assert!(s.iter().filter(|m| m.known && m.version > 1).all(|m| m.applied_on.is_none()));
        let future = s.last().unwrap();
        assert_eq!((future.version, future.known), (99, false));
    }
}
