//! Pieces several migrations build their tables with. The SQL they produce
//! must never change: applied migrations are not re-run.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

/// `column` of `table` references `organizations.id`, rows deleted with
/// their organization.
pub fn organization_fk<T: IntoIden + 'static>(table: T, column: T) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Organizations::Table, Organizations::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// Creates index `name` on `columns` of `table`.
pub async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}
