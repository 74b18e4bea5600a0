//! One sync run of one organization: every feed of the Harvest client, page by
//! page. Each page's rows and the feed's cursor are committed in one
//! transaction, so a run that dies resumes at the page it was on; a full pass
//! ends by deleting the rows Greenhouse no longer lists.

use super::{PortalInvites, lease, store};
use crate::harvest::{Feed, Harvest, HarvestError, Page};
use app::{
    domain::Resource,
    ssr::entities::{
        greenhouse::Records,
        sync::{sync_cursor, sync_run},
    },
    with_greenhouse_entity,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, TransactionTrait, sea_query::OnConflict,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// A full run reads everything and deletes what Greenhouse no longer has; an
/// incremental run asks for what changed since the last pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncKind {
    Full,
    Incremental,
}

impl SyncKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncKind::Full => "full",
            SyncKind::Incremental => "incremental",
        }
    }
}

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Cli,
    Schedule,
    Webhook,
    /// "Sync now" on the dashboard's Integrations page.
    Dashboard,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Cli => "cli",
            Trigger::Schedule => "schedule",
            Trigger::Webhook => "webhook",
            Trigger::Dashboard => "dashboard",
        }
    }
}

#[derive(Clone, Debug)]
pub struct SyncOptions {
    pub kind: SyncKind,
    pub trigger: Trigger,
    /// How far before the last pass an incremental pass asks from, to cover
    /// clock skew and Greenhouse's eventual consistency.
    pub overlap: Duration,
    /// This process's name in the lease.
    pub holder: String,
    /// How long the lease outlives a holder that stops renewing it.
    pub lease_ttl: Duration,
    /// Where a completed run sends the portal invites it made due; `None`
    /// sends none (they go out after the next run that has an outbox).
    pub invites: Option<PortalInvites>,
}

impl SyncOptions {
    pub fn new(kind: SyncKind, trigger: Trigger) -> SyncOptions {
        SyncOptions {
            kind,
            trigger,
            overlap: Duration::from_secs(10 * 60),
            holder: lease::holder_name(),
            lease_ttl: lease::LEASE_TTL,
            invites: None,
        }
    }
}

/// What a run is doing, for progress displays.
#[derive(Clone, Copy, Debug)]
pub enum Progress {
    FeedStarted {
        feed: Resource,
        resumed: bool,
        since: Option<DateTime<Utc>>,
    },
    PageStored {
        feed: Resource,
        rows: usize,
        feed_rows: u64,
    },
    FeedFinished {
        feed: Resource,
        rows: u64,
        deleted: u64,
    },
}

/// Rows read and deleted for one resource during a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ResourceCounts {
    pub fetched: u64,
    pub deleted: u64,
}

/// How a run ended.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub run_id: i64,
    pub kind: SyncKind,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub requests: u64,
    pub records: u64,
    pub resources: BTreeMap<Resource, ResourceCounts>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("another process ({holder}) is syncing this organization")]
    Busy { holder: String },
    #[error("the sync lease was taken over by another process; this run stopped")]
    LeaseLost,
    #[error(transparent)]
    Harvest(#[from] HarvestError),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

/// The run in progress: counters and the lease it holds.
struct Run<'a> {
    db: &'a DatabaseConnection,
    organization_id: i64,
    options: &'a SyncOptions,
    run_id: i64,
    resources: BTreeMap<Resource, ResourceCounts>,
    /// The client's request count when the run began.
    requests_before: u64,
}

/// One pass over a feed: when it began and from which update time it reads.
#[derive(Clone, Copy)]
struct Pass {
    kind: SyncKind,
    started_at: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
}

/// Runs one sync of `organization_id` to completion (or failure). The run is
/// recorded in `sync_runs` either way; a completed run then sends the portal
/// invites it made due (when `options.invites` is set).
pub async fn run<C: Harvest>(
    db: &DatabaseConnection,
    client: &C,
    organization_id: i64,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<RunReport, SyncError> {
    if !lease::acquire(db, organization_id, &options.holder, options.lease_ttl).await? {
        let holder = app::ssr::entities::sync::sync_lease::Entity::find_by_id(organization_id)
            .one(db)
            .await?
            .map(|lease| lease.holder)
            .unwrap_or_default();
        return Err(SyncError::Busy { holder });
    }
    let outcome = run_holding_lease(db, client, organization_id, options, progress).await;
    lease::release(db, organization_id, &options.holder).await?;
    if let (Ok(_), Some(invites)) = (&outcome, &options.invites) {
        invites.after_sync(db, organization_id).await;
    }
    outcome
}

async fn run_holding_lease<C: Harvest>(
    db: &DatabaseConnection,
    client: &C,
    organization_id: i64,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<RunReport, SyncError> {
    let interrupted = abandon_dead_runs(db, organization_id).await?;
    let started_at = Utc::now();
    let requests_before = client.requests_made();
    let run_row = sync_run::ActiveModel {
        organization_id: Set(organization_id),
        kind: Set(options.kind.as_str().to_owned()),
        trigger: Set(options.trigger.as_str().to_owned()),
        status: Set("running".to_owned()),
        holder: Set(options.holder.clone()),
        started_at: Set(started_at),
        finished_at: Set(None),
        requests: Set(0),
        records: Set(0),
        resources: Set(serde_json::json!({})),
        error: Set(None),
        current_resource: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut run = Run {
        db,
        organization_id,
        options,
        run_id: run_row.id,
        resources: BTreeMap::new(),
        requests_before,
    };
    let mut outcome = Ok(());
    for feed in client.feeds() {
        if let Err(err) = run
            .sync_feed(client, feed, interrupted.as_ref(), progress)
            .await
        {
            outcome = Err(err);
            break;
        }
    }
    let finished_at = Utc::now();
    let requests = client.requests_made().saturating_sub(requests_before);
    let records: u64 = run.resources.values().map(|c| c.fetched).sum();
    let mut row: sync_run::ActiveModel = run_row.into();
    row.status = Set(if outcome.is_ok() {
        "completed"
    } else {
        "failed"
    }
    .to_owned());
    row.finished_at = Set(Some(finished_at));
    row.requests = Set(i64::try_from(requests).unwrap_or(i64::MAX));
    row.records = Set(i64::try_from(records).unwrap_or(i64::MAX));
    row.resources = Set(serde_json::to_value(&run.resources).unwrap_or_default());
    row.error = Set(outcome.as_ref().err().map(ToString::to_string));
    row.current_resource = Set(None);
    row.update(db).await?;
    outcome.map(|()| RunReport {
        run_id: run.run_id,
        kind: options.kind,
        started_at,
        finished_at,
        requests,
        records,
        resources: run.resources,
    })
}

/// Marks runs left `running` by a dead holder as abandoned, and returns when
/// the latest of them started if it was of the same kind: feeds it finished
/// are not read again, and the feed it was in resumes at its page.
async fn abandon_dead_runs(
    db: &DatabaseConnection,
    organization_id: i64,
) -> Result<Option<(String, DateTime<Utc>)>, DbErr> {
    let latest = sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(organization_id))
        .order_by_desc(sync_run::Column::Id)
        .one(db)
        .await?;
    sync_run::Entity::update_many()
        .col_expr(sync_run::Column::Status, "abandoned".into())
        .col_expr(sync_run::Column::FinishedAt, Utc::now().into())
        .filter(sync_run::Column::OrganizationId.eq(organization_id))
        .filter(sync_run::Column::Status.eq("running"))
        .exec(db)
        .await?;
    Ok(latest
        .filter(|run| run.status == "running" || run.status == "failed")
        .map(|run| (run.kind, run.started_at)))
}

impl Run<'_> {
    async fn sync_feed<C: Harvest>(
        &mut self,
        client: &C,
        feed: &Feed,
        interrupted: Option<&(String, DateTime<Utc>)>,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<(), SyncError> {
        let cursor =
            sync_cursor::Entity::find_by_id((self.organization_id, feed.key.name().to_owned()))
                .one(self.db)
                .await?;
        let kind = self.options.kind;
        if let (Some((interrupted_kind, interrupted_at)), Some(cursor)) = (interrupted, &cursor) {
            let finished_since = match kind {
                SyncKind::Full => cursor.last_full_at,
                SyncKind::Incremental => cursor.high_water,
            };
            if interrupted_kind == kind.as_str()
                && cursor.next_page.is_none()
                && finished_since.is_some_and(|at| at >= *interrupted_at)
            {
                return Ok(());
            }
        }
        self.set_current(feed.key).await?;
        let resumable = cursor.as_ref().and_then(|c| {
            let next = c.next_page.clone()?;
            let kind = match c.pass_kind.as_deref()? {
                "full" => SyncKind::Full,
                _ => SyncKind::Incremental,
            };
            Some((
                next,
                Pass {
                    kind,
                    started_at: c.pass_started_at?,
                    since: c.pass_since,
                },
            ))
        });
        let (mut page, pass) = match resumable {
            Some((next, pass)) => {
                progress(Progress::FeedStarted {
                    feed: feed.key,
                    resumed: true,
                    since: pass.since,
                });
                match client.next_page(&next).await {
                    Ok(page) => (page, pass),
                    // An expired or unknown cursor: read the feed again.
                    Err(HarvestError::Rejected { .. }) => {
                        self.start_pass(client, feed, cursor.as_ref(), progress)
                            .await?
                    }
                    Err(err) => return Err(err.into()),
                }
            }
            None => {
                self.start_pass(client, feed, cursor.as_ref(), progress)
                    .await?
            }
        };
        let mut feed_rows = 0u64;
        loop {
            let rows = page.records.iter().map(Records::len).sum::<usize>();
            feed_rows += rows as u64;
            let next = page.next.take();
            self.store_page(
                feed,
                pass,
                page.records,
                next.as_deref(),
                client.requests_made(),
            )
            .await?;
            progress(Progress::PageStored {
                feed: feed.key,
                rows,
                feed_rows,
            });
            match next {
                Some(next) => page = client.next_page(&next).await?,
                None => break,
            }
        }
        let deleted = self.finish_pass(feed, pass, client.requests_made()).await?;
        progress(Progress::FeedFinished {
            feed: feed.key,
            rows: feed_rows,
            deleted,
        });
        Ok(())
    }

    async fn start_pass<C: Harvest>(
        &self,
        client: &C,
        feed: &Feed,
        cursor: Option<&sync_cursor::Model>,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<(Page, Pass), SyncError> {
        let overlap = chrono::Duration::from_std(self.options.overlap).unwrap_or_default();
        let since = match self.options.kind {
            SyncKind::Incremental if feed.incremental => cursor
                .and_then(|c| c.high_water)
                .map(|high_water| high_water - overlap),
            _ => None,
        };
        let pass = Pass {
            kind: if since.is_some() {
                SyncKind::Incremental
            } else {
                SyncKind::Full
            },
            started_at: Utc::now(),
            since,
        };
        progress(Progress::FeedStarted {
            feed: feed.key,
            resumed: false,
            since,
        });
        Ok((client.first_page(feed.key, since).await?, pass))
    }

    /// Stores one page, where the pass stands and the run's counts so far,
    /// in one transaction.
    async fn store_page(
        &mut self,
        feed: &Feed,
        pass: Pass,
        records: Vec<Records>,
        next: Option<&str>,
        requests_made: u64,
    ) -> Result<(), SyncError> {
        let now = Utc::now();
        let txn = self.db.begin().await?;
        for rows in records {
            let resource = rows.resource();
            self.resources.entry(resource).or_default().fetched += rows.len() as u64;
            with_greenhouse_entity!(resource, E => {
                store::upsert::<E>(&txn, self.organization_id, rows.into_rows::<E>().unwrap_or_default(), now).await?
            });
        }
        save_cursor(
            &txn,
            self.organization_id,
            feed.key,
            CursorState::InPass { pass, next },
        )
        .await?;
        self.record_counts(&txn, requests_made).await?;
        txn.commit().await?;
        self.renew_lease().await
    }

    /// Ends a pass: a full pass deletes what it did not see; the cursor moves on.
    async fn finish_pass(
        &mut self,
        feed: &Feed,
        pass: Pass,
        requests_made: u64,
    ) -> Result<u64, SyncError> {
        let txn = self.db.begin().await?;
        let mut deleted = 0;
        if pass.since.is_none() {
            for &resource in feed.resources {
                let gone = with_greenhouse_entity!(resource, E => {
                    store::delete_unseen::<E>(&txn, self.organization_id, pass.started_at).await?
                });
                self.resources.entry(resource).or_default().deleted += gone;
                deleted += gone;
            }
        }
        save_cursor(
            &txn,
            self.organization_id,
            feed.key,
            CursorState::Finished(pass),
        )
        .await?;
        self.record_counts(&txn, requests_made).await?;
        txn.commit().await?;
        self.renew_lease().await?;
        Ok(deleted)
    }

    /// Shows which feed the run is reading, for progress displays in any
    /// process.
    async fn set_current(&self, feed: Resource) -> Result<(), DbErr> {
        sync_run::Entity::update_many()
            .set(sync_run::ActiveModel {
                current_resource: Set(Some(feed.name().to_owned())),
                ..Default::default()
            })
            .filter(sync_run::Column::Id.eq(self.run_id))
            .exec(self.db)
            .await?;
        Ok(())
    }

    /// Writes the counts so far to the run's row.
    async fn record_counts(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        requests_made: u64,
    ) -> Result<(), DbErr> {
        let requests = requests_made.saturating_sub(self.requests_before);
        let records: u64 = self.resources.values().map(|c| c.fetched).sum();
        sync_run::Entity::update_many()
            .set(sync_run::ActiveModel {
                requests: Set(i64::try_from(requests).unwrap_or(i64::MAX)),
                records: Set(i64::try_from(records).unwrap_or(i64::MAX)),
                resources: Set(serde_json::to_value(&self.resources).unwrap_or_default()),
                ..Default::default()
            })
            .filter(sync_run::Column::Id.eq(self.run_id))
            .exec(db)
            .await?;
        Ok(())
    }

    async fn renew_lease(&self) -> Result<(), SyncError> {
        let renewed = lease::renew(
            self.db,
            self.organization_id,
            &self.options.holder,
            Some(self.run_id),
            self.options.lease_ttl,
        )
        .await?;
        if renewed {
            Ok(())
        } else {
            Err(SyncError::LeaseLost)
        }
    }
}

enum CursorState<'a> {
    InPass { pass: Pass, next: Option<&'a str> },
    Finished(Pass),
}

async fn save_cursor(
    db: &impl sea_orm::ConnectionTrait,
    organization_id: i64,
    feed: Resource,
    state: CursorState<'_>,
) -> Result<(), DbErr> {
    use sync_cursor::Column as C;
    let now = Utc::now();
    let mut row = sync_cursor::ActiveModel {
        organization_id: Set(organization_id),
        resource: Set(feed.name().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    let mut columns = vec![
        C::UpdatedAt,
        C::PassKind,
        C::PassStartedAt,
        C::PassSince,
        C::NextPage,
    ];
    match state {
        CursorState::InPass { pass, next } => {
            row.pass_kind = Set(Some(pass.kind.as_str().to_owned()));
            row.pass_started_at = Set(Some(pass.started_at));
            row.pass_since = Set(pass.since);
            row.next_page = Set(next.map(str::to_owned));
            row.high_water = Set(None);
            row.last_full_at = Set(None);
        }
        CursorState::Finished(pass) => {
            row.pass_kind = Set(None);
            row.pass_started_at = Set(None);
            row.pass_since = Set(None);
            row.next_page = Set(None);
            row.high_water = Set(Some(pass.started_at));
            row.last_full_at = Set((pass.kind == SyncKind::Full).then_some(pass.started_at));
            columns.push(C::HighWater);
            if pass.kind == SyncKind::Full {
                columns.push(C::LastFullAt);
            }
        }
    }
    sync_cursor::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::OrganizationId, C::Resource])
                .update_columns(columns)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
