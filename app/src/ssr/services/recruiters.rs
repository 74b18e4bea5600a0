//! Dashboard accounts: creating recruiters, listing them, changing roles,
//! disabling (which ends their sessions at once).

use crate::domain::{Role, normalize_email};
use crate::error::AppError;
use crate::ssr::auth::{Audience, sessions};
use crate::ssr::entities::dashboard::recruiter;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    SqlErr,
};

/// What `create` needs.
#[derive(Debug, Clone)]
pub struct NewRecruiter {
    pub organization_id: i64,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    pub greenhouse_user_id: Option<i64>,
}

fn taken(email: &str) -> AppError {
    AppError::conflict(
        "email",
        format!("{email} already has a Trellis account (one account per email on this instance)."),
    )
}

/// Creates a recruiter; the email must be new on this instance.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    new: NewRecruiter,
) -> Result<recruiter::Model, AppError> {
    let email = normalize_email(&new.email).map_err(|m| AppError::invalid("email", m))?;
    let name = new
        .name
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if let Some(name) = &name
        && (name.chars().count() > 120 || name.chars().any(char::is_control))
    {
        return Err(AppError::invalid(
            "name",
            "Use at most 120 characters, on one line.",
        ));
    }
    if find_by_email(db, &email).await?.is_some() {
        return Err(taken(&email));
    }
    let now = chrono::Utc::now();
    let model = recruiter::ActiveModel {
        organization_id: Set(new.organization_id),
        email: Set(email.clone()),
        name: Set(name),
        role: Set(new.role.as_str().to_owned()),
        greenhouse_user_id: Set(new.greenhouse_user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    match model.insert(db).await {
        Ok(created) => Ok(created),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(taken(&email))
        }
        Err(err) => Err(err.into()),
    }
}

/// The account with this (already normalised) email.
pub async fn find_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<recruiter::Model>, AppError> {
    Ok(recruiter::Entity::find()
        .filter(recruiter::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// Every recruiter of an organization, by email.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
) -> Result<Vec<recruiter::Model>, AppError> {
    Ok(recruiter::Entity::find()
        .filter(recruiter::Column::OrganizationId.eq(organization_id))
        .order_by_asc(recruiter::Column::Email)
        .all(db)
        .await?)
}

/// One recruiter of `organization_id`; another organization's id is "not found".
pub async fn get<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    recruiter_id: i64,
) -> Result<recruiter::Model, AppError> {
    recruiter::Entity::find_by_id(recruiter_id)
        .filter(recruiter::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("That recruiter"))
}

/// How many enabled admins an organization has.
async fn enabled_admins<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
) -> Result<usize, AppError> {
    Ok(list(db, organization_id)
        .await?
        .into_iter()
        .filter(|r| r.disabled_at.is_none() && r.role == Role::Admin.as_str())
        .count())
}

/// Whether changing `target` would leave the organization without an admin.
async fn would_orphan<C: ConnectionTrait>(
    db: &C,
    target: &recruiter::Model,
) -> Result<bool, AppError> {
    let is_admin = target.role == Role::Admin.as_str() && target.disabled_at.is_none();
    Ok(is_admin && enabled_admins(db, target.organization_id).await? <= 1)
}

/// Changes a recruiter's role and link to a Greenhouse user. The last
/// admin cannot be demoted. Their sessions end, so the new role applies at
/// once and from a fresh sign-in.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    recruiter_id: i64,
    role: Role,
    greenhouse_user_id: Option<i64>,
) -> Result<recruiter::Model, AppError> {
    let target = get(db, organization_id, recruiter_id).await?;
    if role != Role::Admin && would_orphan(db, &target).await? {
        return Err(AppError::invalid(
            "role",
            "This is the organization's only admin; make someone else an admin first.",
        ));
    }
    let role_changed = target.role != role.as_str();
    let mut active: recruiter::ActiveModel = target.into();
    active.role = Set(role.as_str().to_owned());
    active.greenhouse_user_id = Set(greenhouse_user_id);
    active.updated_at = Set(chrono::Utc::now());
    let updated = active.update(db).await?;
    if role_changed {
        sessions::end_all(db, Audience::Recruiter, recruiter_id).await?;
    }
    Ok(updated)
}

/// Disables (ending every session) or re-enables an account. The last
/// admin cannot be disabled.
pub async fn set_disabled<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    recruiter_id: i64,
    disabled: bool,
) -> Result<recruiter::Model, AppError> {
    let target = get(db, organization_id, recruiter_id).await?;
    if disabled && would_orphan(db, &target).await? {
        return Err(AppError::invalid(
            "disabled",
            "This is the organization's only admin; it cannot be disabled.",
        ));
    }
    let now = chrono::Utc::now();
    let mut active: recruiter::ActiveModel = target.into();
    active.disabled_at = Set(disabled.then_some(now));
    active.updated_at = Set(now);
    let updated = active.update(db).await?;
    if disabled {
        sessions::end_all(db, Audience::Recruiter, recruiter_id).await?;
    }
    Ok(updated)
}
