use crate::api::organizations::Overview;
use crate::domain::Subdomain;
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::entities::organization::{self, Entity as Organization};
use crate::ssr::links;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set, SqlErr,
};

pub const NAME_MAX_CHARS: usize = 120;

/// A display name: trimmed, 1–120 characters, no control characters.
pub fn parse_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "Enter the organization's name."));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(AppError::invalid(
            "name",
            format!("Use at most {NAME_MAX_CHARS} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "Remove line breaks and other control characters.",
        ));
    }
    Ok(name.to_owned())
}

/// Creates an organization whose portal subdomain starts out equal to its slug.
pub async fn create(
    db: &impl ConnectionTrait,
    slug: &str,
    name: &str,
) -> Result<organization::Model, AppError> {
    let slug = Subdomain::parse(slug).map_err(|e| AppError::invalid("slug", e.to_string()))?;
    let name = parse_name(name)?;
    let taken = Organization::find()
        .filter(
            Condition::any()
                .add(organization::Column::Slug.eq(slug.as_str()))
                .add(organization::Column::Subdomain.eq(slug.as_str())),
        )
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(taken_slug(&slug));
    }
    let now = chrono::Utc::now();
    let model = organization::ActiveModel {
        slug: Set(slug.to_string()),
        name: Set(name),
        subdomain: Set(slug.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    match model.insert(db).await {
        Ok(created) => Ok(created),
        // Another process took the slug between our check and the insert.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(taken_slug(&slug))
        }
        Err(err) => Err(err.into()),
    }
}

fn taken_slug(slug: &Subdomain) -> AppError {
    AppError::conflict(
        "slug",
        format!("An organization with the slug “{slug}” already exists."),
    )
}

pub async fn find_by_subdomain(
    db: &impl ConnectionTrait,
    subdomain: &str,
) -> Result<Option<organization::Model>, AppError> {
    Ok(Organization::find()
        .filter(organization::Column::Subdomain.eq(subdomain))
        .one(db)
        .await?)
}

pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<organization::Model>, AppError> {
    Ok(Organization::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// What the dashboard's overview shows about one organization, counting
/// only the jobs the recruiter may see.
pub async fn overview(
    state: &AppState,
    me: &crate::ssr::auth::CurrentRecruiter,
) -> Result<Overview, AppError> {
    let organization = &me.organization;
    let visible = super::jobs::visibility(&state.db, me).await?;
    use crate::ssr::entities::dashboard::{portal, recruiter};
    use crate::ssr::entities::greenhouse::jobs;
    use crate::ssr::entities::sync::{greenhouse_connection, sync_run};
    use sea_orm::PaginatorTrait;
    let db = &state.db;
    let id = organization.id;
    let connection = greenhouse_connection::Entity::find_by_id(id)
        .one(db)
        .await?;
    let last_run = sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(id))
        .filter(sync_run::Column::Status.eq("completed"))
        .order_by_desc(sync_run::Column::FinishedAt)
        .one(db)
        .await?;
    Ok(Overview {
        name: organization.name.clone(),
        slug: organization.slug.clone(),
        portal_url: links::portal_subdomain_url(&state.public_url, &organization.subdomain),
        portal_path_url: links::portal_path_url(&state.public_url, &organization.subdomain),
        greenhouse_api: connection.as_ref().map(|c| c.api_version.clone()),
        greenhouse_status: connection.map(|c| c.status),
        data_as_of: last_run.and_then(|run| run.finished_at),
        jobs: jobs::Entity::find()
            .filter(jobs::Column::OrganizationId.eq(id))
            .filter(visible.condition())
            .count(db)
            .await?,
        active_portals: portal::Entity::find()
            .filter(portal::Column::OrganizationId.eq(id))
            .filter(portal::Column::Active.eq(true))
            .count(db)
            .await?,
        recruiters: recruiter::Entity::find()
            .filter(recruiter::Column::OrganizationId.eq(id))
            .filter(recruiter::Column::DisabledAt.is_null())
            .count(db)
            .await?,
        checked_at: chrono::Utc::now(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  Acme  ").ok().as_deref(), Some("Acme"));
        assert_eq!(
            parse_name("   ").map_err(|e| e.field().map(str::to_owned)),
            Err(Some("name".into()))
        );
        assert!(parse_name(&"x".repeat(NAME_MAX_CHARS)).is_ok());
        assert!(parse_name(&"x".repeat(NAME_MAX_CHARS + 1)).is_err());
        assert!(parse_name("Acme\nRobotics").is_err());
        assert_eq!(parse_name("شركة أكمي").ok().as_deref(), Some("شركة أكمي"));
    }
}
