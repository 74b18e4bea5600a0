//! The HTTP layer both Harvest clients share: one `reqwest` client, request
//! pacing from Greenhouse's `X-RateLimit-*` headers, `Retry-After` on 429,
//! bounded full-jitter retries of transient failures, `Link` header parsing
//! (RFC 8288) with an origin check, lenient error-body decoding and a count
//! of every request sent.
//!
//! What is retried: 429 (after the wait Greenhouse asks for; these retries
//! do not use up `max_attempts` but are bounded by
//! [`MAX_RATE_LIMITED_RETRIES`]), 5xx, timeouts, connection errors and bodies
//! that fail mid-read (up to `max_attempts` attempts). Every other status is
//! handed back to the caller unretried.

use super::{ClientOptions, HarvestError};
use chrono::{DateTime, Utc};
use reqwest::{
    Method, StatusCode,
    header::{self, HeaderMap},
};
use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use tokio::time::Instant;
use url::Url;

/// How many 429 answers one request may get before the client gives up.
pub const MAX_RATE_LIMITED_RETRIES: u32 = 10;

/// A `Retry-After`/`X-RateLimit-Reset` value at or above this is a Unix
/// timestamp, below it a number of seconds (Greenhouse documented both over
/// the years, README §3.4).
const EPOCH_THRESHOLD: f64 = 1_000_000_000.0;

/// Longest Greenhouse error text quoted in an error message.
const MAX_QUOTED_CHARS: usize = 300;

/// Installs the ring crypto provider for rustls (reqwest is built without
/// one). Safe to call any number of times.
pub fn install_crypto_provider() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        // An error means a provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// How a request authenticates.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    /// HTTP Basic (`user:password`).
    Basic { user: &'a str, password: &'a str },
    /// `Authorization: Bearer <token>`.
    Bearer(&'a str),
}

/// One request to send (and resend on transient failures).
pub struct Request<'a> {
    pub method: Method,
    pub url: Url,
    pub auth: Auth<'a>,
    /// An `application/x-www-form-urlencoded` body.
    pub form: Option<&'a [(&'a str, String)]>,
}

impl<'a> Request<'a> {
    /// A GET of `url`.
    pub fn get(url: Url, auth: Auth<'a>) -> Request<'a> {
        Request {
            method: Method::GET,
            url,
            auth,
            form: None,
        }
    }
}

/// A response whose body was read completely. Its `Debug` output leaves
/// out the body and headers (a token response carries the access token).
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The URL that was requested (relative links resolve against it).
    pub url: Url,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("url", &self.url.as_str())
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Response {
    /// Greenhouse's explanation of an error: the decoded error body, else its
    /// text, else the status's reason phrase.
    pub fn greenhouse_text(&self) -> String {
        error_text(&self.body)
            .or_else(|| {
                let text = String::from_utf8_lossy(&self.body);
                let text = text.trim();
                (!text.is_empty()).then(|| truncate(text))
            })
            .unwrap_or_else(|| {
                self.status
                    .canonical_reason()
                    .unwrap_or("no explanation")
                    .to_owned()
            })
    }

    /// `HarvestError::Rejected` for this (non-2xx) response.
    pub fn rejected(&self) -> HarvestError {
        HarvestError::Rejected {
            status: self.status.as_u16(),
            url: self.url.to_string(),
            message: self.greenhouse_text(),
        }
    }

    /// `HarvestError::Unauthorized` saying `what` is missing, quoting Greenhouse.
    pub fn unauthorized(&self, what: &str) -> HarvestError {
        HarvestError::Unauthorized {
            status: self.status.as_u16(),
            message: format!(
                "{what} ({}: {})",
                self.status.as_u16(),
                self.greenhouse_text()
            ),
        }
    }

    /// The `rel="next"` link, resolved against the request URL; an error when
    /// it points off `base`'s origin.
    pub fn next_link(&self, base: &Url) -> Result<Option<Url>, HarvestError> {
        let values = self
            .headers
            .get_all(header::LINK)
            .iter()
            .filter_map(|v| v.to_str().ok());
        let Some(target) = values
            .flat_map(parse_link_header)
            .find(Link::is_next)
            .map(|l| l.target)
        else {
            return Ok(None);
        };
        let url = self.url.join(&target).map_err(|_| HarvestError::Decode {
            url: self.url.to_string(),
            message: format!("unparsable next link {target:?}"),
        })?;
        same_origin(&url, base)?;
        Ok(Some(url))
    }
}

/// A stored next-page link, refused unless it is on `base`'s origin.
pub fn checked_link(link: &str, base: &Url) -> Result<Url, HarvestError> {
    let url = Url::parse(link).map_err(|_| HarvestError::ForeignLink(link.to_owned()))?;
    same_origin(&url, base)?;
    Ok(url)
}

/// Refuses `url` unless it has `base`'s scheme, host and port.
pub fn same_origin(url: &Url, base: &Url) -> Result<(), HarvestError> {
    if url.origin() == base.origin() {
        Ok(())
    } else {
        Err(HarvestError::ForeignLink(url.to_string()))
    }
}

/// Joins `path` (no leading slash) under `base`, keeping any path prefix of
/// `base` (`https://host/prefix` + `v3/jobs` = `https://host/prefix/v3/jobs`).
pub fn endpoint(base: &Url, path: &str) -> Result<Url, HarvestError> {
    let mut root = base.clone();
    if !root.path().ends_with('/') {
        let with_slash = format!("{}/", root.path());
        root.set_path(&with_slash);
    }
    root.set_query(None);
    root.join(path)
        .map_err(|err| HarvestError::Config(format!("cannot build an API URL from {base}: {err}")))
}

/// A time as Greenhouse's date filters take it: RFC 3339 in UTC, whole
/// seconds, `Z` (floored, so `gte`/`_after` filters still include `at`).
pub fn timestamp_param(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Writes a feed position (the opaque `Page::next`) as JSON.
pub fn encode_position<T: serde::Serialize>(position: &T) -> Result<String, HarvestError> {
    serde_json::to_string(position)
        .map_err(|err| HarvestError::Config(format!("cannot encode a page position: {err}")))
}

/// Reads a position written by [`encode_position`]. Anything else is answered
/// like Greenhouse answers an expired cursor (422), so the sync starts the
/// feed over instead of stopping for good.
pub fn decode_position<T: serde::de::DeserializeOwned>(next: &str) -> Result<T, HarvestError> {
    serde_json::from_str(next).map_err(|err| HarvestError::Rejected {
        status: 422,
        url: next.to_owned(),
        message: format!("not a page position this client wrote: {err}"),
    })
}

/// Sends requests for one client. Shared state: the request counter and the
/// pacing per origin.
pub struct Transport {
    http: reqwest::Client,
    options: ClientOptions,
    /// The rate-limit window of the API version (10 s for v1, 30 s for v3):
    /// used to spread requests when only `X-RateLimit-Limit` is known.
    window: Duration,
    requests: AtomicU64,
    pacers: Mutex<HashMap<String, Pacer>>,
}

impl Transport {
    /// A transport with `options`, pacing over `window` when Greenhouse only
    /// tells the limit.
    pub fn new(options: ClientOptions, window: Duration) -> Result<Transport, HarvestError> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .user_agent(concat!("trellis/", env!("CARGO_PKG_VERSION")))
            .timeout(options.request_timeout)
            .connect_timeout(options.request_timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| {
                HarvestError::Config(format!("cannot build the HTTP client: {}", describe(&err)))
            })?;
        Ok(Transport {
            http,
            options,
            window,
            requests: AtomicU64::new(0),
            pacers: Mutex::new(HashMap::new()),
        })
    }

    /// The options this transport was built with.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// HTTP requests sent so far (retries included).
    pub fn requests_made(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Sends `request`, waiting as the rate limit requires and retrying
    /// transient failures. Returns the response for 2xx and for any status
    /// that is not retried (non-429 4xx, 3xx); 5xx and network failures that
    /// outlast `max_attempts` become [`HarvestError::Unavailable`].
    pub async fn send(&self, request: &Request<'_>) -> Result<Response, HarvestError> {
        let origin = request.url.origin().ascii_serialization();
        let max_attempts = self.options.max_attempts.max(1);
        let mut failures = 0u32;
        let mut throttled = 0u32;
        loop {
            self.pace(&origin).await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let attempt = failures + throttled + 1;
            let failure = match self.send_once(request).await {
                Ok(response) => {
                    tracing::debug!(
                        method = %request.method,
                        path = request.url.path(),
                        status = response.status.as_u16(),
                        attempt,
                        "Harvest request"
                    );
                    self.observe(&origin, &response.headers);
                    if response.status == StatusCode::TOO_MANY_REQUESTS {
                        throttled += 1;
                        if throttled > MAX_RATE_LIMITED_RETRIES {
                            return Err(self.unavailable(
                                request,
                                attempt,
                                format!("still rate limited (429) after {MAX_RATE_LIMITED_RETRIES} waits"),
                            ));
                        }
                        let wait = rate_limit_wait(&response.headers, Utc::now())
                            .unwrap_or_else(|| self.backoff(throttled))
                            .min(self.options.max_rate_limit_wait);
                        tracing::debug!(
                            path = request.url.path(),
                            wait_ms = wait.as_millis() as u64,
                            "rate limited"
                        );
                        self.block(&origin, wait);
                        continue;
                    }
                    if !response.status.is_server_error() {
                        return Ok(response);
                    }
                    format!(
                        "HTTP {}: {}",
                        response.status.as_u16(),
                        response.greenhouse_text()
                    )
                }
                Err(err) if err.is_builder() => {
                    return Err(HarvestError::Config(format!(
                        "invalid request to {}: {}",
                        request.url,
                        describe(&err)
                    )));
                }
                Err(err) => {
                    tracing::debug!(
                        method = %request.method,
                        path = request.url.path(),
                        attempt,
                        error = %describe(&err),
                        "Harvest request failed"
                    );
                    describe(&err)
                }
            };
            failures += 1;
            if failures >= max_attempts {
                return Err(self.unavailable(request, failures + throttled, failure));
            }
            tokio::time::sleep(self.backoff(failures)).await;
        }
    }

    fn unavailable(&self, request: &Request<'_>, attempts: u32, message: String) -> HarvestError {
        HarvestError::Unavailable {
            url: request.url.to_string(),
            attempts,
            message,
        }
    }

    async fn send_once(&self, request: &Request<'_>) -> Result<Response, reqwest::Error> {
        let mut builder = self
            .http
            .request(request.method.clone(), request.url.clone())
            .header(header::ACCEPT, "application/json");
        builder = match request.auth {
            Auth::Basic { user, password } => builder.basic_auth(user, Some(password)),
            Auth::Bearer(token) => builder.bearer_auth(token),
        };
        if let Some(form) = request.form {
            builder = builder.form(form);
        }
        let response = builder.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(Response {
            status,
            headers,
            body,
            url: request.url.clone(),
        })
    }

    /// A full-jitter delay for the `attempt`-th retry.
    fn backoff(&self, attempt: u32) -> Duration {
        backoff_delay(
            attempt,
            self.options.backoff_base,
            self.options.backoff_cap,
            rand::random::<f64>(),
        )
    }

    /// Waits for this origin's next free slot and takes it.
    async fn pace(&self, origin: &str) {
        let slot = {
            let mut pacers = self
                .pacers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            pacers
                .entry(origin.to_owned())
                .or_default()
                .take_slot(Instant::now())
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Updates this origin's pacing from a response's rate-limit headers.
    fn observe(&self, origin: &str, headers: &HeaderMap) {
        let limits = RateLimit::from_headers(headers, Utc::now());
        let mut pacers = self
            .pacers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pacers.entry(origin.to_owned()).or_default().observe(
            &limits,
            Instant::now(),
            self.window,
            self.options.max_rate_limit_wait,
        );
    }

    /// Holds every request to this origin for `wait` (after a 429).
    fn block(&self, origin: &str, wait: Duration) {
        let mut pacers = self
            .pacers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let pacer = pacers.entry(origin.to_owned()).or_default();
        let until = Instant::now() + wait;
        pacer.not_before = Some(pacer.not_before.map_or(until, |at| at.max(until)));
    }
}

/// The rate-limit headers of one response.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct RateLimit {
    limit: Option<u32>,
    remaining: Option<u64>,
    /// Time until the window resets.
    reset_in: Option<Duration>,
}

impl RateLimit {
    fn from_headers(headers: &HeaderMap, now: DateTime<Utc>) -> RateLimit {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        RateLimit {
            limit: text("x-ratelimit-limit").and_then(|v| v.parse().ok()),
            remaining: text("x-ratelimit-remaining").and_then(|v| v.parse().ok()),
            reset_in: text("x-ratelimit-reset").and_then(|v| parse_wait(v, now)),
        }
    }
}

/// When the next request to one origin may go.
#[derive(Debug, Default)]
struct Pacer {
    /// Nothing is sent before this (window exhausted, or a 429).
    not_before: Option<Instant>,
    /// Minimum gap between requests when only the limit is known.
    spacing: Option<Duration>,
    /// The slot the latest request took.
    last_slot: Option<Instant>,
}

impl Pacer {
    fn take_slot(&mut self, now: Instant) -> Instant {
        let mut slot = now;
        if let Some(at) = self.not_before {
            slot = slot.max(at);
        }
        if let (Some(last), Some(gap)) = (self.last_slot, self.spacing) {
            slot = slot.max(last + gap);
        }
        self.last_slot = Some(slot);
        slot
    }

    fn observe(&mut self, limits: &RateLimit, now: Instant, window: Duration, max_wait: Duration) {
        if limits.remaining == Some(0) {
            let wait = limits.reset_in.unwrap_or(window).min(max_wait);
            let until = now + wait;
            self.not_before = Some(self.not_before.map_or(until, |at| at.max(until)));
        }
        self.spacing = match (limits.limit, limits.remaining) {
            (Some(limit), None) if limit > 0 => Some(window / limit),
            _ => None,
        };
    }
}

/// How long a 429 asks to wait: `Retry-After`, else `X-RateLimit-Reset`.
pub fn rate_limit_wait(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    ["retry-after", "x-ratelimit-reset"]
        .into_iter()
        .filter_map(|name| headers.get(name)?.to_str().ok())
        .find_map(|value| parse_wait(value, now))
}

/// Parses a `Retry-After`/`X-RateLimit-Reset` value: a number of seconds, a
/// Unix timestamp (numbers ≥ 10⁹), or an HTTP date. Times in the past wait 0.
pub fn parse_wait(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    let until = |at: DateTime<Utc>| (at - now).to_std().unwrap_or(Duration::ZERO);
    if let Ok(number) = value.parse::<f64>() {
        if !number.is_finite() || number < 0.0 {
            return None;
        }
        if number >= EPOCH_THRESHOLD {
            let at = DateTime::<Utc>::from_timestamp_millis((number * 1000.0) as i64)?;
            return Some(until(at));
        }
        return Some(Duration::from_secs_f64(number));
    }
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|at| until(at.with_timezone(&Utc)))
}

/// Full-jitter exponential backoff: a uniform delay in
/// `[0, min(cap, base · 2^(attempt−1)))`, `fraction` being the uniform draw in `[0, 1)`.
pub fn backoff_delay(attempt: u32, base: Duration, cap: Duration, fraction: f64) -> Duration {
    let exponent = attempt.saturating_sub(1).min(30);
    let ceiling = base.saturating_mul(1u32 << exponent).min(cap);
    ceiling.mul_f64(fraction.clamp(0.0, 1.0))
}

/// An error and its causes, one line (`reqwest` puts the useful part —
/// "connection refused", "operation timed out" — in the sources).
pub fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// One link of a `Link` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The URI reference between `<` and `>`.
    pub target: String,
    /// The relation types of its `rel` parameter, lowercased.
    pub rels: Vec<String>,
}

impl Link {
    fn is_next(&self) -> bool {
        self.rels.iter().any(|rel| rel == "next")
    }
}

/// Parses a `Link` header value (RFC 8288 §3): comma-separated
/// `<uri>; param=value` entries, values as tokens or quoted strings (which may
/// hold commas and semicolons), any whitespace around separators. Malformed
/// entries are skipped.
pub fn parse_link_header(value: &str) -> Vec<Link> {
    let mut parser = LinkParser {
        chars: value.chars().collect(),
        at: 0,
    };
    let mut links = Vec::new();
    loop {
        parser.skip(|c| c == ',' || c.is_whitespace());
        match parser.peek() {
            None => return links,
            Some('<') => {
                parser.at += 1;
                let target = parser.take_while(|c| c != '>');
                if parser.peek() != Some('>') {
                    return links;
                }
                parser.at += 1;
                let rels = parser.params();
                links.push(Link {
                    target: target.trim().to_owned(),
                    rels,
                });
            }
            Some(_) => parser.skip_entry(),
        }
    }
}

struct LinkParser {
    chars: Vec<char>,
    at: usize,
}

impl LinkParser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip(&mut self, mut skip: impl FnMut(char) -> bool) {
        while self.peek().is_some_and(&mut skip) {
            self.at += 1;
        }
    }

    fn take_while(&mut self, mut keep: impl FnMut(char) -> bool) -> String {
        let start = self.at;
        self.skip(&mut keep);
        self.chars[start..self.at].iter().collect()
    }

    /// A quoted string starting at the opening quote, unescaped.
    fn quoted(&mut self) -> String {
        self.at += 1;
        let mut text = String::new();
        while let Some(c) = self.peek() {
            self.at += 1;
            match c {
                '"' => break,
                '\\' => {
                    if let Some(escaped) = self.peek() {
                        text.push(escaped);
                        self.at += 1;
                    }
                }
                _ => text.push(c),
            }
        }
        text
    }

    /// The `;`-separated parameters after a target; returns the rel types.
    fn params(&mut self) -> Vec<String> {
        let mut rels = Vec::new();
        loop {
            self.skip(char::is_whitespace);
            if self.peek() != Some(';') {
                break;
            }
            self.at += 1;
            self.skip(char::is_whitespace);
            let name = self.take_while(|c| !matches!(c, '=' | ';' | ',') && !c.is_whitespace());
            self.skip(char::is_whitespace);
            let value = if self.peek() == Some('=') {
                self.at += 1;
                self.skip(char::is_whitespace);
                if self.peek() == Some('"') {
                    self.quoted()
                } else {
                    self.take_while(|c| !matches!(c, ';' | ',') && !c.is_whitespace())
                }
            } else {
                String::new()
            };
            if name.eq_ignore_ascii_case("rel") && rels.is_empty() {
                rels = value
                    .split_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect();
            }
        }
        self.skip(char::is_whitespace);
        if !matches!(self.peek(), None | Some(',')) {
            self.skip_entry();
        }
        rels
    }

    /// Skips to the next top-level comma (quoted strings may contain commas).
    fn skip_entry(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                ',' => return,
                '"' => {
                    self.quoted();
                }
                _ => self.at += 1,
            }
        }
    }
}

/// Decodes a Greenhouse error body leniently: `{message?, errors?}` where
/// `errors` is a list of strings or of `{message, field?}` objects (or a single
/// one), plus OAuth's `{error, error_description}`. `None` when the body is not
/// such an object or says nothing.
pub fn error_text(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    let mut parts: Vec<String> = Vec::new();
    for key in ["message", "error", "error_description"] {
        if let Some(text) = object
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            parts.push(text.to_owned());
        }
    }
    let details: Vec<String> = match object.get("errors") {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(error_item).collect(),
        Some(item) => error_item(item).into_iter().collect(),
        None => Vec::new(),
    };
    if !details.is_empty() {
        parts.push(details.join("; "));
    }
    (!parts.is_empty()).then(|| truncate(&parts.join(": ")))
}

fn error_item(item: &serde_json::Value) -> Option<String> {
    match item {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Object(fields) => {
            let message = fields.get("message").and_then(|v| v.as_str())?;
            Some(match fields.get("field").and_then(|v| v.as_str()) {
                Some(field) if !field.is_empty() => format!("{field}: {message}"),
                _ => message.to_owned(),
            })
        }
        _ => None,
    }
}

fn truncate(text: &str) -> String {
    if text.chars().count() <= MAX_QUOTED_CHARS {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX_QUOTED_CHARS).collect();
        short.push('…');
        short
    }
}

/// A scripted HTTP server for the client tests.
#[cfg(test)]
pub(crate) mod test_server {
    use axum::{
        body::Bytes,
        http::{HeaderMap, Method, StatusCode, Uri},
        response::IntoResponse,
    };
    use std::sync::{Arc, Mutex};
    use url::Url;

    /// A request the server received.
    #[derive(Clone, Debug)]
    pub struct Received {
        pub method: String,
        pub path: String,
        pub query: String,
        pub authorization: Option<String>,
        pub body: String,
    }

    /// What the server answers.
    #[derive(Clone, Debug)]
    pub struct Reply {
        pub status: u16,
        pub headers: Vec<(String, String)>,
        pub body: String,
    }

    impl Reply {
        pub fn json(status: u16, body: impl Into<String>) -> Reply {
            Reply {
                status,
                headers: Vec::new(),
                body: body.into(),
            }
        }

        pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
            self.headers.push((name.to_owned(), value.into()));
            self
        }
    }

    type Handler = dyn Fn(&Received, &[Received]) -> Reply + Send + Sync;

    /// A running server; `received` lists every request in order.
    pub struct TestServer {
        pub base: Url,
        pub received: Arc<Mutex<Vec<Received>>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl TestServer {
        /// Serves `handler(request, earlier requests)` on a free local port.
        pub async fn spawn(
            handler: impl Fn(&Received, &[Received]) -> Reply + Send + Sync + 'static,
        ) -> TestServer {
            let received: Arc<Mutex<Vec<Received>>> = Arc::default();
            let handler: Arc<Handler> = Arc::new(handler);
            let log = received.clone();
            let app = axum::Router::new().fallback(
                move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                    let log = log.clone();
                    let handler = handler.clone();
                    async move {
                        let request = Received {
                            method: method.to_string(),
                            path: uri.path().to_owned(),
                            query: uri.query().unwrap_or_default().to_owned(),
                            authorization: headers
                                .get("authorization")
                                .and_then(|v| v.to_str().ok())
                                .map(str::to_owned),
                            body: String::from_utf8_lossy(&body).into_owned(),
                        };
                        let reply = {
                            let mut log = log.lock().unwrap();
                            let reply = handler(&request, &log);
                            log.push(request);
                            reply
                        };
                        let mut response =
                            (StatusCode::from_u16(reply.status).unwrap(), reply.body)
                                .into_response();
                        for (name, value) in reply.headers {
                            response.headers_mut().append(
                                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                                value.parse().unwrap(),
                            );
                        }
                        response
                    }
                },
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
            let task = tokio::spawn(async move {
                axum::serve(listener, app).await.unwrap();
            });
            TestServer {
                base,
                received,
                task,
            }
        }

        /// The requests received so far.
        pub fn requests(&self) -> Vec<Received> {
            self.received.lock().unwrap().clone()
        }
    }

    impl Drop for TestServer {
        fn drop(&mut self) {
            self.task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_server::{Reply, TestServer};
    use super::*;
    use proptest::prelude::*;
    use std::time::Instant as StdInstant;

    fn options() -> ClientOptions {
        ClientOptions {
            per_page: 500,
            max_attempts: 3,
            backoff_base: Duration::from_millis(5),
            backoff_cap: Duration::from_millis(20),
            max_rate_limit_wait: Duration::from_secs(5),
            request_timeout: Duration::from_secs(5),
        }
    }

    fn examples(path: &str) -> Vec<u8> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/harvest");
        std::fs::read(format!("{dir}/{path}")).unwrap()
    }

    fn get(url: Url) -> Request<'static> {
        Request::get(
            url,
            Auth::Basic {
                user: "key",
                password: "",
            },
        )
    }

    #[test]
    fn parses_link_headers_with_several_links_and_odd_spacing() {
        let header = r#"<https://harvest.greenhouse.io/v1/candidates?page=2&per_page=2>; rel="next", <https://harvest.greenhouse.io/v1/candidates?page=474&per_page=2>; rel="last""#;
        let links = parse_link_header(header);
        assert_eq!(links.len(), 2);
        assert_eq!(
            links[0].target,
            "https://harvest.greenhouse.io/v1/candidates?page=2&per_page=2"
        );
        assert_eq!(links[0].rels, ["next"]);
        assert_eq!(links[1].rels, ["last"]);

        let odd = r#"  <a?x=1> ;rel = "prev" ,<b?y=2>;title="one, two; three";REL=Next , <c>; rel="last next""#;
        let links = parse_link_header(odd);
        let targets: Vec<_> = links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["a?x=1", "b?y=2", "c"]);
        assert_eq!(links[1].rels, ["next"]);
        assert_eq!(links[2].rels, ["last", "next"]);
        assert!(parse_link_header("").is_empty());
        assert!(parse_link_header("garbage, more garbage").is_empty());
    }

    fn link_entry() -> impl Strategy<Value = (String, String, bool, String, String)> {
        (
            "[a-z]{1,8}",
            prop::sample::select(vec!["prev", "last", "first", "alternate", "self"]),
            any::<bool>(),
            prop::sample::select(vec!["", " ", "  ", "\t"]),
            prop::sample::select(vec![
                "",
                r#"; title="a, b; c""#,
                "; type=text/html",
                r##"; anchor="#x""##,
            ]),
        )
            .prop_map(|(path, rel, quoted, space, extra)| {
                (
                    path,
                    rel.to_owned(),
                    quoted,
                    space.to_owned(),
                    extra.to_owned(),
                )
            })
    }

    fn render(path: &str, rel: &str, quoted: bool, space: &str, extra: &str) -> String {
        let rel = if quoted {
            format!("\"{rel}\"")
        } else {
            rel.to_owned()
        };
        format!(
            "<https://harvest.greenhouse.io/v3/{path}?cursor={path}%3D>{space};{space}rel={rel}{extra}"
        )
    }

    proptest! {
        #[test]
        fn link_lists_always_yield_their_next(
            others in prop::collection::vec(link_entry(), 0..6),
            next in prop::option::of(("[a-z]{1,8}", any::<bool>(), any::<usize>())),
            separator in prop::sample::select(vec![",", ", ", " , ", ",\t"]),
        ) {
            let mut entries: Vec<String> = others
                .iter()
                .map(|(path, rel, quoted, space, extra)| render(path, rel, *quoted, space, extra))
                .collect();
            let expected = next.as_ref().map(|(path, quoted, at)| {
                let at = at % (entries.len() + 1);
                entries.insert(at, render(path, "next", *quoted, " ", ""));
                format!("https://harvest.greenhouse.io/v3/{path}?cursor={path}%3D")
            });
            let header = entries.join(separator);
            let parsed = parse_link_header(&header);
            prop_assert_eq!(parsed.len(), entries.len());
            let found = parsed.into_iter().find(Link::is_next).map(|link| link.target);
            prop_assert_eq!(found, expected);
        }

        #[test]
        fn backoff_stays_within_its_bounds(
            attempt in 1u32..64,
            base_ms in 1u64..2_000,
            cap_ms in 1u64..120_000,
            fraction in 0.0f64..1.0,
        ) {
            let base = Duration::from_millis(base_ms);
            let cap = Duration::from_millis(cap_ms);
            let delay = backoff_delay(attempt, base, cap, fraction);
            prop_assert!(delay <= cap);
            let exponential = base.saturating_mul(1u32 << (attempt - 1).min(30));
            prop_assert!(delay <= exponential);
        }
    }

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(1);
        let first = backoff_delay(1, base, cap, 0.999_999);
        assert!(
            first > Duration::from_millis(99) && first < base,
            "{first:?}"
        );
        assert_eq!(backoff_delay(3, base, cap, 0.5), Duration::from_millis(200));
        assert_eq!(
            backoff_delay(10, base, cap, 0.5),
            Duration::from_millis(500)
        );
        assert_eq!(backoff_delay(u32::MAX, base, cap, 0.0), Duration::ZERO);
    }

    #[test]
    fn retry_after_is_seconds_or_a_timestamp() {
        let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(parse_wait("1", now), Some(Duration::from_secs(1)));
        assert_eq!(parse_wait(" 2.5 ", now), Some(Duration::from_millis(2500)));
        assert_eq!(parse_wait("1700000007", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_wait("1699999990", now), Some(Duration::ZERO));
        assert_eq!(
            parse_wait("Tue, 14 Nov 2023 22:13:30 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(parse_wait("soon", now), None);
        assert_eq!(parse_wait("-3", now), None);

        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", "1700000004".parse().unwrap());
        assert_eq!(rate_limit_wait(&headers, now), Some(Duration::from_secs(4)));
        headers.insert("retry-after", "2".parse().unwrap());
        assert_eq!(rate_limit_wait(&headers, now), Some(Duration::from_secs(2)));
    }

    #[test]
    fn decodes_error_bodies_leniently() {
        assert_eq!(
            error_text(&examples("examples/error_422_validation.json")).unwrap(),
            "Validation error: type: Must be one of: candidate, prospect"
        );
        assert_eq!(
            error_text(&examples("v3/examples/error_401_token_revoked.json")).unwrap(),
            "Unauthorized: Token has already been refreshed or revoked. Please generate a new token."
        );
        assert_eq!(
            error_text(&examples(
                "v3/examples/error_422_cursor_with_other_params.json"
            ))
            .unwrap(),
            "When passing a cursor, do not include other query params."
        );
        assert_eq!(
            error_text(br#"{"errors":[{"message":"Application must be 'rejected'"}]}"#).unwrap(),
            "Application must be 'rejected'"
        );
        assert_eq!(
            error_text(br#"{"error":"invalid_client","error_description":"bad secret"}"#).unwrap(),
            "invalid_client: bad secret"
        );
        assert_eq!(
            error_text(br#"{"errors":"just text"}"#).unwrap(),
            "just text"
        );
        assert_eq!(error_text(b"<html>oops</html>"), None);
        assert_eq!(error_text(b"{}"), None);
        assert_eq!(error_text(b"[1,2]"), None);
        let long = format!(r#"{{"message":"{}"}}"#, "x".repeat(1000));
        assert_eq!(
            error_text(long.as_bytes()).unwrap().chars().count(),
            MAX_QUOTED_CHARS + 1
        );
    }

    #[test]
    fn pacer_spreads_requests_when_only_the_limit_is_known() {
        let mut pacer = Pacer::default();
        let now = Instant::now();
        let window = Duration::from_secs(10);
        let limits = RateLimit {
            limit: Some(50),
            remaining: None,
            reset_in: None,
        };
        pacer.observe(&limits, now, window, Duration::from_secs(60));
        assert_eq!(pacer.take_slot(now), now);
        assert_eq!(pacer.take_slot(now), now + Duration::from_millis(200));
        assert_eq!(pacer.take_slot(now), now + Duration::from_millis(400));

        let mut pacer = Pacer::default();
        let exhausted = RateLimit {
            limit: Some(50),
            remaining: Some(0),
            reset_in: Some(Duration::from_secs(3)),
        };
        pacer.observe(&exhausted, now, window, Duration::from_secs(60));
        assert_eq!(pacer.take_slot(now), now + Duration::from_secs(3));
        let capped = RateLimit {
            limit: None,
            remaining: Some(0),
            reset_in: Some(Duration::from_secs(900)),
        };
        let mut pacer = Pacer::default();
        pacer.observe(&capped, now, window, Duration::from_secs(60));
        assert_eq!(pacer.take_slot(now), now + Duration::from_secs(60));
        let plenty = RateLimit {
            limit: Some(50),
            remaining: Some(49),
            reset_in: Some(Duration::from_secs(3)),
        };
        let mut pacer = Pacer::default();
        pacer.observe(&plenty, now, window, Duration::from_secs(60));
        assert_eq!(pacer.take_slot(now), now);
        assert_eq!(pacer.take_slot(now), now);
    }

    #[test]
    fn endpoints_keep_the_base_path_and_origin_is_checked() {
        let base = Url::parse("http://127.0.0.1:9000").unwrap();
        assert_eq!(
            endpoint(&base, "v3/jobs").unwrap().as_str(),
            "http://127.0.0.1:9000/v3/jobs"
        );
        let prefixed = Url::parse("https://example.com/greenhouse?x=1").unwrap();
        assert_eq!(
            endpoint(&prefixed, "v1/users").unwrap().as_str(),
            "https://example.com/greenhouse/v1/users"
        );
        assert!(
            same_origin(
                &Url::parse("http://127.0.0.1:9000/v3/x?cursor=a").unwrap(),
                &base
            )
            .is_ok()
        );
        for foreign in [
            "http://127.0.0.1:9001/v3/x",
            "https://127.0.0.1:9000/v3/x",
            "http://evil.example/v3/x",
        ] {
            let err = same_origin(&Url::parse(foreign).unwrap(), &base).unwrap_err();
            assert!(
                matches!(err, HarvestError::ForeignLink(ref url) if url == foreign),
                "{err}"
            );
        }
    }

    #[tokio::test]
    async fn a_429_waits_for_retry_after_and_does_not_use_up_attempts() {
        let server = TestServer::spawn(|_, earlier| match earlier.len() {
            0 => Reply::json(429, r#"{"message":"Too Many Requests"}"#).header("Retry-After", "1"),
            1 => Reply::json(503, "{}"),
            2 => Reply::json(503, "{}"),
            _ => Reply::json(200, "[]"),
        })
        .await;
        let transport = Transport::new(options(), Duration::from_secs(10)).unwrap();
        let started = StdInstant::now();
        let response = transport
            .send(&get(server.base.join("v1/users").unwrap()))
            .await
            .unwrap();
        assert_eq!(response.status, StatusCode::OK);
        assert!(
            started.elapsed() >= Duration::from_millis(950),
            "waited {:?}",
            started.elapsed()
        );
        assert_eq!(transport.requests_made(), 4);
        assert_eq!(server.requests().len(), 4);
    }

    #[tokio::test]
    async fn server_errors_are_retried_then_reported() {
        let server = TestServer::spawn(|_, earlier| match earlier.len() {
            0 => Reply::json(503, "unavailable"),
            _ => Reply::json(200, "[]"),
        })
        .await;
        let transport = Transport::new(options(), Duration::from_secs(10)).unwrap();
        let response = transport
            .send(&get(server.base.join("v1/users").unwrap()))
            .await
            .unwrap();
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(transport.requests_made(), 2);

        let failing = TestServer::spawn(|_, _| Reply::json(500, r#"{"message":"boom"}"#)).await;
        let err = transport
            .send(&get(failing.base.join("v1/users").unwrap()))
            .await
            .unwrap_err();
        match err {
            HarvestError::Unavailable {
                attempts, message, ..
            } => {
                assert_eq!(attempts, 3);
                assert_eq!(message, "HTTP 500: boom");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(failing.requests().len(), 3);
        assert_eq!(transport.requests_made(), 5);
    }

    #[tokio::test]
    async fn other_client_errors_are_never_retried() {
        let server =
            TestServer::spawn(|_, _| Reply::json(404, r#"{"message":"Resource not found"}"#)).await;
        let transport = Transport::new(options(), Duration::from_secs(10)).unwrap();
        let response = transport
            .send(&get(server.base.join("v1/users/1").unwrap()))
            .await
            .unwrap();
        assert_eq!(response.status, StatusCode::NOT_FOUND);
        assert_eq!(server.requests().len(), 1);
        let err = response.rejected();
        assert!(
            matches!(err, HarvestError::Rejected { status: 404, ref message, .. } if message == "Resource not found")
        );
    }

    #[tokio::test]
    async fn an_exhausted_window_waits_until_the_reset() {
        let server = TestServer::spawn(|_, _| {
            let reset = Utc::now().timestamp() + 2;
            Reply::json(200, "[]")
                .header("X-RateLimit-Limit", "2")
                .header("X-RateLimit-Remaining", "0")
                .header("X-RateLimit-Reset", reset.to_string())
        })
        .await;
        let transport = Transport::new(options(), Duration::from_secs(10)).unwrap();
        let url = server.base.join("v1/users").unwrap();
        transport.send(&get(url.clone())).await.unwrap();
        let started = StdInstant::now();
        transport.send(&get(url)).await.unwrap();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(950) && waited < Duration::from_secs(3),
            "waited {waited:?}"
        );
        assert_eq!(transport.requests_made(), 2);
    }

    #[tokio::test]
    async fn unreachable_hosts_and_bodies_cut_mid_read_are_retried() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            for connection in 0..2 {
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut buffer = [0u8; 4096];
                let _ = socket.read(&mut buffer).await.unwrap();
                let reply: &[u8] = if connection == 0 {
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[{\"id\":"
                } else {
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n[]"
                };
                socket.write_all(reply).await.unwrap();
                socket.shutdown().await.unwrap();
            }
        });
        let transport = Transport::new(options(), Duration::from_secs(10)).unwrap();
        let url = Url::parse(&format!("http://{address}/v1/users")).unwrap();
        let response = transport.send(&get(url)).await.unwrap();
        assert_eq!(response.body, b"[]");
        assert_eq!(transport.requests_made(), 2);
        server.await.unwrap();

        // Nothing listens there any more.
        let closed = Url::parse(&format!("http://{address}/v1/users")).unwrap();
        let err = transport.send(&get(closed)).await.unwrap_err();
        assert!(
            matches!(err, HarvestError::Unavailable { attempts: 3, ref url, .. } if url.contains(&address.to_string())),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn next_links_resolve_and_foreign_ones_are_refused() {
        let server = TestServer::spawn(|request, _| match request.query.as_str() {
            "relative" => {
                Reply::json(200, "[]").header("Link", r#"</v3/jobs?cursor=abc>; rel="next""#)
            }
            "none" => Reply::json(200, "[]").header("Link", ""),
            _ => Reply::json(200, "[]").header(
                "Link",
                r#"<https://elsewhere.example/v3/jobs?cursor=abc>; rel="next""#,
            ),
        })
        .await;
        let transport = Transport::new(options(), Duration::from_secs(10)).unwrap();
        let fetch = |query: &str| {
            let mut url = server.base.join("v3/jobs").unwrap();
            url.set_query(Some(query));
            get(url)
        };
        let response = transport.send(&fetch("relative")).await.unwrap();
        let next = response.next_link(&server.base).unwrap().unwrap();
        assert_eq!(next, server.base.join("v3/jobs?cursor=abc").unwrap());
        let response = transport.send(&fetch("none")).await.unwrap();
        assert_eq!(response.next_link(&server.base).unwrap(), None);
        let response = transport.send(&fetch("foreign")).await.unwrap();
        assert!(matches!(
            response.next_link(&server.base),
            Err(HarvestError::ForeignLink(_))
        ));
    }
}
