pub mod admin;
pub mod landing;
pub mod not_found;
pub mod portal;
