//! Rows of several tables read in one query. On SQLite every query is a
//! round trip to the connection's thread, so the pages candidates load most
//! join what they need instead of asking one table after another. Each
//! table's columns are selected under a prefix of their own (`a_id`,
//! `p_id`, …) and decoded back into that table's model.

use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, FromQueryResult, IdenStatic, IdentityOf, Iterable,
    PrimaryKeyToColumn, QueryResult, QuerySelect, RelationDef,
};

/// The join from `E`'s columns `from` to `F`'s columns `to` (one column, or
/// a tuple such as `(OrganizationId, JobId)`).
pub fn join_on<E: EntityTrait, F: EntityTrait>(
    from: impl IdentityOf<E>,
    to: impl IdentityOf<F>,
) -> RelationDef {
    E::belongs_to(F::default()).from(from).to(to).into()
}

/// `query` also selects every column of `E`, each as `{prefix}{column}`.
pub fn with_columns<E: EntityTrait, Q: QuerySelect>(query: Q, prefix: &str) -> Q {
    E::Column::iter().fold(query, |query, column| {
        query.column_as(
            column.select_as(column.into_expr()),
            format!("{prefix}{}", column.as_str()),
        )
    })
}

/// The `E` selected under `prefix` in `row`.
pub fn model<E: EntityTrait>(row: &QueryResult, prefix: &str) -> Result<E::Model, DbErr> {
    E::Model::from_query_result(row, prefix)
}

/// The `E` of a left join: `None` when the join found no row, told by its
/// first primary-key column (an integer in every table joined this way). A
/// model's own "all columns null" test cannot tell: JSON columns read a
/// SQL NULL as JSON `null`.
pub fn joined_model<E: EntityTrait>(
    row: &QueryResult,
    prefix: &str,
) -> Result<Option<E::Model>, DbErr> {
    let key = E::PrimaryKey::iter()
        .next()
        .map(PrimaryKeyToColumn::into_column);
    if let Some(key) = key
        && row.try_get::<Option<i64>>(prefix, key.as_str())?.is_none()
    {
        return Ok(None);
    }
    model::<E>(row, prefix).map(Some)
}
