//! `trellis greenhouse connect`: test Greenhouse credentials, then store them
//! encrypted for the organization.

use super::{CommandError, find_organization};
use crate::{
    connections::{self, ConnectError, NewConnection},
    harvest::{Credentials, Refusal, Secret},
    secrets::MasterKey,
};
use sea_orm::DatabaseConnection;
use url::Url;

/// What `greenhouse connect` was given.
pub struct ConnectArgs {
    pub org: String,
    pub credentials: Credentials,
    pub base_url: Url,
    pub webhook_secret: Option<String>,
}

/// Tests the credentials against Greenhouse (a token, then every endpoint),
/// and stores them only when they work.
pub async fn connect(
    db: &DatabaseConnection,
    master_key: &MasterKey,
    public_url: &Url,
    args: ConnectArgs,
) -> Result<(), CommandError> {
    let organization = find_organization(db, &args.org).await?;
    let version = args.credentials.version();
    eprintln!(
        "Testing the Harvest {} credentials against {}…",
        version.as_str(),
        args.base_url
    );
    let (webhook_secret, generated) = match args.webhook_secret {
        Some(secret) if secret.len() >= 16 => (secret, false),
        Some(_) => {
            return Err(CommandError::Invalid(
                "--webhook-secret must be at least 16 characters".to_owned(),
            ));
        }
        None => (hex::encode(rand::random::<[u8; 24]>()), true),
    };
    connections::connect(
        db,
        master_key,
        organization.id,
        &NewConnection {
            credentials: args.credentials,
            base_url: args.base_url,
            webhook_secret: Secret::new(webhook_secret.clone()),
        },
    )
    .await
    .map_err(|error| match error {
        ConnectError::Refused(refusals) => match Refusal::into_result(refusals) {
            Err(error) => CommandError::Harvest(error),
            Ok(()) => CommandError::Invalid("Greenhouse refused the credential".to_owned()),
        },
        ConnectError::Harvest(error) => CommandError::Harvest(error),
        ConnectError::Database(error) => CommandError::Database(error),
    })?;
    println!(
        "Connected {} to Greenhouse (Harvest {}): every resource answered. The credentials are stored encrypted.",
        organization.name,
        version.as_str()
    );
    println!("Next: trellis sync --org {} --full", organization.slug);
    let endpoint = public_url
        .join(&format!("webhooks/greenhouse/{}", organization.slug))
        .map(|u| u.to_string())
        .unwrap_or_default();
    println!(
        "Webhooks (optional, for instant deletions): in Greenhouse, add a web hook to {endpoint}"
    );
    if generated {
        println!(
            "  with this secret key (shown once; pass --webhook-secret to choose your own): {webhook_secret}"
        );
    } else {
        println!("  with the secret key you passed as --webhook-secret.");
    }
    Ok(())
}
