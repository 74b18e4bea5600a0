//! The Integrations page's reads: the stored Greenhouse connection, the sync
//! runs and their progress. Everything is scoped to one organization; the
//! work that needs the `server` crate goes through
//! [`GreenhouseGateway`](crate::ssr::greenhouse::GreenhouseGateway).

use crate::api::integrations::{
    ConnectionView, HISTORY_LENGTH, IntegrationsView, ResourceProgress, ResourceState, RunView,
    SyncProgress,
};
use crate::domain::{Resource, Role};
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::auth::CurrentRecruiter;
use crate::ssr::entities::sync::{greenhouse_connection, sync_lease, sync_run};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Everything the Integrations page shows to `me`: secrets and the webhook
/// only to admins.
pub async fn view(state: &AppState, me: &CurrentRecruiter) -> Result<IntegrationsView, AppError> {
    let db = &state.db;
    let organization_id = me.organization_id();
    let admin = me.role.allows(Role::Admin);
    let connection = greenhouse_connection::Entity::find_by_id(organization_id)
        .one(db)
        .await?;
    let secrets = match (&connection, admin) {
        (Some(_), true) => match state.greenhouse.stored_secrets(organization_id).await {
            Ok(secrets) => secrets,
            Err(error) => {
                tracing::warn!(organization_id, %error, "cannot open the stored Greenhouse secrets");
                None
            }
        },
        _ => None,
    };
    let connection = connection.map(|c| {
        let mut view = ConnectionView {
            api_version: c.api_version,
            base_url: c.base_url,
            status: c.status,
            status_message: c.status_message,
            checked_at: c.checked_at,
            updated_at: c.updated_at,
            token_url: None,
            client_id: None,
            user_id: None,
            secret_hint: None,
        };
        if admin {
            view.token_url = c.token_url;
            view.client_id = c.client_id;
            view.user_id = c.user_id;
            view.secret_hint = secrets.as_ref().map(|s| s.secret_hint.clone());
        }
        view
    });
    let webhook_url = admin.then(|| webhook_url(state, &me.organization.slug));
    let live = lease_is_live(db, organization_id).await?;
    let history = sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(organization_id))
        .order_by_desc(sync_run::Column::Id)
        .limit(HISTORY_LENGTH)
        .all(db)
        .await?
        .into_iter()
        .map(|run| run_view(run, live))
        .collect();
    let total_runs = sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(organization_id))
        .count(db)
        .await?;
    Ok(IntegrationsView {
        can_manage: admin,
        connection,
        webhook_url,
        webhook_secret: secrets.map(|s| s.webhook_secret),
        data_as_of: data_as_of(db, organization_id).await?,
        history,
        total_runs,
        checked_at: Utc::now(),
    })
}

/// The latest run, for the live progress display.
pub async fn progress(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<SyncProgress, AppError> {
    let live = lease_is_live(db, organization_id).await?;
    let latest = sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(organization_id))
        .order_by_desc(sync_run::Column::Id)
        .one(db)
        .await?
        .map(|run| run_view(run, live));
    Ok(SyncProgress {
        latest,
        data_as_of: data_as_of(db, organization_id).await?,
        checked_at: Utc::now(),
    })
}

/// `<public URL>/webhooks/greenhouse/<slug>`.
pub fn webhook_url(state: &AppState, slug: &str) -> String {
    state
        .public_url
        .join(&format!("webhooks/greenhouse/{slug}"))
        .map(|url| url.to_string())
        .unwrap_or_default()
}

/// When the last completed sync finished.
pub async fn data_as_of(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let query = Query::select()
        .expr_as(
            last_completed_sync(Expr::val(organization_id)),
            "finished_at",
        )
        .to_owned();
    match db.query_one(&query).await? {
        Some(row) => row.try_get::<Option<DateTime<Utc>>>("", "finished_at"),
        None => Ok(None),
    }
}

/// When the last completed sync of `organization` (a value, or a column of
/// the query this goes into) finished, as a subquery.
pub fn last_completed_sync(organization: Expr) -> Expr {
    let finished = Query::select()
        .expr(Expr::col((sync_run::Entity, sync_run::Column::FinishedAt)).max())
        .from(sync_run::Entity)
        .and_where(Expr::col((sync_run::Entity, sync_run::Column::OrganizationId)).eq(organization))
        .and_where(Expr::col((sync_run::Entity, sync_run::Column::Status)).eq("completed"))
        .to_owned();
    Expr::SubQuery(None, Box::new(finished.into_sub_query_statement()))
}

/// Whether some process holds the organization's sync lease now: a run
/// still marked `running` without one has stalled (its process died; the
/// next sync resumes it).
async fn lease_is_live(db: &impl ConnectionTrait, organization_id: i64) -> Result<bool, DbErr> {
    Ok(sync_lease::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .is_some_and(|lease| lease.expires_at > Utc::now()))
}

#[derive(Default, Deserialize)]
struct Counts {
    #[serde(default)]
    fetched: u64,
    #[serde(default)]
    deleted: u64,
}

/// A run as the page shows it; `live`: whether the sync lease is held.
fn run_view(run: sync_run::Model, live: bool) -> RunView {
    let counts: BTreeMap<Resource, Counts> =
        serde_json::from_value(run.resources.clone()).unwrap_or_default();
    let status = if run.status == "running" && !live {
        "stalled".to_owned()
    } else {
        run.status
    };
    let running = status == "running";
    let current = run
        .current_resource
        .as_deref()
        .and_then(Resource::from_name)
        .filter(|_| running);
    let resources = Resource::ALL
        .into_iter()
        .filter_map(|resource| {
            let seen = counts.get(&resource);
            let state = if Some(resource) == current {
                ResourceState::Current
            } else if seen.is_some() {
                ResourceState::Done
            } else if running {
                ResourceState::Pending
            } else {
                return None;
            };
            Some(ResourceProgress {
                resource,
                fetched: seen.map_or(0, |c| c.fetched),
                deleted: seen.map_or(0, |c| c.deleted),
                state,
            })
        })
        .collect();
    RunView {
        id: run.id,
        kind: run.kind,
        trigger: run.trigger,
        status,
        duration_ms: run
            .finished_at
            .map(|finished| (finished - run.started_at).num_milliseconds()),
        started_at: run.started_at,
        finished_at: run.finished_at,
        requests: run.requests,
        records: run.records,
        deleted: counts.values().map(|c| c.deleted).sum(),
        error: run.error,
        current_resource: current,
        resources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(status: &str, current: Option<&str>, resources: serde_json::Value) -> sync_run::Model {
        let started_at = Utc::now();
        sync_run::Model {
            id: 7,
            organization_id: 1,
            kind: "full".to_owned(),
            trigger: "dashboard".to_owned(),
            status: status.to_owned(),
            holder: "h".to_owned(),
            started_at,
            finished_at: (status != "running")
                .then(|| started_at + chrono::TimeDelta::milliseconds(1500)),
            requests: 9,
            records: 14,
            resources,
            error: None,
            current_resource: current.map(str::to_owned),
        }
    }

    #[test]
    fn a_running_sync_lists_every_resource_with_the_current_one() {
        let view = run_view(
            run(
                "running",
                Some("departments"),
                json!({"user_roles": {"fetched": 4, "deleted": 0}, "departments": {"fetched": 10, "deleted": 0}}),
            ),
            true,
        );
        assert!(view.is_running());
        assert_eq!(view.resources.len(), Resource::ALL.len());
        assert_eq!(view.resources[0].state, ResourceState::Done);
        assert_eq!(view.resources[0].fetched, 4);
        assert_eq!(view.resources[1].state, ResourceState::Current);
        assert_eq!(view.resources[1].fetched, 10);
        assert_eq!(view.resources[2].state, ResourceState::Pending);
        assert_eq!(view.current_resource, Some(Resource::Departments));
        assert_eq!(view.done_count(), 1);
        assert_eq!(view.duration_ms, None);
    }

    #[test]
    fn a_finished_run_lists_what_it_read_and_a_dead_one_has_stalled() {
        let done = run_view(
            run(
                "completed",
                None,
                json!({"jobs": {"fetched": 3, "deleted": 2}}),
            ),
            false,
        );
        assert_eq!(done.status, "completed");
        assert_eq!(done.resources.len(), 1);
        assert_eq!(done.deleted, 2);
        assert_eq!(done.duration_ms, Some(1500));
        let stalled = run_view(run("running", Some("jobs"), json!({})), false);
        assert_eq!(stalled.status, "stalled");
        assert_eq!(stalled.current_resource, None);
        assert!(!stalled.is_running());
    }
}
