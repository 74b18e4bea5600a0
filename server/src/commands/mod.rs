//! The Greenhouse-facing commands of the `trellis` CLI: `greenhouse connect`,
//! `sync`, `sync status` and `simulator`. `cli.rs` parses; these run.

pub mod admin;
pub mod greenhouse;
pub mod simulator;
pub mod sync;

use crate::{connections::ConnectionError, harvest::HarvestError, sync::runner::SyncError};
use app::ssr::{entities::organization, services::organizations};
use sea_orm::{DatabaseConnection, DbErr};

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("no organization has the slug “{0}” (create it with `trellis org create`)")]
    UnknownOrganization(String),
    #[error(
        "organization “{0}” is not connected to Greenhouse (run `trellis greenhouse connect --org {0} …`)"
    )]
    NotConnected(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Harvest(#[from] HarvestError),
    #[error("the sync did not complete: {0}")]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    #[error("{0}")]
    App(#[from] app::error::AppError),
}

impl CommandError {
    /// Usage mistakes exit with 2, like bad arguments; everything else with 1.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            CommandError::UnknownOrganization(_)
                | CommandError::Invalid(_)
                | CommandError::App(app::error::AppError::Invalid { .. })
                | CommandError::App(app::error::AppError::Conflict { .. })
        )
    }
}

pub async fn find_organization(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<organization::Model, CommandError> {
    organizations::find_by_slug(db, slug)
        .await?
        .ok_or_else(|| CommandError::UnknownOrganization(slug.to_owned()))
}
