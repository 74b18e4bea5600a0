//! `trellis admin create`: the first dashboard account of an organization
//! (and any later one, with `--role`).

use super::CommandError;
use app::{
    domain::Role,
    ssr::services::{
        organizations,
        recruiters::{self, NewRecruiter},
    },
};
use sea_orm::DatabaseConnection;
use url::Url;

pub struct CreateArgs {
    pub org: String,
    pub email: String,
    pub role: Role,
    pub name: Option<String>,
}

/// Creates the account and says where to sign in.
pub async fn create(
    db: &DatabaseConnection,
    public_url: &Url,
    args: CreateArgs,
) -> Result<(), CommandError> {
    let organization = organizations::find_by_slug(db, &args.org)
        .await?
        .ok_or_else(|| CommandError::UnknownOrganization(args.org.clone()))?;
    let recruiter = recruiters::create(
        db,
        NewRecruiter {
            organization_id: organization.id,
            email: args.email,
            name: args.name,
            role: args.role,
            greenhouse_user_id: None,
        },
    )
    .await?;
    let sign_in = public_url
        .join("/admin/sign-in")
        .map(|u| u.to_string())
        .unwrap_or_default();
    println!(
        "Created {} {} for “{}”.",
        args.role.label().to_lowercase(),
        recruiter.email,
        organization.name
    );
    println!("Sign in at {sign_in} with that address; a link and a code arrive by email.");
    Ok(())
}
