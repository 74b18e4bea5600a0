use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in recruiter's organization at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub name: String,
    pub slug: String,
    /// `http://acme.localhost:3000/`, when the public host allows subdomains.
    pub portal_url: Option<String>,
    /// `http://localhost:3000/p/acme`, which always works.
    pub portal_path_url: String,
    /// `v3` or `v1` when Greenhouse is connected.
    pub greenhouse_api: Option<String>,
    /// `ok` or `invalid`.
    pub greenhouse_status: Option<String>,
    /// When the last completed sync finished.
    pub data_as_of: Option<DateTime<Utc>>,
    pub jobs: u64,
    pub active_portals: u64,
    pub recruiters: u64,
    /// When the server read this, so a refresh is visible.
    pub checked_at: DateTime<Utc>,
}

/// The overview of the signed-in recruiter's organization.
#[server(endpoint = "get_overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::organizations, with_recruiter};
    with_recruiter(
        Role::Viewer,
        "viewing the overview",
        |state, me| async move { organizations::overview(&state, &me).await },
    )
    .await
}
