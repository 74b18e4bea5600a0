//! `/admin/integrations`: the Greenhouse connection, "Sync now" with live
//! progress, the history of sync runs, and the webhook to paste into
//! Greenhouse. Everyone signed in sees the status and the history; only
//! admins see the forms and secrets (the server refuses the rest anyway).

use crate::api::integrations::{
    ConnectGreenhouse, ConnectionView, DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, HISTORY_LENGTH,
    IntegrationsView, ResourceState, RunView, SyncGreenhouse, get_integrations, get_sync_progress,
    missing_access,
};
use crate::components::{
    copy_button::CopyButton,
    error_panel::ErrorPanel,
    forms::{FieldError, FormError, action_error},
    page_header::PageHeader,
    time::format_utc,
};
use crate::domain::Resource as GreenhouseResource;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// How often a running sync's progress is read while the page is open.
const POLL_EVERY_MS: u64 = 1500;

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let connect = ServerAction::<ConnectGreenhouse>::new();
    let sync = ServerAction::<SyncGreenhouse>::new();
    // Bumped when a save succeeds, when a watched run ends, or on Refresh.
    let saves = RwSignal::new(0_u32);
    let finished = RwSignal::new(0_u32);
    let refreshes = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if connect
            .value()
            .with(|value| matches!(value, Some(Ok(outcome)) if outcome.saved))
        {
            saves.update(|n| *n += 1);
        }
    });
    let status = Resource::new(
        move || {
            (
                sync.version().get(),
                finished.get(),
                refreshes.get(),
                saves.get(),
            )
        },
        |_| get_integrations(),
    );
    // The form keeps what was typed until a save changes the connection.
    let form_data = Resource::new(move || saves.get(), |_| get_integrations());
    let refresh = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        refreshes.update(|n| *n += 1);
    };

    view! {
        <PageHeader
            title="Integrations"
            description="The connection to Greenhouse Recruiting, and how current Trellis's copy of its data is."
        >
            <a class="button button-secondary" href="/admin/integrations" on:click=refresh>"Refresh"</a>
        </PageHeader>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(view) => view! { <StatusAndHistory view sync finished /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match form_data.await {
                    Ok(view) if view.can_manage => view! {
                        <ConnectionSection connection=view.connection.clone() connect />
                        <WebhookSection view />
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}

/// The connection's status, "Sync now", live progress and the history.
#[component]
fn StatusAndHistory(
    view: IntegrationsView,
    sync: ServerAction<SyncGreenhouse>,
    finished: RwSignal<u32>,
) -> impl IntoView {
    let data_as_of = match view.data_as_of {
        Some(at) => format!("Data as of {}", format_utc(&at)),
        None => "No Greenhouse data synced yet".to_owned(),
    };
    let running = view.running().cloned();
    let connected = view.connection.is_some();
    let can_sync = view.can_manage && connected;
    let total = view.total_runs;
    let shown = view.history.len();
    view! {
        <section class="card integration-status" aria-labelledby="greenhouse-heading">
            <h2 id="greenhouse-heading">"Greenhouse"</h2>
            <p class="data-as-of">{data_as_of}</p>
            <ConnectionStatus connection=view.connection.clone() can_manage=view.can_manage />
            {can_sync.then(|| view! { <SyncForm sync /> })}
            <LiveProgress initial=running finished />
            <p class="status-line">{format!("Read at {}.", format_utc(&view.checked_at))}</p>
        </section>
        <section class="integration-history" aria-labelledby="history-heading">
            <h2 id="history-heading">"Sync history"</h2>
            {if view.history.is_empty() {
                view! {
                    <p class="muted">
                        {if can_sync {
                            "No sync has run yet. The schedule starts one within minutes, or use “Sync now”."
                        } else if connected {
                            "No sync has run yet. The schedule starts one within minutes."
                        } else {
                            "Syncs appear here once Greenhouse is connected."
                        }}
                    </p>
                }.into_any()
            } else {
                view! {
                    <HistoryTable runs=view.history />
                    <p class="status-line">
                        {if total > shown as u64 {
                            format!("The latest {shown} of {total} runs.")
                        } else {
                            format!("{total} {}.", if total == 1 { "run" } else { "runs" })
                        }}
                    </p>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ConnectionStatus(connection: Option<ConnectionView>, can_manage: bool) -> impl IntoView {
    match connection {
        None => view! {
            <p class="connection-state">
                <span class="badge badge-neutral">"Not connected"</span>
                {if can_manage {
                    " Connect Greenhouse with the form below."
                } else {
                    " An admin of your organization can connect it."
                }}
            </p>
        }
        .into_any(),
        Some(connection) => {
            let checked = connection
                .checked_at
                .map(|at| format!(" Last checked {}.", format_utc(&at)))
                .unwrap_or_default();
            let summary = format!(
                " Harvest {} at {}.{checked}",
                connection.api_version, connection.base_url
            );
            if connection.status == "ok" {
                view! {
                    <p class="connection-state">
                        <span class="badge badge-ok">"Connected"</span>
                        {summary}
                    </p>
                }
                .into_any()
            } else {
                let message = connection
                    .status_message
                    .clone()
                    .unwrap_or_else(|| "Greenhouse refused the stored credentials.".to_owned());
                let next = if can_manage {
                    "Scheduled syncs are paused until the connection works again: fix the credential in Greenhouse and test it below, or save new credentials."
                } else {
                    "Scheduled syncs are paused until an admin fixes the connection."
                };
                view! {
                    <p class="connection-state">
                        <span class="badge badge-danger">"Invalid"</span>
                        {summary}
                    </p>
                    <div class="notice notice-danger" role="alert">
                        <p class="notice-title">"Greenhouse refused the stored credentials"</p>
                        <p>{message}</p>
                        <p>{next}</p>
                    </div>
                }
                .into_any()
            }
        }
    }
}

/// "Sync now" and "Full sync" (admins, once connected).
#[component]
fn SyncForm(sync: ServerAction<SyncGreenhouse>) -> impl IntoView {
    let error = action_error(sync);
    let query = use_query_map();
    let started = move || {
        matches!(sync.value().get(), Some(Ok(_)))
            || query.with(|q| q.get("sync").as_deref() == Some("started"))
    };
    view! {
        <ActionForm action=sync attr:class="sync-form" attr:id="sync">
            <div class="form-actions">
                <button type="submit" class="button" name="kind" value="incremental">"Sync now"</button>
                <button type="submit" class="button button-secondary" name="kind" value="full">"Full sync"</button>
                <span class="form-hint">
                    "A full sync reads everything again and removes what Greenhouse deleted."
                </span>
            </div>
        </ActionForm>
        <p class="status-line status-success" role="status" aria-live="polite">
            {move || started().then_some("Sync started.")}
        </p>
        <FormError error />
    }
}

/// The running sync, read again every [`POLL_EVERY_MS`] once the page is
/// interactive; without JavaScript, the state when the page was read.
#[component]
fn LiveProgress(initial: Option<RunView>, finished: RwSignal<u32>) -> impl IntoView {
    let live = RwSignal::new(initial);
    Effect::new(move |_| {
        let running = live.with(|run| run.as_ref().is_some_and(RunView::is_running));
        if !running {
            return;
        }
        set_timeout(
            move || {
                leptos::task::spawn_local(async move {
                    match get_sync_progress().await {
                        Ok(progress) => match progress.latest {
                            Some(latest) if latest.is_running() => {
                                live.try_set(Some(latest));
                            }
                            _ => {
                                finished.try_update(|n| *n += 1);
                            }
                        },
                        // Try again at the next tick.
                        Err(_) => {
                            live.try_update(|_| {});
                        }
                    }
                });
            },
            std::time::Duration::from_millis(POLL_EVERY_MS),
        );
    });
    move || {
        live.get()
            .filter(RunView::is_running)
            .map(|run| view! { <RunProgress run /> })
    }
}

#[component]
fn RunProgress(run: RunView) -> impl IntoView {
    let total = run.resources.len();
    let done = run.done_count();
    let current = run
        .current_resource
        .map(|r| format!(", reading {}", label(r)))
        .unwrap_or_default();
    let summary = format!(
        "{} sync running since {}: {done} of {total} resources done{current}; {} rows and {} requests so far.",
        capitalize(&run.kind),
        format_utc(&run.started_at),
        run.records,
        run.requests
    );
    view! {
        <section class="sync-progress" aria-labelledby="sync-progress-heading">
            <h3 id="sync-progress-heading">"Sync in progress"</h3>
            <p role="status">{summary}</p>
            <progress max=total.to_string() value=done.to_string() aria-label="Resources done"></progress>
            <ol class="resource-progress">
                {run.resources.into_iter().map(|resource| {
                    let (class, state) = match resource.state {
                        ResourceState::Done => ("resource-done", "done"),
                        ResourceState::Current => ("resource-current", "reading"),
                        ResourceState::Pending => ("resource-pending", "waiting"),
                    };
                    view! {
                        <li class=class aria-current=(resource.state == ResourceState::Current).then_some("step")>
                            <span class="resource-name">{resource.label()}</span>
                            <span class="resource-count">{resource.fetched}</span>
                            <span class="resource-state">{state}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn HistoryTable(runs: Vec<RunView>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table sync-history">
                <caption class="visually-hidden">
                    {format!("The latest sync runs, newest first (at most {HISTORY_LENGTH})")}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Started"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Trigger"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Duration"</th>
                        <th scope="col">"Requests"</th>
                        <th scope="col">"Records"</th>
                        <th scope="col">"Error"</th>
                    </tr>
                </thead>
                <tbody>
                    {runs.into_iter().map(|run| view! { <HistoryRow run /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn HistoryRow(run: RunView) -> impl IntoView {
    let (status_class, status) = match run.status.as_str() {
        "completed" => ("badge badge-ok", "Completed"),
        "running" => ("badge badge-info", "Running"),
        "failed" => ("badge badge-danger", "Failed"),
        "abandoned" => ("badge badge-warning", "Interrupted"),
        "stalled" => ("badge badge-warning", "Stalled"),
        _ => ("badge badge-neutral", "Unknown"),
    };
    let trigger = match run.trigger.as_str() {
        "schedule" => "Schedule",
        "webhook" => "Webhook",
        "dashboard" => "Sync now",
        "cli" => "Command line",
        _ => "Other",
    };
    let records = if run.deleted > 0 {
        format!("{} fetched, {} deleted", run.records, run.deleted)
    } else {
        format!("{} fetched", run.records)
    };
    let duration = run
        .duration_ms
        .map(format_duration)
        .unwrap_or_else(|| "—".to_owned());
    let error = run.error.clone().unwrap_or_default();
    view! {
        <tr data-run-id=run.id>
            <td>{format_utc(&run.started_at)}</td>
            <td>{capitalize(&run.kind)}</td>
            <td>{trigger}</td>
            <td><span class=status_class>{status}</span></td>
            <td>{duration}</td>
            <td>{run.requests}</td>
            <td>{records}</td>
            <td class="run-error">{error}</td>
        </tr>
    }
}

/// The connection form (admins): Harvest v3, or the legacy v1 API key.
#[component]
fn ConnectionSection(
    connection: Option<ConnectionView>,
    connect: ServerAction<ConnectGreenhouse>,
) -> impl IntoView {
    let query = use_query_map();
    let stored_version = connection
        .as_ref()
        .map(|c| c.api_version.clone())
        .unwrap_or_else(|| "v3".to_owned());
    let version = Memo::new(move |_| {
        query
            .with(|q| q.get("api"))
            .filter(|v| v == "v1" || v == "v3")
            .unwrap_or_else(|| stored_version.clone())
    });
    let heading = if connection.is_some() {
        "Change the Greenhouse connection"
    } else {
        "Connect Greenhouse"
    };
    view! {
        <section class="card connection-form" id="connection" aria-labelledby="connection-heading">
            <h2 id="connection-heading">{heading}</h2>
            <nav class="segmented" aria-label="Harvest API version">
                <a href="/admin/integrations?api=v3#connection" aria-current=move || (version.get() == "v3").then_some("page")>
                    "Harvest v3 (OAuth)"
                </a>
                <a href="/admin/integrations?api=v1#connection" aria-current=move || (version.get() == "v1").then_some("page")>
                    "Legacy Harvest v1 (API key)"
                </a>
            </nav>
            {move || {
                let connection = connection.clone();
                if version.get() == "v1" {
                    view! { <V1Form connection connect /> }.into_any()
                } else {
                    view! { <V3Form connection connect /> }.into_any()
                }
            }}
        </section>
    }
}

/// `value` of a stored field when the stored connection is of `version`.
fn stored<T>(
    connection: &Option<ConnectionView>,
    version: &str,
    field: impl Fn(&ConnectionView) -> Option<T>,
) -> Option<T> {
    connection
        .as_ref()
        .filter(|c| c.api_version == version)
        .and_then(field)
}

#[component]
fn V3Form(
    connection: Option<ConnectionView>,
    connect: ServerAction<ConnectGreenhouse>,
) -> impl IntoView {
    let error = action_error(connect);
    let invalid = move |field: &'static str| {
        move || {
            error
                .get()
                .is_some_and(|e| e.field() == Some(field))
                .then_some("true")
        }
    };
    let client_id = stored(&connection, "v3", |c| c.client_id.clone()).unwrap_or_default();
    let user_id = stored(&connection, "v3", |c| c.user_id)
        .map(|id| id.to_string())
        .unwrap_or_default();
    let base_url = stored(&connection, "v3", |c| Some(c.base_url.clone()))
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
    let token_url = stored(&connection, "v3", |c| c.token_url.clone())
        .unwrap_or_else(|| DEFAULT_TOKEN_URL.to_owned());
    let hint = stored(&connection, "v3", |c| c.secret_hint.clone());
    let secret_hint = match &hint {
        Some(hint) => format!("Stored: {hint}. Leave empty to keep it."),
        None => "Greenhouse shows it once, when the credential is created.".to_owned(),
    };
    let advanced_open = base_url != DEFAULT_BASE_URL.trim_end_matches('/')
        && base_url != format!("{DEFAULT_BASE_URL}/")
        || token_url != DEFAULT_TOKEN_URL;
    let advanced = move || {
        advanced_open
            || error
                .get()
                .is_some_and(|e| matches!(e.field(), Some("base_url" | "token_url")))
    };
    view! {
        <p class="form-hint">
            "Create a Harvest v3 credential in Greenhouse under Configure → Dev Center → API Credentials, with the list scopes of every resource Trellis reads; Test connection names any that are missing."
        </p>
        <ActionForm action=connect attr:class="form">
            <input type="hidden" name="form[api_version]" value="v3" />
            <div class="form-field">
                <label for="client-id">"Client id"</label>
                <input id="client-id" type="text" name="form[client_id]" value=client_id
                    autocomplete="off" spellcheck="false" required
                    aria-invalid=invalid("client_id") aria-describedby="client-id-error" />
                <FieldError error field="client_id" id="client-id-error" />
            </div>
            <div class="form-field">
                <label for="client-secret">"Client secret"</label>
                <p class="form-hint" id="client-secret-hint">{secret_hint}</p>
                <input id="client-secret" type="password" name="form[client_secret]" value=""
                    autocomplete="new-password" spellcheck="false" required=hint.is_none()
                    aria-invalid=invalid("client_secret")
                    aria-describedby="client-secret-hint client-secret-error" />
                <FieldError error field="client_secret" id="client-secret-error" />
            </div>
            <div class="form-field">
                <label for="user-id">"Greenhouse user id"</label>
                <p class="form-hint" id="user-id-hint">
                    "The Site Admin the token acts for (its “sub”); the number at the end of the user's page address in Greenhouse. Leave empty to act as the credential's integration user."
                </p>
                <input id="user-id" type="text" inputmode="numeric" name="form[user_id]" value=user_id
                    autocomplete="off" aria-invalid=invalid("user_id")
                    aria-describedby="user-id-hint user-id-error" />
                <FieldError error field="user_id" id="user-id-error" />
            </div>
            <details class="advanced" open=advanced>
                <summary>"Advanced: API addresses"</summary>
                <div class="form">
                    <div class="form-field">
                        <label for="base-url">"Harvest API address"</label>
                        <input id="base-url" type="url" name="form[base_url]" value=base_url
                            aria-invalid=invalid("base_url") aria-describedby="base-url-error" />
                        <FieldError error field="base_url" id="base-url-error" />
                    </div>
                    <div class="form-field">
                        <label for="token-url">"Token URL"</label>
                        <input id="token-url" type="url" name="form[token_url]" value=token_url
                            aria-invalid=invalid("token_url") aria-describedby="token-url-error" />
                        <FieldError error field="token_url" id="token-url-error" />
                    </div>
                </div>
            </details>
            <FormButtons connect />
        </ActionForm>
    }
}

#[component]
fn V1Form(
    connection: Option<ConnectionView>,
    connect: ServerAction<ConnectGreenhouse>,
) -> impl IntoView {
    let error = action_error(connect);
    let invalid = move |field: &'static str| {
        move || {
            error
                .get()
                .is_some_and(|e| e.field() == Some(field))
                .then_some("true")
        }
    };
    let base_url = stored(&connection, "v1", |c| Some(c.base_url.clone()))
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
    let hint = stored(&connection, "v1", |c| c.secret_hint.clone());
    let key_hint = match &hint {
        Some(hint) => format!("Stored: {hint}. Leave empty to keep it."),
        None => "Created under Configure → Dev Center → API Credential Management, with the “GET” permissions of every list Trellis reads.".to_owned(),
    };
    view! {
        <div class="notice notice-warning">
            <p class="notice-title">"Harvest v1 is retired"</p>
            <p>
                "Greenhouse retired Harvest v1 on 31 August 2026 for most accounts. Use it only if Greenhouse still serves it for yours; otherwise connect with Harvest v3."
            </p>
        </div>
        <ActionForm action=connect attr:class="form">
            <input type="hidden" name="form[api_version]" value="v1" />
            <div class="form-field">
                <label for="api-key">"API key"</label>
                <p class="form-hint" id="api-key-hint">{key_hint}</p>
                <input id="api-key" type="password" name="form[api_key]" value=""
                    autocomplete="new-password" spellcheck="false" required=hint.is_none()
                    aria-invalid=invalid("api_key") aria-describedby="api-key-hint api-key-error" />
                <FieldError error field="api_key" id="api-key-error" />
            </div>
            <details class="advanced" open=move || error.get().is_some_and(|e| e.field() == Some("base_url"))>
                <summary>"Advanced: API address"</summary>
                <div class="form-field">
                    <label for="v1-base-url">"Harvest API address"</label>
                    <input id="v1-base-url" type="url" name="form[base_url]" value=base_url
                        aria-invalid=invalid("base_url") aria-describedby="v1-base-url-error" />
                    <FieldError error field="base_url" id="v1-base-url-error" />
                </div>
            </details>
            <FormButtons connect />
        </ActionForm>
    }
}

/// Test / Save, and what the last submission found.
#[component]
fn FormButtons(connect: ServerAction<ConnectGreenhouse>) -> impl IntoView {
    let error = action_error(connect);
    let query = use_query_map();
    let pending = connect.pending();
    let outcome = move || match connect.value().get() {
        Some(Ok(outcome)) => Some(outcome.message),
        Some(Err(_)) => None,
        None => query.with(|q| match q.get("connection").as_deref() {
            Some("tested") => {
                Some("Greenhouse accepted the credentials. Nothing was saved yet.".to_owned())
            }
            Some("saved") => Some("Saved. Greenhouse accepted the credentials.".to_owned()),
            _ => None,
        }),
    };
    let missing = move || error.get().as_ref().and_then(missing_access);
    view! {
        <div class="form-actions">
            <button type="submit" class="button button-secondary" name="intent" value="test">
                "Test connection"
            </button>
            <button type="submit" class="button" name="intent" value="save">"Save"</button>
            <span class="status-line" aria-live="polite">
                {move || pending.get().then_some("Asking Greenhouse…")}
            </span>
        </div>
        <p class="status-line status-success" role="status" aria-live="polite">{outcome}</p>
        {move || missing().map(|(intro, names)| view! {
            <div class="notice notice-danger" role="alert">
                <p class="notice-title">"Missing in Greenhouse"</p>
                <p>{intro}</p>
                <ul class="missing-access">
                    {names.into_iter().map(|name| view! { <li><code>{name}</code></li> }).collect_view()}
                </ul>
            </div>
        })}
        <FormError
            error=Signal::derive(move || error.get().filter(|e| missing_access(e).is_none()))
            fields=&["client_id", "client_secret", "user_id", "api_key", "base_url", "token_url"]
        />
    }
}

/// The webhook endpoint and secret to paste into Greenhouse (admins).
#[component]
fn WebhookSection(view: IntegrationsView) -> impl IntoView {
    let (Some(url), Some(secret)) = (view.webhook_url.clone(), view.webhook_secret.clone()) else {
        return ().into_any();
    };
    view! {
        <section class="card webhooks" id="webhooks" aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">"Webhooks"</h2>
            <p>
                "With web hooks, Greenhouse tells Trellis at once when a candidate changes stage or something is deleted, instead of waiting for the next scheduled sync."
            </p>
            <dl class="webhook-details">
                <dt>"Endpoint URL"</dt>
                <dd class="link-cell">
                    <code id="webhook-url">{url.clone()}</code>
                    <CopyButton text=url label="Copy the webhook endpoint URL" />
                </dd>
                <dt>"Secret key"</dt>
                <dd class="link-cell">
                    <code id="webhook-secret">{secret.clone()}</code>
                    <CopyButton text=secret label="Copy the webhook secret key" />
                </dd>
            </dl>
            <h3>"In Greenhouse"</h3>
            <ol class="how-to">
                <li>"Open Configure → Dev Center → Web Hooks, and create a web hook."</li>
                <li>"Choose the event, for example “Candidate has changed stage”, “Delete candidate”, “Delete application” or “Job post deleted”; create one web hook per event."</li>
                <li>"Paste the endpoint URL and the secret key above, then create it. Greenhouse sends a test ping, which Trellis answers."</li>
            </ol>
            <p class="form-hint">
                "Keep the secret key private: anyone who has it can send Trellis changes that look like Greenhouse's."
            </p>
        </section>
    }
    .into_any()
}

/// "job posts".
fn label(resource: GreenhouseResource) -> String {
    resource.name().replace('_', " ")
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// "850 ms", "12.4 s", "3 min 05 s".
pub fn format_duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        let secs = ms / 1000;
        format!("{} min {:02} s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(850), "850 ms");
        assert_eq!(format_duration(12_400), "12.4 s");
        assert_eq!(format_duration(185_000), "3 min 05 s");
        assert_eq!(format_duration(-5), "0 ms");
    }

    #[test]
    fn words_are_capitalized() {
        assert_eq!(capitalize("incremental"), "Incremental");
        assert_eq!(capitalize(""), "");
    }
}
