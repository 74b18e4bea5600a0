use super::mail::Outbox;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use url::Url;

/// Everything a request handler or server function needs, built once at
/// start-up by the `trellis` binary and provided to every server function.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    /// The origin that links in emails and portal links are built from.
    pub public_url: Url,
    /// Where services put the mail they send.
    pub outbox: Outbox,
    /// HMAC key for sign-in codes, derived from the master key.
    pub sign_in_key: Arc<[u8; 32]>,
    /// Whether mail goes to the dev mailbox page (no SMTP server set).
    pub dev_mailbox: bool,
    /// Demo mode's admin account, shown on the sign-in page.
    pub demo_admin_email: Option<String>,
    /// Greenhouse connection tests, saving and "Sync now" (implemented by
    /// the `server` crate).
    pub greenhouse: Arc<dyn super::greenhouse::GreenhouseGateway>,
    /// Portals' content as last read, for candidate pages.
    pub portal_content: super::services::portal_content::ContentCache,
}

impl AppState {
    /// The host of the public URL, which portal subdomains sit under.
    pub fn public_host(&self) -> &str {
        self.public_url.host_str().unwrap_or_default()
    }
}
