//! Changing the data between syncs: updates (visible fields, `updated_at` =
//! now), stage moves, new candidates and deletions that take their
//! dependents with them as Greenhouse does. Which rows change is a pure
//! function of the seed and the change set's number, so a sequence of change
//! sets replays identically. Every row touched gets a fresh `updated_at`
//! (the real clock, later than the previous change set's), so an incremental
//! sync sees it.

use super::{
    basics::millis,
    people,
    pools::{CITIES, TITLES},
    rng::Rng,
    tables::{Tables, find_mut},
    webhooks::{self, Event},
};
use app::domain::Resource;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What to change (also the body of `POST /_simulator/changes`; missing
/// fields are 0).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChangeSet {
    /// Rows to update, round-robin: a candidate (title), an application
    /// (location, last activity), an interview (moved a day later).
    pub update: usize,
    /// Candidates to delete, with their applications, interviews,
    /// interviewers, offers and applied tags.
    pub delete_candidates: usize,
    /// Applications to delete (of candidates that have another one), with
    /// their interviews, interviewers and offers.
    pub delete_applications: usize,
    /// Interviews to delete, with their interviewers.
    pub delete_interviews: usize,
    /// Active applications to move to their job's next stage.
    pub stage_changes: usize,
    /// New candidates, each with one application at the first stage of an open job.
    pub new_candidates: usize,
    /// Named applications to move to a named stage of their job (`"move"`
    /// in JSON), applied before everything else.
    #[serde(rename = "move")]
    pub moves: Vec<StageMove>,
}

/// One application moved to a stage of its job:
/// `{"application_id": 123, "stage": "Onsite"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageMove {
    pub application_id: i64,
    /// The name of one of the job's active interview stages, in any case.
    pub stage: String,
}

/// What a change set did: ids per resource.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeReport {
    pub created: BTreeMap<Resource, Vec<i64>>,
    pub updated: BTreeMap<Resource, Vec<i64>>,
    pub deleted: BTreeMap<Resource, Vec<i64>>,
    /// Webhooks queued for delivery (0 when none is configured).
    pub webhooks: usize,
}

fn note(
    map: &mut BTreeMap<Resource, Vec<i64>>,
    resource: Resource,
    ids: impl IntoIterator<Item = i64>,
) {
    let list = map.entry(resource).or_default();
    for id in ids {
        if !list.contains(&id) {
            list.push(id);
        }
    }
    if list.is_empty() {
        map.remove(&resource);
    }
}

/// The `updated_at` of the next change set: now (milliseconds), and always
/// after the previous one.
pub fn next_stamp(previous: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let now = millis(Utc::now());
    match previous {
        Some(previous) if now <= previous => previous + TimeDelta::milliseconds(1),
        _ => now,
    }
}

/// Applies `changes` (the `number`th change set) at time `now`; returns the
/// report and the webhooks to send. A move that names an unknown or
/// inactive application, or a stage its job does not have, refuses the
/// whole set (the message says which and why) before anything changes.
pub fn apply(
    t: &mut Tables,
    changes: &ChangeSet,
    seed: u64,
    number: u64,
    now: DateTime<Utc>,
) -> Result<(ChangeReport, Vec<Event>), String> {
    let moves = changes
        .moves
        .iter()
        .map(|wanted| resolve_move(t, wanted))
        .collect::<Result<Vec<_>, _>>()?;
    let mut run = Run {
        t,
        rng: Rng::derived(seed, 0xC0A6_0000 + number),
        now,
        number,
        report: ChangeReport::default(),
        events: Vec::new(),
    };
    for (index, stage_id, name) in moves {
        run.move_to(index, stage_id, name);
    }
    for i in 0..changes.update {
        match i % 3 {
            0 => run.update_candidate(),
            1 => run.update_application(),
            _ => run.update_interview(),
        }
    }
    for _ in 0..changes.stage_changes {
        run.stage_change();
    }
    for _ in 0..changes.new_candidates {
        run.new_candidate();
    }
    run.delete_interviews(changes.delete_interviews);
    run.delete_applications(changes.delete_applications);
    run.delete_candidates(changes.delete_candidates);
    let Run {
        mut report, events, ..
    } = run;
    // A row updated and then deleted by the same change set is only deleted.
    for (resource, deleted) in &report.deleted {
        for map in [&mut report.updated, &mut report.created] {
            if let Some(ids) = map.get_mut(resource) {
                ids.retain(|id| !deleted.contains(id));
                if ids.is_empty() {
                    map.remove(resource);
                }
            }
        }
    }
    Ok((report, events))
}

/// Where a move goes: the application's index, and the stage's id and name
/// as the job spells it.
fn resolve_move(t: &Tables, wanted: &StageMove) -> Result<(usize, i64, String), String> {
    let id = wanted.application_id;
    let index = t
        .applications
        .iter()
        .position(|a| a.id == id)
        .ok_or_else(|| format!("there is no application {id}"))?;
    let application = &t.applications[index];
    let job_id = match application.job_id {
        Some(job_id) if !application.prospect => job_id,
        _ => {
            return Err(format!(
                "application {id} is a prospect's: it has no job stages to move through"
            ));
        }
    };
    if application.status != "in_process" {
        return Err(format!(
            "application {id} is {}: only active applications move between stages",
            application.status
        ));
    }
    let mut stages: Vec<_> = t
        .job_interview_stages
        .iter()
        .filter(|s| s.job_id == job_id && s.active)
        .collect();
    stages.sort_by_key(|s| (s.sort_order, s.id));
    let name = wanted.stage.trim();
    match stages.iter().find(|s| s.name.eq_ignore_ascii_case(name)) {
        Some(stage) => Ok((index, stage.id, stage.name.clone())),
        None => {
            let job = t
                .jobs
                .iter()
                .find(|j| j.id == job_id)
                .map_or_else(String::new, |j| format!(" (“{}”)", j.name));
            let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
            Err(format!(
                "job {job_id}{job} of application {id} has no stage “{name}”; its stages are: {}",
                names.join(", ")
            ))
        }
    }
}

struct Run<'a> {
    t: &'a mut Tables,
    rng: Rng,
    now: DateTime<Utc>,
    number: u64,
    report: ChangeReport,
    events: Vec<Event>,
}

impl Run<'_> {
    fn updated(&mut self, resource: Resource, id: i64) {
        note(&mut self.report.updated, resource, [id]);
    }

    fn update_candidate(&mut self) {
        if self.t.candidates.is_empty() {
            return;
        }
        let index = self.rng.index(self.t.candidates.len());
        let title = format!("{} (rev. {})", self.rng.pick(TITLES), self.number + 1);
        let candidate = &mut self.t.candidates[index];
        candidate.title = Some(title);
        candidate.updated_at = Some(self.now);
        candidate.last_activity_at = Some(self.now);
        let id = candidate.id;
        self.updated(Resource::Candidates, id);
    }

    fn update_application(&mut self) {
        if self.t.applications.is_empty() {
            return;
        }
        let index = self.rng.index(self.t.applications.len());
        let city = self.rng.pick(CITIES).1.unwrap_or("Remote");
        let application = &mut self.t.applications[index];
        application.location_address = Some(format!("{city} (rev. {})", self.number + 1));
        application.last_activity_at = Some(self.now);
        application.updated_at = Some(self.now);
        let id = application.id;
        self.updated(Resource::Applications, id);
    }

    fn update_interview(&mut self) {
        if self.t.interviews.is_empty() {
            return;
        }
        let index = self.rng.index(self.t.interviews.len());
        let interview = &mut self.t.interviews[index];
        let day = TimeDelta::days(1);
        interview.starts_at = interview.starts_at.map(|at| at + day);
        interview.ends_at = interview.ends_at.map(|at| at + day);
        interview.all_day_start_on = interview.all_day_start_on.map(|on| on + day);
        interview.all_day_end_on = interview.all_day_end_on.map(|on| on + day);
        interview.updated_at = Some(self.now);
        let id = interview.id;
        self.updated(Resource::Interviews, id);
    }

    /// Moves the application at `index` to stage `stage_id`, as Greenhouse
    /// does: new stage, fresh activity, a `candidate_stage_change` webhook.
    fn move_to(&mut self, index: usize, stage_id: i64, name: String) {
        let application = &mut self.t.applications[index];
        application.stage_id = Some(stage_id);
        application.job_interview_stage_id = Some(stage_id);
        application.stage_name = Some(name);
        application.last_activity_at = Some(self.now);
        application.updated_at = Some(self.now);
        let id = application.id;
        self.updated(Resource::Applications, id);
        let event = webhooks::candidate_stage_change(self.t, &self.t.applications[index]);
        self.events.push(event);
    }

    /// Moves an active application to the next active stage of its job.
    fn stage_change(&mut self) {
        let mut stages: HashMap<i64, Vec<(i64, i64, String)>> = HashMap::new();
        for s in self.t.job_interview_stages.iter().filter(|s| s.active) {
            stages
                .entry(s.job_id)
                .or_default()
                .push((s.sort_order, s.id, s.name.clone()));
        }
        let next_stage = |job: Option<i64>, current: Option<i64>| {
            let mut plan = stages.get(&job?)?.clone();
            plan.sort();
            let at = plan.iter().position(|s| Some(s.1) == current)?;
            plan.get(at + 1).map(|s| (s.1, s.2.clone()))
        };
        let movable: Vec<usize> = (0..self.t.applications.len())
            .filter(|i| {
                let a = &self.t.applications[*i];
                a.status == "in_process" && next_stage(a.job_id, a.job_interview_stage_id).is_some()
            })
            .collect();
        let Some(index) = self.rng.choose(&movable) else {
            return;
        };
        let application = &self.t.applications[index];
        let Some((stage_id, name)) =
            next_stage(application.job_id, application.job_interview_stage_id)
        else {
            return;
        };
        self.move_to(index, stage_id, name);
    }

    fn new_candidate(&mut self) {
        let tagged_before = self.t.applied_candidate_tags.last().map_or(0, |a| a.id);
        let (candidate, applications) = people::new_candidate(self.t, &mut self.rng, self.now);
        let tags: Vec<i64> = self
            .t
            .applied_candidate_tags
            .iter()
            .filter(|a| a.id > tagged_before)
            .map(|a| a.id)
            .collect();
        note(&mut self.report.created, Resource::Candidates, [candidate]);
        note(
            &mut self.report.created,
            Resource::Applications,
            applications,
        );
        note(
            &mut self.report.created,
            Resource::AppliedCandidateTags,
            tags,
        );
    }

    /// Up to `count` distinct ids drawn from `candidates`.
    fn choose(&mut self, candidates: &[i64], count: usize) -> HashSet<i64> {
        self.rng.distinct(candidates, count).into_iter().collect()
    }

    fn delete_interviews(&mut self, count: usize) {
        let ids: Vec<i64> = self.t.interviews.iter().map(|i| i.id).collect();
        let chosen = self.choose(&ids, count);
        self.events.extend(
            self.t
                .interviews
                .iter()
                .filter(|i| chosen.contains(&i.id))
                .map(|i| webhooks::interview_deleted(i.id)),
        );
        self.remove_interviews(&chosen);
    }

    /// Deletes applications of candidates that keep at least one other.
    fn delete_applications(&mut self, count: usize) {
        let mut per_candidate: HashMap<i64, usize> = HashMap::new();
        for a in &self.t.applications {
            *per_candidate.entry(a.candidate_id).or_default() += 1;
        }
        let mut chosen = HashSet::new();
        let mut eligible: Vec<(i64, i64)> = self
            .t
            .applications
            .iter()
            .filter(|a| per_candidate[&a.candidate_id] > 1)
            .map(|a| (a.id, a.candidate_id))
            .collect();
        while chosen.len() < count && !eligible.is_empty() {
            let (id, candidate) = eligible.swap_remove(self.rng.index(eligible.len()));
            let left = per_candidate.entry(candidate).or_default();
            if *left > 1 {
                *left -= 1;
                chosen.insert(id);
            }
        }
        self.events.extend(
            self.t
                .applications
                .iter()
                .filter(|a| chosen.contains(&a.id))
                .map(webhooks::delete_application),
        );
        self.remove_applications(&chosen);
    }

    fn delete_candidates(&mut self, count: usize) {
        let ids: Vec<i64> = self.t.candidates.iter().map(|c| c.id).collect();
        let chosen = self.choose(&ids, count);
        if chosen.is_empty() {
            return;
        }
        let applications: HashSet<i64> = self
            .t
            .applications
            .iter()
            .filter(|a| chosen.contains(&a.candidate_id))
            .map(|a| a.id)
            .collect();
        for c in self.t.candidates.iter().filter(|c| chosen.contains(&c.id)) {
            let theirs: Vec<_> = self
                .t
                .applications
                .iter()
                .filter(|a| a.candidate_id == c.id)
                .collect();
            self.events.push(webhooks::delete_candidate(c, &theirs));
        }
        self.remove_applications(&applications);
        let tags: HashSet<i64> = self
            .t
            .applied_candidate_tags
            .iter()
            .filter(|a| chosen.contains(&a.candidate_id))
            .map(|a| a.id)
            .collect();
        let removed = self.t.remove(Resource::AppliedCandidateTags, &tags);
        note(
            &mut self.report.deleted,
            Resource::AppliedCandidateTags,
            removed,
        );
        for user in self.t.users.iter_mut() {
            if let Some(linked) = user.linked_candidate_ids.as_array_mut() {
                let before = linked.len();
                linked.retain(|id| !id.as_i64().is_some_and(|id| chosen.contains(&id)));
                if linked.len() != before {
                    user.updated_at = Some(self.now);
                    note(&mut self.report.updated, Resource::Users, [user.id]);
                }
            }
        }
        let removed = self.t.remove(Resource::Candidates, &chosen);
        note(&mut self.report.deleted, Resource::Candidates, removed);
    }

    /// Removes applications and what hangs off them; openings they filled
    /// become unfilled.
    fn remove_applications(&mut self, ids: &HashSet<i64>) {
        if ids.is_empty() {
            return;
        }
        let interviews: HashSet<i64> = self
            .t
            .interviews
            .iter()
            .filter(|i| ids.contains(&i.application_id))
            .map(|i| i.id)
            .collect();
        self.remove_interviews(&interviews);
        let offers: HashSet<i64> = self
            .t
            .offers
            .iter()
            .filter(|o| ids.contains(&o.application_id))
            .map(|o| o.id)
            .collect();
        let removed = self.t.remove(Resource::Offers, &offers);
        note(&mut self.report.deleted, Resource::Offers, removed);
        let filled: Vec<i64> = self
            .t
            .openings
            .iter()
            .filter(|o| o.application_id.is_some_and(|a| ids.contains(&a)))
            .map(|o| o.id)
            .collect();
        for id in filled {
            if let Some(opening) = find_mut(&mut self.t.openings, id) {
                opening.application_id = None;
                opening.updated_at = Some(self.now);
                note(&mut self.report.updated, Resource::Openings, [id]);
            }
        }
        let removed = self.t.remove(Resource::Applications, ids);
        note(&mut self.report.deleted, Resource::Applications, removed);
    }

    fn remove_interviews(&mut self, ids: &HashSet<i64>) {
        let panel: HashSet<i64> = self
            .t
            .interviewers
            .iter()
            .filter(|p| ids.contains(&p.interview_id))
            .map(|p| p.id)
            .collect();
        let removed = self.t.remove(Resource::Interviewers, &panel);
        note(&mut self.report.deleted, Resource::Interviewers, removed);
        let removed = self.t.remove(Resource::Interviews, ids);
        note(&mut self.report.deleted, Resource::Interviews, removed);
    }
}

/// Reads a change set from a JSON body; missing fields are 0.
pub fn parse(body: &[u8]) -> Result<ChangeSet, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ChangeSet::default());
    }
    serde_json::from_slice::<ChangeSet>(body).map_err(|e| format!("not a change set: {e}"))
}
