pub mod admin;
pub mod dev_mailbox;
pub mod landing;
pub mod not_found;
pub mod portal;
