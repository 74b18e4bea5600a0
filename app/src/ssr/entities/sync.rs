//! Sync state: Greenhouse connections, runs, per-resource cursors, the
//! per-organization lease, and the webhook deliveries already applied.

/// How an organization reaches Greenhouse. Secrets are sealed (see
/// `server::secrets`) with the organization id as associated data.
pub mod greenhouse_connection {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "greenhouse_connections")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i64,
        /// `v3` or `v1`.
        pub api_version: String,
        /// The API host root; the client appends `/v3/…` or `/v1/…`.
        pub base_url: String,
        /// The v3 token endpoint.
        pub token_url: Option<String>,
        pub client_id: Option<String>,
        /// The Greenhouse user id sent as the token's `sub`.
        pub user_id: Option<i64>,
        /// The v3 client secret or the v1 API key, sealed.
        pub secret_ciphertext: Vec<u8>,
        /// The key Greenhouse signs webhooks with, sealed.
        pub webhook_secret_ciphertext: Vec<u8>,
        /// `ok` or `invalid` (set when Greenhouse refuses the credential).
        pub status: String,
        pub status_message: Option<String>,
        pub checked_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One sync of one organization, as it ran.
pub mod sync_run {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sync_runs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub organization_id: i64,
        /// `full` or `incremental`.
        pub kind: String,
        /// `cli`, `schedule`, `webhook` or `dashboard`.
        pub trigger: String,
        /// `running`, `completed`, `failed` or `abandoned` (its holder died).
        pub status: String,
        pub holder: String,
        pub started_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
        pub requests: i64,
        pub records: i64,
        /// `{"<resource>": {"fetched": n, "deleted": n}}`, updated after
        /// every page while the run is in progress.
        pub resources: Json,
        pub error: Option<String>,
        /// The feed (a resource name) a running sync is reading.
        pub current_resource: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Where the sync of one resource stands.
pub mod sync_cursor {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sync_cursors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub resource: String,
        /// When the last completed pass started: everything updated before
        /// it is stored. Incremental passes ask from here minus an overlap.
        pub high_water: Option<DateTimeUtc>,
        /// When the last completed full pass started.
        pub last_full_at: Option<DateTimeUtc>,
        /// The pass under way (`full`/`incremental`), if any.
        pub pass_kind: Option<String>,
        pub pass_started_at: Option<DateTimeUtc>,
        pub pass_since: Option<DateTimeUtc>,
        /// The next page of the pass under way: a crash resumes from here.
        pub next_page: Option<String>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Who is syncing an organization right now (one holder at a time).
pub mod sync_lease {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sync_leases")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i64,
        pub holder: String,
        pub run_id: Option<i64>,
        pub acquired_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A webhook delivery already applied (`Greenhouse-Event-ID`).
pub mod webhook_event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webhook_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub organization_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: String,
        pub action: String,
        pub received_at: DateTimeUtc,
        pub outcome: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
