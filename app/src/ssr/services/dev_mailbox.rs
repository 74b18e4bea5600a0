//! Reading the dev mailbox (the mailer writes it).

use crate::api::dev_mailbox::DevMail;
use crate::error::AppError;
use crate::ssr::entities::dashboard::dev_mail;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};

pub async fn latest<C: ConnectionTrait>(db: &C, limit: u64) -> Result<Vec<DevMail>, AppError> {
    Ok(dev_mail::Entity::find()
        .order_by_desc(dev_mail::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|mail| DevMail {
            id: mail.id,
            to: mail.to_address,
            subject: mail.subject,
            text: mail.body_text,
            sent_at: mail.created_at,
        })
        .collect())
}
