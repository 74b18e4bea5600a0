//! Trellis's user interface and server functions, compiled twice: with `ssr`
//! into the `trellis` server, and with `hydrate` into the browser bundle.
#![recursion_limit = "256"]

pub mod api;
mod app;
pub mod components;
pub mod domain;
pub mod error;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use app::{App, shell};
