//! The Users page: admins invite recruiters, change roles and Greenhouse
//! links, disable accounts and end sessions.

use crate::domain::Role;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    pub greenhouse_user_id: Option<i64>,
    pub disabled: bool,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// The signed-in admin's own row.
    pub is_me: bool,
}

/// A synced Greenhouse user a recruiter can be linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GreenhouseUserOption {
    pub id: i64,
    pub label: String,
    pub site_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsersView {
    pub users: Vec<UserRow>,
    pub greenhouse_users: Vec<GreenhouseUserOption>,
}

#[server(endpoint = "get_users")]
pub async fn get_users() -> Result<UsersView, AppError> {
    use crate::ssr::{services::recruiters, with_recruiter};
    with_recruiter(Role::Admin, "managing users", |state, me| async move {
        recruiters::users_view(&state.db, &me).await
    })
    .await
}

/// An empty form value means "not linked".
#[cfg(feature = "ssr")]
fn parse_greenhouse_user(value: &str) -> Result<Option<i64>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value.parse().map(Some).map_err(|_| {
        AppError::invalid(
            "greenhouse_user_id",
            "Choose a Greenhouse user from the list.",
        )
    })
}

#[cfg(feature = "ssr")]
fn parse_role(value: &str) -> Result<Role, AppError> {
    Role::parse(value).ok_or_else(|| AppError::invalid("role", "Choose admin, editor or viewer."))
}

/// Creates an account and emails the person where to sign in.
#[server(endpoint = "invite_user")]
pub async fn invite_user(
    email: String,
    name: String,
    role: String,
    greenhouse_user_id: String,
) -> Result<(), AppError> {
    use crate::ssr::{services::recruiters, with_recruiter};
    with_recruiter(Role::Admin, "inviting users", |state, me| async move {
        let role = parse_role(&role)?;
        let greenhouse_user_id = parse_greenhouse_user(&greenhouse_user_id)?;
        recruiters::invite(&state, &me, &email, &name, role, greenhouse_user_id).await
    })
    .await
}

#[server(endpoint = "update_user")]
pub async fn update_user(
    recruiter_id: i64,
    role: String,
    greenhouse_user_id: String,
) -> Result<(), AppError> {
    use crate::ssr::{services::recruiters, with_recruiter};
    with_recruiter(Role::Admin, "changing roles", |state, me| async move {
        let role = parse_role(&role)?;
        let greenhouse_user_id = parse_greenhouse_user(&greenhouse_user_id)?;
        recruiters::update(
            &state.db,
            me.organization_id(),
            recruiter_id,
            role,
            greenhouse_user_id,
        )
        .await
        .map(|_| ())
    })
    .await
}

#[server(endpoint = "set_user_disabled")]
pub async fn set_user_disabled(recruiter_id: i64, disabled: bool) -> Result<(), AppError> {
    use crate::ssr::{services::recruiters, with_recruiter};
    with_recruiter(Role::Admin, "disabling users", |state, me| async move {
        if disabled && recruiter_id == me.recruiter.id {
            return Err(AppError::invalid(
                "disabled",
                "You cannot disable your own account.",
            ));
        }
        recruiters::set_disabled(&state.db, me.organization_id(), recruiter_id, disabled)
            .await
            .map(|_| ())
    })
    .await
}

/// Ends every session of one recruiter ("sign out everywhere").
#[server(endpoint = "end_user_sessions")]
pub async fn end_user_sessions(recruiter_id: i64) -> Result<(), AppError> {
    use crate::ssr::{services::recruiters, with_recruiter};
    with_recruiter(Role::Admin, "signing users out", |state, me| async move {
        recruiters::end_sessions(&state.db, me.organization_id(), recruiter_id).await
    })
    .await
}
