//! The `trellis` command line: `serve` (the default), `migrate`, `org create`,
//! `admin create`, `greenhouse connect`, `sync`, `simulator` (and `simulator move`).

use crate::{
    commands::{self, CommandError, greenhouse::ConnectArgs},
    demo,
    harvest::{Credentials, Secret},
    sync::scheduler::Scheduler,
};
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
#[allow(clippy::large_enum_variant)] // parsed once per process
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
    /// Manage dashboard accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Connect an organization to Greenhouse.
    Greenhouse {
        #[command(subcommand)]
        command: GreenhouseCommand,
    },
    /// Sync an organization's Greenhouse data now (incremental unless --full),
    /// or show its sync status.
    #[command(args_conflicts_with_subcommands = true)]
    Sync {
        #[command(subcommand)]
        command: Option<SyncCommand>,
        /// The organization's slug.
        #[arg(long)]
        org: Option<String>,
        /// Read everything and delete what Greenhouse no longer has.
        #[arg(long)]
        full: bool,
    },
    /// Run the built-in Greenhouse simulator (Harvest v3 and v1) on loopback,
    /// or (`simulator move`) change the data of a running one.
    #[command(args_conflicts_with_subcommands = true)]
    Simulator {
        #[command(subcommand)]
        command: Option<SimulatorCommand>,
        #[arg(long, default_value_t = 4010)]
        port: u16,
        /// small (≈60 candidates), medium (≈2,000) or large (≈50,000).
        #[arg(long, default_value = "medium")]
        size: crate::simulator::Size,
        /// The dataset is a pure function of size and seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Requests allowed per rate-limit window (unlimited when absent).
        #[arg(long)]
        rate_limit: Option<u32>,
        /// The rate-limit window in seconds.
        #[arg(long, default_value_t = 10)]
        rate_window: u64,
        /// Share of list requests that fail (5xx or a dropped connection), 0–1.
        #[arg(long, default_value_t = 0.0)]
        fault_rate: f64,
    },
}

#[derive(Debug, Subcommand)]
pub enum GreenhouseCommand {
    /// Test Greenhouse credentials, then store them (encrypted) for an organization.
    #[command(group(clap::ArgGroup::new("version").required(true).args(["v3", "v1"])))]
    Connect {
        #[arg(long)]
        org: String,
        /// Harvest v3: OAuth client credentials (the default for live accounts).
        #[arg(long, requires_all = ["client_id", "client_secret"], conflicts_with = "api_key")]
        v3: bool,
        /// Harvest v1: a legacy Basic-auth API key.
        #[arg(long, requires = "api_key")]
        v1: bool,
        #[arg(long)]
        client_id: Option<String>,
        #[arg(long)]
        client_secret: Option<String>,
        /// The numeric id of the Greenhouse user (a Site Admin) the token acts as.
        #[arg(long)]
        user_id: Option<i64>,
        #[arg(long)]
        api_key: Option<String>,
        /// The API host root; `/v3/…` or `/v1/…` is appended.
        #[arg(long, default_value = crate::harvest::DEFAULT_BASE_URL)]
        base_url: url::Url,
        /// The v3 OAuth token endpoint.
        #[arg(long, default_value = crate::harvest::DEFAULT_TOKEN_URL)]
        token_url: url::Url,
        /// The secret key Greenhouse signs webhooks with (generated when absent).
        #[arg(long)]
        webhook_secret: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a dashboard account (the first admin of an organization).
    Create {
        /// The organization's slug.
        #[arg(long)]
        org: String,
        /// The address sign-in links are sent to.
        #[arg(long)]
        email: String,
        /// admin, editor or viewer.
        #[arg(long, default_value = "admin", value_parser = parse_role)]
        role: app::domain::Role,
        /// The person's name, as the dashboard shows it.
        #[arg(long)]
        name: Option<String>,
    },
}

fn parse_role(text: &str) -> Result<app::domain::Role, String> {
    app::domain::Role::parse(text).ok_or_else(|| "use admin, editor or viewer".to_owned())
}

#[derive(Debug, Subcommand)]
pub enum SimulatorCommand {
    /// Move an application to a named stage of its job in the simulator an
    /// organization syncs from (the demo's by default); the next sync
    /// brings the move to Trellis.
    Move {
        /// The organization's slug.
        #[arg(long, default_value = demo::DEMO_SLUG)]
        org: String,
        /// The Greenhouse application id (the number at the end of the
        /// portal's `/applications/<id>` address).
        #[arg(long)]
        application: i64,
        /// A stage of the job's interview plan, in any case, e.g. "Phone Screen".
        #[arg(long)]
        stage: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Rows held per resource, the last run and the connection's state.
    Status {
        #[arg(long)]
        org: String,
        /// Print JSON (`resources` keyed by Harvest v3 resource names).
        #[arg(long)]
        json: bool,
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
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Demo(#[from] demo::DemoError),
}

impl CliError {
    fn exit_code(&self) -> ExitCode {
        match self {
            // As with bad command-line usage.
            Self::Config(_) | Self::App(AppError::Invalid { .. }) | Self::Usage(_) => {
                ExitCode::from(2)
            }
            Self::Command(error) if error.is_usage() => ExitCode::from(2),
            _ => ExitCode::FAILURE,
        }
    }
}

/// Parses arguments and the environment, runs the command, and turns every
/// failure into a one-line message on stderr and a non-zero exit code.
pub async fn run() -> ExitCode {
    crate::harvest::transport::install_crypto_provider();
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
    if let Command::Simulator {
        command: None,
        port,
        size,
        seed,
        rate_limit,
        rate_window,
        fault_rate,
    } = command
    {
        if !(0.0..=1.0).contains(&fault_rate) {
            return Err(CliError::Usage(
                "--fault-rate must be between 0 and 1".to_owned(),
            ));
        }
        return commands::simulator::run(commands::simulator::SimulatorArgs {
            port,
            size,
            seed,
            rate_limit,
            rate_window: std::time::Duration::from_secs(rate_window.max(1)),
            fault_rate,
        })
        .await
        .map_err(|source| CliError::Bind {
            addr: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
            source,
        });
    }
    let pool = match command {
        Command::Serve => db::SERVER_SQLITE_POOL,
        _ => db::COMMAND_SQLITE_POOL,
    };
    let db = db::connect_with_pool(&config.database, pool).await?;
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
        Command::Admin {
            command:
                AdminCommand::Create {
                    org,
                    email,
                    role,
                    name,
                },
        } => {
            let args = commands::admin::CreateArgs {
                org,
                email,
                role,
                name,
            };
            Ok(commands::admin::create(&db, &config.public_url, args).await?)
        }
        Command::Greenhouse {
            command:
                GreenhouseCommand::Connect {
                    org,
                    v3,
                    v1: _,
                    client_id,
                    client_secret,
                    user_id,
                    api_key,
                    base_url,
                    token_url,
                    webhook_secret,
                },
        } => {
            let credentials = match (v3, client_id, client_secret, api_key) {
                (true, Some(client_id), Some(client_secret), _) => Credentials::V3 {
                    client_id,
                    client_secret: Secret::new(client_secret),
                    user_id,
                    token_url,
                },
                (false, _, _, Some(api_key)) => Credentials::V1 {
                    api_key: Secret::new(api_key),
                },
                _ => {
                    return Err(CliError::Usage(
                        "give --v3 --client-id --client-secret [--user-id], or --v1 --api-key"
                            .to_owned(),
                    ));
                }
            };
            let master_key = master_key(config)?;
            let args = ConnectArgs {
                org,
                credentials,
                base_url,
                webhook_secret,
            };
            Ok(commands::greenhouse::connect(&db, &master_key, &config.public_url, args).await?)
        }
        Command::Sync {
            command: Some(SyncCommand::Status { org, json }),
            ..
        } => Ok(commands::sync::show_status(&db, &org, json).await?),
        Command::Sync {
            command: None,
            org,
            full,
        } => {
            let org = org.ok_or_else(|| {
                CliError::Usage("give --org <slug> (or `sync status --org <slug>`)".to_owned())
            })?;
            let master_key = master_key(config)?;
            // Portal invites made due by this sync go out from here, through
            // SMTP or the dev mailbox as `serve` would send them.
            let delivery = crate::mailer::Delivery::new(config.smtp_url.as_ref(), &db)
                .map_err(|error| CliError::Usage(error.to_string()))?;
            let (outbox, queue) = app::ssr::mail::Outbox::channel();
            let mail_worker = tokio::spawn(crate::mailer::run_worker(delivery, queue));
            let invites = crate::sync::PortalInvites {
                outbox,
                public_url: config.public_url.clone(),
            };
            let outcome =
                commands::sync::run_once(&db, &master_key, &org, full, Some(invites)).await;
            // The run dropped the outbox: the worker delivers what was
            // queued, then ends.
            if let Err(error) = mail_worker.await {
                tracing::error!(%error, "the mail worker stopped abnormally");
            }
            Ok(outcome?)
        }
        Command::Simulator {
            command:
                Some(SimulatorCommand::Move {
                    org,
                    application,
                    stage,
                }),
            ..
        } => Ok(commands::simulator::move_application(&db, &org, application, &stage).await?),
        Command::Simulator { command: None, .. } => Ok(()),
        Command::Serve => serve(config, db).await,
    }
}

/// The master key for commands that read or store Greenhouse secrets; a
/// missing or unusable key is a configuration error naming its variable.
fn master_key(config: &Config) -> Result<crate::secrets::MasterKey, CliError> {
    Ok(config.master_key.resolve()?)
}

async fn serve(config: &Config, db: sea_orm::DatabaseConnection) -> Result<(), CliError> {
    let bundle = config.site_root.join("pkg").join("trellis.wasm");
    if !bundle.exists() {
        tracing::warn!(
            site_root = %config.site_root.display(),
            "the browser bundle is missing (run `cargo leptos build`): pages render but will not become interactive"
        );
    }
    // A key problem is a configuration error, reported before anything starts.
    master_key(config)?;
    let app = Application::build(config, db.clone())
        .await
        .map_err(|source| CliError::Bind {
            addr: config.bind_addr,
            source,
        })?;
    // Kept alive for as long as the server runs.
    let demo_simulator = if config.demo {
        Some(demo::start(&db, &app.master_key()).await?)
    } else {
        None
    };
    let scheduler = Scheduler {
        db,
        master_key: app.master_key(),
        requests: app.sync_requests(),
        interval: config.sync_interval,
        full_interval: config.full_sync_interval,
        holder: crate::sync::lease::holder_name(),
        invites: Some(app.portal_invites()),
    };
    tokio::spawn(scheduler.run(std::future::pending()));
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
    if let Some(simulator) = &demo_simulator {
        println!("Demo: sign in as {}.", demo::DEMO_ADMIN_EMAIL);
        println!(
            "Demo Greenhouse simulator at {}: move a candidate with `trellis simulator move --application <id> --stage <name>`, then “Sync now”.",
            simulator.base_url
        );
    }
    if config.uses_dev_mailbox() {
        let mailbox = config
            .public_url
            .join("/dev/mailbox")
            .map(|u| u.to_string())
            .unwrap_or_default();
        println!("No TRELLIS_SMTP_URL: emails appear at {mailbox}");
    }
    app.run_until_stopped().await.map_err(CliError::Serve)
}
