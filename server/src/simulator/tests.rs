//! Tests of the dataset, its v3 and v1 shapes and the changes. HTTP
//! behaviour is tested in `http_tests`.

use super::{
    ChangeSet, Simulator, SimulatorConfig, Size, generate,
    render::{self, Ctx},
    schema_check::{conforms, validate},
    tables::Tables,
    webhooks,
};
use app::{domain::Resource, ssr::entities::greenhouse::Records};
use serde_json::Value;
use std::{
    collections::{HashMap, HashSet},
    path::PathBuf,
    sync::OnceLock,
};

/// A JSON file of Greenhouse's documentation kept in `server/tests/fixtures/harvest/`.
pub fn shared_file(path: &str) -> Option<Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/harvest");
    let text =
        std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"));
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}")))
}

pub fn medium() -> &'static Tables {
    static MEDIUM: OnceLock<Tables> = OnceLock::new();
    MEDIUM.get_or_init(|| generate::dataset(Size::Medium, 1))
}

/// Rows as v3 JSON.
pub fn records_json(records: Records) -> Vec<Value> {
    app::with_greenhouse_entity!(records.resource(), E => {
        records.into_rows::<E>().unwrap().into_iter().map(|row| serde_json::to_value(row).unwrap()).collect()
    })
}

fn rows_json(t: &Tables, resource: Resource) -> Vec<Value> {
    records_json(t.records(resource))
}

/// Fields our models carry beyond the June/July 2026 schema snapshot: both
/// are in Greenhouse's later (September 2026) applications schema (V3.md §9).
fn newer_fields(resource: Resource) -> &'static [&'static str] {
    match resource {
        Resource::Applications => &["job_interview_stage_id", "rejection_reason_id"],
        _ => &[],
    }
}

#[test]
fn v3_rows_validate_against_the_schemas() {
    let t = medium();
    for resource in Resource::ALL {
        let Some(schema) = shared_file(&format!("v3/schemas/{}.schema.json", resource.name()))
        else {
            return;
        };
        let rows = rows_json(t, resource);
        assert!(!rows.is_empty(), "{resource} has rows");
        let mut problems = Vec::new();
        for row in &rows {
            validate(
                &schema,
                row,
                &format!("{resource}#{}", row["id"]),
                newer_fields(resource),
                &mut problems,
            );
        }
        for field in schema["properties"].as_object().unwrap().keys() {
            assert!(
                rows[0].get(field).is_some(),
                "{resource}: schema field {field} is never sent"
            );
        }
        assert!(
            problems.is_empty(),
            "{} problems, first: {:#?}",
            problems.len(),
            &problems[..problems.len().min(5)]
        );
    }
}

/// Every row of a v1 rendering against a saved example (a list or one object).
fn assert_conforms(example_file: &str, ours: Vec<Value>) {
    let Some(example) = shared_file(&format!("examples/{example_file}")) else {
        return;
    };
    assert!(!ours.is_empty(), "{example_file}: nothing rendered");
    let example = if example.is_array() {
        example
    } else {
        Value::from(vec![example])
    };
    let mut problems = Vec::new();
    conforms(&example, &Value::from(ours), example_file, &mut problems);
    assert!(
        problems.is_empty(),
        "{} problems, first: {:#?}",
        problems.len(),
        &problems[..problems.len().min(8)]
    );
}

fn all<R>(rows: &[R]) -> Vec<&R> {
    rows.iter().collect()
}

#[test]
fn v1_bodies_have_the_shapes_of_the_examples() {
    let t = medium();
    let ctx = Ctx {
        t,
        user_attributes: false,
    };
    assert_conforms(
        "applications_list.json",
        render::applications(&ctx, &all(&t.applications)),
    );
    assert_conforms(
        "application.json",
        render::applications(&ctx, &all(&t.applications[..20])),
    );
    assert_conforms(
        "candidates_list.json",
        render::candidates(&ctx, &all(&t.candidates)),
    );
    assert_conforms(
        "candidate_tags_list.json",
        render::tags(&ctx, &all(&t.candidate_tags)),
    );
    assert_conforms(
        "candidate_applied_tags_list.json",
        render::tags(&ctx, &all(&t.candidate_tags)),
    );
    assert_conforms("users_list.json", render::users(&ctx, &all(&t.users)));
    assert_conforms(
        "user_job_permissions_list.json",
        render::job_permissions(&ctx, &all(&t.user_job_permissions)),
    );
    assert_conforms(
        "user_roles_list.json",
        render::user_roles(&ctx, &all(&t.user_roles)),
    );
    assert_conforms("offers_list.json", render::offers(&ctx, &all(&t.offers)));
    assert_conforms(
        "scheduled_interviews_list.json",
        render::scheduled_interviews(&ctx, &all(&t.interviews)),
    );
    assert_conforms(
        "departments_list.json",
        render::departments(&ctx, &all(&t.departments)),
    );
    assert_conforms("offices_list.json", render::offices(&ctx, &all(&t.offices)));
    assert_conforms("jobs_list.json", render::jobs(&ctx, &all(&t.jobs)));
    assert_conforms(
        "job_openings_list.json",
        render::openings(&ctx, &all(&t.openings)),
    );
    assert_conforms(
        "job_posts_list.json",
        render::job_posts(&ctx, &all(&t.job_posts)),
    );
    assert_conforms(
        "job_stages_list.json",
        render::job_stages(&ctx, &all(&t.job_interview_stages)),
    );
    assert_conforms(
        "rejection_reasons_list.json",
        render::rejection_reasons(&ctx, &all(&t.rejection_reasons)),
    );
    assert_conforms("sources_list.json", render::sources(&ctx, &all(&t.sources)));
    assert_conforms(
        "close_reasons_list.json",
        render::close_reasons(&ctx, &all(&t.close_reasons)),
    );
    let teams: Vec<Value> = t
        .jobs
        .iter()
        .map(|j| render::hiring_team(t, j.id))
        .collect();
    assert_conforms("job_hiring_team.json", teams);
}

#[test]
fn webhook_bodies_have_the_shapes_of_the_examples() {
    let t = medium();
    let application = t
        .applications
        .iter()
        .find(|a| a.job_id.is_some() && a.source_id.is_some())
        .unwrap();
    let candidate = &t.candidates[0];
    let theirs: Vec<_> = t
        .applications
        .iter()
        .filter(|a| a.candidate_id == candidate.id)
        .collect();
    let events = [
        webhooks::candidate_stage_change(t, application),
        webhooks::delete_application(application),
        webhooks::delete_candidate(candidate, &theirs),
        webhooks::interview_deleted(t.interviews[0].id),
    ];
    for event in events {
        assert_eq!(event.body["action"], event.action);
        assert_conforms(&format!("webhooks/{}.json", event.action), vec![event.body]);
    }
}

#[test]
fn the_dataset_is_a_function_of_size_and_seed() {
    assert_eq!(
        generate::dataset(Size::Small, 7),
        generate::dataset(Size::Small, 7)
    );
    assert_ne!(
        generate::dataset(Size::Small, 7).candidates,
        generate::dataset(Size::Small, 8).candidates
    );
    assert_eq!("medium".parse::<Size>(), Ok(Size::Medium));
    assert!(
        "huge"
            .parse::<Size>()
            .unwrap_err()
            .contains("small, medium or large")
    );
}

fn ratio(a: usize, b: usize) -> f64 {
    a as f64 / b as f64
}

#[test]
fn medium_counts_are_in_the_stated_ranges() {
    let t = medium();
    assert_eq!(
        (t.candidates.len(), t.jobs.len(), t.users.len()),
        (2_000, 60, 150)
    );
    let per = |resource: Resource, of: Resource| ratio(t.len(resource), t.len(of));
    let checks = [
        (
            "applications per candidate",
            per(Resource::Applications, Resource::Candidates),
            1.2,
            1.4,
        ),
        (
            "interviews per application",
            per(Resource::Interviews, Resource::Applications),
            1.0,
            1.4,
        ),
        (
            "interviewers per interview",
            per(Resource::Interviewers, Resource::Interviews),
            1.5,
            2.2,
        ),
        (
            "openings per job",
            per(Resource::Openings, Resource::Jobs),
            1.5,
            2.5,
        ),
        (
            "stages per job",
            per(Resource::JobInterviewStages, Resource::Jobs),
            5.0,
            7.05,
        ),
        (
            "steps per stage",
            per(Resource::JobInterviews, Resource::JobInterviewStages),
            1.0,
            3.0,
        ),
    ];
    for (what, value, low, high) in checks {
        assert!(
            (low..=high).contains(&value),
            "{what}: {value:.2} not in {low}–{high}"
        );
    }
    let offered: HashSet<i64> = t.offers.iter().map(|o| o.application_id).collect();
    let share = ratio(offered.len(), t.applications.len());
    assert!(
        (0.05..=0.12).contains(&share),
        "offers for {share:.3} of applications"
    );
    let tagged: HashSet<i64> = t
        .applied_candidate_tags
        .iter()
        .map(|a| a.candidate_id)
        .collect();
    let share = ratio(tagged.len(), t.candidates.len());
    assert!(
        (0.25..=0.35).contains(&share),
        "tags on {share:.3} of candidates"
    );
    let mut stages: HashMap<i64, usize> = HashMap::new();
    for s in t.job_interview_stages.iter().filter(|s| s.active) {
        *stages.entry(s.job_id).or_default() += 1;
    }
    assert!(stages.values().all(|n| (5..=7).contains(n)), "{stages:?}");
}

/// Every reference points at an existing row, and v1 can say what v3 says.
fn assert_consistent(t: &Tables) {
    for resource in Resource::ALL {
        let ids = rows_json(t, resource)
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect::<Vec<_>>();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "{resource} ids are unique and sorted"
        );
    }
    let ids = |rows: Vec<i64>| rows.into_iter().collect::<HashSet<i64>>();
    let candidates = ids(t.candidates.iter().map(|c| c.id).collect());
    let applications: HashMap<i64, _> = t.applications.iter().map(|a| (a.id, a)).collect();
    let interviews = ids(t.interviews.iter().map(|i| i.id).collect());
    let steps: HashMap<i64, i64> = t.job_interviews.iter().map(|s| (s.id, s.job_id)).collect();
    let tags: HashMap<i64, &str> = t
        .candidate_tags
        .iter()
        .map(|s| (s.id, s.name.as_str()))
        .collect();
    let admins = ids(t
        .users
        .iter()
        .filter(|u| u.site_admin)
        .map(|u| u.id)
        .collect());
    for a in &t.applications {
        assert!(
            candidates.contains(&a.candidate_id),
            "application {} has its candidate",
            a.id
        );
        assert_eq!(
            a.prospect,
            a.job_id.is_none(),
            "application {}: prospects and only they have no job",
            a.id
        );
    }
    for i in &t.interviews {
        let application = applications
            .get(&i.application_id)
            .unwrap_or_else(|| panic!("interview {} has its application", i.id));
        assert_eq!(
            Some(i.job_id),
            application.job_id,
            "interview {}'s job is its application's",
            i.id
        );
        assert_eq!(
            steps.get(&i.job_interview_id),
            Some(&i.job_id),
            "interview {}'s step is of its job",
            i.id
        );
    }
    assert!(
        t.interviewers
            .iter()
            .all(|p| interviews.contains(&p.interview_id))
    );
    for o in &t.offers {
        let application = applications[&o.application_id];
        assert_eq!(
            (Some(o.job_id), o.candidate_id),
            (application.job_id, application.candidate_id)
        );
    }
    assert!(t.openings.iter().all(|o| {
        o.application_id
            .is_none_or(|a| applications.contains_key(&a))
    }));
    assert!(
        t.user_job_permissions
            .iter()
            .all(|p| !admins.contains(&p.user_id)),
        "site admins have no job permissions"
    );
    let mut applied: HashMap<i64, Vec<&str>> = HashMap::new();
    for a in &t.applied_candidate_tags {
        assert!(candidates.contains(&a.candidate_id));
        applied
            .entry(a.candidate_id)
            .or_default()
            .push(tags[&a.candidate_tag_id]);
    }
    for c in &t.candidates {
        let names: Vec<&str> = c
            .tags
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            applied.remove(&c.id).unwrap_or_default(),
            "candidate {}'s tag names are its applied tags",
            c.id
        );
    }
    for u in &t.users {
        for linked in u.linked_candidate_ids.as_array().unwrap() {
            assert!(
                candidates.contains(&linked.as_i64().unwrap()),
                "user {} links an existing candidate",
                u.id
            );
        }
    }
}

#[test]
fn every_size_is_consistent_and_adversarial() {
    assert_adversarial(medium());
    assert_adversarial(&generate::dataset(Size::Small, 2));
}

fn assert_adversarial(t: &Tables) {
    assert_consistent(t);
    let names: Vec<String> = t
        .candidates
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c.first_name.as_deref().unwrap_or(""),
                c.last_name.as_deref().unwrap_or("")
            )
        })
        .collect();
    let any_name = |test: &dyn Fn(char) -> bool| names.iter().any(|n| n.chars().any(test));
    assert!(
        any_name(&|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "Arabic names"
    );
    assert!(
        any_name(&|c| ('\u{0590}'..='\u{05FF}').contains(&c)),
        "Hebrew names"
    );
    assert!(any_name(&|c| c == '\''), "apostrophes");
    assert!(any_name(&|c| c as u32 >= 0x1F300), "emoji");
    assert!(
        t.candidates.iter().any(|c| c.last_name.is_none()),
        "null last names"
    );
    let emails = |n: usize| {
        t.candidates
            .iter()
            .any(|c| c.email_addresses.as_array().unwrap().len() == n)
    };
    assert!(emails(0) && emails(2), "no and several email addresses");
    for status in ["in_process", "rejected", "hired", "converted"] {
        assert!(
            t.applications.iter().any(|a| a.status == status),
            "an application {status}"
        );
    }
    assert!(
        t.applications
            .iter()
            .any(|a| a.prospect && a.job_id.is_none()),
        "prospects"
    );
    assert!(
        t.interviews
            .iter()
            .any(|i| i.starts_at.is_none() && i.all_day_start_on.is_some()),
        "all-day interviews"
    );
    assert!(t.users.iter().any(|u| u.deactivated), "deactivated users");
    for status in ["open", "closed", "draft"] {
        assert!(t.jobs.iter().any(|j| j.status == status), "a {status} job");
    }
    assert!(t.jobs.iter().any(|j| j.confidential), "confidential jobs");
    assert!(t.job_posts.iter().any(|p| !p.active), "deleted job posts");
    assert!(
        t.offers.iter().any(|o| o.status == "Deprecated")
            && t.offers.iter().any(|o| o.status == "Accepted")
    );
    assert!(
        t.interviewers.iter().any(|p| p.user_id.is_none()),
        "external interviewers"
    );
    assert!(
        t.candidates
            .iter()
            .any(|c| c.linked_user_ids != serde_json::json!([])),
        "internal applicants"
    );
    let starts: HashSet<i64> = Resource::ALL.iter().map(|r| t.max_id(*r) / 1_000).collect();
    assert!(starts.len() > 15, "resources use distinct id ranges");
}

fn small_simulator(seed: u64) -> Simulator {
    Simulator::new(SimulatorConfig {
        size: Size::Small,
        seed,
        ..SimulatorConfig::default()
    })
}

#[test]
fn changes_delete_dependents_and_stamp_what_they_touch() {
    let sim = small_simulator(3);
    let before = sim.read().tables.clone();
    let generated_max = before
        .candidates
        .iter()
        .filter_map(|c| c.updated_at)
        .max()
        .unwrap();
    let set = ChangeSet {
        update: 6,
        delete_candidates: 3,
        delete_applications: 2,
        delete_interviews: 2,
        stage_changes: 2,
        new_candidates: 2,
        moves: Vec::new(),
    };
    let report = sim.apply_changes(&set).expect("the changes apply");
    let after = sim.read().tables.clone();
    assert_consistent(&after);
    let deleted = |r: Resource| report.deleted.get(&r).cloned().unwrap_or_default();
    assert_eq!(deleted(Resource::Candidates).len(), 3);
    let gone: HashSet<i64> = deleted(Resource::Candidates).into_iter().collect();
    let their_applications: Vec<i64> = before
        .applications
        .iter()
        .filter(|a| gone.contains(&a.candidate_id))
        .map(|a| a.id)
        .collect();
    assert!(
        their_applications
            .iter()
            .all(|a| deleted(Resource::Applications).contains(a)),
        "a candidate's applications go with it"
    );
    assert!(
        after
            .applications
            .iter()
            .all(|a| !gone.contains(&a.candidate_id))
    );
    assert!(after.offers.iter().all(|o| !gone.contains(&o.candidate_id)));
    assert!(
        after
            .applied_candidate_tags
            .iter()
            .all(|a| !gone.contains(&a.candidate_id))
    );
    assert_eq!(after.candidates.len(), before.candidates.len() - 3 + 2);
    assert_eq!(report.created[&Resource::Candidates].len(), 2);
    for (resource, ids) in &report.updated {
        let rows = rows_json(&after, *resource);
        for id in ids {
            let row = rows
                .iter()
                .find(|r| r["id"] == *id)
                .unwrap_or_else(|| panic!("updated {resource} {id} exists"));
            let at: chrono::DateTime<chrono::Utc> =
                row["updated_at"].as_str().unwrap().parse().unwrap();
            assert!(at > generated_max, "{resource} {id} got a fresh updated_at");
        }
    }
    assert!(
        report.updated[&Resource::Candidates].len() >= 2,
        "{report:?}"
    );
    assert_eq!(report.webhooks, 0, "no webhook target, nothing queued");
    // A second change set is stamped later; the same sequence replays identically.
    let second = sim
        .apply_changes(&ChangeSet {
            update: 1,
            ..ChangeSet::default()
        })
        .expect("the changes apply");
    let id = second.updated[&Resource::Candidates][0];
    let stamp = |t: &Tables, id: i64| {
        t.candidates
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.updated_at)
    };
    let first_stamp = report.updated[&Resource::Candidates]
        .iter()
        .filter_map(|id| stamp(&after, *id))
        .max();
    assert!(stamp(&sim.read().tables, id) > first_stamp);
    let replay = small_simulator(3);
    assert_eq!(
        replay
            .apply_changes(&set)
            .expect("the changes apply")
            .deleted,
        report.deleted
    );
    assert_eq!(replay.count(Resource::Candidates), after.candidates.len());
}

#[test]
fn change_sets_are_read_leniently_but_not_carelessly() {
    assert_eq!(super::changes::parse(b"").unwrap(), ChangeSet::default());
    assert_eq!(
        super::changes::parse(br#"{"update": 3}"#).unwrap().update,
        3
    );
    assert!(
        super::changes::parse(br#"{"updates": 3}"#)
            .unwrap_err()
            .contains("unknown field")
    );
    let moves = super::changes::parse(br#"{"move": [{"application_id": 12, "stage": "Onsite"}]}"#)
        .unwrap()
        .moves;
    assert_eq!(
        moves,
        [super::StageMove {
            application_id: 12,
            stage: "Onsite".to_owned()
        }]
    );
    assert!(
        super::changes::parse(br#"{"move": [{"application": 12, "stage": "Onsite"}]}"#)
            .unwrap_err()
            .contains("unknown field")
    );
    assert!(super::changes::parse(br#"{"move": [{"application_id": 12}]}"#).is_err());
}

/// An active application of a job with at least three active stages, and
/// the name of a stage of that job it is not in.
fn movable(t: &Tables) -> (i64, String) {
    t.applications
        .iter()
        .filter(|a| a.status == "in_process" && !a.prospect)
        .find_map(|a| {
            let stage = t
                .job_interview_stages
                .iter()
                .filter(|s| Some(s.job_id) == a.job_id && s.active)
                .find(|s| Some(s.id) != a.job_interview_stage_id)?;
            Some((a.id, stage.name.clone()))
        })
        .unwrap()
}

#[test]
fn a_move_takes_one_application_to_a_named_stage_of_its_job() {
    let sim = small_simulator(5);
    let before = sim.read().tables.clone();
    let (id, stage) = movable(&before);
    let report = sim
        .apply_changes(&ChangeSet {
            moves: vec![super::StageMove {
                application_id: id,
                stage: format!("  {}  ", stage.to_uppercase()),
            }],
            ..ChangeSet::default()
        })
        .unwrap();
    assert_eq!(report.updated[&Resource::Applications], [id]);
    assert_eq!(report.updated.len(), 1, "{report:?}");
    let after = sim.read().tables.clone();
    let moved = after.applications.iter().find(|a| a.id == id).unwrap();
    let was = before.applications.iter().find(|a| a.id == id).unwrap();
    let target = after
        .job_interview_stages
        .iter()
        .find(|s| Some(s.job_id) == moved.job_id && s.name == stage)
        .unwrap();
    assert_eq!(moved.stage_name.as_deref(), Some(stage.as_str()));
    assert_eq!(moved.job_interview_stage_id, Some(target.id));
    assert_eq!(moved.stage_id, Some(target.id));
    assert!(moved.updated_at > was.updated_at, "a fresh updated_at");
    assert!(moved.last_activity_at > was.last_activity_at);
    assert_consistent(&after);
    // Nothing else changed.
    let others = |t: &Tables| -> Vec<Value> {
        rows_json(t, Resource::Applications)
            .into_iter()
            .filter(|row| row["id"] != id)
            .collect()
    };
    assert_eq!(others(&before), others(&after));
}

#[test]
fn a_move_that_cannot_be_made_refuses_the_whole_set_and_says_why() {
    let sim = small_simulator(5);
    let before = sim.read().tables.clone();
    let (id, stage) = movable(&before);
    let refused = |moves: Vec<super::StageMove>| {
        sim.apply_changes(&ChangeSet {
            update: 3,
            moves,
            ..ChangeSet::default()
        })
        .unwrap_err()
    };
    let to = |application_id: i64, stage: &str| super::StageMove {
        application_id,
        stage: stage.to_owned(),
    };
    let unknown = refused(vec![to(id, &stage), to(999_999_999, &stage)]);
    assert_eq!(unknown, "there is no application 999999999");
    let no_stage = refused(vec![to(id, "Juggling")]);
    assert!(no_stage.contains("has no stage “Juggling”"), "{no_stage}");
    assert!(
        no_stage.contains(&stage),
        "lists the job's stages: {no_stage}"
    );
    let rejected = before
        .applications
        .iter()
        .find(|a| a.status == "rejected" && !a.prospect)
        .unwrap();
    let inactive = refused(vec![to(rejected.id, &stage)]);
    assert!(
        inactive.contains("is rejected: only active applications move"),
        "{inactive}"
    );
    if let Some(prospect) = before.applications.iter().find(|a| a.prospect) {
        assert!(refused(vec![to(prospect.id, &stage)]).contains("prospect"));
    }
    // Nothing changed, not even the counts of the refused sets.
    let after = sim.read().tables.clone();
    for resource in [Resource::Applications, Resource::Candidates] {
        assert_eq!(rows_json(&before, resource), rows_json(&after, resource));
    }
    assert_eq!(sim.read().changes, 0);
}

#[test]
fn large_generates_quickly() {
    let started = std::time::Instant::now();
    let t = generate::dataset(Size::Large, 1);
    let elapsed = started.elapsed();
    let rows: usize = Resource::ALL.iter().map(|r| t.len(*r)).sum();
    println!("large: {rows} rows in {elapsed:?}");
    assert_eq!(t.candidates.len(), 50_000);
    assert!(elapsed < std::time::Duration::from_secs(10));
}

#[test]
fn a_schedule_shift_puts_scheduled_interviews_ahead_of_now() {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-28T21:00:00Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    let shift = super::weeks_until(now);
    assert_eq!(shift.num_seconds() % (7 * 24 * 3600), 0, "whole weeks");
    let plain = small_simulator(1).read().tables.clone();
    let shifted = Simulator::new(SimulatorConfig {
        schedule_shift: shift,
        ..SimulatorConfig::default()
    })
    .read()
    .tables
    .clone();
    assert_eq!(plain.interviews.len(), shifted.interviews.len());
    let scheduled: Vec<_> = shifted
        .interviews
        .iter()
        .filter(|i| i.status == "scheduled")
        .collect();
    assert!(!scheduled.is_empty());
    for interview in scheduled {
        let start = interview.starts_at.or_else(|| {
            interview
                .all_day_start_on
                .and_then(|d| d.and_hms_opt(23, 59, 0))
                .map(|t| t.and_utc())
        });
        assert!(start.is_some_and(|s| s >= now), "{interview:?}");
    }
    for (a, b) in plain.interviews.iter().zip(&shifted.interviews) {
        assert_eq!(a.starts_at.map(|t| t + shift), b.starts_at);
        assert_eq!(a.all_day_start_on.map(|d| d + shift), b.all_day_start_on);
    }
    assert!(super::weeks_until(super::basics::epoch()).is_zero());
}
