//! The sync worker: keeps an organization's mirrored Greenhouse tables equal to
//! Greenhouse, through a [`crate::harvest::Harvest`] client.

pub mod lease;
pub mod runner;
pub mod scheduler;
pub mod status;
pub mod store;

use app::ssr::{mail::Outbox, services::portal_invites};
use sea_orm::DatabaseConnection;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;
use url::Url;

/// Organizations whose data should be synced soon (a webhook said something
/// changed). The scheduler in `serve` drains it; any process may run the sync
/// because the lease decides who does.
#[derive(Clone, Default)]
pub struct SyncRequests {
    pending: Arc<Mutex<BTreeSet<i64>>>,
    notify: Arc<Notify>,
}

impl SyncRequests {
    /// Asks for an incremental sync of `organization_id`.
    pub fn request(&self, organization_id: i64) {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(organization_id);
        self.notify.notify_one();
    }

    /// The organizations asked for since the last call (possibly none).
    pub fn take(&self) -> Vec<i64> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::take(&mut *pending).into_iter().collect()
    }

    /// Waits until [`SyncRequests::request`] is called.
    pub async fn requested(&self) {
        self.notify.notified().await;
    }
}

/// Where the portal invites of a completed sync go (see
/// [`app::ssr::services::portal_invites`]): a mail outbox and the public URL
/// the portal links are built from. `trellis serve` gives its outbox to
/// every sync it runs (schedule, webhooks, "Sync now"); `trellis sync`
/// starts a mail worker of its own for the run.
#[derive(Clone, Debug)]
pub struct PortalInvites {
    pub outbox: Outbox,
    pub public_url: Url,
}

impl PortalInvites {
    /// Sends the invites due after a completed sync of `organization_id`.
    /// A failure is logged, never the sync's: the next completed sync
    /// sends what this one could not.
    pub async fn after_sync(&self, db: &DatabaseConnection, organization_id: i64) {
        match portal_invites::send_due(
            db,
            &self.outbox,
            &self.public_url,
            organization_id,
            chrono::Utc::now(),
        )
        .await
        {
            Ok(pass) if pass == portal_invites::InvitePass::default() => {}
            Ok(pass) => tracing::info!(
                organization_id,
                sent = pass.sent,
                skipped = pass.skipped,
                unreachable = pass.unreachable,
                "portal invites"
            ),
            Err(error) => {
                tracing::warn!(organization_id, %error, "portal invites failed; the next sync retries")
            }
        }
    }
}
