//! Delivers what services put in the outbox: through SMTP (lettre) when
//! `TRELLIS_SMTP_URL` is set, otherwise into the dev mailbox table, which
//! the `/dev/mailbox` page shows.

use app::ssr::{
    entities::dashboard::dev_mail,
    mail::{Outbox, OutgoingEmail},
};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart, SinglePart, header::ContentType},
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use tokio::sync::mpsc::UnboundedReceiver;
use url::Url;

/// The sender every message carries.
pub const FROM: &str = "Trellis <no-reply@trellis.invalid>";

/// Where mail goes.
#[derive(Clone)]
pub enum Delivery {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    DevMailbox(DatabaseConnection),
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("TRELLIS_SMTP_URL cannot be used: {0}")]
    Url(#[from] lettre::transport::smtp::Error),
    #[error("the message cannot be built: {0}")]
    Message(String),
    #[error("the dev mailbox cannot store the message: {0}")]
    Database(#[from] sea_orm::DbErr),
}

impl Delivery {
    /// SMTP when a URL is given (`smtp://` is plain unless the server
    /// offers STARTTLS with `?tls=required`; `smtps://` is implicit TLS).
    pub fn new(smtp_url: Option<&Url>, db: &DatabaseConnection) -> Result<Delivery, MailError> {
        match smtp_url {
            Some(url) => Ok(Delivery::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())?.build(),
            )),
            None => Ok(Delivery::DevMailbox(db.clone())),
        }
    }

    pub async fn deliver(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        match self {
            Delivery::Smtp(transport) => {
                let message = build_message(email)?;
                transport
                    .send(message)
                    .await
                    .map_err(|e| MailError::Message(e.to_string()))?;
                Ok(())
            }
            Delivery::DevMailbox(db) => {
                dev_mail::ActiveModel {
                    organization_id: Set(email.organization_id),
                    to_address: Set(email.to.clone()),
                    subject: Set(email.subject.clone()),
                    body_text: Set(email.text.clone()),
                    body_html: Set(email.html.clone()),
                    created_at: Set(chrono::Utc::now()),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                Ok(())
            }
        }
    }
}

fn build_message(email: &OutgoingEmail) -> Result<Message, MailError> {
    let from: Mailbox = FROM
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Message(e.to_string()))?;
    let to: Mailbox = email
        .to
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Message(e.to_string()))?;
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone());
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(email.text.clone());
    let message = match &email.html {
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(html.clone()),
            ),
        ),
        None => builder.singlepart(text),
    };
    message.map_err(|e| MailError::Message(e.to_string()))
}

/// Delivers queued messages one by one until every `Outbox` is dropped.
/// A failed delivery is retried a few times, then logged and dropped (the
/// person can ask for a new link); bodies are never logged.
pub async fn run_worker(delivery: Delivery, mut queue: UnboundedReceiver<OutgoingEmail>) {
    const ATTEMPTS: u32 = 3;
    while let Some(email) = queue.recv().await {
        for attempt in 1..=ATTEMPTS {
            match delivery.deliver(&email).await {
                Ok(()) => {
                    tracing::info!(subject = %email.subject, "mail delivered");
                    break;
                }
                Err(error) if attempt < ATTEMPTS => {
                    tracing::warn!(%error, attempt, "mail delivery failed; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(u64::from(attempt))).await;
                }
                Err(error) => {
                    tracing::error!(%error, subject = %email.subject, "mail delivery failed; message dropped");
                }
            }
        }
    }
}

/// An outbox whose messages `delivery` delivers from a background task.
pub fn start(delivery: Delivery) -> Outbox {
    let (outbox, queue) = Outbox::channel();
    tokio::spawn(run_worker(delivery, queue));
    outbox
}
