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
/// session is live and the candidate still exists in the mirror.
pub async fn resume_candidate<C: ConnectionTrait>(
    db: &C,
    raw_session: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentCandidate>, DbErr> {
    use crate::ssr::entities::greenhouse::candidates;
    let Some(session) = sessions::resume(db, Audience::Candidate, raw_session, now).await? else {
        return Ok(None);
    };
    let (organization, candidate) = tokio::try_join!(
        organization::Entity::find_by_id(session.organization_id).one(db),
        candidates::Entity::find_by_id((session.organization_id, session.subject_id)).one(db),
    )?;
    Ok(organization
        .zip(candidate)
        .map(|(organization, candidate)| CurrentCandidate {
            organization,
            candidate,
        }))
}
