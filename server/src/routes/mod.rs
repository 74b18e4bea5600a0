//! HTTP handlers that are not Leptos pages or server functions.

pub mod block_images;
pub mod calendar;
pub mod health;
pub mod uploads;
pub mod webhooks;
