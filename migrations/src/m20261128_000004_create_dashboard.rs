//! The recruiter dashboard: recruiters, sign-in tokens and the requests that
//! rate-limit them, server-side sessions, the dev mailbox, job portals,
//! uploaded images, and the organization's branding.

use crate::shared::{index, organization_fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    DisplayName,
    BrandColor,
    LogoUploadId,
    CoverUploadId,
}

#[derive(DeriveIden)]
enum Recruiters {
    Table,
    Id,
    OrganizationId,
    Email,
    Name,
    Role,
    GreenhouseUserId,
    CreatedAt,
    UpdatedAt,
    LastSignInAt,
    DisabledAt,
}

#[derive(DeriveIden)]
enum SignInTokens {
    Table,
    Id,
    Audience,
    OrganizationId,
    SubjectId,
    Email,
    TokenHash,
    CodeHmac,
    AttemptHash,
    FailedCodes,
    CreatedAt,
    ExpiresAt,
    ConsumedAt,
}

#[derive(DeriveIden)]
enum SignInRequests {
    Table,
    Id,
    Audience,
    OrganizationId,
    EmailHash,
    Ip,
    Sent,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    IdHash,
    Audience,
    OrganizationId,
    SubjectId,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum DevMailbox {
    Table,
    Id,
    OrganizationId,
    ToAddress,
    Subject,
    BodyText,
    BodyHtml,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Portals {
    Table,
    Id,
    OrganizationId,
    JobId,
    Active,
    CreatedAt,
    UpdatedAt,
    ActivatedAt,
    DeactivatedAt,
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
    OrganizationId,
    Purpose,
    ContentType,
    Bytes,
    Width,
    Height,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            text_null(Organizations::DisplayName),
            string_len_null(Organizations::BrandColor, 7),
            string_len_null(Organizations::LogoUploadId, 64),
            string_len_null(Organizations::CoverUploadId, 64),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }

        use Recruiters as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .if_not_exists()
                    .col(big_pk_auto(R::Id))
                    .col(big_integer(R::OrganizationId))
                    .col(string_len(R::Email, 320))
                    .col(text_null(R::Name))
                    .col(string_len(R::Role, 16))
                    .col(big_integer_null(R::GreenhouseUserId))
                    .col(timestamp_with_time_zone(R::CreatedAt))
                    .col(timestamp_with_time_zone(R::UpdatedAt))
                    .col(timestamp_with_time_zone_null(R::LastSignInAt))
                    .col(timestamp_with_time_zone_null(R::DisabledAt))
                    .foreign_key(&mut organization_fk(R::Table, R::OrganizationId))
                    .to_owned(),
            )
            .await?;
        // One dashboard account per email on an instance: sign-in needs no
        // organization picker.
        index(
            manager,
            "ux_recruiters_email",
            R::Table,
            vec![R::Email.into_iden()],
            true,
        )
        .await?;

        use SignInTokens as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .if_not_exists()
                    .col(big_pk_auto(T::Id))
                    .col(string_len(T::Audience, 16))
                    .col(big_integer(T::OrganizationId))
                    .col(big_integer(T::SubjectId))
                    .col(string_len(T::Email, 320))
                    .col(string_len(T::TokenHash, 64))
                    .col(string_len(T::CodeHmac, 64))
                    .col(string_len(T::AttemptHash, 64))
                    .col(integer(T::FailedCodes).default(0))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .col(timestamp_with_time_zone(T::ExpiresAt))
                    .col(timestamp_with_time_zone_null(T::ConsumedAt))
                    .foreign_key(&mut organization_fk(T::Table, T::OrganizationId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_sign_in_tokens_hash",
            T::Table,
            vec![T::TokenHash.into_iden()],
            true,
        )
        .await?;
        index(
            manager,
            "ix_sign_in_tokens_subject",
            T::Table,
            vec![
                T::Audience.into_iden(),
                T::OrganizationId.into_iden(),
                T::SubjectId.into_iden(),
            ],
            false,
        )
        .await?;

        use SignInRequests as Q;
        manager
            .create_table(
                Table::create()
                    .table(Q::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Q::Id))
                    .col(string_len(Q::Audience, 16))
                    .col(big_integer_null(Q::OrganizationId))
                    .col(string_len(Q::EmailHash, 64))
                    .col(string_len(Q::Ip, 64))
                    .col(boolean(Q::Sent).default(false))
                    .col(timestamp_with_time_zone(Q::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_sign_in_requests_email",
            Q::Table,
            vec![Q::EmailHash.into_iden(), Q::CreatedAt.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "ix_sign_in_requests_ip",
            Q::Table,
            vec![Q::Ip.into_iden(), Q::CreatedAt.into_iden()],
            false,
        )
        .await?;

        use Sessions as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .if_not_exists()
                    .col(string_len(S::IdHash, 64).primary_key())
                    .col(string_len(S::Audience, 16))
                    .col(big_integer(S::OrganizationId))
                    .col(big_integer(S::SubjectId))
                    .col(timestamp_with_time_zone(S::CreatedAt))
                    .col(timestamp_with_time_zone(S::LastSeenAt))
                    .foreign_key(&mut organization_fk(S::Table, S::OrganizationId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_sessions_subject",
            S::Table,
            vec![S::Audience.into_iden(), S::SubjectId.into_iden()],
            false,
        )
        .await?;

        use DevMailbox as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .if_not_exists()
                    .col(big_pk_auto(M::Id))
                    .col(big_integer_null(M::OrganizationId))
                    .col(string_len(M::ToAddress, 320))
                    .col(text(M::Subject))
                    .col(text(M::BodyText))
                    .col(text_null(M::BodyHtml))
                    .col(timestamp_with_time_zone(M::CreatedAt))
                    .to_owned(),
            )
            .await?;

        use Portals as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .if_not_exists()
                    .col(big_pk_auto(P::Id))
                    .col(big_integer(P::OrganizationId))
                    .col(big_integer(P::JobId))
                    .col(boolean(P::Active))
                    .col(timestamp_with_time_zone(P::CreatedAt))
                    .col(timestamp_with_time_zone(P::UpdatedAt))
                    .col(timestamp_with_time_zone(P::ActivatedAt))
                    .col(timestamp_with_time_zone_null(P::DeactivatedAt))
                    .foreign_key(&mut organization_fk(P::Table, P::OrganizationId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_portals_job",
            P::Table,
            vec![P::OrganizationId.into_iden(), P::JobId.into_iden()],
            true,
        )
        .await?;

        use Uploads as U;
        manager
            .create_table(
                Table::create()
                    .table(U::Table)
                    .if_not_exists()
                    .col(string_len(U::Id, 64).primary_key())
                    .col(big_integer(U::OrganizationId))
                    .col(string_len(U::Purpose, 16))
                    .col(string_len(U::ContentType, 32))
                    .col(blob(U::Bytes))
                    .col(integer(U::Width))
                    .col(integer(U::Height))
                    .col(timestamp_with_time_zone(U::CreatedAt))
                    .foreign_key(&mut organization_fk(U::Table, U::OrganizationId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Uploads::Table.into_iden(),
            Portals::Table.into_iden(),
            DevMailbox::Table.into_iden(),
            Sessions::Table.into_iden(),
            SignInRequests::Table.into_iden(),
            SignInTokens::Table.into_iden(),
            Recruiters::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Organizations::CoverUploadId,
            Organizations::LogoUploadId,
            Organizations::BrandColor,
            Organizations::DisplayName,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
