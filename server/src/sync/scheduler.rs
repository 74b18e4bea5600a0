//! The sync schedule inside `trellis serve`: an incremental sync of every
//! connected organization each interval, a full sync when the last one is older
//! than the full-sync interval, and an extra incremental sync soon after a
//! webhook asks for one. The lease makes several processes safe.

use super::{
    PortalInvites, SyncRequests,
    runner::{self, SyncError, SyncKind, SyncOptions, Trigger},
};
use crate::{connections, harvest, secrets::MasterKey};
use app::ssr::entities::sync::sync_cursor;
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::{future::Future, sync::Arc, time::Duration};

#[derive(Clone)]
pub struct Scheduler {
    pub db: DatabaseConnection,
    pub master_key: Arc<MasterKey>,
    pub requests: SyncRequests,
    pub interval: Duration,
    pub full_interval: Duration,
    pub holder: String,
    /// Where completed syncs send portal invites.
    pub invites: Option<PortalInvites>,
}

impl Scheduler {
    /// Runs until `shutdown` completes. The first round starts at once.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut ticker = tokio::time::interval(self.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let (organizations, trigger) = tokio::select! {
                _ = &mut shutdown => return,
                _ = ticker.tick() => match connections::organizations_with_connection(&self.db).await {
                    Ok(ids) => (ids, Trigger::Schedule),
                    Err(error) => {
                        tracing::warn!(%error, "cannot list the organizations to sync");
                        continue;
                    }
                },
                _ = self.requests.requested() => (self.requests.take(), Trigger::Webhook),
            };
            for organization_id in organizations {
                self.sync_organization(organization_id, trigger).await;
            }
        }
    }

    /// One sync of one organization, logged; failures never stop the schedule.
    pub async fn sync_organization(&self, organization_id: i64, trigger: Trigger) {
        let connection = match connections::load(&self.db, &self.master_key, organization_id).await
        {
            Ok(Some(connection)) if connection.status != connections::STATUS_INVALID => connection,
            Ok(_) => return,
            Err(error) => {
                tracing::error!(organization_id, %error, "cannot read the Greenhouse connection");
                return;
            }
        };
        let client = match connection.client() {
            Ok(client) => client,
            Err(error) => {
                tracing::error!(organization_id, %error, "cannot build the Harvest client");
                return;
            }
        };
        let kind = match self
            .full_sync_due(organization_id, harvest::Harvest::feeds(&client))
            .await
        {
            Ok(true) => SyncKind::Full,
            Ok(false) => SyncKind::Incremental,
            Err(error) => {
                tracing::warn!(organization_id, %error, "cannot read the sync cursors");
                return;
            }
        };
        let options = SyncOptions {
            holder: self.holder.clone(),
            invites: self.invites.clone(),
            ..SyncOptions::new(kind, trigger)
        };
        match runner::run(&self.db, &client, organization_id, &options, &mut |_| {}).await {
            Ok(report) => tracing::info!(
                organization_id,
                kind = kind.as_str(),
                trigger = trigger.as_str(),
                records = report.records,
                requests = report.requests,
                duration_ms = (report.finished_at - report.started_at).num_milliseconds(),
                "sync completed"
            ),
            Err(SyncError::Busy { holder }) => {
                tracing::debug!(organization_id, %holder, "another process is syncing this organization");
            }
            Err(SyncError::Harvest(error)) if error.is_credential_problem() => {
                tracing::error!(organization_id, %error, "Greenhouse refused the credential; syncs paused until it is reconnected");
                if let Err(error) =
                    connections::mark_invalid(&self.db, organization_id, &error.to_string()).await
                {
                    tracing::error!(organization_id, %error, "cannot mark the connection invalid");
                }
            }
            Err(error) => {
                tracing::warn!(organization_id, %error, "sync failed; it resumes at the next round")
            }
        }
    }

    /// A full sync is due when some feed never completed one, or the oldest
    /// completed one is older than the full-sync interval.
    async fn full_sync_due(
        &self,
        organization_id: i64,
        feeds: &[harvest::Feed],
    ) -> Result<bool, DbErr> {
        let cursors = sync_cursor::Entity::find()
            .filter(sync_cursor::Column::OrganizationId.eq(organization_id))
            .all(&self.db)
            .await?;
        let full_interval =
            chrono::Duration::from_std(self.full_interval).unwrap_or(chrono::Duration::days(1));
        let now = Utc::now();
        Ok(feeds.iter().any(|feed| {
            let last_full = cursors
                .iter()
                .find(|cursor| cursor.resource == feed.key.name())
                .and_then(|cursor| cursor.last_full_at);
            last_full.is_none_or(|at| now - at >= full_interval)
        }))
    }
}
