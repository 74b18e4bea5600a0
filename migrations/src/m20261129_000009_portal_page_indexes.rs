//! "Status as of <last sync>" on every portal page reads an organization's
//! latest completed sync run. Runs accumulate (one every few minutes), so
//! that read gets an index that answers it without sorting them all.

use crate::shared::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_sync_runs_organization_status_finished";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            NAME,
            Alias::new("sync_runs"),
            vec![
                Alias::new("organization_id").into_iden(),
                Alias::new("status").into_iden(),
                Alias::new("finished_at").into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(NAME)
                    .table(Alias::new("sync_runs"))
                    .to_owned(),
            )
            .await
    }
}
