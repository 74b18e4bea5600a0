//! Jobs: the ATS tab (every synced Greenhouse job), the Active tab (jobs
//! with a candidate portal) and activation. The portal editor is in
//! `api::portal_editor`.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Jobs per page on the ATS tab.
pub const PAGE_SIZE: u64 = 50;

/// The ATS tab's search, filters and page, as the query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsQuery {
    /// Part of the name or requisition id.
    #[serde(default)]
    pub q: String,
    /// `open`, `closed` or `draft`; empty for all.
    #[serde(default)]
    pub status: String,
    /// A department id; empty for all.
    #[serde(default)]
    pub department: String,
    /// An office id; empty for all.
    #[serde(default)]
    pub office: String,
    /// 1-based.
    #[serde(default)]
    pub page: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRow {
    pub id: i64,
    pub name: String,
    pub requisition_id: Option<String>,
    pub department: Option<String>,
    pub offices: Vec<String>,
    pub status: String,
    pub open_openings: u64,
    pub active_candidates: u64,
    /// Whether the job has an active candidate portal.
    pub activated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterOption {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobsPage {
    pub jobs: Vec<JobRow>,
    /// Jobs matching the search and filters.
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub departments: Vec<FilterOption>,
    pub offices: Vec<FilterOption>,
    /// Why the list is limited, when Greenhouse job permissions apply.
    pub restriction: Option<String>,
    pub data_as_of: Option<DateTime<Utc>>,
    /// Whether the signed-in recruiter may activate jobs.
    pub can_activate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActiveJobs {
    pub jobs: Vec<JobRow>,
    /// The organization's portal, where candidates sign in.
    pub portal_url: String,
    pub restriction: Option<String>,
    pub can_activate: bool,
}

#[server(endpoint = "get_ats_jobs")]
pub async fn get_ats_jobs(#[server(default)] query: JobsQuery) -> Result<JobsPage, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::jobs, with_recruiter};
    with_recruiter(Role::Viewer, "viewing jobs", |state, me| async move {
        jobs::ats(&state.db, &me, &query).await
    })
    .await
}

#[server(endpoint = "get_active_jobs")]
pub async fn get_active_jobs() -> Result<ActiveJobs, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::jobs, with_recruiter};
    with_recruiter(Role::Viewer, "viewing jobs", |state, me| async move {
        jobs::active(&state, &me).await
    })
    .await
}

/// Gives a job a candidate portal (editors and admins).
#[server(endpoint = "activate_job")]
pub async fn activate_job(job_id: i64) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::jobs, with_recruiter};
    with_recruiter(Role::Editor, "activating jobs", |state, me| async move {
        jobs::set_active(&state.db, &me, job_id, true).await
    })
    .await
}

/// Takes a job's portal offline; its content is kept.
#[server(endpoint = "deactivate_job")]
pub async fn deactivate_job(job_id: i64) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::jobs, with_recruiter};
    with_recruiter(Role::Editor, "deactivating jobs", |state, me| async move {
        jobs::set_active(&state.db, &me, job_id, false).await
    })
    .await
}
