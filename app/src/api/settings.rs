//! The organization's portal settings: subdomain, display name, brand
//! colour, logo and cover image. Anyone signed in may read them; only
//! admins may change them. Images are uploaded to a plain multipart route
//! (`upload_path`), not a server function, so it can carry its own body
//! limit and answer 413/415.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the Settings page shows and edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalSettings {
    /// The organization's own name, the fallback display name.
    pub organization_name: String,
    pub subdomain: String,
    /// What candidates see; `organization_name` when unset.
    pub display_name: Option<String>,
    /// `#rrggbb`; Trellis's green when unset.
    pub brand_color: Option<String>,
    /// `/uploads/<id>`
    pub logo_url: Option<String>,
    pub cover_url: Option<String>,
    /// The link to share: `http://acme.localhost:3000/` when the public host
    /// allows subdomains, `…/p/acme` otherwise.
    pub portal_url: String,
    /// `http://localhost:3000/p/acme`, which always works.
    pub portal_path_url: String,
    /// Whether the signed-in recruiter may change these (admins only).
    pub can_edit: bool,
}

impl PortalSettings {
    /// The name candidates see.
    pub fn shown_name(&self) -> String {
        self.display_name
            .clone()
            .unwrap_or_else(|| self.organization_name.clone())
    }

    pub fn image_url(&self, purpose: ImagePurpose) -> Option<String> {
        match purpose {
            ImagePurpose::Logo => self.logo_url.clone(),
            ImagePurpose::Cover => self.cover_url.clone(),
        }
    }
}

/// Which of the organization's two images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImagePurpose {
    Logo,
    Cover,
}

impl ImagePurpose {
    pub const ALL: [ImagePurpose; 2] = [ImagePurpose::Logo, ImagePurpose::Cover];

    pub fn as_str(self) -> &'static str {
        match self {
            ImagePurpose::Logo => "logo",
            ImagePurpose::Cover => "cover",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// "logo" / "cover image", for sentences.
    pub fn noun(self) -> &'static str {
        match self {
            ImagePurpose::Logo => "logo",
            ImagePurpose::Cover => "cover image",
        }
    }

    /// Images are scaled down (never up) to fit this box when stored.
    pub fn max_stored_size(self) -> (u32, u32) {
        match self {
            ImagePurpose::Logo => (1024, 1024),
            ImagePurpose::Cover => (2400, 2400),
        }
    }
}

/// Where the upload form posts (multipart, field `image`).
pub fn upload_path(purpose: ImagePurpose) -> String {
    format!("/admin/settings/images/{}", purpose.as_str())
}

/// The largest request the upload route reads.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// The largest image, in pixels per side, that is decoded at all.
pub const MAX_IMAGE_SIDE: u32 = 4096;

/// Why an image was refused. Without JavaScript the code travels back to
/// the Settings page in the query string (`?logo_error=not_an_image`); the
/// page shows the message, never text from the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadRefusal {
    Missing,
    TooLarge,
    NotAnImage,
    Damaged,
    TooManyPixels,
    Forbidden,
}

impl UploadRefusal {
    pub const ALL: [UploadRefusal; 6] = [
        UploadRefusal::Missing,
        UploadRefusal::TooLarge,
        UploadRefusal::NotAnImage,
        UploadRefusal::Damaged,
        UploadRefusal::TooManyPixels,
        UploadRefusal::Forbidden,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UploadRefusal::Missing => "missing",
            UploadRefusal::TooLarge => "too_large",
            UploadRefusal::NotAnImage => "not_an_image",
            UploadRefusal::Damaged => "damaged",
            UploadRefusal::TooManyPixels => "too_many_pixels",
            UploadRefusal::Forbidden => "forbidden",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn message(self) -> String {
        match self {
            UploadRefusal::Missing => "Choose an image file to upload.".to_owned(),
            UploadRefusal::TooLarge => format!(
                "This file is larger than {} MB; upload a smaller image.",
                MAX_UPLOAD_BYTES / (1024 * 1024)
            ),
            UploadRefusal::NotAnImage => "Only PNG, JPEG and WebP images can be uploaded; this file is none of them (SVG, GIF, HTML and other files are refused).".to_owned(),
            UploadRefusal::Damaged => "This file could not be read as a PNG, JPEG or WebP image; it may be damaged or incomplete.".to_owned(),
            UploadRefusal::TooManyPixels => format!(
                "This image is larger than {MAX_IMAGE_SIDE} × {MAX_IMAGE_SIDE} pixels (or too large to open safely); scale it down and upload it again."
            ),
            UploadRefusal::Forbidden => "Your role does not allow this: changing the portal settings".to_owned(),
        }
    }

    /// The HTTP status the upload route answers with.
    pub fn status(self) -> u16 {
        match self {
            UploadRefusal::Missing | UploadRefusal::TooManyPixels => 422,
            UploadRefusal::TooLarge => 413,
            UploadRefusal::NotAnImage | UploadRefusal::Damaged => 415,
            UploadRefusal::Forbidden => 403,
        }
    }

    /// The error the upload route's JSON answer carries.
    pub fn into_error(self, purpose: ImagePurpose) -> AppError {
        match self {
            UploadRefusal::Forbidden => AppError::forbidden("changing the portal settings"),
            other => AppError::invalid(purpose.as_str(), other.message()),
        }
    }
}

/// The signed-in recruiter's organization's portal settings.
#[server(endpoint = "get_portal_settings")]
pub async fn get_portal_settings() -> Result<PortalSettings, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::settings, with_recruiter};
    with_recruiter(
        Role::Viewer,
        "viewing the portal settings",
        |state, me| async move { settings::read(&state, &me).await },
    )
    .await
}

/// Saves the subdomain, display name and brand colour (admins only). An
/// empty display name or colour means "use the default".
#[server(endpoint = "save_portal_settings")]
pub async fn save_portal_settings(
    subdomain: String,
    display_name: String,
    brand_color: String,
) -> Result<PortalSettings, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::settings, with_recruiter};
    let result = with_recruiter(
        Role::Admin,
        "changing the portal settings",
        |state, me| async move {
            let input = settings::SettingsInput {
                subdomain,
                display_name,
                brand_color,
            };
            settings::save(&state, &me, &input).await
        },
    )
    .await;
    crate::ssr::context::after_plain_form_post(&result, |_| {
        "/admin/settings?saved=settings".to_owned()
    });
    result
}

/// Removes the logo or the cover image (admins only).
#[server(endpoint = "remove_portal_image")]
pub async fn remove_portal_image(purpose: String) -> Result<PortalSettings, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::settings, with_recruiter};
    let kind = ImagePurpose::parse(&purpose);
    let result = with_recruiter(
        Role::Admin,
        "changing the portal settings",
        |state, me| async move {
            let purpose = kind.ok_or_else(|| AppError::not_found("This kind of image"))?;
            settings::remove_image(&state, &me, purpose).await
        },
    )
    .await;
    crate::ssr::context::after_plain_form_post(&result, |_| {
        format!("/admin/settings?saved={purpose}-removed")
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_codes_round_trip_and_map_to_statuses() {
        for refusal in UploadRefusal::ALL {
            assert_eq!(UploadRefusal::from_code(refusal.code()), Some(refusal));
            assert!(!refusal.message().is_empty());
        }
        assert_eq!(UploadRefusal::from_code("<script>"), None);
        assert_eq!(UploadRefusal::NotAnImage.status(), 415);
        assert_eq!(UploadRefusal::Damaged.status(), 415);
        assert_eq!(UploadRefusal::TooLarge.status(), 413);
        assert_eq!(
            UploadRefusal::TooLarge
                .into_error(ImagePurpose::Cover)
                .field(),
            Some("cover")
        );
    }

    #[test]
    fn purposes_round_trip() {
        for purpose in ImagePurpose::ALL {
            assert_eq!(ImagePurpose::parse(purpose.as_str()), Some(purpose));
        }
        assert_eq!(ImagePurpose::parse("favicon"), None);
        assert_eq!(
            upload_path(ImagePurpose::Logo),
            "/admin/settings/images/logo"
        );
    }
}
