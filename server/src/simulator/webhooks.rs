//! Greenhouse-style webhooks for changes made through the simulator
//! (README §6): `{"action", "payload"}` bodies shaped like
//! `examples/webhooks/*.json`, POSTed with `Signature: sha256 <hex
//! HMAC-SHA256 of the raw body>` and a unique `Greenhouse-Event-ID`. Delivery
//! runs in the background, one attempt per event; failures are logged and
//! counted, never fatal.

use super::{
    Simulator, WebhookTarget,
    render::time,
    tables::{Tables, find},
};
use app::ssr::entities::greenhouse as gh;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

/// One webhook to deliver.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub action: &'static str,
    pub body: Value,
}

impl Event {
    fn new(action: &'static str, payload: Value) -> Event {
        Event {
            action,
            body: json!({"action": action, "payload": payload}),
        }
    }
}

/// The value of the `Signature` header for `body`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    format!(
        "sha256 {}",
        hex::encode(ring::hmac::sign(&key, body).as_ref())
    )
}

/// Posts webhooks to the configured target.
pub struct Sender {
    target: WebhookTarget,
    client: reqwest::Client,
}

impl Sender {
    pub fn new(target: WebhookTarget) -> Sender {
        crate::harvest::transport::install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .user_agent("Greenhouse-Simulator-Webhooks")
            .build()
            .unwrap_or_default();
        Sender { target, client }
    }

    async fn post(&self, event: &Event) -> Result<(), String> {
        let body = event.body.to_string();
        let response = self
            .client
            .post(&self.target.url)
            .header("content-type", "application/json")
            .header("signature", signature(&self.target.secret, body.as_bytes()))
            .header(
                "greenhouse-event-id",
                format!("{:032x}", rand::random::<u128>()),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| crate::harvest::transport::describe(&e))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("answered {}", response.status()))
        }
    }
}

/// Delivers `events` in order in a background task (needs a tokio runtime).
pub fn deliver(sim: &Simulator, events: Vec<Event>) {
    if events.is_empty() || sim.inner.webhooks.is_none() {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!(count = events.len(), "webhooks not sent: no tokio runtime");
        return;
    };
    let sim = sim.clone();
    runtime.spawn(async move {
        let Some(sender) = &sim.inner.webhooks else { return };
        for event in &events {
            match sender.post(event).await {
                Ok(()) => sim.inner.stats.webhooks_sent.fetch_add(1, Ordering::Relaxed),
                Err(error) => {
                    tracing::warn!(action = event.action, url = %sender.target.url, %error, "webhook delivery failed");
                    sim.inner.stats.webhooks_failed.fetch_add(1, Ordering::Relaxed)
                }
            };
        }
    });
}

/// `{id, email, name, employee_id}`: how webhooks embed users.
fn user(t: &Tables, id: Option<i64>) -> Value {
    id.and_then(|id| find(&t.users, id)).map_or(Value::Null, |u| {
        json!({"id": u.id, "email": u.primary_email, "name": u.name, "employee_id": u.employee_id})
    })
}

pub fn interview_deleted(id: i64) -> Event {
    Event::new("interview_deleted", json!({"interview": {"id": id}}))
}

pub fn delete_application(a: &gh::applications::Model) -> Event {
    Event::new(
        "delete_application",
        json!({"application": {"id": a.id, "candidate_id": a.candidate_id, "job_id": a.job_id,
            "created_at": time(a.created_at), "source_id": a.source_id,
            "candidate_rejection_reason_id": a.rejection_reason_id, "rejection_note_id": null,
            "rejected_at": time(a.rejected_at), "referrer_id": a.referrer_id, "prospect": a.prospect,
            "rejected_by_user_id": null}}),
    )
}

/// `delete_candidate`, from the candidate and its applications before removal.
pub fn delete_candidate(
    c: &gh::candidates::Model,
    applications: &[&gh::applications::Model],
) -> Event {
    Event::new(
        "delete_candidate",
        json!({"person": {"id": c.id, "first_name": c.first_name, "last_name": c.last_name, "company": c.company,
            "title": c.title, "created_at": time(c.created_at), "headline": null,
            "is_private": c.private.unwrap_or(false),
            "recruiter_user_id": applications.iter().find_map(|a| a.recruiter_id),
            "coordinator_user_id": applications.iter().find_map(|a| a.coordinator_id),
            "can_email": c.can_email,
            "deleted_application_ids": applications.iter().map(|a| a.id).collect::<Vec<_>>()}}),
    )
}

/// `candidate_stage_change` for an application (already in its new stage).
pub fn candidate_stage_change(t: &Tables, a: &gh::applications::Model) -> Event {
    let candidate = find(&t.candidates, a.candidate_id);
    let job = a.job_id.and_then(|j| find(&t.jobs, j));
    let stage_id = a.job_interview_stage_id.or(a.stage_id);
    let interviews: Vec<Value> = t
        .job_interviews
        .iter()
        .filter(|i| Some(i.job_interview_stage_id) == stage_id)
        .map(|i| {
            json!({"id": i.id, "name": i.name, "status": "to_be_scheduled",
                "interview_kit": {"url": format!("https://app.greenhouse.example/guides/{}/people/{}", i.id, a.candidate_id),
                    "content": i.instructions.clone().unwrap_or_default(), "questions": []},
                "interviewers": []})
        })
        .collect();
    let source = a
        .source_id
        .and_then(|s| find(&t.sources, s))
        .map(|s| json!({"id": s.id, "name": s.name}));
    let candidate = candidate.map(|c| {
        json!({"id": c.id, "first_name": c.first_name, "last_name": c.last_name, "title": c.title, "company": c.company,
            "created_at": time(c.created_at), "external_id": null, "photo_url": null,
            "url": format!("https://app.greenhouse.example/people/{}", c.id), "is_private": c.private.unwrap_or(false),
            "can_email": c.can_email, "phone_numbers": c.phone_numbers, "email_addresses": c.email_addresses,
            "addresses": c.addresses, "website_addresses": c.website_addresses,
            "social_media_addresses": c.social_media_addresses, "educations": [], "employments": [],
            "recruiter": user(t, a.recruiter_id), "coordinator": user(t, a.coordinator_id), "attachments": [],
            "tags": c.tags, "custom_fields": c.custom_fields.clone().unwrap_or_else(|| json!({}))})
    });
    let jobs: Vec<Value> = job
        .map(|j| {
            let departments: Vec<Value> = j
                .department_id
                .and_then(|d| find(&t.departments, d))
                .map(|d| json!({"id": d.id, "name": d.name, "external_id": d.external_id}))
                .into_iter()
                .collect();
            let offices: Vec<Value> = j
                .office_ids
                .as_ref()
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|o| o.as_i64().and_then(|o| find(&t.offices, o)))
                .map(|o| json!({"id": o.id, "name": o.name, "location": o.location, "external_id": o.external_id}))
                .collect();
            json!({"id": j.id, "name": j.name, "requisition_id": j.requisition_id, "notes": j.notes,
                "confidential": j.confidential, "job_post_id": a.job_post_id, "status": j.status, "created_by_id": null,
                "created_at": time(j.created_at), "opened_at": time(j.opened_at), "closed_at": time(j.closed_at),
                "departments": departments, "offices": offices,
                "custom_fields": j.custom_fields.clone().unwrap_or_else(|| json!({}))})
        })
        .into_iter()
        .collect();
    Event::new(
        "candidate_stage_change",
        json!({"application": {"id": a.id, "rejected_at": time(a.rejected_at), "prospect": a.prospect,
            "status": if a.status == "in_process" { "active" } else { a.status.as_str() },
            "applied_at": time(a.created_at), "last_activity_at": time(a.last_activity_at),
            "url": format!("https://app.greenhouse.example/people/{}?application_id={}", a.candidate_id, a.id),
            "source": source, "credited_to": user(t, a.referrer_id), "rejection_reason": null, "rejection_details": null,
            "current_stage": {"id": stage_id, "name": a.stage_name, "interviews": interviews},
            "custom_fields": a.custom_fields.clone().unwrap_or_else(|| json!({})),
            "candidate": candidate, "jobs": jobs}}),
    )
}
