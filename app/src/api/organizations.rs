use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationSummary {
    pub slug: String,
    pub name: String,
    pub subdomain: String,
    /// `http://acme.localhost:3000/`, when the public host allows subdomains.
    pub portal_url: Option<String>,
    /// `http://localhost:3000/p/acme`, which always works.
    pub portal_path_url: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceOverview {
    /// "SQLite" or "PostgreSQL".
    pub database: String,
    pub organizations: Vec<OrganizationSummary>,
    /// When the server read this, so a refresh is visible.
    pub checked_at: DateTime<Utc>,
}

/// The organizations on this Trellis instance, read from the database.
#[server(endpoint = "get_instance_overview")]
pub async fn get_instance_overview() -> Result<InstanceOverview, AppError> {
    use crate::ssr::{services::organizations, with_state};
    with_state(|state| async move { organizations::overview(&state).await }).await
}
