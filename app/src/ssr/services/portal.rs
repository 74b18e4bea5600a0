use crate::api::portal::PortalHome;
use crate::domain::Subdomain;
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::services::{organizations, uploads};

/// The organization whose portal lives at `subdomain`; `NotFound` for a
/// malformed or unknown name alike.
pub async fn organization(
    state: &AppState,
    subdomain: &str,
) -> Result<crate::ssr::entities::organization::Model, AppError> {
    let not_found = || AppError::not_found("This candidate portal");
    let subdomain = Subdomain::parse(subdomain).map_err(|_| not_found())?;
    organizations::find_by_subdomain(&state.db, subdomain.as_str())
        .await?
        .ok_or_else(not_found)
}

/// The public face of an organization's candidate portal, with its branding.
pub async fn home(state: &AppState, subdomain: &str) -> Result<PortalHome, AppError> {
    Ok(home_of(organization(state, subdomain).await?))
}

/// An organization's portal face, from its row.
pub fn home_of(org: crate::ssr::entities::organization::Model) -> PortalHome {
    PortalHome {
        name: org.display_name.unwrap_or(org.name),
        subdomain: org.subdomain,
        brand_color: org.brand_color,
        logo_url: org.logo_upload_id.as_deref().map(uploads::url),
        cover_url: org.cover_upload_id.as_deref().map(uploads::url),
    }
}
