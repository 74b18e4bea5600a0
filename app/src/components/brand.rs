//! An organization's branding on a page: its brand colour as CSS custom
//! properties, and the portal header (cover, logo, name on the colour).
//!
//! The page's Content-Security-Policy forbids `style="…"` attributes, so the
//! colour is set in two CSP-compliant ways: the server writes a `<style>`
//! element carrying this response's nonce (pages without JavaScript get the
//! colours too), and once hydrated the browser sets the same properties
//! through the CSSOM (`element.style.setProperty`, which CSP allows), which
//! is also how the settings preview follows what is typed.

use crate::domain::color::BrandPalette;
use leptos::html::Div;
use leptos::prelude::*;

/// A server-written `<style nonce>` that defines the brand colour's custom
/// properties on `selector`. In the browser it renders nothing new: a
/// `<style>` created there would carry no nonce and be blocked.
#[component]
pub fn BrandStyle(selector: &'static str, color: Option<String>) -> impl IntoView {
    let html = server_style(selector, color.as_deref());
    view! { <div class="brand-style" hidden inner_html=html></div> }
}

#[cfg(feature = "ssr")]
fn server_style(selector: &str, color: Option<&str>) -> String {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return String::new();
    };
    // Only `#rrggbb` values and our own selector reach the rule, and the
    // nonce is base64url, so nothing here can close the element.
    let rule = BrandPalette::from_stored(color).css_rule(selector);
    format!(r#"<style nonce="{nonce}">{rule}</style>"#)
}

#[cfg(not(feature = "ssr"))]
fn server_style(_selector: &str, _color: Option<&str>) -> String {
    String::new()
}

/// Keeps the brand colour's custom properties on `target` in step with
/// `color` once the page is interactive (effects never run on the server).
pub fn use_brand_properties(target: NodeRef<Div>, color: Signal<Option<String>>) {
    Effect::new(move |_| {
        let palette = BrandPalette::from_stored(color.get().as_deref());
        if let Some(element) = target.get() {
            let element: &web_sys::HtmlElement = element.as_ref();
            let style = element.style();
            for (name, value) in palette.custom_properties() {
                let _ = style.set_property(name, &value);
            }
        }
    });
}

/// The top of a candidate portal: the cover image, the logo and the name
/// candidates see, on the brand colour.
#[component]
pub fn PortalHeader(
    #[prop(into)] name: Signal<String>,
    #[prop(into)] logo_url: Signal<Option<String>>,
    #[prop(into)] cover_url: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <header class="portal-header" class:portal-header-with-cover=move || cover_url.get().is_some()>
            {move || cover_url.get().map(|src| view! { <img class="portal-cover" src=src alt="" /> })}
            <div class="portal-identity">
                {move || logo_url.get().map(|src| view! {
                    <img class="portal-logo" src=src alt=move || format!("{} logo", name.get()) />
                })}
                <p class="portal-org">{move || name.get()}</p>
            </div>
        </header>
    }
}
