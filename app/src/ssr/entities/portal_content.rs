//! A portal's content: candidate-facing stages, content blocks, templates
//! and the invites sent. Every row carries its `organization_id`, and every
//! query filters on it.

/// A candidate-facing stage: one or more Greenhouse stages of the job
/// (`job_interview_stages` ids), shown under one name, or hidden.
pub mod portal_stage {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "portal_stages")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organization_id: i64,
        pub portal_id: i64,
        /// Order on the timeline, from 0.
        pub position: i32,
        pub name: String,
        pub hidden: bool,
        /// `[job_interview_stage_id, …]`
        pub greenhouse_stage_ids: Json,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The Greenhouse stage ids this stage groups.
        pub fn greenhouse_ids(&self) -> Vec<i64> {
            serde_json::from_value(self.greenhouse_stage_ids.clone()).unwrap_or_default()
        }
    }
}

/// A content block of a portal, for one stage or (no stage) for all.
pub mod content_block {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "content_blocks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organization_id: i64,
        pub portal_id: i64,
        /// `None`: shown at every stage.
        pub portal_stage_id: Option<i64>,
        /// Order within its stage (or within the all-stages blocks), from 0.
        pub position: i32,
        /// A [`crate::domain::blocks::BlockContent`] as JSON.
        pub content: Json,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// The block's content; `None` if the stored JSON is not a block
        /// this version understands (it is then skipped, never shown raw).
        pub fn block(&self) -> Option<crate::domain::blocks::BlockContent> {
            serde_json::from_value(self.content.clone()).ok()
        }
    }
}

/// The organization's default template (`department_id` 0) or a
/// department's: blocks keyed by stage name, which a new portal starts from.
pub mod portal_template {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "portal_templates")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organization_id: i64,
        /// The Greenhouse department, or 0 for the organization default.
        pub department_id: i64,
        pub name: String,
        /// `[TemplateBlock, …]` (see `domain::blocks::TemplateBlock`).
        pub blocks: Json,
        /// The job whose portal it was saved from.
        pub source_job_id: Option<i64>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    /// `department_id` of the organization-wide default template.
    pub const ORGANIZATION_DEFAULT: i64 = 0;
}

/// One portal invite per application: sent, or skipped because the
/// candidate was already in a visible stage when invites were switched on.
pub mod portal_invite {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "portal_invites")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organization_id: i64,
        pub portal_id: i64,
        pub application_id: i64,
        pub candidate_id: i64,
        pub sent: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
