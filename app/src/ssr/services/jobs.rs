//! Jobs for the dashboard: what a recruiter may see (Greenhouse job
//! permissions), the ATS list with search, filters and pages done in SQL,
//! and activation (a job's row in `portals`).

use crate::api::jobs::{ActiveJobs, FilterOption, JobRow, JobsPage, JobsQuery, PAGE_SIZE};
use crate::domain::Role;
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::auth::CurrentRecruiter;
use crate::ssr::entities::dashboard::portal;
use crate::ssr::entities::greenhouse::{
    applications, departments, jobs, offices, openings, user_job_permissions, users,
};
use crate::ssr::links;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Which jobs a recruiter may see: all, or the listed ones, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    All,
    Only { job_ids: Vec<i64>, reason: String },
}

impl Visibility {
    fn reason(&self) -> Option<String> {
        match self {
            Visibility::All => None,
            Visibility::Only { reason, .. } => Some(reason.clone()),
        }
    }

    fn allows(&self, job_id: i64) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Only { job_ids, .. } => job_ids.contains(&job_id),
        }
    }

    pub fn condition(&self) -> Condition {
        match self {
            Visibility::All => Condition::all(),
            Visibility::Only { job_ids, .. } => {
                Condition::all().add(jobs::Column::Id.is_in(job_ids.clone()))
            }
        }
    }
}

/// A recruiter linked to a Greenhouse user who is not a site admin sees the
/// jobs that user's job permissions list; everyone else sees every job.
pub async fn visibility<C: ConnectionTrait>(
    db: &C,
    me: &CurrentRecruiter,
) -> Result<Visibility, AppError> {
    let Some(user_id) = me.recruiter.greenhouse_user_id else {
        return Ok(Visibility::All);
    };
    let org = me.organization_id();
    let user = users::Entity::find_by_id((org, user_id)).one(db).await?;
    match user {
        Some(user) if user.site_admin => Ok(Visibility::All),
        Some(user) => {
            let job_ids = user_job_permissions::Entity::find()
                .filter(user_job_permissions::Column::OrganizationId.eq(org))
                .filter(user_job_permissions::Column::UserId.eq(user_id))
                .select_only()
                .column(user_job_permissions::Column::JobId)
                .distinct()
                .into_tuple::<i64>()
                .all(db)
                .await?;
            let name = user.name.unwrap_or(user.primary_email);
            Ok(Visibility::Only {
                job_ids,
                reason: format!(
                    "You see the jobs {name} may see in Greenhouse (job permissions of a user who is not a site admin)."
                ),
            })
        }
        None => Ok(Visibility::Only {
            job_ids: Vec::new(),
            reason: format!(
                "Your account is linked to Greenhouse user {user_id}, who is not in the synced data (yet), so no jobs are shown. An admin can change the link on the Users page."
            ),
        }),
    }
}

/// `%text%` for a case-insensitive LIKE, with `%`, `_` and `\` escaped.
fn contains_pattern(text: &str) -> LikeExpr {
    let escaped: String = text
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect();
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

/// Names for the department and office filters, and rows, of one organization.
async fn names<C: ConnectionTrait>(
    db: &C,
    org: i64,
) -> Result<(Vec<FilterOption>, Vec<FilterOption>), AppError> {
    let departments = departments::Entity::find()
        .filter(departments::Column::OrganizationId.eq(org))
        .order_by_asc(departments::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|d| FilterOption {
            id: d.id,
            name: d.name,
        })
        .collect();
    let offices = offices::Entity::find()
        .filter(offices::Column::OrganizationId.eq(org))
        .order_by_asc(offices::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|o| FilterOption {
            id: o.id,
            name: o.name,
        })
        .collect();
    Ok((departments, offices))
}

fn office_ids(job: &jobs::Model) -> Vec<i64> {
    job.office_ids
        .as_ref()
        .and_then(|v| v.as_array())
        .map(|ids| ids.iter().filter_map(|id| id.as_i64()).collect())
        .unwrap_or_default()
}

/// `job_id → count` of `E`'s rows matching `condition`, for these jobs only.
async fn counts_by_job<C: ConnectionTrait>(
    db: &C,
    org: i64,
    job_ids: &[i64],
    open_openings: bool,
) -> Result<HashMap<i64, u64>, AppError> {
    let rows: Vec<(i64, i64)> = if open_openings {
        openings::Entity::find()
            .filter(openings::Column::OrganizationId.eq(org))
            .filter(openings::Column::JobId.is_in(job_ids.to_vec()))
            .filter(openings::Column::Open.eq(true))
            .select_only()
            .column(openings::Column::JobId)
            .column_as(openings::Column::Id.count(), "n")
            .group_by(openings::Column::JobId)
            .into_tuple()
            .all(db)
            .await?
    } else {
        applications::Entity::find()
            .filter(applications::Column::OrganizationId.eq(org))
            .filter(applications::Column::JobId.is_in(job_ids.to_vec()))
            .filter(applications::Column::Status.eq("in_process"))
            .filter(applications::Column::Prospect.eq(false))
            .select_only()
            .column(applications::Column::JobId)
            .column_as(applications::Column::Id.count(), "n")
            .group_by(applications::Column::JobId)
            .into_tuple()
            .all(db)
            .await?
    };
    Ok(rows
        .into_iter()
        .map(|(job, n)| (job, n.unsigned_abs()))
        .collect())
}

/// Turns a page of jobs into rows, reading counts for these jobs only.
async fn rows<C: ConnectionTrait>(
    db: &C,
    org: i64,
    page: Vec<jobs::Model>,
    departments: &[FilterOption],
    offices: &[FilterOption],
) -> Result<Vec<JobRow>, AppError> {
    let ids: Vec<i64> = page.iter().map(|j| j.id).collect();
    // Openings and applications are keyed by organization too; the job ids
    // come from this organization's jobs, and the filters below keep it so.
    let openings = counts_by_job(db, org, &ids, true).await?;
    let candidates = counts_by_job(db, org, &ids, false).await?;
    let activated: HashSet<i64> = portal::Entity::find()
        .filter(portal::Column::OrganizationId.eq(org))
        .filter(portal::Column::Active.eq(true))
        .filter(portal::Column::JobId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.job_id)
        .collect();
    let department_names: BTreeMap<i64, &str> = departments
        .iter()
        .map(|d| (d.id, d.name.as_str()))
        .collect();
    let office_names: BTreeMap<i64, &str> =
        offices.iter().map(|o| (o.id, o.name.as_str())).collect();
    Ok(page
        .into_iter()
        .map(|job| JobRow {
            offices: office_ids(&job)
                .iter()
                .filter_map(|id| office_names.get(id).map(|n| (*n).to_owned()))
                .collect(),
            department: job
                .department_id
                .and_then(|id| department_names.get(&id).map(|n| (*n).to_owned())),
            open_openings: openings.get(&job.id).copied().unwrap_or(0),
            active_candidates: candidates.get(&job.id).copied().unwrap_or(0),
            activated: activated.contains(&job.id),
            id: job.id,
            name: job.name,
            requisition_id: job.requisition_id,
            status: job.status,
        })
        .collect())
}

/// The ATS tab: one page of the jobs matching the search and filters.
pub async fn ats<C: ConnectionTrait>(
    db: &C,
    me: &CurrentRecruiter,
    query: &JobsQuery,
) -> Result<JobsPage, AppError> {
    let org = me.organization_id();
    let visible = visibility(db, me).await?;
    let mut condition = Condition::all()
        .add(jobs::Column::OrganizationId.eq(org))
        .add(visible.condition());
    let q = query.q.trim();
    if !q.is_empty() {
        condition = condition.add(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(jobs::Column::Name)))
                        .like(contains_pattern(q)),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(jobs::Column::RequisitionId)))
                        .like(contains_pattern(q)),
                ),
        );
    }
    if matches!(query.status.as_str(), "open" | "closed" | "draft") {
        condition = condition.add(jobs::Column::Status.eq(query.status.clone()));
    }
    if let Some(department) = parse_id(&query.department) {
        condition = condition.add(jobs::Column::DepartmentId.eq(department));
    }
    if let Some(office) = parse_id(&query.office) {
        // Office ids are a JSON list per job: find the jobs that name it.
        let in_office: Vec<i64> = jobs::Entity::find()
            .filter(jobs::Column::OrganizationId.eq(org))
            .select_only()
            .column(jobs::Column::Id)
            .column(jobs::Column::OfficeIds)
            .into_tuple::<(i64, Option<serde_json::Value>)>()
            .all(db)
            .await?
            .into_iter()
            .filter(|(_, ids)| {
                ids.as_ref()
                    .and_then(|v| v.as_array())
                    .is_some_and(|ids| ids.iter().any(|id| id.as_i64() == Some(office)))
            })
            .map(|(id, _)| id)
            .collect();
        condition = condition.add(jobs::Column::Id.is_in(in_office));
    }
    let select = jobs::Entity::find().filter(condition);
    let total = select.clone().count(db).await?;
    let pages = Ord::max(total.div_ceil(PAGE_SIZE), 1);
    let page = query.page.clamp(1, pages);
    let page_jobs = select
        .order_by_asc(jobs::Column::Name)
        .order_by_asc(jobs::Column::Id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    let (departments, offices) = names(db, org).await?;
    let jobs = rows(db, org, page_jobs, &departments, &offices).await?;
    Ok(JobsPage {
        jobs,
        total,
        page,
        pages,
        departments,
        offices,
        restriction: visible.reason(),
        data_as_of: super::integrations::data_as_of(db, org).await?,
        can_activate: me.role.allows(Role::Editor),
    })
}

/// A job of the recruiter's organization that they may see, or "not found".
pub async fn visible_job<C: ConnectionTrait>(
    db: &C,
    me: &CurrentRecruiter,
    job_id: i64,
) -> Result<jobs::Model, AppError> {
    let job = jobs::Entity::find_by_id((me.organization_id(), job_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("That job"))?;
    if visibility(db, me).await?.allows(job.id) {
        Ok(job)
    } else {
        Err(AppError::not_found("That job"))
    }
}

/// Activates (creating its portal the first time) or deactivates a job.
pub async fn set_active<C: ConnectionTrait>(
    db: &C,
    me: &CurrentRecruiter,
    job_id: i64,
    active: bool,
) -> Result<(), AppError> {
    let job = visible_job(db, me, job_id).await?;
    let org = me.organization_id();
    let now = chrono::Utc::now();
    let existing = portal::Entity::find()
        .filter(portal::Column::OrganizationId.eq(org))
        .filter(portal::Column::JobId.eq(job.id))
        .one(db)
        .await?;
    match existing {
        Some(row) if row.active == active => {}
        Some(row) => {
            let mut change: portal::ActiveModel = row.into();
            change.active = Set(active);
            change.updated_at = Set(now);
            if active {
                change.activated_at = Set(now);
                change.deactivated_at = Set(None);
            } else {
                change.deactivated_at = Set(Some(now));
            }
            change.update(db).await?;
        }
        None if active => {
            let created = portal::ActiveModel {
                organization_id: Set(org),
                job_id: Set(job.id),
                active: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                activated_at: Set(now),
                deactivated_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await;
            match created {
                // A new portal starts from its department's template, or
                // the organization's.
                Ok(portal) => {
                    super::templates::start_new_portal(db, &portal, job.department_id).await?;
                }
                // Two clicks at once: the other one created it; all is well.
                Err(error)
                    if matches!(
                        error.sql_err(),
                        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                    ) => {}
                Err(error) => return Err(error.into()),
            }
        }
        None => {}
    }
    Ok(())
}

/// The Active tab: jobs with an active portal, by name.
pub async fn active(state: &AppState, me: &CurrentRecruiter) -> Result<ActiveJobs, AppError> {
    let db = &state.db;
    let org = me.organization_id();
    let visible = visibility(db, me).await?;
    let job_ids: Vec<i64> = portal::Entity::find()
        .filter(portal::Column::OrganizationId.eq(org))
        .filter(portal::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.job_id)
        .filter(|id| visible.allows(*id))
        .collect();
    let page_jobs = jobs::Entity::find()
        .filter(jobs::Column::OrganizationId.eq(org))
        .filter(jobs::Column::Id.is_in(job_ids))
        .order_by_asc(jobs::Column::Name)
        .order_by_asc(jobs::Column::Id)
        .all(db)
        .await?;
    let (departments, offices) = names(db, org).await?;
    Ok(ActiveJobs {
        jobs: rows(db, org, page_jobs, &departments, &offices).await?,
        portal_url: portal_url(state, me),
        restriction: visible.reason(),
        can_activate: me.role.allows(Role::Editor),
    })
}

fn portal_url(state: &AppState, me: &CurrentRecruiter) -> String {
    links::portal_path_url(&state.public_url, &me.organization.subdomain)
}

/// The Jobs-tab row of one job.
pub async fn job_row<C: ConnectionTrait>(
    db: &C,
    org: i64,
    job: jobs::Model,
) -> Result<JobRow, AppError> {
    let (departments, offices) = names(db, org).await?;
    rows(db, org, vec![job], &departments, &offices)
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("That job"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_escape_like_wildcards() {
        let pattern = contains_pattern("50%_Off\\");
        let sql = format!("{pattern:?}");
        assert!(sql.contains("%50\\\\%\\\\_off\\\\\\\\%"), "{sql}");
    }

    #[test]
    fn only_listed_jobs_are_allowed_when_restricted() {
        let only = Visibility::Only {
            job_ids: vec![1, 2],
            reason: "r".into(),
        };
        assert!(only.allows(2));
        assert!(!only.allows(3));
        assert!(Visibility::All.allows(3));
        assert_eq!(only.reason().as_deref(), Some("r"));
    }
}
