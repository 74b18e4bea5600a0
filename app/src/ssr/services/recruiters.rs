//! Dashboard accounts: creating recruiters, listing them, changing roles,
//! disabling (which ends their sessions at once).

use crate::api::users::{GreenhouseUserOption, UserRow, UsersView};
use crate::domain::{Role, normalize_email};
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::auth::{Audience, CurrentRecruiter, sessions};
use crate::ssr::entities::{dashboard::recruiter, greenhouse::users};
use crate::ssr::mail::OutgoingEmail;
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
/// admin cannot be demoted. Sessions read the role on every request, so the
/// change applies at once.
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
    let mut active: recruiter::ActiveModel = target.into();
    active.role = Set(role.as_str().to_owned());
    active.greenhouse_user_id = Set(greenhouse_user_id);
    active.updated_at = Set(chrono::Utc::now());
    Ok(active.update(db).await?)
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

/// The Users page: the organization's recruiters and the Greenhouse users
/// they can be linked to.
pub async fn users_view<C: ConnectionTrait>(
    db: &C,
    me: &CurrentRecruiter,
) -> Result<UsersView, AppError> {
    let users = list(db, me.organization_id())
        .await?
        .into_iter()
        .map(|r| UserRow {
            is_me: r.id == me.recruiter.id,
            id: r.id,
            role: Role::parse(&r.role).unwrap_or(Role::Viewer),
            email: r.email,
            name: r.name,
            greenhouse_user_id: r.greenhouse_user_id,
            disabled: r.disabled_at.is_some(),
            last_sign_in_at: r.last_sign_in_at,
        })
        .collect();
    let greenhouse_users = users::Entity::find()
        .filter(users::Column::OrganizationId.eq(me.organization_id()))
        .filter(users::Column::Deactivated.eq(false))
        .order_by_asc(users::Column::Name)
        .order_by_asc(users::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|user| GreenhouseUserOption {
            label: format!(
                "{} <{}>{}",
                user.name
                    .clone()
                    .unwrap_or_else(|| format!("User {}", user.id)),
                user.primary_email,
                if user.site_admin {
                    " · site admin"
                } else {
                    ""
                }
            ),
            id: user.id,
            site_admin: user.site_admin,
        })
        .collect();
    Ok(UsersView {
        users,
        greenhouse_users,
    })
}

/// Creates an account in the admin's organization and tells the person.
pub async fn invite(
    state: &AppState,
    me: &CurrentRecruiter,
    email: &str,
    name: &str,
    role: Role,
    greenhouse_user_id: Option<i64>,
) -> Result<(), AppError> {
    let created = create(
        &state.db,
        NewRecruiter {
            organization_id: me.organization_id(),
            email: email.to_owned(),
            name: Some(name.to_owned()),
            role,
            greenhouse_user_id,
        },
    )
    .await?;
    let sign_in = state
        .public_url
        .join("/admin/sign-in")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let inviter = me
        .recruiter
        .name
        .clone()
        .unwrap_or_else(|| me.recruiter.email.clone());
    let organization = &me.organization.name;
    state.outbox.send(OutgoingEmail {
        organization_id: Some(me.organization_id()),
        to: created.email.clone(),
        subject: format!("You are invited to {organization} on Trellis"),
        text: format!(
            "{inviter} invited you to {organization}'s candidate portal dashboard on Trellis, \
             as {role}.\n\nSign in with this email address at {sign_in}\n\
             You will get a sign-in link by email; there is no password.\n",
            role = role.label().to_lowercase()
        ),
        html: None,
    });
    Ok(())
}

/// Ends every session of a recruiter of `organization_id`.
pub async fn end_sessions<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    recruiter_id: i64,
) -> Result<(), AppError> {
    let target = get(db, organization_id, recruiter_id).await?;
    sessions::end_all(db, Audience::Recruiter, target.id).await?;
    Ok(())
}
