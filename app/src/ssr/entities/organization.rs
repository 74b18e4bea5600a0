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
    /// The name candidates see; `name` when unset.
    pub display_name: Option<String>,
    /// `#rrggbb`; the portal's default green when unset.
    pub brand_color: Option<String>,
    /// Ids in `uploads`.
    pub logo_upload_id: Option<String>,
    pub cover_upload_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
