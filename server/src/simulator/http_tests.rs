//! The simulator over real HTTP (loopback, reqwest): auth, pagination,
//! filters, errors, rate limits, faults, the admin API and webhooks.

use super::{
    ChangeSet, RateLimit, RunningSimulator, Simulator, SimulatorConfig, Size, WebhookTarget,
    webhooks::signature,
};
use crate::harvest::transport::parse_link_header;
use app::{domain::Resource, ssr::entities::greenhouse::Records};
use reqwest::{StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use std::{
    collections::{BTreeMap, HashSet},
    time::Duration,
};

pub struct Running {
    pub sim: Simulator,
    pub server: RunningSimulator,
    pub http: reqwest::Client,
}

pub async fn start(config: SimulatorConfig) -> Running {
    crate::harvest::transport::install_crypto_provider();
    let sim = Simulator::new(config);
    let server = sim.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    Running {
        sim,
        server,
        http: reqwest::Client::new(),
    }
}

pub fn small() -> SimulatorConfig {
    SimulatorConfig {
        size: Size::Small,
        ..SimulatorConfig::default()
    }
}

impl Running {
    fn url(&self, path: &str) -> String {
        self.server.base_url.join(path).unwrap().to_string()
    }

    async fn token_as(&self, secret: &str, sub: Option<String>) -> reqwest::Response {
        let config = SimulatorConfig::default();
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        form.extend(sub.map(|s| ("sub", s)));
        self.http
            .post(self.server.token_url.clone())
            .basic_auth(config.client_id, Some(secret))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn token(&self) -> String {
        let sub = Some(self.sim.site_admin_user_id().to_string());
        let body: Value = self
            .token_as(&SimulatorConfig::default().client_secret, sub)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["token_type"], "bearer");
        assert!(chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).is_ok());
        body["access_token"].as_str().unwrap().to_owned()
    }

    async fn v3(&self, url: &str, token: &str) -> (StatusCode, HeaderMap, Value) {
        let response = self.http.get(url).bearer_auth(token).send().await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        (
            status,
            headers,
            response.json().await.unwrap_or(Value::Null),
        )
    }

    async fn v1(&self, url: &str) -> (StatusCode, HeaderMap, Value) {
        let response = self
            .http
            .get(url)
            .basic_auth(SimulatorConfig::default().api_key, Some(""))
            .send()
            .await
            .unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        (
            status,
            headers,
            response.json().await.unwrap_or(Value::Null),
        )
    }
}

fn link(headers: &HeaderMap, rel: &str) -> Option<String> {
    let value = headers.get("link")?.to_str().ok()?;
    parse_link_header(value)
        .into_iter()
        .find(|l| l.rels.iter().any(|r| r == rel))
        .map(|l| l.target)
}

fn ids(body: &Value) -> Vec<i64> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_i64().unwrap())
        .collect()
}

/// Every id of a v3 list, following `next` links.
async fn v3_ids(running: &Running, token: &str, first: &str) -> Vec<i64> {
    let mut all = Vec::new();
    let mut next = Some(running.url(first));
    while let Some(url) = next {
        let (status, headers, body) = running.v3(&url, token).await;
        assert_eq!(status, 200, "{url}: {body}");
        all.extend(ids(&body));
        next = link(&headers, "next");
    }
    all
}

fn truth_ids(sim: &Simulator, resource: Resource) -> Vec<i64> {
    sim.truth()
        .into_iter()
        .find(|r| r.resource() == resource)
        .unwrap()
        .ids()
}

#[tokio::test]
async fn v3_pages_every_resource_in_descending_id_order() {
    let running = start(small()).await;
    let token = running.token().await;
    for resource in Resource::ALL {
        let mut got = v3_ids(
            &running,
            &token,
            &format!("v3/{}?per_page=7", resource.name()),
        )
        .await;
        if resource == Resource::JobPosts {
            let deleted = v3_ids(&running, &token, "v3/job_posts?per_page=7&active=false").await;
            assert!(!deleted.is_empty(), "deleted posts only with active=false");
            got.extend(deleted);
            got.sort_unstable_by(|a, b| b.cmp(a));
        }
        assert!(
            got.windows(2).all(|w| w[0] > w[1]),
            "{resource}: descending, no repeats"
        );
        let mut expected = truth_ids(&running.sim, resource);
        expected.reverse();
        assert_eq!(got, expected, "{resource}");
    }
    let (_, headers, body) = running.v3(&running.url("v3/candidates"), &token).await;
    assert_eq!(
        body.as_array().unwrap().len(),
        60,
        "default per_page is 100"
    );
    assert!(link(&headers, "next").is_none() && headers.contains_key("x-ratelimit-limit"));
}

#[tokio::test]
async fn v3_rejects_what_greenhouse_rejects() {
    let running = start(small()).await;
    let token = running.token().await;
    let (_, headers, _) = running
        .v3(&running.url("v3/candidates?per_page=7"), &token)
        .await;
    let next = link(&headers, "next").unwrap();
    let (status, _, body) = running.v3(&format!("{next}&per_page=7"), &token).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            422,
            json!({"errors": ["When passing a cursor, do not include other query params."]})
        )
    );
    for bad in [
        "v3/candidates?cursor=not-a-cursor",
        "v3/candidates?per_page=501",
        "v3/candidates?updated_at=after|yesterday",
    ] {
        let (status, _, body) = running.v3(&running.url(bad), &token).await;
        assert_eq!(status, 422, "{bad}");
        assert!(body["errors"][0].is_string(), "{bad}: {body}");
    }
    let (status, _, body) = running.v3(&running.url("v3/scorecards"), &token).await;
    assert_eq!(status, 404, "{body}");
    let (status, _, body) = running
        .v3(
            &running.url("v3/jobs?per_page=2&unknown=1&fields=name"),
            &token,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body[0].as_object().unwrap().len(),
        2,
        "fields keeps id and the named fields: {body}"
    );
}

#[tokio::test]
async fn v3_filters_by_update_time_and_ids() {
    let running = start(small()).await;
    let token = running.token().await;
    let truth = running.sim.truth();
    let Some(Records::Applications(applications)) = truth
        .into_iter()
        .find(|r| r.resource() == Resource::Applications)
    else {
        unreachable!()
    };
    let mut times: Vec<_> = applications.iter().filter_map(|a| a.updated_at).collect();
    times.sort();
    let (from, to) = (times[times.len() / 4], times[times.len() * 3 / 4]);
    let stamp =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let query = format!(
        "v3/applications?per_page=5&updated_at=gte|{}|lt|{}",
        stamp(from),
        stamp(to)
    );
    let got: HashSet<i64> = v3_ids(&running, &token, &query).await.into_iter().collect();
    let expected: HashSet<i64> = applications
        .iter()
        .filter(|a| a.updated_at.is_some_and(|t| t >= from && t < to))
        .map(|a| a.id)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    let wanted: Vec<i64> = applications.iter().take(3).map(|a| a.id).collect();
    let list = wanted
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut got = v3_ids(&running, &token, &format!("v3/applications?ids={list}")).await;
    got.sort_unstable();
    assert_eq!(got, wanted);
    let candidate = applications[0].candidate_id;
    let got = v3_ids(
        &running,
        &token,
        &format!("v3/applications?candidate_ids={candidate}"),
    )
    .await;
    assert!(
        !got.is_empty()
            && got.iter().all(|id| applications
                .iter()
                .any(|a| a.id == *id && a.candidate_id == candidate))
    );
}

#[tokio::test]
async fn tokens_credentials_and_scopes_are_enforced() {
    let scopes = Resource::ALL
        .iter()
        .filter(|r| **r != Resource::Offers)
        .map(|r| r.v3_scope())
        .collect();
    let running = start(SimulatorConfig {
        token_ttl: Duration::from_millis(1200),
        single_active_token: true,
        granted_scopes: Some(scopes),
        ..small()
    })
    .await;
    let wrong = running.token_as("wrong", None).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let unknown = running
        .token_as(
            &SimulatorConfig::default().client_secret,
            Some("12".to_owned()),
        )
        .await;
    assert_eq!(unknown.status(), 400);

    let token = running.token().await;
    let (status, _, _) = running.v3(&running.url("v3/jobs"), &token).await;
    assert_eq!(status, 200);
    let (status, _, body) = running.v3(&running.url("v3/offers"), &token).await;
    assert_eq!(status, 403);
    assert!(body.to_string().contains("harvest:offers:list"), "{body}");
    let (status, _, _) = running.v3(&running.url("v3/jobs"), "made-up").await;
    assert_eq!(status, 401);

    let newer = running.token().await;
    let (status, _, body) = running.v3(&running.url("v3/jobs"), &token).await;
    assert_eq!(status, 401, "a new token revokes the old one");
    if let Some(example) = super::tests::shared_file("v3/examples/error_401_token_revoked.json") {
        assert_eq!(body, example);
    }
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let (status, _, body) = running.v3(&running.url("v3/jobs"), &newer).await;
    assert_eq!(status, 401, "expired: {body}");
    assert!(body["errors"][0].as_str().unwrap().contains("expired"));

    let plain = running.sim.truth()[7].clone();
    let Records::Users(users) = plain else {
        unreachable!("Resource::ALL[7] is users")
    };
    let someone = users
        .iter()
        .find(|u| !u.site_admin && !u.deactivated)
        .unwrap()
        .id;
    let body: Value = running
        .token_as(
            &SimulatorConfig::default().client_secret,
            Some(someone.to_string()),
        )
        .await
        .json()
        .await
        .unwrap();
    let (status, _, body) = running
        .v3(
            &running.url("v3/jobs"),
            body["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, 403);
    assert!(body.to_string().contains("Site Admin"), "{body}");
    assert!(running.sim.stats().tokens_issued >= 3);
}

#[tokio::test]
async fn v1_pages_with_links_and_checks_the_key() {
    let running = start(small()).await;
    let mut got = Vec::new();
    let mut next = Some(running.url("v1/candidates?per_page=7"));
    let mut pages = 0;
    while let Some(url) = next {
        let (status, headers, body) = running.v1(&url).await;
        assert_eq!(status, 200, "{url}");
        assert!(
            link(&headers, "last").unwrap().contains("page=9"),
            "60 candidates in pages of 7"
        );
        got.extend(ids(&body));
        next = link(&headers, "next");
        pages += 1;
    }
    assert_eq!(pages, 9);
    assert_eq!(
        got,
        truth_ids(&running.sim, Resource::Candidates),
        "ascending, each once"
    );
    let (_, headers, _) = running.v1(&running.url("v1/user_roles?per_page=1")).await;
    assert!(
        link(&headers, "next").is_some() && link(&headers, "last").is_none(),
        "user roles: next only"
    );
    let (status, _, body) = running.v1(&running.url("v1/candidates?per_page=0")).await;
    assert_eq!(
        (status.as_u16(), body["errors"][0]["field"].clone()),
        (422, json!("per_page"))
    );
    let unauthorized = running
        .http
        .get(running.url("v1/jobs"))
        .basic_auth("wrong", Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    let job = truth_ids(&running.sim, Resource::Jobs)[0];
    let (status, _, team) = running
        .v1(&running.url(&format!("v1/jobs/{job}/hiring_team")))
        .await;
    assert_eq!(status, 200);
    assert!(!team["hiring_managers"].as_array().unwrap().is_empty());
    let (status, _, _) = running.v1(&running.url("v1/jobs/1/openings")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let running = start(SimulatorConfig {
        rate_limit: Some(RateLimit {
            requests: 3,
            window: Duration::from_secs(60),
        }),
        ..small()
    })
    .await;
    for remaining in [2, 1, 0] {
        let (status, headers, _) = running.v1(&running.url("v1/sources")).await;
        assert_eq!(status, 200);
        assert_eq!(
            headers["x-ratelimit-remaining"],
            remaining.to_string().as_str()
        );
        assert_eq!(headers["x-ratelimit-limit"], "3");
    }
    let (status, headers, body) = running.v1(&running.url("v1/sources")).await;
    assert_eq!(
        (status.as_u16(), body),
        (429, json!({"message": "Too Many Requests"}))
    );
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    let reset: u64 = headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > chrono::Utc::now().timestamp() as u64);
    // v3 has its own bucket; the admin API lifts the limit.
    let token = running.token().await;
    assert_eq!(running.v3(&running.url("v3/sources"), &token).await.0, 200);
    let lifted = running
        .http
        .post(running.url("_simulator/rate_limit"))
        .json(&Value::Null)
        .send()
        .await
        .unwrap();
    assert_eq!(lifted.status(), 200);
    assert_eq!(running.v1(&running.url("v1/sources")).await.0, 200);
    assert_eq!(running.sim.stats().rate_limited, 1);
}

#[tokio::test]
async fn faults_break_list_requests_only() {
    let running = start(SimulatorConfig {
        fault_rate: 1.0,
        ..small()
    })
    .await;
    let token = running.token().await;
    let (mut errors, mut drops) = (0, 0);
    for _ in 0..20 {
        let response = running
            .http
            .get(running.url("v3/candidates"))
            .bearer_auth(&token)
            .send()
            .await;
        match response {
            Ok(r) if r.status().is_server_error() => errors += 1,
            Ok(r) => {
                assert!(
                    r.bytes().await.is_err(),
                    "a 200 under fault_rate 1 is cut off"
                );
                drops += 1;
            }
            Err(_) => drops += 1,
        }
    }
    assert!(errors > 0 && drops > 0, "{errors} errors, {drops} drops");
    let job = truth_ids(&running.sim, Resource::Jobs)[0];
    assert_eq!(
        running
            .v1(&running.url(&format!("v1/jobs/{job}/hiring_team")))
            .await
            .0,
        200,
        "not a list"
    );
    let stats: Value = running
        .http
        .get(running.url("_simulator/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["faults_injected"], 20);
    assert!(stats["by_path"]["/v3/candidates"].as_u64() == Some(20) && stats["tokens_issued"] == 1);
    let off = running
        .http
        .post(running.url("_simulator/faults"))
        .json(&json!({"fault_rate": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 200);
    assert_eq!(
        running.v3(&running.url("v3/candidates"), &token).await.0,
        200
    );
    let bad = running
        .http
        .post(running.url("_simulator/faults"))
        .json(&json!({"fault_rate": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn changes_over_http_send_signed_webhooks() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(HeaderMap, Vec<u8>)>();
    let receiver = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((headers, body.to_vec()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    let running = start(SimulatorConfig {
        webhook: Some(WebhookTarget {
            url,
            secret: "s3cret".to_owned(),
        }),
        ..small()
    })
    .await;
    let body = json!({"delete_candidates": 1, "delete_applications": 1, "delete_interviews": 1, "stage_changes": 1});
    let response = running
        .http
        .post(running.url("_simulator/changes"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    let expected = report["webhooks"].as_u64().unwrap();
    assert!(expected >= 3, "{report}");
    let mut actions = BTreeMap::new();
    let mut event_ids = HashSet::new();
    for _ in 0..expected {
        let (headers, body) = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(headers["signature"], signature("s3cret", &body).as_str());
        assert!(
            event_ids.insert(headers["greenhouse-event-id"].to_str().unwrap().to_owned()),
            "unique event ids"
        );
        let event: Value = serde_json::from_slice(&body).unwrap();
        *actions
            .entry(event["action"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    for action in [
        "delete_candidate",
        "delete_application",
        "interview_deleted",
    ] {
        assert!(actions.contains_key(action), "{actions:?}");
    }
    let bad = running
        .http
        .post(running.url("_simulator/changes"))
        .body("{\"nope\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    running.server.stop().await;
}

#[tokio::test]
async fn a_move_over_http_answers_the_report_or_422_with_the_reason() {
    let running = start(small()).await;
    let application = running
        .sim
        .truth()
        .into_iter()
        .find_map(|records| match records {
            Records::Applications(rows) => rows
                .into_iter()
                .find(|a| a.status == "in_process" && !a.prospect && a.job_id.is_some()),
            _ => None,
        })
        .unwrap();
    let post = |body: String| {
        running
            .http
            .post(running.url("_simulator/changes"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let moved = post(format!(
        r#"{{"move": [{{"application_id": {}, "stage": "offer"}}]}}"#,
        application.id
    ))
    .await
    .unwrap();
    assert_eq!(moved.status(), 200);
    let report: Value = moved.json().await.unwrap();
    assert_eq!(report["updated"]["applications"], json!([application.id]));
    let refused = post(r#"{"move": [{"application_id": 1, "stage": "Offer"}]}"#.to_owned())
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["errors"], json!(["there is no application 1"]));
    running.server.stop().await;
}

#[tokio::test]
async fn apply_changes_shows_in_the_next_incremental_read() {
    let running = start(small()).await;
    let token = running.token().await;
    let since = chrono::Utc::now() - chrono::TimeDelta::seconds(1);
    let report = running
        .sim
        .apply_changes(&ChangeSet {
            update: 3,
            stage_changes: 1,
            new_candidates: 1,
            ..ChangeSet::default()
        })
        .expect("the changes apply");
    let stamp = since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let changed = v3_ids(
        &running,
        &token,
        &format!("v3/candidates?updated_at=gte|{stamp}"),
    )
    .await;
    let mut expected: Vec<i64> = report.updated[&Resource::Candidates].clone();
    expected.extend(&report.created[&Resource::Candidates]);
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(changed, expected);
}
