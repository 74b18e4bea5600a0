//! The Integrations page's Greenhouse operations
//! ([`app::ssr::greenhouse::GreenhouseGateway`]): testing and saving a
//! connection with the same check `trellis greenhouse connect` uses, opening
//! the stored secrets for an admin's page, and "Sync now".

use crate::{
    connections::{self, ConnectError, ConnectionError, NewConnection, StoredConnection},
    harvest::{ApiVersion, Credentials, HarvestError, Refusal, Secret},
    secrets::MasterKey,
    sync::{
        PortalInvites, lease,
        runner::{self, SyncError, SyncKind, SyncOptions, Trigger},
    },
};
use app::{
    api::integrations::{
        ACCESS_FIELD, ConnectionForm, ConnectionOutcome, DEFAULT_BASE_URL, DEFAULT_TOKEN_URL,
        SyncStarted,
    },
    error::AppError,
    ssr::{
        entities::sync::sync_run,
        error_reference,
        greenhouse::{GatewayFuture, GreenhouseGateway, StoredSecrets, secret_hint},
    },
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::{sync::Arc, time::Duration};
use url::Url;

/// The longest a secret, key or id may be.
const MAX_FIELD_CHARS: usize = 1000;
/// How long "Sync now" waits for the run to start before answering anyway.
const START_WAIT: Duration = Duration::from_secs(10);

/// The `server` crate's [`GreenhouseGateway`].
#[derive(Clone)]
pub struct Integrations {
    db: DatabaseConnection,
    master_key: Arc<MasterKey>,
    /// Where "Sync now" runs send portal invites (none when unset).
    invites: Option<PortalInvites>,
}

impl Integrations {
    pub fn new(db: DatabaseConnection, master_key: Arc<MasterKey>) -> Integrations {
        Integrations {
            db,
            master_key,
            invites: None,
        }
    }

    /// As the application state holds it.
    pub fn shared(
        db: DatabaseConnection,
        master_key: Arc<MasterKey>,
    ) -> Arc<dyn GreenhouseGateway> {
        Arc::new(Integrations::new(db, master_key))
    }

    /// As `trellis serve` holds it: "Sync now" sends portal invites.
    pub fn shared_with_invites(
        db: DatabaseConnection,
        master_key: Arc<MasterKey>,
        invites: PortalInvites,
    ) -> Arc<dyn GreenhouseGateway> {
        Arc::new(Integrations {
            invites: Some(invites),
            ..Integrations::new(db, master_key)
        })
    }

    /// The organization's stored connection; `None` also when its secrets
    /// no longer open (the master key changed: the admin enters them again).
    async fn stored(&self, organization_id: i64) -> Result<Option<StoredConnection>, AppError> {
        match connections::load(&self.db, &self.master_key, organization_id).await {
            Ok(stored) => Ok(stored),
            Err(ConnectionError::Database(error)) => Err(error.into()),
            Err(error) => {
                tracing::warn!(organization_id, %error, "the stored Greenhouse connection cannot be used");
                Ok(None)
            }
        }
    }

    /// The credentials and API host `form` describes, with the stored secret
    /// when the form leaves it empty.
    async fn parse(
        &self,
        organization_id: i64,
        form: &ConnectionForm,
    ) -> Result<(Credentials, Url, Option<StoredConnection>), AppError> {
        let version = match form.api_version.trim() {
            "v3" | "" => ApiVersion::V3,
            "v1" => ApiVersion::V1,
            _ => {
                return Err(AppError::invalid(
                    "api_version",
                    "Choose Harvest v3 or the legacy Harvest v1.",
                ));
            }
        };
        let base_url = parse_url("base_url", "API address", &form.base_url, DEFAULT_BASE_URL)?;
        let stored = self.stored(organization_id).await?;
        let stored_secret = |wanted: ApiVersion| {
            stored
                .as_ref()
                .and_then(|s| match (&s.credentials, wanted) {
                    (Credentials::V3 { client_secret, .. }, ApiVersion::V3) => {
                        Some(client_secret.clone())
                    }
                    (Credentials::V1 { api_key }, ApiVersion::V1) => Some(api_key.clone()),
                    _ => None,
                })
        };
        let credentials = match version {
            ApiVersion::V3 => {
                let client_id = text_field("client_id", &form.client_id)?.ok_or_else(|| {
                    AppError::invalid(
                        "client_id",
                        "Enter the client id of the Harvest v3 credential.",
                    )
                })?;
                let client_secret = match text_field("client_secret", &form.client_secret)? {
                    Some(secret) => Secret::new(secret),
                    None => stored_secret(ApiVersion::V3).ok_or_else(|| {
                        AppError::invalid(
                            "client_secret",
                            "Enter the client secret of the Harvest v3 credential.",
                        )
                    })?,
                };
                let user_id = match form.user_id.trim() {
                    "" => None,
                    text => Some(text.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(
                        || {
                            AppError::invalid(
                                "user_id",
                                "Enter the Greenhouse user id as a number, such as 4080.",
                            )
                        },
                    )?),
                };
                let token_url =
                    parse_url("token_url", "token URL", &form.token_url, DEFAULT_TOKEN_URL)?;
                Credentials::V3 {
                    client_id,
                    client_secret,
                    user_id,
                    token_url,
                }
            }
            ApiVersion::V1 => {
                let api_key = match text_field("api_key", &form.api_key)? {
                    Some(key) => Secret::new(key),
                    None => stored_secret(ApiVersion::V1).ok_or_else(|| {
                        AppError::invalid("api_key", "Enter the Harvest v1 API key.")
                    })?,
                };
                Credentials::V1 { api_key }
            }
        };
        Ok((credentials, base_url, stored))
    }

    async fn test(
        &self,
        organization_id: i64,
        form: ConnectionForm,
    ) -> Result<ConnectionOutcome, AppError> {
        let (credentials, base_url, _) = self.parse(organization_id, &form).await?;
        let refusals = connections::check(&credentials, &base_url)
            .await
            .map_err(|error| explain(error, &credentials))?;
        if !refusals.is_empty() {
            return Err(refused(&refusals, &credentials, false));
        }
        Ok(ConnectionOutcome {
            saved: false,
            api_version: credentials.version().as_str().to_owned(),
            message: format!(
                "Greenhouse accepted the credentials: {} Nothing was saved yet.",
                everything_answered(&credentials)
            ),
        })
    }

    async fn save(
        &self,
        organization_id: i64,
        form: ConnectionForm,
    ) -> Result<ConnectionOutcome, AppError> {
        let (credentials, base_url, stored) = self.parse(organization_id, &form).await?;
        let webhook_secret = stored
            .map(|s| s.webhook_secret)
            .unwrap_or_else(|| Secret::new(hex::encode(rand::random::<[u8; 24]>())));
        let connection = NewConnection {
            credentials,
            base_url,
            webhook_secret,
        };
        connections::connect(&self.db, &self.master_key, organization_id, &connection)
            .await
            .map_err(|error| match error {
                ConnectError::Refused(refusals) => {
                    refused(&refusals, &connection.credentials, true)
                }
                ConnectError::Harvest(error) => explain(error, &connection.credentials),
                ConnectError::Database(error) => error.into(),
            })?;
        tracing::info!(
            organization_id,
            api_version = connection.credentials.version().as_str(),
            "Greenhouse connection saved from the dashboard"
        );
        Ok(ConnectionOutcome {
            saved: true,
            api_version: connection.credentials.version().as_str().to_owned(),
            message: format!(
                "Saved. Greenhouse accepted the credentials: {} Start the first sync with “Sync now”, or wait for the schedule.",
                everything_answered(&connection.credentials)
            ),
        })
    }

    async fn start_sync(&self, organization_id: i64, full: bool) -> Result<SyncStarted, AppError> {
        let connection = match connections::load(&self.db, &self.master_key, organization_id).await
        {
            Ok(Some(connection)) => connection,
            Ok(None) => {
                return Err(AppError::invalid(
                    "kind",
                    "Connect Greenhouse first: there is nothing to sync yet.",
                ));
            }
            Err(ConnectionError::Database(error)) => return Err(error.into()),
            Err(error) => return Err(AppError::invalid("kind", error.to_string())),
        };
        let client = connection.client().map_err(internal)?;
        let kind = if full {
            SyncKind::Full
        } else {
            SyncKind::Incremental
        };
        let options = SyncOptions {
            invites: self.invites.clone(),
            ..SyncOptions::new(kind, Trigger::Dashboard)
        };
        // Taken here so that a second click is refused at once; the run
        // takes it again as the same holder.
        if !lease::acquire(
            &self.db,
            organization_id,
            &options.holder,
            options.lease_ttl,
        )
        .await?
        {
            return Err(AppError::conflict(
                "kind",
                "A sync is already running; its progress is shown on this page.",
            ));
        }
        let (started, on_start) = tokio::sync::oneshot::channel::<()>();
        let db = self.db.clone();
        let was_invalid = connection.status == connections::STATUS_INVALID;
        let task = tokio::spawn(async move {
            let mut started = Some(started);
            let outcome = runner::run(&db, &client, organization_id, &options, &mut |_| {
                if let Some(started) = started.take() {
                    let _ = started.send(());
                }
            })
            .await;
            record_outcome(&db, organization_id, kind, was_invalid, &outcome).await;
            outcome.map(|report| report.run_id)
        });
        let kind = kind.as_str().to_owned();
        match tokio::time::timeout(START_WAIT, on_start).await {
            Ok(Ok(())) => Ok(SyncStarted {
                run_id: running_run(&self.db, organization_id).await?,
                kind,
            }),
            // The run ended before reading anything.
            Ok(Err(_)) => match task.await {
                Ok(Ok(run_id)) => Ok(SyncStarted {
                    run_id: Some(run_id),
                    kind,
                }),
                Ok(Err(error)) => Err(AppError::invalid(
                    "kind",
                    format!("The sync could not start: {error}"),
                )),
                Err(error) => Err(internal(error)),
            },
            Err(_) => Ok(SyncStarted { run_id: None, kind }),
        }
    }

    async fn secrets(&self, organization_id: i64) -> Result<Option<StoredSecrets>, AppError> {
        let stored = match connections::load(&self.db, &self.master_key, organization_id).await {
            Ok(stored) => stored,
            Err(ConnectionError::Database(error)) => return Err(error.into()),
            Err(error) => return Err(internal(error)),
        };
        Ok(stored.map(|connection| {
            let secret = match &connection.credentials {
                Credentials::V3 { client_secret, .. } => client_secret,
                Credentials::V1 { api_key } => api_key,
            };
            StoredSecrets {
                secret_hint: secret_hint(secret.expose()),
                webhook_secret: connection.webhook_secret.expose().to_owned(),
            }
        }))
    }
}

impl GreenhouseGateway for Integrations {
    fn test_connection(
        &self,
        organization_id: i64,
        form: ConnectionForm,
    ) -> GatewayFuture<'_, ConnectionOutcome> {
        Box::pin(self.test(organization_id, form))
    }

    fn save_connection(
        &self,
        organization_id: i64,
        form: ConnectionForm,
    ) -> GatewayFuture<'_, ConnectionOutcome> {
        Box::pin(self.save(organization_id, form))
    }

    fn start_sync(&self, organization_id: i64, full: bool) -> GatewayFuture<'_, SyncStarted> {
        Box::pin(Integrations::start_sync(self, organization_id, full))
    }

    fn stored_secrets(&self, organization_id: i64) -> GatewayFuture<'_, Option<StoredSecrets>> {
        Box::pin(self.secrets(organization_id))
    }
}

/// A trimmed text field: `None` when empty; refused when too long or with
/// control characters.
fn text_field(field: &str, value: &str) -> Result<Option<String>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(AppError::invalid(
            field,
            format!("Use at most {MAX_FIELD_CHARS} characters."),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            "Remove line breaks and other control characters.",
        ));
    }
    Ok(Some(value.to_owned()))
}

/// An http(s) URL with a host; `default` when empty.
fn parse_url(field: &str, what: &str, value: &str, default: &str) -> Result<Url, AppError> {
    let value = value.trim();
    let value = if value.is_empty() { default } else { value };
    match Url::parse(value) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some()
                && url.query().is_none()
                && url.fragment().is_none()
                && url.username().is_empty()
                && url.password().is_none() =>
        {
            Ok(url)
        }
        _ => Err(AppError::invalid(
            field,
            format!("Enter the {what} as a full http or https address, such as {default}"),
        )),
    }
}

/// "all 22 lists Trellis reads answered."
fn everything_answered(credentials: &Credentials) -> String {
    match credentials {
        Credentials::V3 { .. } => format!(
            "a token was issued and all {} lists Trellis reads answered.",
            app::domain::Resource::ALL.len()
        ),
        Credentials::V1 { .. } => "every endpoint Trellis reads answered.".to_owned(),
    }
}

/// The form error for a failed check, on the field it concerns.
fn explain(error: HarvestError, credentials: &Credentials) -> AppError {
    let message = error.to_string();
    let token_url = match credentials {
        Credentials::V3 { token_url, .. } => Some(token_url.as_str()),
        Credentials::V1 { .. } => None,
    };
    let url_field = |url: &str| {
        if token_url.is_some_and(|token| url.starts_with(token)) {
            "token_url"
        } else {
            "base_url"
        }
    };
    match (&error, credentials) {
        (HarvestError::Unauthorized { status: 400, .. }, Credentials::V3 { .. })
            if message.contains("invalid_grant") =>
        {
            AppError::invalid(
                "user_id",
                format!(
                    "{message}. Use the id of an active Greenhouse Site Admin, or leave the user id empty."
                ),
            )
        }
        (HarvestError::Unauthorized { .. }, Credentials::V3 { .. }) => AppError::invalid(
            "client_secret",
            format!(
                "{message}. Check the client id and secret under Configure → Dev Center → API Credentials."
            ),
        ),
        (HarvestError::Unauthorized { .. }, Credentials::V1 { .. }) => AppError::invalid(
            "api_key",
            format!(
                "{message}. Check the key under Configure → Dev Center → API Credential Management."
            ),
        ),
        (HarvestError::Unavailable { url, .. }, _) => AppError::invalid(
            url_field(url),
            format!("{message}. Check the address, and that this server can reach it."),
        ),
        (HarvestError::Rejected { url, .. } | HarvestError::Decode { url, .. }, _) => {
            AppError::invalid(
                url_field(url),
                format!("{message}. Is this the address of the Harvest API?"),
            )
        }
        (HarvestError::ForeignLink(_) | HarvestError::Config(_), _) => {
            AppError::invalid("base_url", message)
        }
    }
}

/// The error listing every missing scope or permission: a sentence, then
/// one name per line (see [`app::api::integrations::missing_access`]).
fn refused(refusals: &[Refusal], credentials: &Credentials, saving: bool) -> AppError {
    let mut names: Vec<&str> = Vec::new();
    for refusal in refusals {
        if !names.contains(&refusal.needed.as_str()) {
            names.push(&refusal.needed);
        }
    }
    let (what, where_) = match credentials {
        Credentials::V3 { .. } => (
            if names.len() == 1 { "scope" } else { "scopes" },
            "Configure → Dev Center → API Credentials",
        ),
        Credentials::V1 { .. } => (
            if names.len() == 1 {
                "permission"
            } else {
                "permissions"
            },
            "Configure → Dev Center → API Credential Management",
        ),
    };
    let lists = if refusals.len() == 1 {
        "1 list".to_owned()
    } else {
        format!("{} lists", refusals.len())
    };
    let saved = if saving { " Nothing was saved." } else { "" };
    let first = refusals
        .first()
        .map(|r| format!(" Greenhouse said: {}.", r.message))
        .unwrap_or_default();
    let mut message = format!(
        "Greenhouse refused {lists} Trellis reads.{saved}{first} Give the credential the missing {what} in Greenhouse ({where_}), then test again. Missing:"
    );
    for name in names {
        message.push('\n');
        message.push_str(name);
    }
    AppError::invalid(ACCESS_FIELD, message)
}

/// Marks the connection after a dashboard sync: invalid when Greenhouse
/// refused the credential, ok again when a sync of an invalid one worked.
async fn record_outcome(
    db: &DatabaseConnection,
    organization_id: i64,
    kind: SyncKind,
    was_invalid: bool,
    outcome: &Result<runner::RunReport, SyncError>,
) {
    let marked = match outcome {
        Ok(report) => {
            tracing::info!(
                organization_id,
                kind = kind.as_str(),
                records = report.records,
                requests = report.requests,
                "sync from the dashboard completed"
            );
            if was_invalid {
                connections::mark_ok(db, organization_id).await
            } else {
                Ok(())
            }
        }
        Err(SyncError::Harvest(error)) if error.is_credential_problem() => {
            tracing::error!(organization_id, %error, "Greenhouse refused the credential; syncs paused until it is reconnected");
            connections::mark_invalid(db, organization_id, &error.to_string()).await
        }
        Err(error) => {
            tracing::warn!(organization_id, %error, "sync from the dashboard failed");
            Ok(())
        }
    };
    if let Err(error) = marked {
        tracing::error!(organization_id, %error, "cannot record the connection's status");
    }
}

/// The organization's running run, if any.
async fn running_run(
    db: &DatabaseConnection,
    organization_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(organization_id))
        .filter(sync_run::Column::Status.eq("running"))
        .order_by_desc(sync_run::Column::Id)
        .one(db)
        .await?
        .map(|run| run.id))
}

/// An unexpected failure: logged with a reference the page shows.
fn internal(error: impl std::fmt::Display) -> AppError {
    let reference = error_reference();
    tracing::error!(%reference, %error, "Greenhouse integration error");
    AppError::Internal { reference }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v3() -> Credentials {
        Credentials::V3 {
            client_id: "id".to_owned(),
            client_secret: Secret::new("secret"),
            user_id: None,
            token_url: Url::parse("https://auth.example.com/token")
                .unwrap_or_else(|e| panic!("{e}")),
        }
    }

    #[test]
    fn urls_default_and_must_be_plain_http_addresses() {
        let default = parse_url("base_url", "API address", "  ", DEFAULT_BASE_URL);
        assert_eq!(
            default.map(|u| u.to_string()).ok().as_deref(),
            Some("https://harvest.greenhouse.io/")
        );
        for bad in [
            "harvest.greenhouse.io",
            "ftp://x.example",
            "https://u:p@x.example",
            "https://x.example/?a=1",
            "javascript:alert(1)",
        ] {
            let error = parse_url("base_url", "API address", bad, DEFAULT_BASE_URL).err();
            assert_eq!(
                error.as_ref().and_then(AppError::field),
                Some("base_url"),
                "{bad}"
            );
        }
    }

    #[test]
    fn failures_land_on_the_field_they_concern() {
        let wrong = explain(
            HarvestError::Unauthorized {
                status: 401,
                message: "the client id or secret is wrong (401: invalid_client)".to_owned(),
            },
            &v3(),
        );
        assert_eq!(wrong.field(), Some("client_secret"));
        let sub = explain(
            HarvestError::Unauthorized {
                status: 400,
                message: "the client id or secret is wrong (400: invalid_grant: sub)".to_owned(),
            },
            &v3(),
        );
        assert_eq!(sub.field(), Some("user_id"));
        let token_host = explain(
            HarvestError::Unavailable {
                url: "https://auth.example.com/token".to_owned(),
                attempts: 3,
                message: "refused".to_owned(),
            },
            &v3(),
        );
        assert_eq!(token_host.field(), Some("token_url"));
        let api_host = explain(
            HarvestError::Unavailable {
                url: "https://harvest.example.com/v3/users".to_owned(),
                attempts: 3,
                message: "refused".to_owned(),
            },
            &v3(),
        );
        assert_eq!(api_host.field(), Some("base_url"));
        assert!(
            api_host.to_string().contains("harvest.example.com"),
            "{api_host}"
        );
    }

    #[test]
    fn refusals_list_every_missing_name_once() {
        let refusal = |needed: &str| Refusal {
            needed: needed.to_owned(),
            resources: Vec::new(),
            status: 403,
            message: format!("missing scope {needed}"),
        };
        let error = refused(
            &[
                refusal("harvest:offers:list"),
                refusal("harvest:interviews:list"),
                refusal("harvest:offers:list"),
            ],
            &v3(),
            true,
        );
        let (intro, names) = app::api::integrations::missing_access(&error).unwrap_or_default();
        assert!(
            intro.starts_with("Greenhouse refused 3 lists Trellis reads. Nothing was saved."),
            "{intro}"
        );
        assert!(intro.contains("missing scopes"), "{intro}");
        assert_eq!(names, ["harvest:offers:list", "harvest:interviews:list"]);
    }
}
