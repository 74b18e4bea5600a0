//! Demo mode (`TRELLIS_DEMO=1`): a demo organization wired to the built-in
//! Greenhouse simulator, which runs inside the server on a loopback port.

use crate::{
    connections::{self, NewConnection},
    harvest::{Credentials, Secret},
    secrets::MasterKey,
    simulator::{Simulator, SimulatorConfig, Size},
};
use app::{
    domain::Role,
    error::AppError,
    ssr::services::{
        organizations,
        recruiters::{self, NewRecruiter},
    },
};
use sea_orm::DatabaseConnection;

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_NAME: &str = "Acme Robotics (demo)";
/// The demo organization's admin; sign in through the dev mailbox.
pub const DEMO_ADMIN_EMAIL: &str = "admin@acme-robotics.example";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot create the demo organization: {0}")]
    Organization(#[from] AppError),
    #[error("cannot start the Greenhouse simulator: {0}")]
    Simulator(#[from] std::io::Error),
    #[error("cannot store the demo connection: {0}")]
    Database(#[from] sea_orm::DbErr),
}

/// The demo's simulator, serving on a loopback port for as long as the
/// server runs. Its admin API (`/_simulator/…`, e.g. `trellis simulator
/// move`) is at `base_url`.
pub struct DemoSimulator {
    pub simulator: Simulator,
    pub base_url: url::Url,
}

/// Makes sure the demo organization exists, starts the simulator and
/// (re)connects the organization to it. The scheduler then syncs it.
pub async fn start(
    db: &DatabaseConnection,
    master_key: &MasterKey,
) -> Result<DemoSimulator, DemoError> {
    let organization =
        match organizations::create(db, DEMO_SLUG, DEMO_NAME).await {
            Ok(organization) => {
                tracing::info!(slug = DEMO_SLUG, "created the demo organization");
                organization
            }
            Err(AppError::Conflict { .. }) => organizations::find_by_slug(db, DEMO_SLUG)
                .await?
                .ok_or(AppError::NotFound {
                    what: "the demo organization".to_owned(),
                })?,
            Err(error) => return Err(error.into()),
        };
    let config = SimulatorConfig {
        size: Size::Small,
        // Scheduled interviews ahead of today, as in a live account.
        schedule_shift: crate::simulator::weeks_until(chrono::Utc::now()),
        ..SimulatorConfig::default()
    };
    let simulator = Simulator::new(config.clone());
    let running = simulator.spawn(([127, 0, 0, 1], 0).into()).await?;
    let connection = NewConnection {
        credentials: Credentials::V3 {
            client_id: config.client_id,
            client_secret: Secret::new(config.client_secret),
            user_id: Some(simulator.site_admin_user_id()),
            token_url: running.token_url.clone(),
        },
        base_url: running.base_url.clone(),
        webhook_secret: Secret::new(hex::encode(rand::random::<[u8; 24]>())),
    };
    connections::save(db, master_key, organization.id, &connection).await?;
    ensure_admin(db, organization.id).await?;
    tracing::info!(base_url = %running.base_url, "the demo organization syncs from the built-in Greenhouse simulator");
    Ok(DemoSimulator {
        simulator,
        base_url: running.base_url.clone(),
    })
}

/// The demo admin, created once.
async fn ensure_admin(db: &DatabaseConnection, organization_id: i64) -> Result<(), DemoError> {
    if recruiters::find_by_email(db, DEMO_ADMIN_EMAIL)
        .await?
        .is_none()
    {
        recruiters::create(
            db,
            NewRecruiter {
                organization_id,
                email: DEMO_ADMIN_EMAIL.to_owned(),
                name: Some("Demo Admin".to_owned()),
                role: Role::Admin,
                greenhouse_user_id: None,
            },
        )
        .await?;
    }
    Ok(())
}
