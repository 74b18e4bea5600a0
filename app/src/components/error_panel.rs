use crate::error::AppError;
use leptos::prelude::*;

/// An error, said plainly, in a box that screen readers announce.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let title = match &error {
        AppError::NotFound { .. } => "Not found",
        AppError::Unavailable => "Temporarily unavailable",
        AppError::Invalid { .. } | AppError::Conflict { .. } => "Please check your input",
        AppError::Internal { .. } | AppError::Transport { .. } => "Something went wrong",
    };
    view! {
        <div class="notice notice-danger" role="alert">
            <p class="notice-title">{title}</p>
            <p>{error.to_string()}</p>
        </div>
    }
}
