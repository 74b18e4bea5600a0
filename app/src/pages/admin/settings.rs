//! `/admin/settings`: where the candidate portal lives (subdomain, link) and
//! how it looks (display name, brand colour, logo, cover), with a live
//! preview of the portal's header. Everyone signed in may look; only admins
//! may change anything, and the server enforces it.
//!
//! Without JavaScript every form posts and comes back here (`?saved=…`,
//! `?logo_error=…`). Hydrated, the settings form submits with `fetch`, the
//! image forms post `FormData`, fields are checked as they are typed with
//! the same rules as the server, and the preview follows the typing.

use crate::api::settings::{
    ImagePurpose, MAX_IMAGE_SIDE, MAX_UPLOAD_BYTES, PortalSettings, RemovePortalImage,
    SavePortalSettings, UploadRefusal, get_portal_settings, upload_path,
};
use crate::components::brand::{BrandStyle, PortalHeader, use_brand_properties};
use crate::components::copy_button::CopyButton;
use crate::components::error_panel::ErrorPanel;
use crate::components::forms::{
    FieldError, FormError, SavedNotice, action_error, form_of, post_form_for_json,
};
use crate::components::hydration::use_hydrated;
use crate::components::page_header::PageHeader;
use crate::domain::Subdomain;
use crate::domain::color::{
    AA_NORMAL_TEXT, BrandPalette, DEFAULT_BRAND, Rgb, WHITE, contrast_ratio, format_ratio,
};
use crate::error::AppError;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsPage() -> impl IntoView {
    // Read once: afterwards the page keeps its own state from what each
    // save and upload returns, so the preview is never rebuilt.
    let settings = Resource::new(|| (), |_| get_portal_settings());
    view! {
        <PageHeader
            title="Settings"
            description="Where your candidate portal lives and how it looks to candidates."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(initial) => view! { <SettingsBody initial /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the no-JavaScript round trip left in the query string.
#[derive(Clone, Default)]
struct Returned {
    saved: Option<String>,
    logo_error: Option<UploadRefusal>,
    cover_error: Option<UploadRefusal>,
}

fn returned() -> Returned {
    let query = use_query_map();
    query.with_untracked(|q| Returned {
        saved: q.get("saved"),
        logo_error: q
            .get("logo_error")
            .and_then(|c| UploadRefusal::from_code(&c)),
        cover_error: q
            .get("cover_error")
            .and_then(|c| UploadRefusal::from_code(&c)),
    })
}

#[component]
fn SettingsBody(initial: PortalSettings) -> impl IntoView {
    let returned = returned();
    let saved = RwSignal::new(initial.clone());
    let can_edit = initial.can_edit;

    let save = ServerAction::<SavePortalSettings>::new();
    let save_error = action_error(save);
    let subdomain = RwSignal::new(initial.subdomain.clone());
    let display_name = RwSignal::new(initial.display_name.clone().unwrap_or_default());
    let brand = RwSignal::new(initial.brand_color.clone().unwrap_or_default());

    // A save that worked: the form shows the stored (normalised) values.
    Effect::new(move |_| {
        if let Some(Ok(settings)) = save.value().get() {
            subdomain.set(settings.subdomain.clone());
            display_name.set(settings.display_name.clone().unwrap_or_default());
            brand.set(settings.brand_color.clone().unwrap_or_default());
            saved.set(settings);
        }
    });
    let saved_shown = Signal::derive({
        let from_query = returned.saved.as_deref() == Some("settings");
        move || {
            save_error.get().is_none()
                && (matches!(save.value().get(), Some(Ok(_)))
                    || (from_query && save.version().get() == 0))
        }
    });

    // The colour the preview uses: the last valid one typed.
    let live_color = Memo::new(move |previous: Option<&Option<String>>| {
        let typed = brand.get();
        if typed.trim().is_empty() {
            return None;
        }
        match Rgb::parse(&typed) {
            Ok(color) => Some(color.to_hex()),
            Err(_) => previous.cloned().flatten(),
        }
    });
    let shown_name = Signal::derive(move || {
        let typed = display_name.get();
        if typed.trim().is_empty() {
            saved.with(|s| s.organization_name.clone())
        } else {
            typed.trim().to_owned()
        }
    });

    let initial_color = initial.brand_color.clone();
    view! {
        <PortalLink saved />
        {(!can_edit).then(|| view! {
            <p class="notice notice-info">"Only admins can change these settings. Ask an admin of your organization if something needs to change."</p>
        })}
        <div class="settings-grid">
            <section class="card" aria-labelledby="portal-heading">
                <h2 id="portal-heading">"Portal"</h2>
                <ActionForm action=save attr:class="form">
                    <fieldset class="settings-fields" disabled=!can_edit>
                        <legend class="visually-hidden">"Portal address and look"</legend>
                        <SubdomainField value=subdomain initial=initial.subdomain.clone() error=save_error />
                        <DisplayNameField
                            value=display_name
                            initial=initial.display_name.clone().unwrap_or_default()
                            organization_name=initial.organization_name.clone()
                            error=save_error
                        />
                        <BrandColorField
                            value=brand
                            initial=initial.brand_color.clone().unwrap_or_default()
                            live_color
                            error=save_error
                        />
                    </fieldset>
                    <FormError error=save_error fields=&["subdomain", "display_name", "brand_color"] />
                    {can_edit.then(|| view! {
                        <div class="form-actions">
                            <button type="submit" class="button" disabled=move || save.pending().get()>
                                "Save settings"
                            </button>
                            <SavedNotice shown=saved_shown message="Settings saved." />
                        </div>
                    })}
                </ActionForm>
            </section>
            <section class="card" aria-labelledby="preview-heading">
                <h2 id="preview-heading">"Preview"</h2>
                <Preview
                    initial_color
                    live_color
                    name=shown_name
                    saved
                />
            </section>
        </div>
        <Images saved can_edit returned />
    }
}

/// The link to share with candidates, with a copy button.
#[component]
fn PortalLink(saved: RwSignal<PortalSettings>) -> impl IntoView {
    view! {
        <section class="card settings-link" aria-labelledby="link-heading">
            <h2 id="link-heading">"Portal link"</h2>
            {move || {
                let settings = saved.get();
                let url = settings.portal_url.clone();
                let label = "Copy the portal link".to_owned();
                let also = (settings.portal_path_url != url).then(|| {
                    let path = settings.portal_path_url.clone();
                    view! {
                        <p class="form-hint">
                            "Also works without a subdomain: "
                            <a href=path.clone() rel="external">{path.clone()}</a>
                        </p>
                    }
                });
                view! {
                    <p class="link-cell">
                        <a href=url.clone() rel="external">{url.clone()}</a>
                        <CopyButton text=url label />
                    </p>
                    {also}
                }
            }}
        </section>
    }
}

fn invalid_attr(error: Signal<Option<AppError>>, field: &'static str) -> impl Fn() -> &'static str {
    move || {
        if error.get().is_some_and(|e| e.field() == Some(field)) {
            "true"
        } else {
            "false"
        }
    }
}

#[component]
fn SubdomainField(
    value: RwSignal<String>,
    initial: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    // The same rules as the server, as the name is typed.
    let check = move || {
        Subdomain::parse(value.get().trim())
            .err()
            .map(|e| e.to_string())
    };
    let server_message = move || {
        error
            .get()
            .filter(|e| e.field() == Some("subdomain"))
            .map(|e| e.to_string())
    };
    let live_message = move || check().filter(|m| Some(m) != server_message().as_ref());
    let server_invalid = invalid_attr(error, "subdomain");
    view! {
        <div class="form-field">
            <label for="subdomain">"Portal subdomain"</label>
            <p class="form-hint" id="subdomain-hint">
                "3–63 lowercase letters, digits and hyphens, not starting or ending with a hyphen. Changing it moves your portal: links with the old address stop working."
            </p>
            <input
                type="text"
                id="subdomain"
                name="subdomain"
                value=initial
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                autocomplete="off"
                autocapitalize="none"
                spellcheck="false"
                maxlength="63"
                required
                aria-describedby="subdomain-hint subdomain-check subdomain-error"
                aria-invalid=move || if check().is_some() { "true" } else { server_invalid() }
            />
            <p class="field-error" id="subdomain-check" aria-live="polite">
                {live_message}
            </p>
            <FieldError error field="subdomain" id="subdomain-error" />
        </div>
    }
}

#[component]
fn DisplayNameField(
    value: RwSignal<String>,
    initial: String,
    organization_name: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <div class="form-field">
            <label for="display_name">"Display name"</label>
            <p class="form-hint" id="display_name-hint">
                {format!("The name candidates see. Leave empty to use “{organization_name}”.")}
            </p>
            <input
                type="text"
                id="display_name"
                name="display_name"
                value=initial
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                autocomplete="organization"
                maxlength="120"
                aria-describedby="display_name-hint display_name-error"
                aria-invalid=invalid_attr(error, "display_name")
            />
            <FieldError error field="display_name" id="display_name-error" />
        </div>
    }
}

#[component]
fn BrandColorField(
    value: RwSignal<String>,
    initial: String,
    live_color: Memo<Option<String>>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let check = move || {
        let typed = value.get();
        if typed.trim().is_empty() {
            None
        } else {
            Rgb::parse(&typed).err().map(|e| e.to_string())
        }
    };
    let server_message = move || {
        error
            .get()
            .filter(|e| e.field() == Some("brand_color"))
            .map(|e| e.to_string())
    };
    let live_message = move || check().filter(|m| Some(m) != server_message().as_ref());
    let server_invalid = invalid_attr(error, "brand_color");
    let picker_value = move || live_color.get().unwrap_or_else(|| DEFAULT_BRAND.to_hex());
    view! {
        <div class="form-field">
            <label for="brand_color">"Brand colour"</label>
            <p class="form-hint" id="brand_color-hint">
                {format!("A hex code such as #1f6f4a, used for the header, buttons and links. Leave empty for Trellis green ({}).", DEFAULT_BRAND.to_hex())}
            </p>
            <div class="color-row">
                <input
                    type="text"
                    id="brand_color"
                    name="brand_color"
                    class="color-text"
                    value=initial
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    autocomplete="off"
                    spellcheck="false"
                    maxlength="16"
                    placeholder="#1f6f4a"
                    aria-describedby="brand_color-hint brand_color-check brand_color-error contrast"
                    aria-invalid=move || if check().is_some() { "true" } else { server_invalid() }
                />
                {move || hydrated.get().then(|| view! {
                    <input
                        type="color"
                        class="color-picker"
                        aria-label="Pick the brand colour"
                        prop:value=picker_value
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                })}
            </div>
            <p class="field-error" id="brand_color-check" aria-live="polite">
                {live_message}
            </p>
            <FieldError error field="brand_color" id="brand_color-error" />
            <Contrast live_color />
        </div>
    }
}

/// How readable the colour is, with the WCAG ratios, and a warning when it
/// is too pale to be used as text on the white page.
#[component]
fn Contrast(live_color: Memo<Option<String>>) -> impl IntoView {
    let palette = Memo::new(move |_| BrandPalette::from_stored(live_color.get().as_deref()));
    let on_brand = move || {
        let p = palette.get();
        let name = if p.on_brand == WHITE {
            "White"
        } else {
            "Black"
        };
        format!(
            "{name} text on {}: {} (WCAG AA needs {}).",
            p.brand.to_hex(),
            format_ratio(p.text_contrast),
            format_ratio(AA_NORMAL_TEXT)
        )
    };
    let as_text = move || {
        let p = palette.get();
        format!(
            "{} as text on white: {}.",
            p.brand.to_hex(),
            format_ratio(p.brand_on_white)
        )
    };
    let warning = move || {
        let p = palette.get();
        (!p.brand_passes_as_text()).then(|| {
            format!(
                "This colour is too pale for text on a white page: {} is below the {} that WCAG AA requires. Links on your portal will use a darker shade, {} ({}), instead.",
                format_ratio(p.brand_on_white),
                format_ratio(AA_NORMAL_TEXT),
                p.link.to_hex(),
                format_ratio(contrast_ratio(p.link, WHITE)),
            )
        })
    };
    view! {
        <div id="contrast" class="contrast" aria-live="polite">
            <p class="form-hint">{on_brand}" "{as_text}</p>
            {move || warning().map(|text| view! {
                <p class="notice notice-warning contrast-warning">
                    <strong>"Low contrast. "</strong>{text}
                </p>
            })}
        </div>
    }
}

/// The portal's header as candidates will see it, following the typing.
#[component]
fn Preview(
    initial_color: Option<String>,
    live_color: Memo<Option<String>>,
    name: Signal<String>,
    saved: RwSignal<PortalSettings>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let preview = NodeRef::<Div>::new();
    use_brand_properties(preview, live_color.into());
    let logo = Signal::derive(move || saved.with(|s| s.logo_url.clone()));
    let cover = Signal::derive(move || saved.with(|s| s.cover_url.clone()));
    view! {
        <p class="form-hint">
            "The top of your portal, as candidates see it."
            {move || hydrated.get().then_some(" It follows what you type; save to publish.")}
        </p>
        <BrandStyle selector=".brand-preview" color=initial_color />
        <div class="brand-preview" node_ref=preview>
            <PortalHeader name logo_url=logo cover_url=cover />
            <div class="brand-preview-body">
                <span class="brand-preview-link">"A link on your portal"</span>
                <span class="brand-preview-button">"A button"</span>
            </div>
        </div>
    }
}

/// Logo and cover image: what is there now, upload, remove.
#[component]
fn Images(saved: RwSignal<PortalSettings>, can_edit: bool, returned: Returned) -> impl IntoView {
    view! {
        <div class="settings-grid">
            <ImageCard
                purpose=ImagePurpose::Logo
                saved
                can_edit
                refused=returned.logo_error
                done=returned.saved.clone()
            />
            <ImageCard
                purpose=ImagePurpose::Cover
                saved
                can_edit
                refused=returned.cover_error
                done=returned.saved.clone()
            />
        </div>
    }
}

#[component]
fn ImageCard(
    purpose: ImagePurpose,
    saved: RwSignal<PortalSettings>,
    can_edit: bool,
    refused: Option<UploadRefusal>,
    done: Option<String>,
) -> impl IntoView {
    let key = purpose.as_str();
    let (title, hint) = match purpose {
        ImagePurpose::Logo => (
            "Logo",
            "Shown in the portal's header, up to 64 pixels high. A PNG with a transparent background works best.",
        ),
        ImagePurpose::Cover => (
            "Cover image",
            "A wide picture behind the header, at least 1200 pixels wide; larger ones are scaled to 2400.",
        ),
    };
    let rules = format!(
        "PNG, JPEG or WebP, up to {} MB and {MAX_IMAGE_SIDE} × {MAX_IMAGE_SIDE} pixels.",
        MAX_UPLOAD_BYTES / (1024 * 1024)
    );
    let current = Signal::derive(move || saved.with(|s| s.image_url(purpose)));
    let error = RwSignal::new(refused.map(|r| r.message()));
    let status = RwSignal::new(match done.as_deref() {
        Some(d) if d == format!("{key}-uploaded") => Some(format!("{title} uploaded.")),
        Some(d) if d == format!("{key}-removed") => Some(format!("{title} removed.")),
        _ => None,
    });
    let uploading = RwSignal::new(false);
    let remove = ServerAction::<RemovePortalImage>::new();
    let remove_error = action_error(remove);
    Effect::new(move |_| {
        if let Some(Ok(settings)) = remove.value().get() {
            saved.set(settings);
            status.set(Some(format!("{title} removed.")));
            error.set(None);
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = form_of(&ev) else {
            return;
        };
        uploading.set(true);
        status.set(Some(format!("Uploading the {}…", purpose.noun())));
        error.set(None);
        leptos::task::spawn_local(async move {
            match upload_image(&form, purpose).await {
                Ok(settings) => {
                    saved.set(settings);
                    status.set(Some(format!("{title} uploaded.")));
                    form.reset();
                }
                Err(problem) => {
                    status.set(None);
                    error.set(Some(problem.to_string()));
                }
            }
            uploading.set(false);
        });
    };

    let heading_id = format!("{key}-heading");
    let labelled_by = heading_id.clone();
    let input_id = format!("{key}-file");
    let hint_id = format!("{key}-hint");
    let error_id = format!("{key}-error");
    let described_by = format!("{hint_id} {error_id}");
    view! {
        <section class="card image-card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            <div class=format!("image-current image-current-{key}")>
                {move || match current.get() {
                    Some(src) => view! {
                        <img src=src alt=format!("Current {}", purpose.noun()) />
                    }.into_any(),
                    None => view! {
                        <p class="muted">{format!("No {} yet.", purpose.noun())}</p>
                    }.into_any(),
                }}
            </div>
            {can_edit.then(|| view! {
                <form
                    class="form"
                    method="post"
                    action=upload_path(purpose)
                    enctype="multipart/form-data"
                    on:submit=on_submit
                >
                    <div class="form-field">
                        <label for=input_id.clone()>{format!("Upload a new {}", purpose.noun())}</label>
                        <p class="form-hint" id=hint_id>{hint}" "{rules.clone()}</p>
                        <input
                            type="file"
                            id=input_id
                            name="image"
                            accept="image/png,image/jpeg,image/webp"
                            required
                            aria-describedby=described_by
                            aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                        />
                        <p class="field-error" id=error_id role="alert" hidden=move || error.get().is_none()>
                            {move || error.get()}
                        </p>
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="button" disabled=move || uploading.get()>
                            {format!("Upload {}", purpose.noun())}
                        </button>
                    </div>
                </form>
                {move || current.get().is_some().then(|| view! {
                    <ActionForm action=remove attr:class="form-actions image-remove">
                        <input type="hidden" name="purpose" value=key />
                        <button type="submit" class="button button-secondary" disabled=move || remove.pending().get()>
                            {format!("Remove {}", purpose.noun())}
                        </button>
                    </ActionForm>
                })}
            })}
            <FormError error=remove_error />
            <p class="status-line status-success" role="status" aria-live="polite">
                {move || status.get()}
            </p>
        </section>
    }
}

/// Uploads the form's file: the settings as stored, or the error the route
/// refused it with.
async fn upload_image(
    form: &web_sys::HtmlFormElement,
    purpose: ImagePurpose,
) -> Result<PortalSettings, AppError> {
    post_form_for_json(form, &upload_path(purpose), || {
        UploadRefusal::TooLarge.into_error(purpose)
    })
    .await
}
