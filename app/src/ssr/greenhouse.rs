//! What the Integrations page needs from the `server` crate, which owns the
//! Harvest client, the sealed secrets and the sync runner (this crate cannot
//! depend on it). The `trellis` binary puts its implementation in
//! [`AppState::greenhouse`](super::AppState).

use crate::api::integrations::{ConnectionForm, ConnectionOutcome, SyncStarted};
use crate::error::AppError;
use std::future::Future;
use std::pin::Pin;

/// A future a gateway method returns.
pub type GatewayFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;

/// Secrets of a stored connection, opened for an admin's page.
#[derive(Clone)]
pub struct StoredSecrets {
    /// `••••abcd`: the last four characters of the client secret or API key.
    pub secret_hint: String,
    /// The key Greenhouse signs web hooks with (shown to admins in full:
    /// they paste it into Greenhouse).
    pub webhook_secret: String,
}

impl std::fmt::Debug for StoredSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSecrets")
            .field("secret_hint", &self.secret_hint)
            .field("webhook_secret", &"…")
            .finish()
    }
}

/// The Greenhouse operations behind the Integrations page. Every method is
/// scoped to one organization; roles are checked before it is called.
pub trait GreenhouseGateway: Send + Sync {
    /// Tests `form`'s credentials against Greenhouse and stores nothing.
    /// Errors name the form field concerned, or (field
    /// [`ACCESS_FIELD`](crate::api::integrations::ACCESS_FIELD)) every missing
    /// scope or permission.
    fn test_connection(
        &self,
        organization_id: i64,
        form: ConnectionForm,
    ) -> GatewayFuture<'_, ConnectionOutcome>;

    /// Tests `form`'s credentials, then stores them sealed. An empty secret
    /// or key keeps the stored one; the webhook secret is kept (or created).
    fn save_connection(
        &self,
        organization_id: i64,
        form: ConnectionForm,
    ) -> GatewayFuture<'_, ConnectionOutcome>;

    /// Starts a sync now (a full one when `full`), in the background, unless
    /// one is running; answers once the run is under way.
    fn start_sync(&self, organization_id: i64, full: bool) -> GatewayFuture<'_, SyncStarted>;

    /// The stored connection's secrets, for an admin's page.
    fn stored_secrets(&self, organization_id: i64) -> GatewayFuture<'_, Option<StoredSecrets>>;
}

/// `••••abcd` for a secret: its last four characters when it is long enough
/// for them not to give much away, nothing more.
pub fn secret_hint(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() >= 12 {
        let last: String = chars[chars.len() - 4..].iter().collect();
        format!("••••{last}")
    } else {
        "••••".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_shows_only_the_last_four_characters_of_a_long_secret() {
        assert_eq!(secret_hint("simulator-secret"), "••••cret");
        assert_eq!(secret_hint("ünïcödé-sécrèt-ß"), "••••èt-ß");
        assert_eq!(secret_hint("short-key"), "••••");
        assert_eq!(secret_hint(""), "••••");
    }
}
