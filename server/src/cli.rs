//! The `trellis` command line: `serve` (the default), `migrate`, `org create`.

use crate::{
    config::{Config, ConfigError},
    db::{self, DbSetupError},
    startup::Application,
    telemetry,
};
use app::{
    error::AppError,
    ssr::{links, services::organizations},
};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "trellis",
    version,
    about = "Trellis: the candidate experience layer for Greenhouse Recruiting.",
    after_help = "Configuration comes from the environment (and a .env file); see README.md."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the recruiter dashboard and the candidate portals (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Manage organizations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization; its slug is also its first portal subdomain.
    Create {
        /// 3–63 lowercase letters, digits and hyphens, e.g. `acme`.
        #[arg(long)]
        slug: String,
        /// The name candidates see, e.g. "Acme Robotics".
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Database(#[from] DbSetupError),
    #[error("{0}")]
    App(#[from] AppError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),
}

impl CliError {
    fn exit_code(&self) -> ExitCode {
        match self {
            // As with bad command-line usage.
            Self::Config(_) | Self::App(AppError::Invalid { .. }) => ExitCode::from(2),
            _ => ExitCode::FAILURE,
        }
    }
}

/// Parses arguments and the environment, runs the command, and turns every
/// failure into a one-line message on stderr and a non-zero exit code.
pub async fn run() -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let result = match Config::from_env() {
        Ok(config) => {
            telemetry::init(config.log_format);
            execute(cli.command.unwrap_or(Command::Serve), &config).await
        }
        Err(error) => Err(error.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("trellis: {error}");
            error.exit_code()
        }
    }
}

pub async fn execute(command: Command, config: &Config) -> Result<(), CliError> {
    let db = db::connect(&config.database).await?;
    db::migrate(&db).await?;
    match command {
        Command::Migrate => {
            println!(
                "The database at {} is up to date.",
                config.database.redacted()
            );
            Ok(())
        }
        Command::Org {
            command: OrgCommand::Create { slug, name },
        } => {
            let org = organizations::create(&db, &slug, &name).await?;
            println!("Created organization “{}” (slug {}).", org.name, org.slug);
            let path_url = links::portal_path_url(&config.public_url, &org.subdomain);
            match links::portal_subdomain_url(&config.public_url, &org.subdomain) {
                Some(url) => println!("Candidate portal: {url} (also {path_url})"),
                None => println!("Candidate portal: {path_url}"),
            }
            Ok(())
        }
        Command::Serve => serve(config, db).await,
    }
}

async fn serve(config: &Config, db: sea_orm::DatabaseConnection) -> Result<(), CliError> {
    if config.demo {
        seed_demo(&db).await?;
    }
    let bundle = config.site_root.join("pkg").join("trellis.wasm");
    if !bundle.exists() {
        tracing::warn!(
            site_root = %config.site_root.display(),
            "the browser bundle is missing (run `cargo leptos build`): pages render but will not become interactive"
        );
    }
    let app = Application::build(config, db)
        .await
        .map_err(|source| CliError::Bind {
            addr: config.bind_addr,
            source,
        })?;
    let dashboard = config
        .public_url
        .join("admin")
        .map(|u| u.to_string())
        .unwrap_or_default();
    tracing::info!(addr = %app.local_addr(), public_url = %config.public_url, "listening");
    println!(
        "Trellis is running: open {dashboard} (listening on {})",
        app.local_addr()
    );
    app.run_until_stopped().await.map_err(CliError::Serve)
}

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_NAME: &str = "Acme Robotics (demo)";

/// Demo mode: make sure the demo organization exists.
async fn seed_demo(db: &sea_orm::DatabaseConnection) -> Result<(), CliError> {
    match organizations::create(db, DEMO_SLUG, DEMO_NAME).await {
        Ok(_) => tracing::info!(slug = DEMO_SLUG, "created the demo organization"),
        Err(AppError::Conflict { .. }) => {}
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
