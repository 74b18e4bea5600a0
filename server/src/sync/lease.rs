//! The per-organization sync lease: at most one holder syncs an organization at
//! a time, across every server process sharing the database. A holder that
//! dies stops renewing, and the lease is taken over once it expires.

use app::ssr::entities::sync::sync_lease;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use std::time::Duration;

/// How long a lease lasts without renewal.
pub const LEASE_TTL: Duration = Duration::from_secs(30);

/// A name for this process, unique enough to tell holders apart.
pub fn holder_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".to_owned());
    format!(
        "{host}:{}:{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

fn expiry(now: DateTime<Utc>, ttl: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::seconds(30))
}

/// Takes the lease of `organization_id` for `holder` when it is free, expired
/// or already ours. One atomic statement, so two processes never both win.
pub async fn acquire(
    db: &impl ConnectionTrait,
    organization_id: i64,
    holder: &str,
    ttl: Duration,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let lease = sync_lease::ActiveModel {
        organization_id: Set(organization_id),
        holder: Set(holder.to_owned()),
        run_id: Set(None),
        acquired_at: Set(now),
        expires_at: Set(expiry(now, ttl)),
    };
    let mut on_conflict = OnConflict::column(sync_lease::Column::OrganizationId);
    on_conflict
        .update_columns([
            sync_lease::Column::Holder,
            sync_lease::Column::RunId,
            sync_lease::Column::AcquiredAt,
            sync_lease::Column::ExpiresAt,
        ])
        .action_and_where(
            Expr::col((sync_lease::Entity, sync_lease::Column::ExpiresAt))
                .lt(now)
                .or(Expr::col((sync_lease::Entity, sync_lease::Column::Holder)).eq(holder)),
        );
    sync_lease::Entity::insert(lease)
        .on_conflict(on_conflict)
        .exec_without_returning(db)
        .await?;
    let current = sync_lease::Entity::find_by_id(organization_id)
        .one(db)
        .await?;
    Ok(current.is_some_and(|lease| lease.holder == holder))
}

/// Extends our lease; `false` means another holder has taken it over.
pub async fn renew(
    db: &impl ConnectionTrait,
    organization_id: i64,
    holder: &str,
    run_id: Option<i64>,
    ttl: Duration,
) -> Result<bool, DbErr> {
    let result = sync_lease::Entity::update_many()
        .col_expr(
            sync_lease::Column::ExpiresAt,
            Expr::value(expiry(Utc::now(), ttl)),
        )
        .col_expr(sync_lease::Column::RunId, Expr::value(run_id))
        .filter(sync_lease::Column::OrganizationId.eq(organization_id))
        .filter(sync_lease::Column::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives the lease up (only if it is still ours).
pub async fn release(
    db: &impl ConnectionTrait,
    organization_id: i64,
    holder: &str,
) -> Result<(), DbErr> {
    sync_lease::Entity::delete_many()
        .filter(sync_lease::Column::OrganizationId.eq(organization_id))
        .filter(sync_lease::Column::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}
