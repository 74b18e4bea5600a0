//! Opening the database and bringing its schema up to date.

use crate::config::DatabaseUrl;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the folder {folder} for the SQLite database: {source}")]
    Folder {
        folder: String,
        source: std::io::Error,
    },
    #[error("cannot open the database at {url}: {source}")]
    Connect { url: String, source: DbErr },
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(DbErr),
}

/// Connections a SQLite pool keeps for `trellis serve` (concurrent page reads).
pub const SERVER_SQLITE_POOL: u32 = 8;
/// Connections for one-shot commands such as `trellis sync`: they use one at a
/// time, and every idle connection would keep its own page cache.
pub const COMMAND_SQLITE_POOL: u32 = 2;

/// Opens a pool on `database` sized for the server.
pub async fn connect(database: &DatabaseUrl) -> Result<DatabaseConnection, DbSetupError> {
    connect_with_pool(database, SERVER_SQLITE_POOL).await
}

/// Opens a pool on `database`; SQLite files get WAL, a busy timeout and
/// foreign keys, and their folder is created when missing.
pub async fn connect_with_pool(
    database: &DatabaseUrl,
    sqlite_pool: u32,
) -> Result<DatabaseConnection, DbSetupError> {
    let mut options = ConnectOptions::new(database.url());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    match database {
        DatabaseUrl::Sqlite { path, .. } => {
            if let Some(folder) = path.as_ref().and_then(|p| p.parent())
                && !folder.as_os_str().is_empty()
            {
                std::fs::create_dir_all(folder).map_err(|source| DbSetupError::Folder {
                    folder: folder.display().to_string(),
                    source,
                })?;
            }
            // An in-memory database lives in one connection.
            options.max_connections(if path.is_some() { sqlite_pool } else { 1 });
            // A connection to a local file cannot go stale: no ping (a
            // round trip to the connection's thread) before every query.
            options.test_before_acquire(false);
            options.map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
            });
        }
        DatabaseUrl::Postgres { .. } => {
            // Ping only connections idle long enough for the server or a
            // proxy to have dropped them, not before every query.
            options
                .max_connections(16)
                .test_before_acquire_if_idle_for(Duration::from_secs(30));
        }
    }
    Database::connect(options)
        .await
        .map_err(|source| DbSetupError::Connect {
            url: database.redacted(),
            source,
        })
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbSetupError> {
    Migrator::up(db, None).await.map_err(DbSetupError::Migrate)
}
