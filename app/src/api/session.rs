//! Who is signed in to the dashboard.

use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in recruiter, as the dashboard shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub recruiter_id: i64,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    pub organization_name: String,
    pub organization_slug: String,
    /// Whether mail goes to the dev mailbox (demo and development).
    pub dev_mailbox: bool,
}

impl Me {
    /// Whether controls that need `role` should be offered (the server
    /// refuses anyway).
    pub fn can(&self, role: Role) -> bool {
        self.role.allows(role)
    }
}

/// The recruiter behind this request's session; `Unauthenticated` if none.
#[server(endpoint = "get_me")]
pub async fn get_me() -> Result<Me, AppError> {
    use crate::ssr::with_recruiter;
    with_recruiter(
        Role::Viewer,
        "viewing the dashboard",
        |state, me| async move {
            Ok(Me {
                recruiter_id: me.recruiter.id,
                email: me.recruiter.email,
                name: me.recruiter.name,
                role: me.role,
                organization_name: me.organization.name,
                organization_slug: me.organization.slug,
                dev_mailbox: state.dev_mailbox,
            })
        },
    )
    .await
}
