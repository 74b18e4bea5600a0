//! The sync worker: keeps an organization's mirrored Greenhouse tables equal to
//! Greenhouse, through a [`crate::harvest::Harvest`] client.

pub mod lease;
pub mod runner;
pub mod scheduler;
pub mod status;
pub mod store;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;

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
