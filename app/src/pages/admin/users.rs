//! `/admin/users`: the organization's dashboard accounts (admins only).

use crate::api::users::{
    EndUserSessions, GreenhouseUserOption, InviteUser, SetUserDisabled, UpdateUser, UserRow,
    UsersView, get_users,
};
use crate::components::{
    error_panel::ErrorPanel,
    forms::{FieldError, FormError, SavedNotice, action_error, action_succeeded},
    page_header::PageHeader,
    time::format_utc,
};
use crate::domain::Role;
use leptos::prelude::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    let invite = ServerAction::<InviteUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let disable = ServerAction::<SetUserDisabled>::new();
    let end_sessions = ServerAction::<EndUserSessions>::new();
    let users = Resource::new(
        move || {
            (
                invite.version().get(),
                update.version().get(),
                disable.version().get(),
                end_sessions.version().get(),
            )
        },
        |_| get_users(),
    );
    view! {
        <PageHeader
            title="Users"
            description="Who can use this dashboard, and what they may do. Admins manage integrations, settings and users; editors activate jobs and write portal content; viewers only look."
        />
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(view) => {
                        let greenhouse_users = view.greenhouse_users.clone();
                        view! {
                            <UsersBody view update disable end_sessions />
                            <InviteForm invite greenhouse_users />
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UsersBody(
    view: UsersView,
    update: ServerAction<UpdateUser>,
    disable: ServerAction<SetUserDisabled>,
    end_sessions: ServerAction<EndUserSessions>,
) -> impl IntoView {
    let update_error = action_error(update);
    let disable_error = action_error(disable);
    let options = view.greenhouse_users.clone();
    view! {
        <SavedNotice shown=action_succeeded(update) message="Saved." />
        <SavedNotice shown=action_succeeded(end_sessions) message="Signed out everywhere." />
        <FormError error=update_error />
        <FormError error=disable_error />
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Dashboard users"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Person"</th>
                        <th scope="col">"Role and Greenhouse user"</th>
                        <th scope="col">"Last sign-in"</th>
                        <th scope="col">"Account"</th>
                    </tr>
                </thead>
                <tbody>
                    {view.users.into_iter().map(|user| view! {
                        <UserRowView user options=options.clone() update disable end_sessions />
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn RoleSelect(
    id: String,
    selected: Role,
    #[prop(optional)] label: Option<String>,
) -> impl IntoView {
    view! {
        <select id=id name="role" aria-label=label>
            {Role::ALL.into_iter().map(|role| view! {
                <option value=role.as_str() selected=role == selected>{role.label()}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn GreenhouseUserSelect(
    id: String,
    options: Vec<GreenhouseUserOption>,
    selected: Option<i64>,
    #[prop(optional)] label: Option<String>,
) -> impl IntoView {
    view! {
        <select id=id name="greenhouse_user_id" aria-label=label>
            <option value="" selected=selected.is_none()>"Not linked: sees every job"</option>
            {options.into_iter().map(|option| view! {
                <option value=option.id.to_string() selected=selected == Some(option.id)>{option.label}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn UserRowView(
    user: UserRow,
    options: Vec<GreenhouseUserOption>,
    update: ServerAction<UpdateUser>,
    disable: ServerAction<SetUserDisabled>,
    end_sessions: ServerAction<EndUserSessions>,
) -> impl IntoView {
    let who = user.name.clone().unwrap_or_else(|| user.email.clone());
    let id = user.id.to_string();
    let last = user
        .last_sign_in_at
        .map(|at| format_utc(&at))
        .unwrap_or_else(|| "Never".to_owned());
    let toggle_label = if user.disabled { "Enable" } else { "Disable" };
    let role_select_id = format!("role-{id}");
    let role_label = format!("Role of {who}");
    let gh_select_id = format!("gh-{id}");
    let gh_label = format!("Greenhouse user of {who}");
    let save_suffix = format!(" {who}");
    let toggle_suffix = format!(" {who}");
    let sessions_suffix = format!(" ({who})");
    let (update_id, disable_id, sessions_id) = (id.clone(), id.clone(), id);
    let disabled_value = (!user.disabled).to_string();
    let email_line = user
        .name
        .is_some()
        .then(|| view! { <br /><span class="muted small">{user.email.clone()}</span> });
    let me_mark = user
        .is_me
        .then(|| view! { <span class="muted small">" (you)"</span> });
    view! {
        <tr>
            <th scope="row">{who}{email_line}{me_mark}</th>
            <td>
                <ActionForm action=update attr:class="inline-form">
                    <input type="hidden" name="recruiter_id" value=update_id />
                    <RoleSelect id=role_select_id selected=user.role label=role_label />
                    <GreenhouseUserSelect
                        id=gh_select_id
                        options
                        selected=user.greenhouse_user_id
                        label=gh_label
                    />
                    <button type="submit" class="button button-small">
                        "Save"<span class="visually-hidden">{save_suffix}</span>
                    </button>
                </ActionForm>
            </td>
            <td>{last}</td>
            <td>
                {user.disabled.then(|| view! { <p class="small">"Disabled"</p> })}
                <div class="form-actions">
                    <ActionForm action=disable>
                        <input type="hidden" name="recruiter_id" value=disable_id />
                        <input type="hidden" name="disabled" value=disabled_value />
                        <button type="submit" class="button button-small">
                            {toggle_label}<span class="visually-hidden">{toggle_suffix}</span>
                        </button>
                    </ActionForm>
                    <ActionForm action=end_sessions>
                        <input type="hidden" name="recruiter_id" value=sessions_id />
                        <button type="submit" class="button button-small">
                            "Sign out everywhere"<span class="visually-hidden">{sessions_suffix}</span>
                        </button>
                    </ActionForm>
                </div>
            </td>
        </tr>
    }
}

#[component]
fn InviteForm(
    invite: ServerAction<InviteUser>,
    greenhouse_users: Vec<GreenhouseUserOption>,
) -> impl IntoView {
    let error = action_error(invite);
    let invalid = move |field: &'static str| {
        move || {
            error
                .get()
                .is_some_and(|e| e.field() == Some(field))
                .to_string()
        }
    };
    view! {
        <section class="card invite" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite a recruiter"</h2>
            <p class="form-hint">"They get an email saying where to sign in. Link them to their Greenhouse user to show them only the jobs Greenhouse lets that user see."</p>
            <SavedNotice shown=action_succeeded(invite) message="Invitation sent." />
            <ActionForm action=invite attr:class="form">
                <div class="form-field">
                    <label for="invite-email">"Email"</label>
                    <input id="invite-email" name="email" type="email" autocomplete="off" required
                        aria-describedby="invite-email-error" aria-invalid=invalid("email") />
                    <FieldError error field="email" id="invite-email-error" />
                </div>
                <div class="form-field">
                    <label for="invite-name">"Name"</label>
                    <input id="invite-name" name="name" type="text" autocomplete="off"
                        aria-describedby="invite-name-error" aria-invalid=invalid("name") />
                    <FieldError error field="name" id="invite-name-error" />
                </div>
                <div class="form-field">
                    <label for="invite-role">"Role"</label>
                    <RoleSelect id="invite-role".to_owned() selected=Role::Viewer />
                </div>
                <div class="form-field">
                    <label for="invite-gh">"Greenhouse user"</label>
                    <GreenhouseUserSelect id="invite-gh".to_owned() options=greenhouse_users selected=None />
                </div>
                <FormError error fields=&["email", "name"] />
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || invite.pending().get()>"Send invitation"</button>
                </div>
            </ActionForm>
        </section>
    }
}
