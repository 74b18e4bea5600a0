//! Structured logs with `tracing`: human-readable text by default, JSON lines
//! with `TRELLIS_LOG_FORMAT=json`; the level comes from `RUST_LOG`.

use crate::config::LogFormat;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

pub const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn";

/// Installs the global subscriber; later calls are ignored.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Text => registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(fmt::layer().json().with_writer(std::io::stderr))
            .try_init(),
    };
}
