//! The admin API under `/_simulator/`, for people and scripts driving a
//! running simulator with curl:
//!
//! - `GET /_simulator/stats`: [`SimulatorStats`](super::SimulatorStats) as JSON;
//! - `POST /_simulator/changes` with a [`ChangeSet`](super::ChangeSet) → the
//!   [`ChangeReport`](super::ChangeReport), or 422 naming a move that cannot
//!   be made (`{"move": [{"application_id": 123, "stage": "Onsite"}]}`);
//! - `POST /_simulator/faults` `{"fault_rate": 0.1}`;
//! - `POST /_simulator/rate_limit` `{"requests": 50, "window_secs": 10}` or `null`.

use super::{RateLimit, Simulator, changes, json_response};
use axum::{body::Bytes, extract::State, http::StatusCode, response::Response};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

fn bad_request(message: String) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({"errors": [message]}),
    )
}

fn ok<T: serde::Serialize>(value: &T) -> Response {
    json_response(
        StatusCode::OK,
        &serde_json::to_value(value).unwrap_or_default(),
    )
}

pub async fn stats(State(sim): State<Simulator>) -> Response {
    ok(&sim.stats())
}

pub async fn changes(State(sim): State<Simulator>, body: Bytes) -> Response {
    match changes::parse(&body) {
        Ok(set) => match sim.apply_changes(&set) {
            Ok(report) => ok(&report),
            Err(message) => bad_request(message),
        },
        Err(message) => bad_request(message),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Faults {
    fault_rate: f64,
}

pub async fn faults(State(sim): State<Simulator>, body: Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(Faults { fault_rate }) if (0.0..=1.0).contains(&fault_rate) => {
            sim.set_fault_rate(fault_rate);
            ok(&json!({"fault_rate": fault_rate}))
        }
        Ok(_) => bad_request("fault_rate must be between 0 and 1".to_owned()),
        Err(error) => bad_request(format!("expected {{\"fault_rate\": <0..1>}}: {error}")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Limit {
    requests: u32,
    window_secs: f64,
}

pub async fn rate_limit(State(sim): State<Simulator>, body: Bytes) -> Response {
    match serde_json::from_slice::<Option<Limit>>(&body) {
        Ok(None) => {
            sim.set_rate_limit(None);
            ok(&json!({"rate_limit": null}))
        }
        Ok(Some(Limit {
            requests,
            window_secs,
        })) if requests > 0 && window_secs > 0.0 && window_secs.is_finite() => {
            sim.set_rate_limit(Some(RateLimit {
                requests,
                window: Duration::from_secs_f64(window_secs),
            }));
            ok(&json!({"rate_limit": {"requests": requests, "window_secs": window_secs}}))
        }
        Ok(Some(_)) => bad_request("requests and window_secs must be positive".to_owned()),
        Err(error) => bad_request(format!(
            "expected {{\"requests\": n, \"window_secs\": s}} or null: {error}"
        )),
    }
}
