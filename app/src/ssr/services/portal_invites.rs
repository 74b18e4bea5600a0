//! Portal invite emails (a per-job toggle in the portal editor): after a
//! completed sync, a candidate who has entered a candidate-facing stage that
//! is not hidden gets one email inviting them to the organization's portal.
//!
//! The rules, per portal that is active and has invites switched on:
//!
//! * Who: applications to the portal's job made as a candidate (not a
//!   prospect) that are still in process (a rejected, hired or converted
//!   application is never invited), whose current Greenhouse stage maps to a
//!   candidate-facing stage that is not hidden. A candidate in a hidden stage
//!   gets nothing until they move to a visible one.
//! * Once: every application invited (or deliberately skipped) has a
//!   `portal_invites` row; an application with a row is never mailed again,
//!   whatever stage it moves to later. The row is inserted *before* the mail
//!   is queued, and the mail goes out only when this process's insert won
//!   (a unique index on `(organization_id, application_id)`), so two
//!   processes finishing syncs at once never send two invites.
//! * Not retroactively: switching invites on must not mail everyone already
//!   in a visible stage. Trellis cannot know when an application entered its
//!   stage, so it uses the latest change Greenhouse reports for it
//!   (`last_activity_at` or `updated_at`, a stage move bumps both): an
//!   application without a row whose latest change is before
//!   `invite_enabled_at` (to the second) is recorded as skipped
//!   (`sent = false`) and never mailed; one that changed since is invited. A portal switched on without
//!   a time (older data) starts counting from the first pass that sees it.
//! * No address: a candidate without a readable email address, or whom
//!   Greenhouse marks `can_email = false`, gets no mail and no row, so the
//!   invite goes out at a later pass if an address (or permission) arrives
//!   while the candidate is still in a visible stage.
//!
//! The link in the email is the portal's `/p/<subdomain>` address on the
//! configured public URL (never a request header); the candidate signs in
//! there with the email address they applied with.

use crate::domain::normalize_email;
use crate::error::AppError;
use crate::ssr::entities::dashboard::portal;
use crate::ssr::entities::greenhouse::{applications, candidates, jobs};
use crate::ssr::entities::organization;
use crate::ssr::entities::portal_content::{portal_invite, portal_stage};
use crate::ssr::links;
use crate::ssr::mail::{Outbox, OutgoingEmail};
use crate::ssr::services::portal_content::{
    current_greenhouse_stage, ensure_stages_with_greenhouse, stage_of,
};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::OnConflict,
};
use std::collections::{HashMap, HashSet};
use url::Url;

/// Candidates read per query (well below every database's bind limit).
const CHUNK: usize = 500;

/// What one pass did, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvitePass {
    /// Invites queued in the outbox.
    pub sent: usize,
    /// Applications already in a visible stage when invites were switched
    /// on, recorded so that they are never invited.
    pub skipped: usize,
    /// Due applications left for a later pass: no usable email address.
    pub unreachable: usize,
}

/// Invites every candidate of `organization_id` who is due one (see the
/// module documentation), queueing the emails in `outbox`.
pub async fn send_due<C: ConnectionTrait>(
    db: &C,
    outbox: &Outbox,
    public_url: &Url,
    organization_id: i64,
    now: DateTime<Utc>,
) -> Result<InvitePass, AppError> {
    let mut pass = InvitePass::default();
    let Some(organization) = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
    else {
        return Ok(pass);
    };
    let portals = portal::Entity::find()
        .filter(portal::Column::OrganizationId.eq(organization_id))
        .filter(portal::Column::Active.eq(true))
        .filter(portal::Column::InviteEnabled.eq(true))
        .order_by_asc(portal::Column::Id)
        .all(db)
        .await?;
    for portal in portals {
        invite_for_portal(
            db,
            outbox,
            public_url,
            &organization,
            portal,
            now,
            &mut pass,
        )
        .await?;
    }
    Ok(pass)
}

async fn invite_for_portal<C: ConnectionTrait>(
    db: &C,
    outbox: &Outbox,
    public_url: &Url,
    organization: &organization::Model,
    portal: portal::Model,
    now: DateTime<Utc>,
    pass: &mut InvitePass,
) -> Result<(), AppError> {
    let organization_id = organization.id;
    let Some(job) = jobs::Entity::find_by_id((organization_id, portal.job_id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    // Greenhouse stamps changes in milliseconds or seconds: a move in the
    // second invites were switched on counts as after it.
    let enabled_at = match portal.invite_enabled_at {
        Some(at) => at.trunc_subsecs(0),
        None => {
            let mut change: portal::ActiveModel = portal.clone().into();
            change.invite_enabled_at = Set(Some(now));
            change.update(db).await?;
            now.trunc_subsecs(0)
        }
    };
    let (stages, greenhouse) = ensure_stages_with_greenhouse(db, &portal).await?;
    let already: HashSet<i64> = portal_invite::Entity::find()
        .filter(portal_invite::Column::OrganizationId.eq(organization_id))
        .filter(portal_invite::Column::PortalId.eq(portal.id))
        .all(db)
        .await?
        .into_iter()
        .map(|invite| invite.application_id)
        .collect();
    let due: Vec<applications::Model> = applications::Entity::find()
        .filter(applications::Column::OrganizationId.eq(organization_id))
        .filter(applications::Column::JobId.eq(portal.job_id))
        .filter(applications::Column::Prospect.eq(false))
        .filter(applications::Column::Status.eq("in_process"))
        .order_by_asc(applications::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|application| !already.contains(&application.id))
        .filter(|application| in_visible_stage(application, &greenhouse, &stages))
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    let people = candidates_by_id(db, organization_id, &due).await?;
    let portal_url = links::portal_path_url(public_url, &organization.subdomain);
    let organization_name = organization
        .display_name
        .clone()
        .unwrap_or_else(|| organization.name.clone());
    for application in due {
        let latest_change = application.last_activity_at.max(application.updated_at);
        if latest_change.is_none_or(|at| at < enabled_at) {
            if record(db, &portal, &application, false, now).await? {
                pass.skipped += 1;
            }
            continue;
        }
        let Some((candidate, address)) = people
            .get(&application.candidate_id)
            .and_then(|candidate| Some((candidate, reachable_address(candidate)?)))
        else {
            pass.unreachable += 1;
            continue;
        };
        if record(db, &portal, &application, true, now).await? {
            outbox.send(invite_email(
                organization_id,
                &address,
                greeting_name(candidate),
                &organization_name,
                &job.name,
                &portal_url,
            ));
            pass.sent += 1;
        }
    }
    Ok(())
}

/// Whether the application's current Greenhouse stage maps to a
/// candidate-facing stage that is shown.
fn in_visible_stage(
    application: &applications::Model,
    greenhouse: &[crate::ssr::entities::greenhouse::job_interview_stages::Model],
    stages: &[portal_stage::Model],
) -> bool {
    current_greenhouse_stage(application, greenhouse)
        .and_then(|id| stage_of(stages, id))
        .is_some_and(|stage| !stage.hidden)
}

/// The candidates of `due`, by id.
async fn candidates_by_id<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    due: &[applications::Model],
) -> Result<HashMap<i64, candidates::Model>, AppError> {
    let mut ids: Vec<i64> = due.iter().map(|a| a.candidate_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut found = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for candidate in candidates::Entity::find()
            .filter(candidates::Column::OrganizationId.eq(organization_id))
            .filter(candidates::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            found.insert(candidate.id, candidate);
        }
    }
    Ok(found)
}

/// Records the application's invite; `true` when this call inserted the
/// row (another process that got there first makes it `false`).
async fn record<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
    application: &applications::Model,
    sent: bool,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let row = portal_invite::ActiveModel {
        organization_id: Set(portal.organization_id),
        portal_id: Set(portal.id),
        application_id: Set(application.id),
        candidate_id: Set(application.candidate_id),
        sent: Set(sent),
        created_at: Set(now),
        ..Default::default()
    };
    let inserted = portal_invite::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                portal_invite::Column::OrganizationId,
                portal_invite::Column::ApplicationId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// The candidate's first readable email address, when Greenhouse allows
/// emailing them.
pub fn reachable_address(candidate: &candidates::Model) -> Option<String> {
    if !candidate.can_email {
        return None;
    }
    candidate
        .email_addresses
        .as_array()?
        .iter()
        .filter_map(|item| item.get("value")?.as_str())
        .find_map(|value| normalize_email(value).ok())
}

/// The name to greet the candidate by, if Greenhouse has one.
fn greeting_name(candidate: &candidates::Model) -> Option<&str> {
    [&candidate.preferred_name, &candidate.first_name]
        .into_iter()
        .filter_map(|name| name.as_deref().map(str::trim))
        .find(|name| !name.is_empty())
}

/// The invite: who invites, to follow which application, where, and how to
/// sign in.
fn invite_email(
    organization_id: i64,
    to: &str,
    name: Option<&str>,
    organization: &str,
    job: &str,
    portal_url: &str,
) -> OutgoingEmail {
    let greeting = match name {
        Some(name) => format!("Hello {name},"),
        None => "Hello,".to_owned(),
    };
    let subject = format!("Follow your application for {job} at {organization}");
    let text = format!(
        "{greeting}\n\n\
         {organization} invites you to follow your application for {job} on its candidate portal: \
         where you stand, what comes next, who you will meet and how to prepare.\n\n\
         Open {portal_url}\n\
         and enter the email address you applied with ({to}); you will get a sign-in link by email.\n\n\
         You get this email once. If you did not apply for {job} at {organization}, ignore it.\n"
    );
    let clean = ammonia::clean_text;
    let html = format!(
        "<p>{greeting}</p>\
         <p>{organization} invites you to follow your application for <strong>{job}</strong> on its \
         candidate portal: where you stand, what comes next, who you will meet and how to prepare.</p>\
         <p><a href=\"{link}\">Open the {organization} candidate portal</a> and enter the email \
         address you applied with ({to}); you will get a sign-in link by email.</p>\
         <p>You get this email once. If you did not apply for {job} at {organization}, ignore it.</p>",
        greeting = clean(&greeting),
        organization = clean(organization),
        job = clean(job),
        link = clean(portal_url),
        to = clean(to),
    );
    OutgoingEmail {
        organization_id: Some(organization_id),
        to: to.to_owned(),
        subject,
        text,
        html: Some(html),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn candidate(emails: serde_json::Value, can_email: bool) -> candidates::Model {
        candidates::Model {
            organization_id: 1,
            id: 7,
            created_at: None,
            updated_at: None,
            first_name: Some("Ada".to_owned()),
            last_name: Some("Lovelace".to_owned()),
            preferred_name: None,
            company: None,
            title: None,
            last_activity_at: None,
            private: None,
            can_email,
            time_zone: None,
            tags: json!([]),
            linked_user_ids: json!([]),
            phone_numbers: json!([]),
            addresses: json!([]),
            email_addresses: emails,
            website_addresses: json!([]),
            social_media_addresses: json!([]),
            custom_fields: None,
            synced_at: Utc::now(),
        }
    }

    #[test]
    fn the_first_readable_address_when_emailing_is_allowed() {
        let list = json!([
            {"value": "not an address", "type": "other"},
            {"value": " Ada@Example.COM ", "type": "personal"},
            {"value": "ada@work.example", "type": "work"},
        ]);
        assert_eq!(
            reachable_address(&candidate(list.clone(), true)).as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(reachable_address(&candidate(list, false)), None);
        assert_eq!(reachable_address(&candidate(json!([]), true)), None);
        assert_eq!(reachable_address(&candidate(json!(null), true)), None);
    }

    #[test]
    fn the_email_names_the_organization_job_and_portal_and_escapes_html() {
        let email = invite_email(
            3,
            "ada@example.com",
            Some("Ada"),
            "Acme <b>Robotics</b>",
            "Engineer & Co",
            "http://localhost:3000/p/acme",
        );
        assert_eq!(email.organization_id, Some(3));
        assert_eq!(email.to, "ada@example.com");
        assert_eq!(
            email.subject,
            "Follow your application for Engineer & Co at Acme <b>Robotics</b>"
        );
        assert!(email.text.starts_with("Hello Ada,"), "{}", email.text);
        assert!(email.text.contains("http://localhost:3000/p/acme"));
        assert!(
            email
                .text
                .contains("enter the email address you applied with (ada@example.com)")
        );
        let html = email.html.unwrap_or_default();
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;b&gt;Robotics"), "{html}");
        assert!(html.contains("<a href=\"http:"), "{html}");
    }
}
