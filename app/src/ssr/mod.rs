//! Server-only code: application state, SeaORM entities and the services that
//! server functions call. Nothing here is compiled into the browser bundle.

pub mod auth;
pub mod context;
pub mod entities;
pub mod greenhouse;
pub mod links;
pub mod mail;
pub mod markdown;
pub mod services;
pub mod state;

pub use context::{with_candidate, with_recruiter, with_state};
pub use state::AppState;

use crate::error::AppError;
use sea_orm::{DbErr, SqlErr};
use std::sync::atomic::{AtomicU64, Ordering};

/// A short reference that ties a user-visible error to its log line.
pub fn error_reference() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:05x}{:03x}", nanos & 0xfffff, n & 0xfff)
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match &err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                tracing::error!(error = %err, "database unavailable");
                AppError::Unavailable
            }
            _ => {
                let reference = error_reference();
                if let Some(SqlErr::UniqueConstraintViolation(detail)) = err.sql_err() {
                    tracing::error!(%reference, %detail, "unexpected unique constraint violation");
                } else {
                    tracing::error!(%reference, error = %err, "database error");
                }
                AppError::Internal { reference }
            }
        }
    }
}
