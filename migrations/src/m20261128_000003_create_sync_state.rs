//! Greenhouse connections (secrets encrypted), sync runs, per-resource sync
//! cursors, the per-organization sync lease, and webhook deliveries seen.

use crate::shared::organization_fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GreenhouseConnections {
    Table,
    OrganizationId,
    ApiVersion,
    BaseUrl,
    TokenUrl,
    ClientId,
    UserId,
    SecretCiphertext,
    WebhookSecretCiphertext,
    Status,
    StatusMessage,
    CheckedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SyncRuns {
    Table,
    Id,
    OrganizationId,
    Kind,
    Trigger,
    Status,
    Holder,
    StartedAt,
    FinishedAt,
    Requests,
    Records,
    Resources,
    Error,
}

#[derive(DeriveIden)]
enum SyncCursors {
    Table,
    OrganizationId,
    Resource,
    HighWater,
    LastFullAt,
    PassKind,
    PassStartedAt,
    PassSince,
    NextPage,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SyncLeases {
    Table,
    OrganizationId,
    Holder,
    RunId,
    AcquiredAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum WebhookEvents {
    Table,
    OrganizationId,
    EventId,
    Action,
    ReceivedAt,
    Outcome,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use GreenhouseConnections as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .if_not_exists()
                    .col(big_integer(C::OrganizationId).primary_key())
                    .col(string_len(C::ApiVersion, 2))
                    .col(text(C::BaseUrl))
                    .col(text_null(C::TokenUrl))
                    .col(text_null(C::ClientId))
                    .col(big_integer_null(C::UserId))
                    .col(blob(C::SecretCiphertext))
                    .col(blob(C::WebhookSecretCiphertext))
                    .col(string_len(C::Status, 16))
                    .col(text_null(C::StatusMessage))
                    .col(timestamp_with_time_zone_null(C::CheckedAt))
                    .col(timestamp_with_time_zone(C::CreatedAt))
                    .col(timestamp_with_time_zone(C::UpdatedAt))
                    .foreign_key(&mut organization_fk(C::Table, C::OrganizationId))
                    .to_owned(),
            )
            .await?;

        use SyncRuns as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .if_not_exists()
                    .col(big_pk_auto(R::Id))
                    .col(big_integer(R::OrganizationId))
                    .col(string_len(R::Kind, 16))
                    .col(string_len(R::Trigger, 16))
                    .col(string_len(R::Status, 16))
                    .col(text(R::Holder))
                    .col(timestamp_with_time_zone(R::StartedAt))
                    .col(timestamp_with_time_zone_null(R::FinishedAt))
                    .col(big_integer(R::Requests))
                    .col(big_integer(R::Records))
                    .col(json(R::Resources))
                    .col(text_null(R::Error))
                    .foreign_key(&mut organization_fk(R::Table, R::OrganizationId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sync_runs_organization_started")
                    .table(R::Table)
                    .col(R::OrganizationId)
                    .col(R::StartedAt)
                    .to_owned(),
            )
            .await?;

        use SyncCursors as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .if_not_exists()
                    .col(big_integer(S::OrganizationId))
                    .col(string_len(S::Resource, 64))
                    .col(timestamp_with_time_zone_null(S::HighWater))
                    .col(timestamp_with_time_zone_null(S::LastFullAt))
                    .col(string_len_null(S::PassKind, 16))
                    .col(timestamp_with_time_zone_null(S::PassStartedAt))
                    .col(timestamp_with_time_zone_null(S::PassSince))
                    .col(text_null(S::NextPage))
                    .col(timestamp_with_time_zone(S::UpdatedAt))
                    .primary_key(Index::create().col(S::OrganizationId).col(S::Resource))
                    .foreign_key(&mut organization_fk(S::Table, S::OrganizationId))
                    .to_owned(),
            )
            .await?;

        use SyncLeases as L;
        manager
            .create_table(
                Table::create()
                    .table(L::Table)
                    .if_not_exists()
                    .col(big_integer(L::OrganizationId).primary_key())
                    .col(text(L::Holder))
                    .col(big_integer_null(L::RunId))
                    .col(timestamp_with_time_zone(L::AcquiredAt))
                    .col(timestamp_with_time_zone(L::ExpiresAt))
                    .foreign_key(&mut organization_fk(L::Table, L::OrganizationId))
                    .to_owned(),
            )
            .await?;

        use WebhookEvents as W;
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .if_not_exists()
                    .col(big_integer(W::OrganizationId))
                    .col(string_len(W::EventId, 200))
                    .col(string_len(W::Action, 64))
                    .col(timestamp_with_time_zone(W::ReceivedAt))
                    .col(text(W::Outcome))
                    .primary_key(Index::create().col(W::OrganizationId).col(W::EventId))
                    .foreign_key(&mut organization_fk(W::Table, W::OrganizationId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookEvents::Table.into_iden(),
            SyncLeases::Table.into_iden(),
            SyncCursors::Table.into_iden(),
            SyncRuns::Table.into_iden(),
            GreenhouseConnections::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
