//! `trellis sync --org <slug> [--full]` and `trellis sync status --org <slug> [--json]`.

use super::{CommandError, find_organization};
use crate::{
    connections,
    secrets::MasterKey,
    sync::{
        PortalInvites,
        runner::{self, Progress, SyncKind, SyncOptions, Trigger},
        status,
    },
};
use sea_orm::DatabaseConnection;
use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Runs one sync to completion, showing progress on stderr; a completed
/// sync sends the portal invites it made due to `invites`.
pub async fn run_once(
    db: &DatabaseConnection,
    master_key: &MasterKey,
    slug: &str,
    full: bool,
    invites: Option<PortalInvites>,
) -> Result<(), CommandError> {
    let organization = find_organization(db, slug).await?;
    let connection = connections::load(db, master_key, organization.id)
        .await?
        .ok_or_else(|| CommandError::NotConnected(slug.to_owned()))?;
    let client = connection.client()?;
    let kind = if full {
        SyncKind::Full
    } else {
        SyncKind::Incremental
    };
    eprintln!(
        "Syncing {} from Greenhouse ({} sync, Harvest {}, {})…",
        organization.name,
        kind.as_str(),
        connection.api_version().as_str(),
        connection.base_url
    );
    let started = Instant::now();
    let mut display = ProgressDisplay::new(crate::harvest::Harvest::feeds(&client).len());
    let outcome = runner::run(
        db,
        &client,
        organization.id,
        &SyncOptions {
            invites,
            ..SyncOptions::new(kind, Trigger::Cli)
        },
        &mut |event| display.show(event),
    )
    .await;
    display.finish();
    match outcome {
        Ok(report) => {
            connections::mark_ok(db, organization.id).await?;
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "Sync completed in {seconds:.1} s: {} records ({:.0}/s), {} requests to Greenhouse.",
                report.records,
                report.records as f64 / seconds.max(0.001),
                report.requests
            );
            Ok(())
        }
        Err(runner::SyncError::Harvest(error)) if error.is_credential_problem() => {
            connections::mark_invalid(db, organization.id, &error.to_string()).await?;
            Err(CommandError::Sync(runner::SyncError::Harvest(error)))
        }
        Err(error) => Err(CommandError::Sync(error)),
    }
}

/// Prints the organization's sync status, as JSON or as a table.
pub async fn show_status(
    db: &DatabaseConnection,
    slug: &str,
    json: bool,
) -> Result<(), CommandError> {
    let organization = find_organization(db, slug).await?;
    let status = status::status(db, &organization).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&status).unwrap_or_default()
        );
        return Ok(());
    }
    println!(
        "{} ({})",
        status.organization.name, status.organization.slug
    );
    match &status.connection {
        Some(c) => println!(
            "Greenhouse: Harvest {} at {} — {}{}",
            c.api_version,
            c.base_url,
            c.status,
            c.status_message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        ),
        None => println!("Greenhouse: not connected (run `trellis greenhouse connect`)"),
    }
    match &status.last_run {
        Some(run) => println!(
            "Last sync: #{} {} {} at {}, {} records, {} requests{}",
            run.id,
            run.kind,
            run.status,
            run.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
            run.records,
            run.requests,
            run.error
                .as_deref()
                .map(|e| format!(" — {e}"))
                .unwrap_or_default()
        ),
        None => println!("Last sync: never"),
    }
    for (resource, rows) in &status.resources {
        println!("  {resource:<24} {rows:>9}");
    }
    Ok(())
}

/// One line per finished feed; on a terminal, a live counter for the current one.
struct ProgressDisplay {
    live: bool,
    feeds_done: usize,
    feeds: usize,
}

impl ProgressDisplay {
    fn new(feeds: usize) -> Self {
        ProgressDisplay {
            live: std::io::stderr().is_terminal(),
            feeds_done: 0,
            feeds,
        }
    }

    fn show(&mut self, event: Progress) {
        let mut err = std::io::stderr().lock();
        match event {
            Progress::FeedStarted {
                feed,
                resumed: true,
                ..
            } => {
                let _ = writeln!(
                    err,
                    "  {:<24} resuming where the last run stopped",
                    feed.name()
                );
            }
            Progress::PageStored {
                feed, feed_rows, ..
            } if self.live => {
                let _ = write!(err, "\r  {:<24} {feed_rows:>9} rows…", feed.name());
                let _ = err.flush();
            }
            Progress::FeedFinished {
                feed,
                rows,
                deleted,
            } => {
                self.feeds_done += 1;
                let clear = if self.live { "\r\x1b[2K" } else { "" };
                let deleted = if deleted > 0 {
                    format!(", {deleted} deleted")
                } else {
                    String::new()
                };
                let _ = writeln!(
                    err,
                    "{clear}  {:<24} {rows:>9} rows{deleted}   [{}/{}]",
                    feed.name(),
                    self.feeds_done,
                    self.feeds
                );
            }
            _ => {}
        }
    }

    fn finish(&mut self) {
        if self.live {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
