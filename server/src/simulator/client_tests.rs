//! The project's own Harvest clients (v3 and v1) against the simulator,
//! with faults on: what they read is the truth.

use super::{
    SimulatorConfig,
    http_tests::{small, start},
    tests::records_json,
};
use crate::harvest::{self, ClientOptions, Credentials, Harvest, Secret};
use app::domain::Resource;
use serde_json::Value;
use std::{collections::BTreeMap, time::Duration};

/// Reads every feed of a client to the end: rows per resource, by id.
async fn read_all(client: &harvest::Client) -> BTreeMap<Resource, Vec<Value>> {
    let mut rows: BTreeMap<Resource, Vec<Value>> = BTreeMap::new();
    for feed in client.feeds() {
        let mut page = client.first_page(feed.key, None).await.unwrap();
        loop {
            for records in page.records.drain(..) {
                rows.entry(records.resource())
                    .or_default()
                    .extend(records_json(records));
            }
            let Some(next) = page.next.take() else { break };
            page = client.next_page(&next).await.unwrap();
        }
    }
    for list in rows.values_mut() {
        list.sort_by_key(|row| row["id"].as_i64());
    }
    rows
}

#[tokio::test]
async fn the_harvest_clients_read_back_the_truth() {
    let running = start(SimulatorConfig {
        fault_rate: 0.1,
        ..small()
    })
    .await;
    let options = ClientOptions {
        per_page: 9,
        backoff_base: Duration::from_millis(1),
        backoff_cap: Duration::from_millis(5),
        max_attempts: 12,
        ..ClientOptions::default()
    };
    let truth: BTreeMap<Resource, Vec<Value>> = running
        .sim
        .truth()
        .into_iter()
        .map(|records| (records.resource(), records_json(records)))
        .collect();
    let v3 = Credentials::V3 {
        client_id: SimulatorConfig::default().client_id,
        client_secret: Secret::new(SimulatorConfig::default().client_secret),
        user_id: Some(running.sim.site_admin_user_id()),
        token_url: running.server.token_url.clone(),
    };
    let base = running.server.base_url.clone();
    let read = read_all(&harvest::Client::new(v3, base.clone(), options.clone()).unwrap()).await;
    for resource in Resource::ALL {
        assert_eq!(read.get(&resource), truth.get(&resource), "v3 {resource}");
    }

    // v1 says less; every row arrives, and the fields that need joins match.
    let v1 = Credentials::V1 {
        api_key: Secret::new(SimulatorConfig::default().api_key),
    };
    let read = read_all(&harvest::Client::new(v1, base, options).unwrap()).await;
    for resource in Resource::ALL {
        assert_eq!(
            read.get(&resource).map_or(0, Vec::len),
            truth[&resource].len(),
            "v1 {resource}: every row"
        );
    }
    let joined: [(Resource, &[&str]); 2] = [
        (
            Resource::Applications,
            &[
                "job_id",
                "stage_name",
                "status",
                "created_at",
                "last_activity_at",
            ],
        ),
        (
            Resource::Interviews,
            &[
                "job_id",
                "job_interview_id",
                "starts_at",
                "all_day_start_on",
                "organizer_id",
            ],
        ),
    ];
    for (resource, fields) in joined {
        for (ours, row) in read[&resource].iter().zip(&truth[&resource]) {
            for field in fields {
                assert_eq!(
                    ours[*field], row[*field],
                    "v1 {resource} {} {field}",
                    row["id"]
                );
            }
        }
    }
    assert!(running.sim.stats().faults_injected > 0);
}
