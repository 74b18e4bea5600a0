use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalHome {
    /// The organization's display name.
    pub name: String,
    pub subdomain: String,
}

/// The landing page of an organization's candidate portal.
#[server(endpoint = "get_portal_home")]
pub async fn get_portal_home(subdomain: String) -> Result<PortalHome, AppError> {
    use crate::ssr::{services::portal, with_state};
    with_state(|state| async move { portal::home(&state, &subdomain).await }).await
}
