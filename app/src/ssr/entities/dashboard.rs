//! The recruiter dashboard's own tables: recruiters, sign-in tokens and
//! requests, sessions, the dev mailbox, job portals and uploaded images.

/// A dashboard user of one organization.
pub mod recruiter {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "recruiters")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organization_id: i64,
        /// Lower-cased; unique on the instance.
        pub email: String,
        pub name: Option<String>,
        /// `admin`, `editor` or `viewer` (see `domain::Role`).
        pub role: String,
        /// When set and that Greenhouse user is not a site admin, the
        /// recruiter sees only the jobs the user may see in Greenhouse.
        pub greenhouse_user_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub last_sign_in_at: Option<DateTimeUtc>,
        pub disabled_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::ssr::entities::organization::Entity",
            from = "Column::OrganizationId",
            to = "crate::ssr::entities::organization::Column::Id"
        )]
        Organization,
    }

    impl Related<crate::ssr::entities::organization::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Organization.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A magic link and its code. Only hashes are kept: the link's SHA-256, the
/// code's HMAC and the SHA-256 of the requesting browser's attempt cookie.
pub mod sign_in_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sign_in_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// `recruiter` or `candidate`.
        pub audience: String,
        pub organization_id: i64,
        /// The recruiter's (or candidate's) id.
        pub subject_id: i64,
        pub email: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub code_hmac: String,
        pub attempt_hash: String,
        pub failed_codes: i32,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub consumed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Every sign-in request, known email or not: the per-email and per-IP
/// limits are counted from here, so they hold across server processes.
pub mod sign_in_request {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sign_in_requests")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub audience: String,
        pub organization_id: Option<i64>,
        /// SHA-256 of the normalised email.
        pub email_hash: String,
        pub ip: String,
        /// Whether an email went out for it.
        pub sent: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A signed-in browser. The cookie holds a random id; this row its SHA-256.
pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub audience: String,
        pub organization_id: i64,
        pub subject_id: i64,
        pub created_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Mail Trellis sent while no SMTP server is configured (demo/development).
pub mod dev_mail {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dev_mailbox")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organization_id: Option<i64>,
        pub to_address: String,
        pub subject: String,
        pub body_text: String,
        pub body_html: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A job's candidate portal; it exists once the job was activated.
pub mod portal {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "portals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organization_id: i64,
        /// The Greenhouse job id.
        pub job_id: i64,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub activated_at: DateTimeUtc,
        pub deactivated_at: Option<DateTimeUtc>,
        /// Whether candidates get a portal invite email when they first
        /// enter a visible stage.
        pub invite_enabled: bool,
        /// When invites were last switched on: candidates already in a
        /// visible stage then are not invited retroactively.
        pub invite_enabled_at: Option<DateTimeUtc>,
        /// The template this portal's content started from (`portal_templates.id`).
        pub template_id: Option<i64>,
        /// Shown when an offer is out, the candidate is hired, or rejected
        /// (Trellis's default text when unset).
        pub offer_message: Option<String>,
        pub hired_message: Option<String>,
        pub rejected_message: Option<String>,
        /// Days a rejected candidate can still open this application.
        pub rejected_access_days: i32,
        /// Changes (database triggers) whenever the portal's stages or
        /// blocks, or its job's Greenhouse stages, change: see
        /// `services::portal_content::ContentCache`.
        pub content_version: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An uploaded image, decoded and re-encoded; served from `/uploads/<id>`.
pub mod upload {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "uploads")]
    pub struct Model {
        /// Random, unguessable.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub organization_id: i64,
        /// `logo` or `cover`.
        pub purpose: String,
        /// `image/png`, `image/jpeg` or `image/webp`: what we encoded.
        pub content_type: String,
        pub bytes: Vec<u8>,
        pub width: i32,
        pub height: i32,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
