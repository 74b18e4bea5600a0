//! `trellis greenhouse connect`: test Greenhouse credentials, then store them
//! encrypted for the organization.

use super::{CommandError, find_organization};
use crate::{
    connections::{self, NewConnection},
    harvest::{self, ClientOptions, Credentials, Harvest, Secret},
    secrets::MasterKey,
};
use sea_orm::DatabaseConnection;
use std::time::Duration;
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
    // A person is waiting: fail fast on an unreachable host.
    let options = ClientOptions {
        max_attempts: 3,
        request_timeout: Duration::from_secs(15),
        ..ClientOptions::default()
    };
    let client = harvest::Client::new(args.credentials.clone(), args.base_url.clone(), options)?;
    client.verify().await?;
    let (webhook_secret, generated) = match args.webhook_secret {
        Some(secret) if secret.len() >= 16 => (secret, false),
        Some(_) => {
            return Err(CommandError::Invalid(
                "--webhook-secret must be at least 16 characters".to_owned(),
            ));
        }
        None => (hex::encode(rand::random::<[u8; 24]>()), true),
    };
    connections::save(
        db,
        master_key,
        organization.id,
        &NewConnection {
            credentials: args.credentials,
            base_url: args.base_url,
            webhook_secret: Secret::new(webhook_secret.clone()),
        },
    )
    .await?;
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
