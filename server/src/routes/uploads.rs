//! Logo and cover uploads (SECURITY.md 22–24).
//!
//! `POST /admin/settings/images/{logo|cover}` takes a `multipart/form-data`
//! body (field `image`) of at most 5 MiB from a signed-in admin. A hydrated
//! page asks for JSON and gets the stored settings, or the refusal with its
//! status (413 too large, 415 not a PNG/JPEG/WebP image, 422, 403, 401). A
//! plain form post is sent back to the Settings page (303) with a code in
//! the query string. The session and CSRF middleware run before it.
//!
//! `GET /uploads/{id}` serves a stored image with our own content type and
//! headers that keep a browser from treating it as anything but an image.

use app::api::settings::{ImagePurpose, MAX_UPLOAD_BYTES, UploadRefusal};
use app::domain::Role;
use app::error::AppError;
use app::ssr::{
    AppState,
    auth::CurrentRecruiter,
    services::{settings, uploads},
};
use axum::{
    Extension, Json, Router,
    extract::{DefaultBodyLimit, Multipart, Path, State, multipart::MultipartRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};

/// The upload route; mount it inside the session and CSRF middleware.
pub fn upload_router() -> Router<AppState> {
    Router::new().route(
        "/admin/settings/images/{purpose}",
        post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
    )
}

/// The serving route; mount it outside the session middleware, whose
/// `no-store` would defeat caching of these immutable, public images.
pub fn serve_router() -> Router<AppState> {
    Router::new().route("/uploads/{id}", get(serve))
}

/// How the caller wants to hear back.
#[derive(Clone, Copy)]
struct Reply {
    /// A plain form post (the browser navigates), not `fetch`.
    html: bool,
    purpose: ImagePurpose,
}

impl Reply {
    fn refused(self, refusal: UploadRefusal) -> Response {
        if self.html {
            let to = format!(
                "/admin/settings?{}_error={}#{}-heading",
                self.purpose.as_str(),
                refusal.code(),
                self.purpose.as_str()
            );
            return Redirect::to(&to).into_response();
        }
        let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
        (status, Json(refusal.into_error(self.purpose))).into_response()
    }

    fn error(self, error: AppError) -> Response {
        if self.html {
            // Signed out: the sign-in page brings them back.
            if matches!(error, AppError::Unauthenticated) {
                return Redirect::to("/admin/sign-in?next=%2Fadmin%2Fsettings").into_response();
            }
        }
        let status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(error)).into_response()
    }
}

pub(crate) fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

async fn upload(
    State(state): State<AppState>,
    Path(purpose): Path<String>,
    recruiter: Option<Extension<CurrentRecruiter>>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(purpose) = ImagePurpose::parse(&purpose) else {
        return (
            StatusCode::NOT_FOUND,
            Json(AppError::not_found("This kind of image")),
        )
            .into_response();
    };
    let reply = Reply {
        html: accepts_html(&headers),
        purpose,
    };
    let Some(Extension(me)) = recruiter else {
        return reply.error(AppError::Unauthenticated);
    };
    if !me.role.allows(Role::Admin) {
        tracing::warn!(
            recruiter = me.recruiter.id,
            role = %me.role,
            "refused: role too low to upload images"
        );
        return reply.refused(UploadRefusal::Forbidden);
    }
    // Refuse a declared oversize body before reading any of it.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_UPLOAD_BYTES as u64) {
        return reply.refused(UploadRefusal::TooLarge);
    }
    let multipart = match multipart {
        Ok(multipart) => multipart,
        Err(rejection) => {
            tracing::info!(%rejection, "upload is not multipart/form-data");
            return reply.refused(UploadRefusal::Missing);
        }
    };
    let bytes = match read_image_field(multipart).await {
        Ok(bytes) => bytes,
        Err(refusal) => return reply.refused(refusal),
    };
    let processed = tokio::task::spawn_blocking(move || uploads::process(&bytes, purpose)).await;
    let processed = match processed {
        Ok(Ok(image)) => image,
        Ok(Err(refusal)) => {
            tracing::info!(
                organization = me.organization_id(),
                purpose = purpose.as_str(),
                refusal = refusal.code(),
                "upload refused"
            );
            return reply.refused(refusal);
        }
        Err(join) => {
            let reference = app::ssr::error_reference();
            tracing::error!(%reference, error = %join, "image processing failed");
            return reply.error(AppError::Internal { reference });
        }
    };
    match uploads::store(&state.db, me.organization_id(), purpose, processed).await {
        Ok(_) if reply.html => Redirect::to(&format!(
            "/admin/settings?saved={}-uploaded#{}-heading",
            purpose.as_str(),
            purpose.as_str()
        ))
        .into_response(),
        Ok(organization) => Json(settings::view(&state, &organization, me.role)).into_response(),
        Err(error) => reply.error(error),
    }
}

/// The bytes of the `image` field; other fields are skipped.
async fn read_image_field(mut multipart: Multipart) -> Result<Vec<u8>, UploadRefusal> {
    let too_large_or_missing = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            UploadRefusal::TooLarge
        } else {
            UploadRefusal::Missing
        }
    };
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("image") => {
                return match field.bytes().await {
                    Ok(bytes) if bytes.is_empty() => Err(UploadRefusal::Missing),
                    Ok(bytes) => Ok(bytes.to_vec()),
                    Err(error) => Err(too_large_or_missing(error.status())),
                };
            }
            Ok(Some(_other)) => continue,
            Ok(None) => return Err(UploadRefusal::Missing),
            Err(error) => return Err(too_large_or_missing(error.status())),
        }
    }
}

async fn serve(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "Not found").into_response();
    let upload = match uploads::find(&state.db, &id).await {
        Ok(Some(upload)) => upload,
        Ok(None) => return not_found(),
        Err(error) => {
            let status = StatusCode::from_u16(error.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (status, error.to_string()).into_response();
        }
    };
    // Only the types we encode are ever served, under our own name.
    let Some(extension) = uploads::extension(&upload.content_type) else {
        tracing::error!(id = %upload.id, content_type = %upload.content_type, "stored upload has an unknown type");
        return not_found();
    };
    let mut response = upload.bytes.into_response();
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_TYPE, upload.content_type.clone()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox".to_owned(),
        ),
        (
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}.{extension}\"", upload.id),
        ),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "same-site".to_owned(),
        ),
        // Ids are never reused: a new image gets a new id.
        (
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_owned(),
        ),
    ];
    for (name, value) in fixed {
        match HeaderValue::from_str(&value) {
            Ok(value) => {
                headers.insert(name, value);
            }
            Err(_) => return not_found(),
        }
    }
    response
}
