//! Writing mirrored rows: idempotent upserts where an older Greenhouse
//! `updated_at` never overwrites a newer one, and the deletion sweep that ends
//! a full pass.

use app::ssr::entities::greenhouse::GreenhouseEntity;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, IdenStatic, IntoActiveModel,
    QueryFilter, QuerySelect,
    sea_query::{Alias, Expr, ExprTrait, OnConflict},
};

/// Rows per INSERT statement: keeps the bound parameters under SQLite's limit
/// (32,766) for the widest table.
const ROWS_PER_STATEMENT: usize = 500;

/// Stores `rows` for `organization_id`. A row already stored keeps its data when
/// the incoming `updated_at` is older than the stored one; its `synced_at` is
/// refreshed either way (it was seen, so a full pass must not delete it).
pub async fn upsert<E: GreenhouseEntity>(
    db: &impl ConnectionTrait,
    organization_id: i64,
    rows: Vec<E::Model>,
    synced_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk = rows.by_ref().take(ROWS_PER_STATEMENT).map(|mut row| {
            E::stamp(&mut row, organization_id, synced_at);
            row.into_active_model().reset_all()
        });
        E::insert_many(chunk)
            .on_conflict(newer_wins::<E>())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// `ON CONFLICT (organization_id, id) DO UPDATE SET col = CASE WHEN <incoming is
/// not older> THEN excluded.col ELSE col END, …, synced_at = excluded.synced_at`.
fn newer_wins<E: GreenhouseEntity>() -> OnConflict {
    use sea_orm::Iterable;
    let excluded = |column: E::Column| Expr::col((Alias::new("excluded"), column));
    let stored = |column: E::Column| Expr::col((E::default(), column));
    let incoming_not_older = excluded(E::UPDATED_AT)
        .is_null()
        .or(stored(E::UPDATED_AT).is_null())
        .or(excluded(E::UPDATED_AT).gte(stored(E::UPDATED_AT)));
    let mut on_conflict = OnConflict::columns([E::ORGANIZATION, E::ID]);
    for column in E::Column::iter() {
        if [E::ORGANIZATION, E::ID]
            .iter()
            .any(|key| key.as_str() == column.as_str())
        {
            continue;
        }
        let value: Expr = if column.as_str() == E::SYNCED_AT.as_str() {
            excluded(column)
        } else {
            Expr::case(incoming_not_older.clone(), excluded(column))
                .finally(stored(column))
                .into()
        };
        on_conflict.value(column, value);
    }
    on_conflict
}

/// Deletes the rows a full pass did not see: those last synced before it began.
pub async fn delete_unseen<E: GreenhouseEntity>(
    db: &impl ConnectionTrait,
    organization_id: i64,
    pass_started_at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = E::delete_many()
        .filter(E::ORGANIZATION.eq(organization_id))
        .filter(E::SYNCED_AT.lt(pass_started_at))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// How many rows of this resource the organization has.
pub async fn count<E: GreenhouseEntity>(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<u64, DbErr> {
    let rows: Option<i64> = E::find()
        .select_only()
        .column_as(E::ID.count(), "rows")
        .filter(E::ORGANIZATION.eq(organization_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(rows.unwrap_or_default().try_into().unwrap_or_default())
}

/// Every row of this resource for the organization, ordered by id (tests and
/// the simulator comparison use it).
pub async fn all<E: GreenhouseEntity>(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<Vec<E::Model>, DbErr> {
    use sea_orm::QueryOrder;
    E::find()
        .filter(E::ORGANIZATION.eq(organization_id))
        .order_by_asc(E::ID)
        .all(db)
        .await
}
