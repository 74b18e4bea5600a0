//! Harvest v1: the endpoints the sync reads (README §4.1), Basic auth with
//! the API key (checked by the guard), `page`/`per_page` pagination with
//! `Link` `next`/`prev`/`last` (`next` only on openings and user roles; close
//! reasons, a candidate's tags and a hiring team are not paginated), ids
//! ascending, the `*_after`/`*_before` date filters each endpoint documents
//! and a few of their other filters. Bodies come from [`super::render`].

use super::{
    Refusal, Simulator, json_response, origin,
    render::{self, Ctx, Render},
    tables::{Row, Tables, find},
};
use app::ssr::entities::greenhouse as gh;
use axum::{
    Router,
    extract::{RawPathParams, RawQuery, State},
    http::{HeaderMap, StatusCode, Uri, header},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

const MAX_PER_PAGE: usize = 500;
const DEFAULT_PER_PAGE: usize = 100;

/// How a list paginates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Paging {
    /// `next`, `prev` and (unless `skip_count=true`) `last`.
    Full,
    /// `next` only (the February 2017 method).
    NextOnly,
    /// Everything in one response, no `Link`.
    None,
}

/// The query parameters of a request, in order.
struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(|v| v.parse().ok())
    }
}

/// One v1 list endpoint.
struct Listing<R: 'static> {
    table: fn(&Tables) -> &[R],
    render: Render<R>,
    paging: Paging,
    /// The `<name>_after`/`<name>_before` filters it takes (`created`, `updated`, …).
    dates: &'static [&'static str],
    /// Its other filters; the last argument is the `{id}` of a nested list.
    keep: fn(&Tables, &R, &Params, Option<i64>) -> bool,
    /// For nested lists: whether the `{id}` names an existing parent.
    parent: Option<fn(&Tables, i64) -> bool>,
}

impl<R> Clone for Listing<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Listing<R> {}

fn everything<R>(_: &Tables, _: &R, _: &Params, _: Option<i64>) -> bool {
    true
}

fn listing<R: Row>(
    table: fn(&Tables) -> &[R],
    render: Render<R>,
    dates: &'static [&'static str],
) -> Listing<R> {
    Listing {
        table,
        render,
        paging: Paging::Full,
        dates,
        keep: everything,
        parent: None,
    }
}

const CREATED_UPDATED: &[&str] = &["created", "updated"];

pub fn routes() -> Router<Simulator> {
    let job_exists: fn(&Tables, i64) -> bool = |t, id| find(&t.jobs, id).is_some();
    Router::new()
        .route(
            "/v1/applications",
            list(Listing {
                keep: |_, a: &gh::applications::Model, p, _| {
                    let status = p
                        .get("status")
                        .map(|s| if s == "active" { "in_process" } else { s });
                    status.is_none_or(|s| a.status == s)
                        && p.get("job_id")
                            .is_none_or(|j| a.job_id.map(|id| id.to_string()).as_deref() == Some(j))
                },
                ..listing(
                    |t| &t.applications,
                    render::applications,
                    &["created", "last_activity"],
                )
            }),
        )
        .route("/v1/applications/{id}", get(application))
        .route(
            "/v1/candidates",
            list(Listing {
                keep: candidate_filter,
                ..listing(|t| &t.candidates, render::candidates, CREATED_UPDATED)
            }),
        )
        .route(
            "/v1/tags/candidate",
            list(listing(|t| &t.candidate_tags, render::tags, &[])),
        )
        .route(
            "/v1/candidates/{id}/tags",
            list(Listing {
                paging: Paging::None,
                keep: |t, tag: &gh::candidate_tags::Model, _, candidate| {
                    t.applied_candidate_tags
                        .iter()
                        .any(|a| Some(a.candidate_id) == candidate && a.candidate_tag_id == tag.id)
                },
                parent: Some(|t, id| find(&t.candidates, id).is_some()),
                ..listing(|t| &t.candidate_tags, render::tags, &[])
            }),
        )
        .route(
            "/v1/users",
            list(Listing {
                keep: |_, u: &gh::users::Model, p, _| {
                    let email = p.get("email").map(str::to_lowercase);
                    let emails = || {
                        u.emails
                            .iter()
                            .flat_map(|e| e.as_array().cloned().unwrap_or_default())
                    };
                    email.is_none_or(|e| {
                        u.primary_email.to_lowercase() == e
                            || emails().any(|x| x.as_str().is_some_and(|x| x.to_lowercase() == e))
                    }) && p
                        .get("employee_id")
                        .is_none_or(|id| u.employee_id.as_deref() == Some(id))
                },
                ..listing(|t| &t.users, render::users, CREATED_UPDATED)
            }),
        )
        .route(
            "/v1/users/{id}/permissions/jobs",
            list(Listing {
                keep: |_, p: &gh::user_job_permissions::Model, _, user| Some(p.user_id) == user,
                parent: Some(|t, id| find(&t.users, id).is_some()),
                ..listing(|t| &t.user_job_permissions, render::job_permissions, &[])
            }),
        )
        .route(
            "/v1/user_roles",
            list(Listing {
                paging: Paging::NextOnly,
                ..listing(|t| &t.user_roles, render::user_roles, &[])
            }),
        )
        .route(
            "/v1/offers",
            list(Listing {
                keep: |_, o: &gh::offers::Model, p, _| {
                    p.get("status").is_none_or(|s| {
                        if s == "unresolved" {
                            o.status == "Created"
                        } else {
                            o.status.eq_ignore_ascii_case(s)
                        }
                    })
                },
                ..listing(
                    |t| &t.offers,
                    render::offers,
                    &["created", "updated", "resolved"],
                )
            }),
        )
        .route(
            "/v1/scheduled_interviews",
            list(listing(
                |t| &t.interviews,
                render::scheduled_interviews,
                &["created", "updated", "starts", "ends"],
            )),
        )
        .route(
            "/v1/departments",
            list(listing(|t| &t.departments, render::departments, &[])),
        )
        .route(
            "/v1/offices",
            list(listing(|t| &t.offices, render::offices, &[])),
        )
        .route(
            "/v1/jobs",
            list(Listing {
                keep: |_, j: &gh::jobs::Model, p, _| {
                    p.get("status").is_none_or(|s| j.status == s)
                        && p.get("department_id").is_none_or(|d| {
                            j.department_id.map(|id| id.to_string()).as_deref() == Some(d)
                        })
                        && p.get("requisition_id")
                            .is_none_or(|r| j.requisition_id.as_deref() == Some(r))
                },
                ..listing(|t| &t.jobs, render::jobs, CREATED_UPDATED)
            }),
        )
        .route("/v1/jobs/{id}/hiring_team", get(hiring_team))
        .route(
            "/v1/jobs/{id}/openings",
            list(Listing {
                paging: Paging::NextOnly,
                keep: |_, o: &gh::openings::Model, p, job| {
                    Some(o.job_id) == job
                        && p.get("status").is_none_or(|s| {
                            if o.open {
                                s == "opened" || s == "open"
                            } else {
                                s == "closed"
                            }
                        })
                },
                parent: Some(job_exists),
                ..listing(|t| &t.openings, render::openings, &[])
            }),
        )
        .route(
            "/v1/job_posts",
            list(Listing {
                keep: |_, post: &gh::job_posts::Model, p, _| {
                    p.flag("active").is_none_or(|a| post.active == a)
                        && p.flag("live").is_none_or(|l| post.live == l)
                        && p.flag("internal").is_none_or(|i| post.internal == i)
                },
                ..listing(|t| &t.job_posts, render::job_posts, CREATED_UPDATED)
            }),
        )
        .route(
            "/v1/job_stages",
            list(listing(
                |t| &t.job_interview_stages,
                render::job_stages,
                CREATED_UPDATED,
            )),
        )
        .route(
            "/v1/rejection_reasons",
            list(listing(
                |t| &t.rejection_reasons,
                render::rejection_reasons,
                &[],
            )),
        )
        .route(
            "/v1/sources",
            list(listing(|t| &t.sources, render::sources, &[])),
        )
        .route(
            "/v1/close_reasons",
            list(Listing {
                paging: Paging::None,
                ..listing(|t| &t.close_reasons, render::close_reasons, &[])
            }),
        )
}

/// `candidate_ids` (≤ 50; ignored when `email` is given) and `email`.
fn candidate_filter(_: &Tables, c: &gh::candidates::Model, p: &Params, _: Option<i64>) -> bool {
    let email = p.get("email").map(str::to_lowercase);
    let email_ok = email.as_ref().is_none_or(|e| {
        c.email_addresses.as_array().into_iter().flatten().any(|a| {
            a.get("value")
                .and_then(Value::as_str)
                .is_some_and(|v| v.to_lowercase() == *e)
        })
    });
    let ids_ok = email.is_some()
        || p.get("candidate_ids").is_none_or(|ids| {
            ids.split(',')
                .take(50)
                .any(|id| id.trim() == c.id.to_string())
        });
    email_ok && ids_ok
}

fn list<R: Row>(listing: Listing<R>) -> MethodRouter<Simulator> {
    get(
        move |State(sim): State<Simulator>,
              path: RawPathParams,
              uri: Uri,
              RawQuery(query): RawQuery,
              headers: HeaderMap| async move {
            let parent = path.iter().next().map(|(_, v)| v.parse::<i64>());
            match parent {
                Some(Err(_)) => not_found(),
                Some(Ok(id)) => serve(&sim, listing, Some(id), &uri, query, &headers),
                None => serve(&sim, listing, None, &uri, query, &headers),
            }
        },
    )
}

fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({"message": "Resource not found"}),
    )
}

fn invalid(field: &str, message: &str) -> Refusal {
    Refusal(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"message": "Validation error", "errors": [{"message": message, "field": field}]}),
    )
}

/// A date filter: the v3 field, whether it is an `_after` (at or after), and the time.
type DateFilter = (String, bool, DateTime<Utc>);

fn date_filters(params: &Params, names: &[&str]) -> Result<Vec<DateFilter>, Refusal> {
    let mut filters = Vec::new();
    for (key, value) in &params.0 {
        let Some((name, after)) = key
            .strip_suffix("_after")
            .map(|n| (n, true))
            .or_else(|| key.strip_suffix("_before").map(|n| (n, false)))
        else {
            continue;
        };
        if !names.contains(&name) {
            continue;
        }
        let at = DateTime::parse_from_rfc3339(value)
            .map_err(|_| invalid(key, &format!("{key} must be an ISO-8601 timestamp")))?
            .with_timezone(&Utc);
        filters.push((format!("{name}_at"), after, at));
    }
    Ok(filters)
}

fn number(params: &Params, name: &str, default: usize, max: usize) -> Result<usize, Refusal> {
    match params.get(name) {
        None => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(invalid(
                name,
                &format!("{name} must be an integer between 1 and {max}"),
            )),
        },
    }
}

fn serve<R: Row>(
    sim: &Simulator,
    l: Listing<R>,
    parent: Option<i64>,
    uri: &Uri,
    query: Option<String>,
    headers: &HeaderMap,
) -> Response {
    let params = Params(
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect(),
    );
    let data = sim.read();
    let t = &data.tables;
    if let (Some(exists), Some(id)) = (l.parent, parent)
        && !exists(t, id)
    {
        return not_found();
    }
    let (dates, per_page, page) = match (
        date_filters(&params, l.dates),
        number(&params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
        number(&params, "page", 1, usize::MAX),
    ) {
        (Ok(d), Ok(n), Ok(p)) => (d, n, p),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into_response(),
    };
    let rows: Vec<&R> = (l.table)(t)
        .iter()
        .filter(|row| {
            dates.iter().all(|(field, after, at)| {
                row.time(field)
                    .is_some_and(|time| if *after { time >= *at } else { time < *at })
            })
        })
        .filter(|row| (l.keep)(t, row, &params, parent))
        .collect();
    let (slice, last_page) = if l.paging == Paging::None {
        (&rows[..], 1)
    } else {
        let start = (page - 1).saturating_mul(per_page).min(rows.len());
        (
            &rows[start..(start + per_page).min(rows.len())],
            rows.len().div_ceil(per_page).max(1),
        )
    };
    let ctx = Ctx {
        t,
        user_attributes: params.flag("user_attributes") == Some(true),
    };
    let body = Value::from((l.render)(&ctx, slice));
    drop(data);
    let mut response = json_response(StatusCode::OK, &body);
    let mut links = Vec::new();
    let link = |page: usize, rel: &str| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in params
            .0
            .iter()
            .filter(|(k, _)| k != "page" && k != "per_page")
        {
            query.append_pair(k, v);
        }
        query
            .append_pair("page", &page.to_string())
            .append_pair("per_page", &per_page.to_string());
        format!(
            "<{}{}?{}>; rel=\"{rel}\"",
            origin(headers),
            uri.path(),
            query.finish()
        )
    };
    if l.paging != Paging::None {
        if page < last_page {
            links.push(link(page + 1, "next"));
        }
        if l.paging == Paging::Full {
            if page > 1 {
                links.push(link((page - 1).min(last_page), "prev"));
            }
            if params.flag("skip_count") != Some(true) {
                links.push(link(last_page, "last"));
            }
        }
    }
    if !links.is_empty()
        && let Ok(value) = links.join(", ").parse()
    {
        response.headers_mut().insert(header::LINK, value);
    }
    response
}

/// `GET /v1/applications/{id}`.
async fn application(State(sim): State<Simulator>, path: RawPathParams) -> Response {
    let data = sim.read();
    let id = path.iter().next().and_then(|(_, v)| v.parse::<i64>().ok());
    match id.and_then(|id| find(&data.tables.applications, id)) {
        Some(row) => {
            let ctx = Ctx {
                t: &data.tables,
                user_attributes: false,
            };
            let body = render::applications(&ctx, &[row])
                .pop()
                .unwrap_or(Value::Null);
            json_response(StatusCode::OK, &body)
        }
        None => not_found(),
    }
}

/// `GET /v1/jobs/{id}/hiring_team`.
async fn hiring_team(State(sim): State<Simulator>, path: RawPathParams) -> Response {
    let data = sim.read();
    let id = path.iter().next().and_then(|(_, v)| v.parse::<i64>().ok());
    match id.filter(|id| find(&data.tables.jobs, *id).is_some()) {
        Some(id) => json_response(StatusCode::OK, &render::hiring_team(&data.tables, id)),
        None => not_found(),
    }
    .into_response()
}
