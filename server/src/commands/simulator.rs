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
