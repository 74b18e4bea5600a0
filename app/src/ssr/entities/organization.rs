use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What the CLI takes (`--org acme`); never changes.
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// Where the portal lives: `<subdomain>.<public host>` and `/p/<subdomain>`.
    #[sea_orm(unique)]
    pub subdomain: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
