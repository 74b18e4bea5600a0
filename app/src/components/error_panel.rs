use crate::error::AppError;
use leptos::prelude::*;

/// An error, said plainly, in a box that screen readers announce. A signed
/// out visitor also gets the way back in.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let title = match &error {
        AppError::NotFound { .. } => "Not found",
        AppError::Unavailable => "Temporarily unavailable",
        AppError::Invalid { .. } | AppError::Conflict { .. } => "Please check your input",
        AppError::Unauthenticated => "Signed out",
        AppError::Forbidden { .. } => "Not allowed",
        AppError::RateLimited { .. } => "Slow down",
        AppError::Internal { .. } | AppError::Transport { .. } => "Something went wrong",
    };
    let sign_in = matches!(error, AppError::Unauthenticated)
        .then(|| view! { <p><a href="/admin/sign-in">"Sign in"</a></p> });
    view! {
        <div class="notice notice-danger" role="alert">
            <p class="notice-title">{title}</p>
            <p>{error.to_string()}</p>
            {sign_in}
        </div>
    }
}
