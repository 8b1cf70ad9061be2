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
    let services = open(&args.db).await?;
    if args.demo {
        services.seed_demo().await.map_err(|e| format!("loading demo data failed: {e}"))?;
        tracing::info!("demo data ready: sign in as admin@beerflow.demo / {}", beerflow_core::demo::DEMO_PASSWORD);
    }
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let state = AppState { services, leptos_options: leptos_options(addr), public_origin };
    tracing::info!("BeerFlow ({}) listening on http://{addr}", state.services.store.backend());
    run(listener, state, shutdown_signal()).await.map_err(|e| format!("server error: {e}"))
}
