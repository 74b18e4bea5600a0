//! The organization's portal settings: where the portal lives and how it
//! looks. Every change is scoped to the signed-in recruiter's organization.

use crate::api::settings::{ImagePurpose, PortalSettings};
use crate::domain::color::Rgb;
use crate::domain::{Role, Subdomain};
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::auth::CurrentRecruiter;
use crate::ssr::entities::organization::{self, Entity as Organization};
use crate::ssr::links;
use crate::ssr::services::{organizations, uploads};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, SqlErr,
};

/// What the settings form posts.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub subdomain: String,
    pub display_name: String,
    pub brand_color: String,
}

/// A display name: empty means "use the organization's name"; otherwise
/// the organization-name rules, reported on the `display_name` field.
pub fn parse_display_name(input: &str) -> Result<Option<String>, AppError> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    organizations::parse_name(input)
        .map(Some)
        .map_err(|error| AppError::invalid("display_name", error.to_string()))
}

/// A brand colour: empty means "Trellis's default"; otherwise `#rrggbb`.
pub fn parse_brand_color(input: &str) -> Result<Option<String>, AppError> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    Rgb::parse(input)
        .map(|color| Some(color.to_hex()))
        .map_err(|error| AppError::invalid("brand_color", error.to_string()))
}

pub fn parse_subdomain(input: &str) -> Result<Subdomain, AppError> {
    Subdomain::parse(input.trim())
        .map_err(|error| AppError::invalid("subdomain", error.to_string()))
}

fn subdomain_taken(subdomain: &Subdomain) -> AppError {
    AppError::conflict(
        "subdomain",
        format!(
            "“{subdomain}” is already the address of another organization's portal; choose another name."
        ),
    )
}

/// The settings as the page shows them to `role`.
pub fn view(state: &AppState, org: &organization::Model, role: Role) -> PortalSettings {
    let path_url = links::portal_path_url(&state.public_url, &org.subdomain);
    PortalSettings {
        organization_name: org.name.clone(),
        subdomain: org.subdomain.clone(),
        display_name: org.display_name.clone(),
        brand_color: org.brand_color.clone(),
        logo_url: org.logo_upload_id.as_deref().map(uploads::url),
        cover_url: org.cover_upload_id.as_deref().map(uploads::url),
        portal_url: links::portal_subdomain_url(&state.public_url, &org.subdomain)
            .unwrap_or_else(|| path_url.clone()),
        portal_path_url: path_url,
        can_edit: role.allows(Role::Admin),
    }
}

/// The current settings of the recruiter's organization, read afresh.
pub async fn read(state: &AppState, me: &CurrentRecruiter) -> Result<PortalSettings, AppError> {
    let org = current(state, me).await?;
    Ok(view(state, &org, me.role))
}

async fn current(state: &AppState, me: &CurrentRecruiter) -> Result<organization::Model, AppError> {
    Organization::find_by_id(me.organization_id())
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("Your organization"))
}

/// Validates every field (the first broken rule is reported on its field)
/// and saves them. The subdomain must be free across organizations.
pub async fn save(
    state: &AppState,
    me: &CurrentRecruiter,
    input: &SettingsInput,
) -> Result<PortalSettings, AppError> {
    let subdomain = parse_subdomain(&input.subdomain)?;
    let display_name = parse_display_name(&input.display_name)?;
    let brand_color = parse_brand_color(&input.brand_color)?;
    let org = current(state, me).await?;

    if subdomain.as_str() != org.subdomain {
        let taken = Organization::find()
            .filter(organization::Column::Subdomain.eq(subdomain.as_str()))
            .filter(organization::Column::Id.ne(org.id))
            .one(&state.db)
            .await?;
        if taken.is_some() {
            return Err(subdomain_taken(&subdomain));
        }
    }

    let previous_subdomain = org.subdomain.clone();
    let mut model = org.into_active_model();
    model.subdomain = Set(subdomain.to_string());
    model.display_name = Set(display_name);
    model.brand_color = Set(brand_color);
    model.updated_at = Set(chrono::Utc::now());
    let saved = match model.update(&state.db).await {
        Ok(saved) => saved,
        // Another organization took the name between the check and now.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(subdomain_taken(&subdomain));
        }
        Err(err) => return Err(err.into()),
    };
    tracing::info!(
        organization = saved.id,
        recruiter = me.recruiter.id,
        from = %previous_subdomain,
        to = %saved.subdomain,
        "portal settings saved"
    );
    Ok(view(state, &saved, me.role))
}

/// Removes the organization's logo or cover image.
pub async fn remove_image(
    state: &AppState,
    me: &CurrentRecruiter,
    purpose: ImagePurpose,
) -> Result<PortalSettings, AppError> {
    let org = uploads::remove(&state.db, me.organization_id(), purpose).await?;
    Ok(view(state, &org, me.role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_optional_fields_mean_the_default() {
        assert_eq!(parse_display_name("   ").ok(), Some(None));
        assert_eq!(parse_brand_color("").ok(), Some(None));
    }

    #[test]
    fn fields_are_normalised() {
        assert_eq!(
            parse_display_name("  Acme Careers ")
                .ok()
                .flatten()
                .as_deref(),
            Some("Acme Careers")
        );
        assert_eq!(
            parse_brand_color("#ABC").ok().flatten().as_deref(),
            Some("#aabbcc")
        );
        assert_eq!(
            parse_subdomain(" acme-jobs ").ok().map(|s| s.to_string()),
            Some("acme-jobs".into())
        );
    }

    #[test]
    fn errors_name_their_field() {
        fn field<T>(r: Result<T, AppError>) -> Option<String> {
            r.err().and_then(|e| e.field().map(str::to_owned))
        }
        assert_eq!(
            field(parse_display_name("a\nb")),
            Some("display_name".into())
        );
        assert_eq!(field(parse_brand_color("#12")), Some("brand_color".into()));
        assert_eq!(field(parse_subdomain("ab")), Some("subdomain".into()));
    }
}
