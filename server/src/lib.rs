//! The `trellis` server: configuration, CLI, HTTP router, and everything that
//! runs beside the Leptos app (health checks, security middleware).

pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod demo;
pub mod routes;
pub mod security;
pub mod startup;
pub mod telemetry;
pub mod harvest;
pub mod simulator;
pub mod sync;
pub mod secrets;
pub mod connections;
