//! The candidate portal's content: each portal's candidate-facing stages
//! (groups of Greenhouse stages, renamed or hidden), its content blocks, the
//! organization's and departments' templates, the per-portal options
//! (invite email, outcome messages, access after rejection), and the record
//! of portal invites sent.

use crate::shared::{index, organization_fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Portals {
    Table,
    InviteEnabled,
    InviteEnabledAt,
    TemplateId,
    OfferMessage,
    HiredMessage,
    RejectedMessage,
    RejectedAccessDays,
}

#[derive(DeriveIden)]
enum PortalStages {
    Table,
    Id,
    OrganizationId,
    PortalId,
    Position,
    Name,
    Hidden,
    GreenhouseStageIds,
}

#[derive(DeriveIden)]
enum ContentBlocks {
    Table,
    Id,
    OrganizationId,
    PortalId,
    PortalStageId,
    Position,
    Content,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PortalTemplates {
    Table,
    Id,
    OrganizationId,
    DepartmentId,
    Name,
    Blocks,
    SourceJobId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PortalInvites {
    Table,
    Id,
    OrganizationId,
    PortalId,
    ApplicationId,
    CandidateId,
    Sent,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            boolean(Portals::InviteEnabled).default(false).to_owned(),
            timestamp_with_time_zone_null(Portals::InviteEnabledAt),
            big_integer_null(Portals::TemplateId),
            text_null(Portals::OfferMessage),
            text_null(Portals::HiredMessage),
            text_null(Portals::RejectedMessage),
            integer(Portals::RejectedAccessDays).default(30).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Portals::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }

        use PortalStages as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .if_not_exists()
                    .col(big_pk_auto(S::Id))
                    .col(big_integer(S::OrganizationId))
                    .col(big_integer(S::PortalId))
                    .col(integer(S::Position))
                    .col(text(S::Name))
                    .col(boolean(S::Hidden))
                    .col(json(S::GreenhouseStageIds))
                    .foreign_key(&mut organization_fk(S::Table, S::OrganizationId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_portal_stages_portal",
            S::Table,
            vec![S::OrganizationId.into_iden(), S::PortalId.into_iden()],
            false,
        )
        .await?;

        use ContentBlocks as B;
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .if_not_exists()
                    .col(big_pk_auto(B::Id))
                    .col(big_integer(B::OrganizationId))
                    .col(big_integer(B::PortalId))
                    .col(big_integer_null(B::PortalStageId))
                    .col(integer(B::Position))
                    .col(json(B::Content))
                    .col(timestamp_with_time_zone(B::CreatedAt))
                    .col(timestamp_with_time_zone(B::UpdatedAt))
                    .foreign_key(&mut organization_fk(B::Table, B::OrganizationId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_content_blocks_portal",
            B::Table,
            vec![B::OrganizationId.into_iden(), B::PortalId.into_iden()],
            false,
        )
        .await?;

        use PortalTemplates as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .if_not_exists()
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::OrganizationId))
                    .col(big_integer(T::DepartmentId))
                    .col(text(T::Name))
                    .col(json(T::Blocks))
                    .col(big_integer_null(T::SourceJobId))
                    .col(timestamp_with_time_zone(T::UpdatedAt))
                    .foreign_key(&mut organization_fk(T::Table, T::OrganizationId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_portal_templates_department",
            T::Table,
            vec![T::OrganizationId.into_iden(), T::DepartmentId.into_iden()],
            true,
        )
        .await?;

        use PortalInvites as I;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .if_not_exists()
                    .col(big_pk_auto(I::Id))
                    .col(big_integer(I::OrganizationId))
                    .col(big_integer(I::PortalId))
                    .col(big_integer(I::ApplicationId))
                    .col(big_integer(I::CandidateId))
                    .col(boolean(I::Sent))
                    .col(timestamp_with_time_zone(I::CreatedAt))
                    .foreign_key(&mut organization_fk(I::Table, I::OrganizationId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_portal_invites_application",
            I::Table,
            vec![I::OrganizationId.into_iden(), I::ApplicationId.into_iden()],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PortalInvites::Table.into_iden(),
            PortalTemplates::Table.into_iden(),
            ContentBlocks::Table.into_iden(),
            PortalStages::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Portals::RejectedAccessDays.into_iden(),
            Portals::RejectedMessage.into_iden(),
            Portals::HiredMessage.into_iden(),
            Portals::OfferMessage.into_iden(),
            Portals::TemplateId.into_iden(),
            Portals::InviteEnabledAt.into_iden(),
            Portals::InviteEnabled.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Portals::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
