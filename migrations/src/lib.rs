//! Schema migrations. They run at start-up (`trellis serve`) and with
//! `trellis migrate`, on SQLite and on PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_organizations;
mod m20261128_000002_create_greenhouse_mirror;
mod m20261128_000003_create_sync_state;
mod m20261128_000004_create_dashboard;
mod m20261128_000005_job_list_indexes;
mod m20261128_000007_sync_run_progress;
mod m20261128_000008_create_portal_content;
mod m20261129_000009_portal_page_indexes;
mod m20261129_000010_portal_content_version;
mod shared;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_organizations::Migration),
            Box::new(m20261128_000002_create_greenhouse_mirror::Migration),
            Box::new(m20261128_000003_create_sync_state::Migration),
            Box::new(m20261128_000004_create_dashboard::Migration),
            Box::new(m20261128_000005_job_list_indexes::Migration),
            Box::new(m20261128_000007_sync_run_progress::Migration),
            Box::new(m20261128_000008_create_portal_content::Migration),
            Box::new(m20261129_000009_portal_page_indexes::Migration),
            Box::new(m20261129_000010_portal_content_version::Migration),
        ]
    }
}
