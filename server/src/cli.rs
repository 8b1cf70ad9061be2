//! The command line: `beerflow serve`, `beerflow venue add`, `beerflow user add`.

use crate::{AppState, leptos_options, run, shutdown_signal};
use beerflow_core::domain::Role;
use beerflow_core::services::{Services, SharedServices};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::process::ExitCode;
use uuid::Uuid;

#[derive(Parser, Debug)]
#[command(name = "beerflow", version, about = "BeerFlow: restaurant and bar operations")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (web UI, REST API, WebSocket).
    Serve(ServeArgs),
    /// Manage venues.
    #[command(subcommand)]
    Venue(VenueCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the whole database to a new file, while the server runs
    /// (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump --format=custom`).
    Backup {
        /// The new file (never overwritten).
        #[arg(long)]
        to: std::path::PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Restore a backup into an empty database (stop the server first).
    Restore {
        /// A file written by `beerflow backup`.
        #[arg(long)]
        from: std::path::PathBuf,
        /// Drop what the database holds first, instead of refusing a database that is not empty.
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Apply this build's migrations (a SQLite database is backed up beside itself first), or
    /// with `--status` list the applied and pending ones without changing anything.
    Migrate {
        #[arg(long)]
        status: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// `sqlite://PATH` (created on first start) or `postgres://...`.
    #[arg(long, env = "BEERFLOW_DATABASE_URL", default_value = "sqlite://beerflow.db")]
    pub database_url: String,
    /// Secret for signing access tokens; generated once and kept in the database if unset.
    #[arg(long, env = "BEERFLOW_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BEERFLOW_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Create the demo venue, staff and data (once; safe to repeat).
    #[arg(long)]
    pub demo: bool,
    /// The URL the site is reached at (e.g. `https://pub.example`), when it is not the listening
    /// address: behind a proxy or on HTTPS. Cross-site writes are checked against its origin, and
    /// over `https://` the session cookie is `Secure`.
    #[arg(long, env = "BEERFLOW_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Serve `GET /metrics` (Prometheus) on this address only, instead of on `--addr` with
    /// everything else: an operator's network that the public load balancer does not reach.
    #[arg(long, env = "BEERFLOW_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Slow-operation thresholds in milliseconds, over the defaults (order_creation=300,
    /// order_status_update=100, order_add_items=200, table_creation=150,
    /// table_status_update=50, kds_query=150), e.g. `order_creation=250,kds_query=100`.
    #[arg(long, env = "BEERFLOW_SLOW_MS", default_value = "")]
    pub slow_ms: String,
    /// An operation slower than this many milliseconds also raises a high-priority
    /// `kitchen_alert` for its venue.
    #[arg(long, env = "BEERFLOW_SLOW_ALERT_MS", default_value_t = 1000)]
    pub slow_alert_ms: u64,
    /// How often, in seconds, to look for late tickets and lots expiring or expired (and raise
    /// their alerts, once each); 0 turns it off.
    #[arg(long, env = "BEERFLOW_ALERT_SCAN_SECS", default_value_t = 30)]
    pub alert_scan_secs: u64,
    /// Proxies (addresses or networks, comma-separated, e.g. `127.0.0.1,10.0.0.0/8`) whose
    /// `X-Forwarded-For` is believed: a request from one of them is taken to come from the
    /// address it names (the login throttle counts that one). Requests from anywhere else are
    /// taken from their own address, whatever they claim.
    #[arg(long, env = "BEERFLOW_TRUSTED_PROXIES", value_delimiter = ',', value_parser = crate::client::parse_net)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Subcommand, Debug)]
pub enum VenueCommand {
    /// Create a venue and print its id.
    Add {
        #[arg(long)]
        name: String,
        /// IANA time zone, e.g. Europe/Rome.
        #[arg(long, default_value = "UTC")]
        timezone: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a staff account. The password comes from BEERFLOW_USER_PASSWORD or a prompt.
    Add {
        /// The venue's id.
        #[arg(long)]
        venue: Uuid,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, manager, waiter or kitchen.
        #[arg(long)]
        role: Role,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Venue(VenueCommand::Add { name, timezone, db }) => {
            async {
                let services = open(&db).await?;
                let venue = services.add_venue(&name, &timezone).await.map_err(|e| e.to_string())?;
                println!("{}", venue.id);
                Ok(())
            }
            .await
        }
        Command::Backup { to, db } => {
            async {
                let kind = beerflow_core::store::backup::backup(&db.database_url, &to).await?;
                println!(
                    "backed up {} ({kind:?}) to {}",
                    beerflow_core::store::backup::redact(&db.database_url),
                    to.display()
                );
                Ok(())
            }
            .await
        }
        Command::Restore { from, replace, db } => {
            async {
                let kind = beerflow_core::store::backup::restore(&db.database_url, &from, replace).await?;
                println!(
                    "restored {} ({kind:?}) into {}",
                    from.display(),
                    beerflow_core::store::backup::redact(&db.database_url)
                );
                Ok(())
            }
            .await
        }
        Command::Migrate { status: true, db } => {
            async {
                let states = beerflow_core::store::backup::migration_status(&db.database_url).await?;
                println!("{:>7}  {:<28}  applied", "version", "migration");
                for m in &states {
                    let applied = match (&m.applied_on, m.known) {
                        (Some(on), true) => on.clone(),
                        (Some(on), false) => format!("{on} (by a newer build: this binary is older than the database)"),
                        (None, _) => "PENDING".to_owned(),
                    };
                    println!("{:>7}  {:<28}  {applied}", m.version, m.description);
                }
                let pending = states.iter().filter(|m| m.applied_on.is_none()).count();
                let newer = states.iter().filter(|m| !m.known).count();
                println!(
                    "{} applied, {pending} pending, {newer} unknown to this build",
                    states.len() - pending - newer
                );
                Ok(())
            }
            .await
        }
        Command::Migrate { status: false, db } => {
            async {
                let store = beerflow_core::store::connect(&db.database_url).await?;
                let pending = store.pending_migrations().await.map_err(|e| e.to_string())?;
                if !pending.is_empty() {
                    return Err(format!("migrations {pending:?} are still pending"));
                }
                println!("the database has every migration of this build");
                Ok(())
            }
            .await
        }
        Command::User(UserCommand::Add { venue, email, name, role, db }) => {
            async {
                let password = match std::env::var("BEERFLOW_USER_PASSWORD") {
                    Ok(p) => p,
                    Err(_) => rpassword::prompt_password(format!("Password for {email}: "))
                        .map_err(|e| format!("cannot read the password: {e}"))?,
                };
                let services = open(&db).await?;
                let user = services.add_user(venue, &email, &name, role, &password).await.map_err(|e| e.to_string())?;
                println!("{}", user.id);
                Ok(())
            }
            .await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("beerflow: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn open(db: &DbArgs) -> Result<SharedServices, String> {
    let store = beerflow_core::store::connect(&db.database_url).await?;
    Services::new(store, db.jwt_secret.clone()).await.map_err(|e| e.to_string())
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let public_origin = args.public_url.as_deref().map(crate::public_origin).transpose()?;
    let mut thresholds = beerflow_core::observe::Thresholds::default();
    thresholds.parse_overrides(&args.slow_ms)?;
    thresholds.alert_after = std::time::Duration::from_millis(args.slow_alert_ms);
    let services = open(&args.db).await?;
    services.observe.set_thresholds(thresholds);
    if args.demo {
        services.seed_demo().await.map_err(|e| format!("loading demo data failed: {e}"))?;
        tracing::info!("demo data ready: sign in as admin@beerflow.demo / {}", beerflow_core::demo::DEMO_PASSWORD);
    }
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let state = AppState {
        services,
        leptos_options: leptos_options(addr),
        public_origin,
        metrics_on_main: args.metrics_addr.is_none(),
        trusted_proxies: std::sync::Arc::new(args.trusted_proxies),
    };
    if let Some(metrics_addr) = args.metrics_addr {
        let listener = tokio::net::TcpListener::bind(metrics_addr)
            .await
            .map_err(|e| format!("cannot listen on {metrics_addr} for /metrics: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        let metrics = crate::metrics_router(state.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, metrics).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
        tracing::info!("metrics on http://{bound}/metrics");
    }
    if args.alert_scan_secs > 0 {
        state.services.watch_alerts(std::time::Duration::from_secs(args.alert_scan_secs));
    }
    tracing::info!("BeerFlow ({}) listening on http://{addr}", state.services.store.backend());
    run(listener, state, shutdown_signal()).await.map_err(|e| format!("server error: {e}"))
}
