//! Indexes for the dashboard's Jobs pages: the ATS tab sorts an
//! organization's jobs by name a page at a time, counts the open openings of
//! the jobs on the page, and narrows the list to the jobs a linked
//! Greenhouse user may see (job permissions, hiring team).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(name, table, columns after organization_id)`.
const INDEXES: &[(&str, &str, &[&str])] = &[
    ("ix_gh_jobs_name", "gh_jobs", &["name", "id"]),
    ("ix_gh_openings_job_id", "gh_openings", &["job_id"]),
    (
        "ix_gh_user_job_permissions_user_id",
        "gh_user_job_permissions",
        &["user_id", "job_id"],
    ),
    (
        "ix_gh_job_hiring_managers_user_id",
        "gh_job_hiring_managers",
        &["user_id"],
    ),
    ("ix_gh_job_owners_user_id", "gh_job_owners", &["user_id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, columns) in INDEXES {
            let mut index = Index::create();
            index
                .name(*name)
                .table(Alias::new(*table))
                .if_not_exists()
                .col(Alias::new("organization_id"));
            for column in *columns {
                index.col(Alias::new(*column));
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES.iter().rev() {
            manager
                .drop_index(
                    Index::drop()
                        .name(*name)
                        .table(Alias::new(*table))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
