use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalHome {
    /// The organization's display name (its name when none is set).
    pub name: String,
    pub subdomain: String,
    /// `#rrggbb`; Trellis's default when unset.
    pub brand_color: Option<String>,
    /// `/uploads/<id>`
    pub logo_url: Option<String>,
    pub cover_url: Option<String>,
}

/// The landing page of an organization's candidate portal.
#[server(endpoint = "get_portal_home")]
pub async fn get_portal_home(subdomain: String) -> Result<PortalHome, AppError> {
    use crate::ssr::{services::portal, with_state};
    with_state(|state| async move { portal::home(&state, &subdomain).await }).await
}
