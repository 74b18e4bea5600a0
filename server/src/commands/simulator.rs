//! `trellis simulator`: the built-in Greenhouse simulator in the foreground.

use crate::simulator::{RateLimit, Simulator, SimulatorConfig, Size};
use std::net::SocketAddr;
use std::time::Duration;

pub struct SimulatorArgs {
    pub port: u16,
    pub size: Size,
    pub seed: u64,
    /// Requests per window; `None` = unlimited.
    pub rate_limit: Option<u32>,
    pub rate_window: Duration,
    pub fault_rate: f64,
}

/// Serves the simulator on 127.0.0.1:`port` until Ctrl-C.
pub async fn run(args: SimulatorArgs) -> std::io::Result<()> {
    let config = SimulatorConfig {
        size: args.size,
        seed: args.seed,
        rate_limit: args.rate_limit.map(|requests| RateLimit {
            requests,
            window: args.rate_window,
        }),
        fault_rate: args.fault_rate,
        ..SimulatorConfig::default()
    };
    let started = std::time::Instant::now();
    let simulator = Simulator::new(config.clone());
    let running = simulator
        .spawn(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .await?;
    let base = running.base_url.as_str().trim_end_matches('/').to_owned();
    let candidates = simulator.count(app::domain::Resource::Candidates);
    println!(
        "Greenhouse simulator ({:?}, seed {}, {candidates} candidates, generated in {:.1} s) at {base}",
        args.size,
        args.seed,
        started.elapsed().as_secs_f64()
    );
    println!("Connect an organization with Harvest v3:");
    println!(
        "  trellis greenhouse connect --org <slug> --v3 --client-id {} --client-secret {} --user-id {} --base-url {base} --token-url {}",
        config.client_id,
        config.client_secret,
        simulator.site_admin_user_id(),
        running.token_url
    );
    if let Some(limited) = config.extra_clients.first() {
        println!(
            "  (with --client-id {} --client-secret {} instead, the test names the scopes it lacks)",
            limited.client_id, limited.client_secret
        );
    }
    println!("or with Harvest v1:");
    println!(
        "  trellis greenhouse connect --org <slug> --v1 --api-key {} --base-url {base}",
        config.api_key
    );
    println!(
        "Change data between syncs: curl -X POST {base}/_simulator/changes -H 'content-type: application/json' -d '{{\"update\": 10}}'"
    );
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    Ok(())
}

/// `trellis simulator move`: moves one application of the simulator an
/// organization is connected to (the demo's, by default) to a named stage
/// of its job, through the simulator's `POST /_simulator/changes`. The
/// simulator's address is the organization's stored Greenhouse base URL,
/// so this works for the demo's in-process simulator (whose port changes
/// at each start) as for a `trellis simulator` in another terminal.
pub async fn move_application(
    db: &sea_orm::DatabaseConnection,
    slug: &str,
    application_id: i64,
    stage: &str,
) -> Result<(), super::CommandError> {
    use super::CommandError;
    use app::ssr::entities::sync::greenhouse_connection;
    use sea_orm::EntityTrait;

    let organization = super::find_organization(db, slug).await?;
    let connection = greenhouse_connection::Entity::find_by_id(organization.id)
        .one(db)
        .await?
        .ok_or_else(|| CommandError::NotConnected(slug.to_owned()))?;
    let base_url = simulator_url(&connection.base_url).ok_or_else(|| {
        CommandError::Invalid(format!(
            "“{slug}” syncs from {}, not from the built-in simulator: move the candidate in Greenhouse itself",
            connection.base_url
        ))
    })?;
    let endpoint = base_url
        .join("_simulator/changes")
        .map_err(|e| CommandError::Invalid(e.to_string()))?;
    let body = serde_json::json!({"move": [{"application_id": application_id, "stage": stage}]});
    let response = reqwest::Client::new()
        .post(endpoint)
        .json(&body)
        .send()
        .await
        .map_err(|error| {
            CommandError::Invalid(format!(
                "the Greenhouse simulator at {base_url} does not answer ({error}); is `trellis serve` running in demo mode (TRELLIS_DEMO=1), or `trellis simulator`?"
            ))
        })?;
    let status = response.status();
    let answer: serde_json::Value = response.json().await.unwrap_or_default();
    if status == reqwest::StatusCode::UNPROCESSABLE_ENTITY {
        let reasons: Vec<&str> = answer["errors"]
            .as_array()
            .map(|list| list.iter().filter_map(|e| e.as_str()).collect())
            .unwrap_or_default();
        return Err(CommandError::Invalid(format!(
            "the simulator refused the move: {}",
            reasons.join("; ")
        )));
    }
    if !status.is_success() {
        return Err(CommandError::Invalid(format!(
            "the Greenhouse simulator at {base_url} answered {status}: {answer}"
        )));
    }
    println!(
        "Moved application {application_id} to “{}” in the Greenhouse simulator at {base_url}.",
        stage.trim()
    );
    println!(
        "Trellis sees it at the next sync: press “Sync now” on the dashboard's Integrations page, or run `trellis sync --org {slug}`."
    );
    Ok(())
}

/// The base URL when it is a simulator on this machine (never a request
/// to a real Greenhouse account).
fn simulator_url(base_url: &str) -> Option<url::Url> {
    let url = url::Url::parse(base_url).ok()?;
    let loopback = match url.host()? {
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
        url::Host::Domain(name) => name == "localhost",
    };
    (url.scheme() == "http" && loopback).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::simulator_url;

    #[test]
    fn only_a_simulator_on_this_machine_is_asked_to_move() {
        assert!(simulator_url("http://127.0.0.1:4010/").is_some());
        assert!(simulator_url("http://localhost:4010/").is_some());
        assert!(simulator_url("http://[::1]:4010/").is_some());
        assert!(simulator_url("https://harvest.greenhouse.io/").is_none());
        assert!(simulator_url("http://10.0.0.5:4010/").is_none());
        assert!(simulator_url("not a url").is_none());
    }
}
