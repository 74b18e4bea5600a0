#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed step should fail the test, loudly
//! Integration tests: the real router on a random port over a fresh database
//! (SQLite, or PostgreSQL when TRELLIS_TEST_DATABASE_URL is set).

mod candidate_portal;
mod candidate_sign_in;
mod cli;
mod cli_greenhouse;
mod health;
mod helpers;
mod integrations;
mod jobs;
mod mail;
mod migrations;
mod pages;
mod portal_editor;
mod portal_invites;
mod security;
mod server_fns;
mod settings;
mod sign_in;
mod sync;
mod users;
mod webhooks;
mod xss;
