//! Recruiter sign-in by emailed link or code, and sign-out.

use crate::error::AppError;
use leptos::prelude::*;

/// Ends this browser's dashboard session and goes to the sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::{auth::sign_in, with_state};
    with_state(|state| async move { sign_in::sign_out(&state).await }).await
}
