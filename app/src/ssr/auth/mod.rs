//! Who is asking: sessions, sign-in secrets, and the signed-in recruiter
//! that server functions and dashboard pages act for.

pub mod secrets;
pub mod sessions;
pub mod sign_in;

use crate::domain::Role;
use crate::ssr::entities::{dashboard::recruiter, organization};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
pub use sessions::Audience;

/// The recruiter a request's session belongs to. The session middleware
/// puts it in the request's extensions; `ssr::with_recruiter` takes it out.
#[derive(Debug, Clone)]
pub struct CurrentRecruiter {
    pub recruiter: recruiter::Model,
    pub organization: organization::Model,
    pub role: Role,
}

impl CurrentRecruiter {
    pub fn organization_id(&self) -> i64 {
        self.organization.id
    }
}

/// The signed-in recruiter behind a recruiter-session cookie value, if the
/// session is live and the account enabled.
pub async fn resume_recruiter<C: ConnectionTrait>(
    db: &C,
    raw_session: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentRecruiter>, DbErr> {
    let Some(session) = sessions::resume(db, Audience::Recruiter, raw_session, now).await? else {
        return Ok(None);
    };
    let found = recruiter::Entity::find_by_id(session.subject_id)
        .find_also_related(organization::Entity)
        .one(db)
        .await?;
    let Some((recruiter, Some(organization))) = found else {
        return Ok(None);
    };
    let role = Role::parse(&recruiter.role);
    match role {
        Some(role)
            if recruiter.disabled_at.is_none()
                && recruiter.organization_id == session.organization_id =>
        {
            Ok(Some(CurrentRecruiter {
                recruiter,
                organization,
                role,
            }))
        }
        _ => Ok(None),
    }
}

/// The candidate a request's portal session belongs to (a Greenhouse
/// candidate of one organization). The session middleware puts it in the
/// request's extensions; `ssr::context::with_candidate` takes it out and
/// checks it belongs to the portal being viewed.
#[derive(Debug, Clone)]
pub struct CurrentCandidate {
    pub organization: organization::Model,
    pub candidate: crate::ssr::entities::greenhouse::candidates::Model,
    /// When the organization's latest completed sync finished: every portal
    /// page shows "status as of" it.
    pub data_as_of: Option<DateTime<Utc>>,
}

impl CurrentCandidate {
    pub fn organization_id(&self) -> i64 {
        self.organization.id
    }

    pub fn candidate_id(&self) -> i64 {
        self.candidate.id
    }
}

/// The signed-in candidate behind a candidate-session cookie value, if the
/// session is live and the candidate still exists in the mirror. Every
/// portal page asks, so the session, its organization, its candidate and
/// the organization's last sync are read in one query.
pub async fn resume_candidate<C: ConnectionTrait>(
    db: &C,
    raw_session: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentCandidate>, DbErr> {
    use crate::ssr::entities::dashboard::session;
    use crate::ssr::entities::greenhouse::candidates;
    use crate::ssr::entities::joined::{join_on, joined_model, model, with_columns};
    use crate::ssr::services::integrations::last_completed_sync;
    use sea_orm::sea_query::Expr;
    use sea_orm::{JoinType, QuerySelect, QueryTrait};
    let organization = join_on::<session::Entity, organization::Entity>(
        session::Column::OrganizationId,
        organization::Column::Id,
    );
    let candidate = join_on::<session::Entity, candidates::Entity>(
        (session::Column::OrganizationId, session::Column::SubjectId),
        (candidates::Column::OrganizationId, candidates::Column::Id),
    );
    let query = session::Entity::find_by_id(secrets::sha256_hex(raw_session)).select_only();
    let query = with_columns::<session::Entity, _>(query, "s_");
    let query = with_columns::<organization::Entity, _>(query, "o_");
    let last_sync = last_completed_sync(Expr::col((
        session::Entity,
        session::Column::OrganizationId,
    )));
    let query = with_columns::<candidates::Entity, _>(query, "c_")
        .expr_as(last_sync, "data_as_of")
        .join(JoinType::LeftJoin, organization)
        .join(JoinType::LeftJoin, candidate);
    let Some(row) = db.query_one(&query.into_query()).await? else {
        return Ok(None);
    };
    let session = model::<session::Entity>(&row, "s_")?;
    let organization = joined_model::<organization::Entity>(&row, "o_")?;
    let candidate = joined_model::<candidates::Entity>(&row, "c_")?;
    let data_as_of = row.try_get::<Option<DateTime<Utc>>>("", "data_as_of")?;
    if sessions::keep_alive(db, Audience::Candidate, session, now)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    Ok(organization
        .zip(candidate)
        .map(|(organization, candidate)| CurrentCandidate {
            organization,
            candidate,
            data_as_of,
        }))
}
