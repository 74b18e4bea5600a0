//! What stands between a request and the data: authentication (v3 bearer
//! token, v1 Basic key), the per-credential fixed-window rate limit with its
//! `X-RateLimit-*` headers, fault injection on list endpoints, and the
//! request statistics.

use super::{Refusal, Simulator, json_response, rng::Rng};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

/// Greenhouse's windows: 30 s for v3, 10 s for v1.
const V3_WINDOW: Duration = Duration::from_secs(30);
const V1_WINDOW: Duration = Duration::from_secs(10);
/// The `X-RateLimit-Limit` sent when no limit is configured.
const UNLIMITED: u32 = 1_000_000;

/// A fixed-window limit: `requests` per `window`, per credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed per window (then 429 until the window ends).
    pub requests: u32,
    /// The window, started by a credential's first request.
    pub window: Duration,
}

/// Who is calling, as the guard established it.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The rate-limit bucket: one per credential.
    pub bucket: String,
    /// v3: the OAuth client the token was issued to.
    pub client_id: Option<String>,
    /// v3: the token's `sub` (`None`: the integration service user).
    pub user_id: Option<i64>,
}

struct Window {
    started: Instant,
    used: u32,
}

/// The windows of every credential under the current limit.
pub struct Limiter {
    state: Mutex<(Option<RateLimit>, HashMap<String, Window>)>,
}

/// The outcome of counting one request.
struct Quota {
    limit: u32,
    remaining: u32,
    reset_epoch: u64,
    /// Set when the request is over the limit: seconds until the window ends.
    retry_after: Option<u64>,
}

impl Limiter {
    pub fn new(limit: Option<RateLimit>) -> Limiter {
        Limiter {
            state: Mutex::new((limit, HashMap::new())),
        }
    }

    pub fn set(&self, limit: Option<RateLimit>) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *state = (limit, HashMap::new());
    }

    /// Counts a request of `bucket` (whose default window is `window`).
    fn count(&self, bucket: &str, window: Duration) -> Quota {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (limit, window) = match state.0 {
            Some(limit) => (limit.requests, limit.window.max(Duration::from_millis(1))),
            None => (UNLIMITED, window),
        };
        let now = Instant::now();
        let current = state.1.entry(bucket.to_owned()).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.duration_since(current.started) >= window {
            *current = Window {
                started: now,
                used: 0,
            };
        }
        let left = window.saturating_sub(now.duration_since(current.started));
        let epoch_now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let reset_epoch = (epoch_now + left).as_secs_f64().ceil() as u64;
        if current.used >= limit {
            let retry_after = left.as_secs_f64().ceil().max(1.0) as u64;
            return Quota {
                limit,
                remaining: 0,
                reset_epoch,
                retry_after: Some(retry_after),
            };
        }
        current.used += 1;
        Quota {
            limit,
            remaining: limit - current.used,
            reset_epoch,
            retry_after: None,
        }
    }
}

/// How a list request is made to fail.
#[derive(Debug, PartialEq, Eq)]
enum Fault {
    None,
    Status(StatusCode),
    Drop,
}

/// The fault rate and the dice (seeded, so a single-threaded run repeats).
pub struct Faults {
    rate_bits: AtomicU64,
    rng: Mutex<Rng>,
}

impl Faults {
    pub fn new(rate: f64, seed: u64) -> Faults {
        let faults = Faults {
            rate_bits: AtomicU64::new(0),
            rng: Mutex::new(Rng::derived(seed, 0xFA17)),
        };
        faults.set_rate(rate);
        faults
    }

    pub fn set_rate(&self, rate: f64) {
        let rate = if rate.is_finite() {
            rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.rate_bits.store(rate.to_bits(), Ordering::Relaxed);
    }

    fn roll(&self) -> Fault {
        let rate = f64::from_bits(self.rate_bits.load(Ordering::Relaxed));
        if rate <= 0.0 {
            return Fault::None;
        }
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !rng.chance(rate) {
            return Fault::None;
        }
        if rng.chance(0.5) {
            Fault::Drop
        } else {
            let codes = [
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::BAD_GATEWAY,
                StatusCode::SERVICE_UNAVAILABLE,
            ];
            Fault::Status(*rng.pick(&codes))
        }
    }
}

/// What the simulator has served so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulatorStats {
    /// Every request, admin API included.
    pub requests: u64,
    /// Requests per path prefix (`/v3/candidates`, `/v1/jobs`, `/token`, …).
    pub by_path: BTreeMap<String, u64>,
    /// 429 answers.
    pub rate_limited: u64,
    /// Injected 5xx answers and dropped connections.
    pub faults_injected: u64,
    /// v3 access tokens handed out.
    pub tokens_issued: u64,
    /// Webhooks delivered with a 2xx answer, and those that failed.
    pub webhooks_sent: u64,
    pub webhooks_failed: u64,
}

#[derive(Default)]
pub struct Stats {
    requests: AtomicU64,
    by_path: Mutex<BTreeMap<String, u64>>,
    rate_limited: AtomicU64,
    faults_injected: AtomicU64,
    pub tokens_issued: AtomicU64,
    pub webhooks_sent: AtomicU64,
    pub webhooks_failed: AtomicU64,
}

impl Stats {
    pub fn snapshot(&self) -> SimulatorStats {
        SimulatorStats {
            requests: self.requests.load(Ordering::Relaxed),
            by_path: self
                .by_path
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            faults_injected: self.faults_injected.load(Ordering::Relaxed),
            tokens_issued: self.tokens_issued.load(Ordering::Relaxed),
            webhooks_sent: self.webhooks_sent.load(Ordering::Relaxed),
            webhooks_failed: self.webhooks_failed.load(Ordering::Relaxed),
        }
    }
}

/// The first two segments of a path: `/v1/jobs/7/openings` → `/v1/jobs`.
fn prefix(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).take(2).collect();
    format!("/{}", segments.join("/"))
}

/// Counts every request (outermost layer).
pub async fn count(State(sim): State<Simulator>, request: Request, next: Next) -> Response {
    let stats = &sim.inner.stats;
    stats.requests.fetch_add(1, Ordering::Relaxed);
    *stats
        .by_path
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(prefix(request.uri().path()))
        .or_default() += 1;
    next.run(request).await
}

/// `(user, password)` of an HTTP Basic `Authorization` header.
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine;
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':').unwrap_or((text.as_str(), ""));
    Some((user.to_owned(), password.to_owned()))
}

/// The v1 caller: Basic auth with the API key as user name.
fn v1_caller(sim: &Simulator, headers: &HeaderMap) -> Result<Caller, Refusal> {
    match basic_credentials(headers) {
        Some((key, _)) if key == sim.inner.config.api_key => Ok(Caller {
            bucket: "v1".to_owned(),
            client_id: None,
            user_id: None,
        }),
        _ => Err(Refusal(
            StatusCode::UNAUTHORIZED,
            json!({"message": "Invalid Basic Auth credentials"}),
        )),
    }
}

/// Detail reads (`/v1/applications/{id}`, a job's hiring team) are not lists.
fn is_list(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !(path.ends_with("/hiring_team") || last.parse::<i64>().is_ok())
}

/// Authenticates, rate-limits and (on list endpoints) injects faults, then
/// adds the rate-limit headers to whatever the handler answers.
pub async fn guard(State(sim): State<Simulator>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let v3 = path.starts_with("/v3/");
    let caller = if v3 {
        super::v3::caller(&sim, request.headers())
    } else {
        v1_caller(&sim, request.headers())
    };
    let caller = match caller {
        Ok(caller) => caller,
        Err(refusal) => return refusal.into_response(),
    };
    let quota = sim
        .inner
        .limiter
        .count(&caller.bucket, if v3 { V3_WINDOW } else { V1_WINDOW });
    if let Some(seconds) = quota.retry_after {
        sim.inner.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
        let mut response = json_response(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({"message": "Too Many Requests"}),
        );
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from(seconds));
        return with_quota(response, &quota);
    }
    request.extensions_mut().insert(caller);
    let fault = if is_list(&path) {
        sim.inner.faults.roll()
    } else {
        Fault::None
    };
    let response = match fault {
        Fault::None => next.run(request).await,
        Fault::Status(status) => {
            sim.inner
                .stats
                .faults_injected
                .fetch_add(1, Ordering::Relaxed);
            let reason = status.canonical_reason().unwrap_or("Server Error");
            json_response(
                status,
                &json!({"message": reason, "errors": ["Simulated failure, please retry."]}),
            )
        }
        Fault::Drop => {
            let response = next.run(request).await;
            if response.status().is_success() {
                sim.inner
                    .stats
                    .faults_injected
                    .fetch_add(1, Ordering::Relaxed);
                dropped(response).await
            } else {
                response
            }
        }
    };
    with_quota(response, &quota)
}

/// The same response whose body breaks off half-way, as a dropped
/// connection looks to the client.
async fn dropped(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = vec![
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "simulated dropped connection",
        )),
    ];
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from_stream(futures_util::stream::iter(chunks)))
}

fn with_quota(mut response: Response, quota: &Quota) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(quota.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(quota.remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(quota.reset_epoch));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_its_requests_then_asks_to_wait() {
        let limiter = Limiter::new(Some(RateLimit {
            requests: 2,
            window: Duration::from_secs(5),
        }));
        assert_eq!(limiter.count("a", V1_WINDOW).remaining, 1);
        assert_eq!(limiter.count("a", V1_WINDOW).remaining, 0);
        let over = limiter.count("a", V1_WINDOW);
        assert!(
            matches!(over.retry_after, Some(1..=5)),
            "{:?}",
            over.retry_after
        );
        assert!(
            limiter.count("b", V1_WINDOW).retry_after.is_none(),
            "buckets are per credential"
        );
        limiter.set(None);
        let unlimited = limiter.count("a", V3_WINDOW);
        assert_eq!((unlimited.limit, unlimited.retry_after), (UNLIMITED, None));
    }

    #[test]
    fn faults_follow_the_rate() {
        let faults = Faults::new(0.0, 1);
        assert!((0..100).all(|_| faults.roll() == Fault::None));
        faults.set_rate(1.0);
        let rolls: Vec<Fault> = (0..200).map(|_| faults.roll()).collect();
        assert!(rolls.iter().all(|f| *f != Fault::None));
        assert!(
            rolls.contains(&Fault::Drop) && rolls.iter().any(|f| matches!(f, Fault::Status(_)))
        );
        faults.set_rate(f64::NAN);
        assert_eq!(faults.roll(), Fault::None);
    }

    #[test]
    fn paths_are_grouped_and_detail_reads_are_not_lists() {
        assert_eq!(prefix("/v1/jobs/7/openings"), "/v1/jobs");
        assert_eq!(prefix("/token"), "/token");
        assert!(is_list("/v1/jobs/7/openings") && is_list("/v3/jobs"));
        assert!(!is_list("/v1/applications/7") && !is_list("/v1/jobs/7/hiring_team"));
    }
}
