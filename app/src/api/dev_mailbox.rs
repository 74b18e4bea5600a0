//! The dev mailbox: every email Trellis sent while no SMTP server is
//! configured, so a newcomer can sign in without one.

use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DevMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub sent_at: DateTime<Utc>,
}

/// The newest 50 messages. Only when mail goes to the dev mailbox, and only
/// to a browser on this machine; otherwise "not found".
#[server(endpoint = "get_dev_mailbox")]
pub async fn get_dev_mailbox() -> Result<Vec<DevMail>, AppError> {
    use crate::ssr::{auth::sign_in::request_ip, services::dev_mailbox, with_state};
    with_state(|state| async move {
        let local = request_ip()
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
        if !state.dev_mailbox || !local {
            return Err(AppError::not_found("The dev mailbox"));
        }
        dev_mailbox::latest(&state.db, 50).await
    })
    .await
}
