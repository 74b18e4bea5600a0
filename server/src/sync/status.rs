//! What `trellis sync status --json` prints: the organization, its connection,
//! its last run, and how many rows Trellis holds per resource.

use super::store;
use app::{
    domain::Resource,
    ssr::entities::{
        organization,
        sync::{greenhouse_connection, sync_run},
    },
    with_greenhouse_entity,
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct SyncStatus {
    pub organization: OrganizationInfo,
    pub connection: Option<ConnectionInfo>,
    pub last_run: Option<RunInfo>,
    /// Rows held, keyed by v3 resource name.
    pub resources: BTreeMap<&'static str, u64>,
}

#[derive(Debug, Serialize)]
pub struct OrganizationInfo {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct ConnectionInfo {
    pub api_version: String,
    pub base_url: String,
    pub status: String,
    pub status_message: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RunInfo {
    pub id: i64,
    pub kind: String,
    pub trigger: String,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    pub requests: i64,
    pub records: i64,
    pub error: Option<String>,
    /// Per resource: rows fetched and deleted by this run.
    pub resources: serde_json::Value,
}

impl From<sync_run::Model> for RunInfo {
    fn from(run: sync_run::Model) -> Self {
        RunInfo {
            id: run.id,
            duration_ms: run
                .finished_at
                .map(|finished| (finished - run.started_at).num_milliseconds()),
            kind: run.kind,
            trigger: run.trigger,
            status: run.status,
            started_at: run.started_at,
            finished_at: run.finished_at,
            requests: run.requests,
            records: run.records,
            error: run.error,
            resources: run.resources,
        }
    }
}

/// Rows held per resource for one organization.
pub async fn resource_counts(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<BTreeMap<&'static str, u64>, DbErr> {
    let mut counts = BTreeMap::new();
    for resource in Resource::ALL {
        let rows =
            with_greenhouse_entity!(resource, E => store::count::<E>(db, organization_id).await?);
        counts.insert(resource.name(), rows);
    }
    Ok(counts)
}

/// The latest run of an organization, if any.
pub async fn last_run(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<Option<sync_run::Model>, DbErr> {
    sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(organization_id))
        .order_by_desc(sync_run::Column::Id)
        .one(db)
        .await
}

pub async fn status(
    db: &impl ConnectionTrait,
    organization: &organization::Model,
) -> Result<SyncStatus, DbErr> {
    let connection = greenhouse_connection::Entity::find_by_id(organization.id)
        .one(db)
        .await?
        .map(|c| ConnectionInfo {
            api_version: c.api_version,
            base_url: c.base_url,
            status: c.status,
            status_message: c.status_message,
        });
    Ok(SyncStatus {
        organization: OrganizationInfo {
            slug: organization.slug.clone(),
            name: organization.name.clone(),
        },
        connection,
        last_run: last_run(db, organization.id).await?.map(RunInfo::from),
        resources: resource_counts(db, organization.id).await?,
    })
}
