//! Reusable pieces of the interface.

pub mod blocks;
pub mod brand;
pub mod copy_button;
pub mod error_panel;
pub mod forms;
pub mod hydration;
pub mod page_header;
pub mod portal_links;
pub mod sign_in;
pub mod time;
