//! An organization's Greenhouse connection: the Harvest credentials and the
//! webhook secret, stored sealed with the master key (`greenhouse_connections`).

use crate::{
    harvest::{
        self, ApiVersion, ClientOptions, Credentials, Harvest, HarvestError, Refusal, Secret,
    },
    secrets::MasterKey,
};
use app::ssr::entities::sync::greenhouse_connection;
use chrono::Utc;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::OnConflict,
};
use url::Url;

/// The sealing purpose of the v3 client secret or the v1 API key.
pub const GREENHOUSE_SECRET: &str = "greenhouse-secret";
/// The sealing purpose of the key Greenhouse signs webhooks with.
pub const WEBHOOK_SECRET: &str = "webhook-secret";
/// A connection Greenhouse accepts (or has not refused yet).
pub const STATUS_OK: &str = "ok";
/// A connection whose credential Greenhouse refused: syncs pause until it is reconnected.
pub const STATUS_INVALID: &str = "invalid";

/// What `greenhouse connect` stores.
#[derive(Clone, Debug)]
pub struct NewConnection {
    pub credentials: Credentials,
    /// The API host root.
    pub base_url: Url,
    pub webhook_secret: Secret,
}

/// A stored connection, secrets opened. `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct StoredConnection {
    pub organization_id: i64,
    pub credentials: Credentials,
    pub base_url: Url,
    pub webhook_secret: Secret,
    /// `ok` or `invalid`.
    pub status: String,
    pub status_message: Option<String>,
}

impl StoredConnection {
    /// The Harvest version the credentials are for.
    pub fn api_version(&self) -> ApiVersion {
        self.credentials.version()
    }

    /// A Harvest client for these credentials, with the default options.
    pub fn client(&self) -> Result<harvest::Client, HarvestError> {
        harvest::Client::new(
            self.credentials.clone(),
            self.base_url.clone(),
            ClientOptions::default(),
        )
    }
}

/// Why a stored connection cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    #[error(
        "the Greenhouse credentials of organization {organization_id} cannot be decrypted: the master key changed since they were stored. Restore the previous TRELLIS_MASTER_KEY, or reconnect with `trellis greenhouse connect`"
    )]
    Undecryptable { organization_id: i64 },
    #[error("the stored Greenhouse connection is damaged: {0}")]
    Corrupt(String),
}

/// Why [`connect`] stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Greenhouse answered, but refused these endpoints: scopes (v3) or
    /// permissions (v1) are missing.
    #[error("{}", refused_message(.0))]
    Refused(Vec<Refusal>),
    /// A wrong secret or key, an unreachable host, an unexpected answer.
    #[error(transparent)]
    Harvest(#[from] HarvestError),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

fn refused_message(refusals: &[Refusal]) -> String {
    match Refusal::into_result(refusals.to_vec()) {
        Err(error) => error.to_string(),
        Ok(()) => String::new(),
    }
}

/// The client options of a credential check: a person is waiting, so an
/// unreachable host fails fast.
pub fn check_options() -> ClientOptions {
    ClientOptions {
        max_attempts: 3,
        request_timeout: std::time::Duration::from_secs(15),
        ..ClientOptions::default()
    }
}

/// Tests credentials against Greenhouse without storing anything: a token
/// (v3), then one row of every list Trellis reads. `Ok` holds the endpoints
/// refused for a missing scope or permission (empty when all answered).
pub async fn check(
    credentials: &Credentials,
    base_url: &Url,
) -> Result<Vec<Refusal>, HarvestError> {
    harvest::Client::new(credentials.clone(), base_url.clone(), check_options())?
        .check_access()
        .await
}

/// Tests the credentials and stores them only when every endpoint answered
/// (`greenhouse connect` and the dashboard's Integrations page).
pub async fn connect(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    organization_id: i64,
    conn: &NewConnection,
) -> Result<(), ConnectError> {
    let refusals = check(&conn.credentials, &conn.base_url).await?;
    if !refusals.is_empty() {
        return Err(ConnectError::Refused(refusals));
    }
    save(db, key, organization_id, conn).await?;
    Ok(())
}

/// Stores (or replaces) the organization's connection, secrets sealed; its
/// status becomes `ok`.
pub async fn save(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    organization_id: i64,
    conn: &NewConnection,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let (api_version, token_url, client_id, user_id, secret) = match &conn.credentials {
        Credentials::V3 {
            client_id,
            client_secret,
            user_id,
            token_url,
        } => (
            ApiVersion::V3,
            Some(token_url.to_string()),
            Some(client_id.clone()),
            *user_id,
            client_secret,
        ),
        Credentials::V1 { api_key } => (ApiVersion::V1, None, None, None, api_key),
    };
    let row = greenhouse_connection::ActiveModel {
        organization_id: Set(organization_id),
        api_version: Set(api_version.as_str().to_owned()),
        base_url: Set(conn.base_url.to_string()),
        token_url: Set(token_url),
        client_id: Set(client_id),
        user_id: Set(user_id),
        secret_ciphertext: Set(key.seal(
            organization_id,
            GREENHOUSE_SECRET,
            secret.expose().as_bytes(),
        )),
        webhook_secret_ciphertext: Set(key.seal(
            organization_id,
            WEBHOOK_SECRET,
            conn.webhook_secret.expose().as_bytes(),
        )),
        status: Set(STATUS_OK.to_owned()),
        status_message: Set(None),
        checked_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    use greenhouse_connection::Column as C;
    greenhouse_connection::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::OrganizationId)
                .update_columns([
                    C::ApiVersion,
                    C::BaseUrl,
                    C::TokenUrl,
                    C::ClientId,
                    C::UserId,
                    C::SecretCiphertext,
                    C::WebhookSecretCiphertext,
                    C::Status,
                    C::StatusMessage,
                    C::CheckedAt,
                    C::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The organization's connection with its secrets opened, if it has one.
pub async fn load(
    db: &impl ConnectionTrait,
    key: &MasterKey,
    organization_id: i64,
) -> Result<Option<StoredConnection>, ConnectionError> {
    let Some(row) = greenhouse_connection::Entity::find_by_id(organization_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let open = |purpose: &str, sealed: &[u8]| -> Result<Secret, ConnectionError> {
        let bytes = key
            .open(organization_id, purpose, sealed)
            .map_err(|_| ConnectionError::Undecryptable { organization_id })?;
        String::from_utf8(bytes)
            .map(Secret::new)
            .map_err(|_| ConnectionError::Corrupt(format!("the {purpose} is not text")))
    };
    let parse_url = |what: &str, value: &str| {
        Url::parse(value).map_err(|error| {
            ConnectionError::Corrupt(format!("the {what} “{value}” is not a URL ({error})"))
        })
    };
    let secret = open(GREENHOUSE_SECRET, &row.secret_ciphertext)?;
    let webhook_secret = open(WEBHOOK_SECRET, &row.webhook_secret_ciphertext)?;
    let credentials = match ApiVersion::parse(&row.api_version) {
        Some(ApiVersion::V3) => {
            let (Some(client_id), Some(token_url)) = (row.client_id, row.token_url) else {
                return Err(ConnectionError::Corrupt(
                    "a Harvest v3 connection without its client id or token URL".to_owned(),
                ));
            };
            Credentials::V3 {
                client_id,
                client_secret: secret,
                user_id: row.user_id,
                token_url: parse_url("token URL", &token_url)?,
            }
        }
        Some(ApiVersion::V1) => Credentials::V1 { api_key: secret },
        None => {
            return Err(ConnectionError::Corrupt(format!(
                "unknown Harvest API version “{}”",
                row.api_version
            )));
        }
    };
    Ok(Some(StoredConnection {
        organization_id,
        credentials,
        base_url: parse_url("base URL", &row.base_url)?,
        webhook_secret,
        status: row.status,
        status_message: row.status_message,
    }))
}

/// Records that Greenhouse refused the credential (syncs pause).
pub async fn mark_invalid(
    db: &impl ConnectionTrait,
    organization_id: i64,
    message: &str,
) -> Result<(), DbErr> {
    set_status(
        db,
        organization_id,
        STATUS_INVALID,
        Some(message.to_owned()),
    )
    .await
}

/// Records that Greenhouse accepted the credential.
pub async fn mark_ok(db: &impl ConnectionTrait, organization_id: i64) -> Result<(), DbErr> {
    set_status(db, organization_id, STATUS_OK, None).await
}

async fn set_status(
    db: &impl ConnectionTrait,
    organization_id: i64,
    status: &str,
    message: Option<String>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    greenhouse_connection::Entity::update_many()
        .set(greenhouse_connection::ActiveModel {
            organization_id: NotSet,
            status: Set(status.to_owned()),
            status_message: Set(message),
            checked_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(greenhouse_connection::Column::OrganizationId.eq(organization_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The ids of every organization with a stored connection, ascending.
pub async fn organizations_with_connection(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    greenhouse_connection::Entity::find()
        .select_only()
        .column(greenhouse_connection::Column::OrganizationId)
        .order_by_asc(greenhouse_connection::Column::OrganizationId)
        .into_tuple::<i64>()
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(credentials: Credentials) -> StoredConnection {
        StoredConnection {
            organization_id: 1,
            credentials,
            base_url: Url::parse("https://harvest.greenhouse.io").unwrap_or_else(|e| panic!("{e}")),
            webhook_secret: Secret::new("webhook-secret-value"),
            status: STATUS_OK.to_owned(),
            status_message: None,
        }
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let v3 = stored(Credentials::V3 {
            client_id: "client".to_owned(),
            client_secret: Secret::new("client-secret-value"),
            user_id: Some(5),
            token_url: Url::parse("https://auth.greenhouse.io/token")
                .unwrap_or_else(|e| panic!("{e}")),
        });
        let v1 = stored(Credentials::V1 {
            api_key: Secret::new("api-key-value"),
        });
        assert_eq!(v3.api_version(), ApiVersion::V3);
        assert_eq!(v1.api_version(), ApiVersion::V1);
        let shown = format!("{v3:?} {v1:?}");
        for secret in [
            "client-secret-value",
            "api-key-value",
            "webhook-secret-value",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("client"), "{shown}");
    }

    #[test]
    fn the_undecryptable_error_says_what_to_do() {
        let message = ConnectionError::Undecryptable { organization_id: 4 }.to_string();
        assert!(message.contains("master key changed"), "{message}");
        assert!(message.contains("reconnect"), "{message}");
    }
}
