//! The `trellis` server: configuration, CLI, HTTP router, and everything that
//! runs beside the Leptos app (health checks, security middleware).

pub mod cli;
pub mod commands;
pub mod config;
pub mod connections;
pub mod db;
pub mod demo;
pub mod harvest;
pub mod integrations;
pub mod mailer;
pub mod routes;
pub mod secrets;
pub mod security;
pub mod sessions;
pub mod simulator;
pub mod startup;
pub mod sync;
pub mod telemetry;
