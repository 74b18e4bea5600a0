//! The one error type that crosses the wire: every server function returns
//! `Result<T, AppError>`, and the client renders these variants as they are.
//! Variants carry only what a user may see; causes are logged on the server.

use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, ServerFnErrorErr};

/// Re-exported names from `server_fn`, kept in one place.
mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// The thing asked for does not exist (or is not visible to the caller).
    #[error("{what} was not found")]
    NotFound { what: String },
    /// Input that breaks a rule; `field` names the form field it concerns.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// The input is valid but collides with existing data (a taken slug).
    #[error("{message}")]
    Conflict { field: String, message: String },
    /// The caller is not signed in (or the session ended).
    #[error("Please sign in to continue")]
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    #[error("Your role does not allow this: {action}")]
    Forbidden { action: String },
    /// Too many attempts; try again after a pause.
    #[error("Too many attempts; try again in {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: u64 },
    /// The database or another dependency does not answer right now.
    #[error("Trellis cannot reach its database right now; try again in a moment")]
    Unavailable,
    /// Anything unexpected; details are in the server log under `reference`.
    #[error("Something went wrong on our side (reference {reference})")]
    Internal { reference: String },
    /// The request never reached the server function or its answer was unreadable.
    #[error("The request failed: {message}")]
    Transport { message: String },
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn forbidden(action: impl Into<String>) -> Self {
        Self::Forbidden {
            action: action.into(),
        }
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Conflict {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status a response carrying this error should have.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound { .. } => 404,
            Self::Invalid { .. } => 422,
            Self::Conflict { .. } => 409,
            Self::Unauthenticated => 401,
            Self::Forbidden { .. } => 403,
            Self::RateLimited { .. } => 429,
            Self::Unavailable => 503,
            Self::Internal { .. } | Self::Transport { .. } => 500,
        }
    }

    /// The form field this error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } | Self::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = server_fn_error::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport {
            message: value.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_json_with_a_kind_tag() {
        let error = AppError::invalid("slug", "Use 3 to 63 characters");
        let json = serde_json::to_string(&error).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"kind":"invalid","field":"slug","message":"Use 3 to 63 characters"}"#
        );
        let back: AppError = serde_json::from_str(&json).unwrap_or(AppError::Unavailable);
        assert_eq!(back, error);
    }

    #[test]
    fn each_variant_maps_to_its_http_status() {
        assert_eq!(AppError::not_found("Portal").status_code(), 404);
        assert_eq!(AppError::invalid("a", "b").status_code(), 422);
        assert_eq!(AppError::conflict("a", "b").status_code(), 409);
        assert_eq!(AppError::Unavailable.status_code(), 503);
        assert_eq!(AppError::Unauthenticated.status_code(), 401);
        assert_eq!(AppError::forbidden("change settings").status_code(), 403);
        assert_eq!(
            AppError::RateLimited {
                retry_after_seconds: 5
            }
            .status_code(),
            429
        );
        assert_eq!(
            AppError::Internal {
                reference: "x".into()
            }
            .status_code(),
            500
        );
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(
            AppError::not_found("Portal “acme”").to_string(),
            "Portal “acme” was not found"
        );
    }
}
