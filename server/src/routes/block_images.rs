//! Images for portal content: the picture of an image block and the photo
//! of an interviewer spotlight (SECURITY.md 22–24, as for logos).
//!
//! `POST /admin/jobs/{job_id}/portal/images` takes a `multipart/form-data`
//! body of at most 5 MiB from a signed-in editor or admin: the file in
//! field `image`, and `for` (`image` or `photo`). The image is decoded,
//! scaled down, re-encoded and stored under a random id; nothing else
//! changes until the recruiter saves the block that uses it (the block
//! save checks the id belongs to the organization).
//!
//! A hydrated page asks for JSON and gets `{upload_id, url}` or the refusal
//! with its status (413, 415, 422, 403, 401, 404). A plain form post goes
//! back to the editor (303) with the block form's state it sent (`stage`,
//! `add`, `edit`) and either `upload_id=…`/`photo_upload_id=…` or
//! `image_for=…&image_error=<code>`.

use super::uploads::accepts_html;
use app::api::portal_editor::{UploadedImage, editor_href};
use app::api::settings::{MAX_UPLOAD_BYTES, UploadRefusal};
use app::domain::Role;
use app::domain::blocks::BLOCK_KINDS;
use app::error::AppError;
use app::ssr::{
    AppState,
    auth::CurrentRecruiter,
    services::{portal_editor, uploads},
};
use axum::{
    Extension, Json, Router,
    extract::{DefaultBodyLimit, Multipart, Path, State, multipart::MultipartRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};

/// The largest stored image block picture, per side.
const IMAGE_MAX_SIDE: u32 = 1600;
/// The largest stored spotlight photo, per side.
const PHOTO_MAX_SIDE: u32 = 640;
/// Text fields longer than this are not ours.
const MAX_FIELD: usize = 64;

/// The route; mount it inside the session and CSRF middleware.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/admin/jobs/{job_id}/portal/images",
        post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
    )
}

/// Which picture of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Image,
    Photo,
}

impl Slot {
    fn parse(text: &str) -> Slot {
        if text == "photo" {
            Slot::Photo
        } else {
            Slot::Image
        }
    }

    fn key(self) -> &'static str {
        match self {
            Slot::Image => "image",
            Slot::Photo => "photo",
        }
    }

    /// The block form's field that carries the id.
    fn field(self) -> &'static str {
        match self {
            Slot::Image => "upload_id",
            Slot::Photo => "photo_upload_id",
        }
    }

    fn purpose(self) -> &'static str {
        match self {
            Slot::Image => portal_editor::BLOCK_IMAGE_PURPOSE,
            Slot::Photo => portal_editor::SPOTLIGHT_PHOTO_PURPOSE,
        }
    }

    fn max_side(self) -> u32 {
        match self {
            Slot::Image => IMAGE_MAX_SIDE,
            Slot::Photo => PHOTO_MAX_SIDE,
        }
    }
}

/// What the form sent besides the file.
#[derive(Debug, Default)]
struct Fields {
    slot: Option<Slot>,
    stage: String,
    add: String,
    edit: String,
}

impl Fields {
    /// The block form's state, only in shapes the editor itself makes.
    fn state(&self) -> Vec<(&'static str, String)> {
        let stage_ok = self.stage == "all" || is_id(&self.stage);
        let add_ok = BLOCK_KINDS.iter().any(|(kind, _)| *kind == self.add);
        [
            ("stage", stage_ok.then(|| self.stage.clone())),
            ("add", add_ok.then(|| self.add.clone())),
            ("edit", is_id(&self.edit).then(|| self.edit.clone())),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.map(|v| (key, v)))
        .collect()
    }
}

fn is_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit())
}

/// How the caller wants to hear back.
struct Reply {
    html: bool,
    job_id: i64,
}

impl Reply {
    fn back(&self, fields: &Fields, extra: &[(&str, &str)]) -> Response {
        let state = fields.state();
        let mut pairs: Vec<(&str, &str)> = state.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.extend_from_slice(extra);
        Redirect::to(&editor_href(self.job_id, &pairs, "block-form")).into_response()
    }

    fn refused(&self, fields: &Fields, refusal: UploadRefusal) -> Response {
        let slot = fields.slot.unwrap_or(Slot::Image);
        if self.html {
            return self.back(
                fields,
                &[("image_for", slot.key()), ("image_error", refusal.code())],
            );
        }
        let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let error = AppError::invalid(slot.key(), refusal.message());
        (status, Json(error)).into_response()
    }

    fn error(&self, error: AppError) -> Response {
        if self.html && matches!(error, AppError::Unauthenticated) {
            let next = format!("/admin/jobs/{}/portal", self.job_id);
            return Redirect::to(&format!(
                "/admin/sign-in?next={}",
                app::components::forms::percent_encode(&next)
            ))
            .into_response();
        }
        let status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(error)).into_response()
    }
}

async fn upload(
    State(state): State<AppState>,
    Path(job_id): Path<i64>,
    recruiter: Option<Extension<CurrentRecruiter>>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let reply = Reply {
        html: accepts_html(&headers),
        job_id,
    };
    let Some(Extension(me)) = recruiter else {
        return reply.error(AppError::Unauthenticated);
    };
    if !me.role.allows(Role::Editor) {
        tracing::warn!(
            recruiter = me.recruiter.id,
            role = %me.role,
            "refused: role too low to upload portal images"
        );
        return reply.error(AppError::forbidden("editing portals"));
    }
    // Another organization's job, or one the recruiter may not see: 404.
    if let Err(error) = portal_editor::editable(&state.db, &me, job_id).await {
        return reply.error(error);
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_UPLOAD_BYTES as u64) {
        return reply.refused(&Fields::default(), UploadRefusal::TooLarge);
    }
    let multipart = match multipart {
        Ok(multipart) => multipart,
        Err(rejection) => {
            tracing::info!(%rejection, "image upload is not multipart/form-data");
            return reply.refused(&Fields::default(), UploadRefusal::Missing);
        }
    };
    let (fields, bytes) = read_fields(multipart).await;
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(refusal) => return reply.refused(&fields, refusal),
    };
    let slot = fields.slot.unwrap_or(Slot::Image);
    let side = slot.max_side();
    let processed =
        tokio::task::spawn_blocking(move || uploads::process_within(&bytes, (side, side))).await;
    let image = match processed {
        Ok(Ok(image)) => image,
        Ok(Err(refusal)) => {
            tracing::info!(
                organization = me.organization_id(),
                slot = slot.key(),
                refusal = refusal.code(),
                "portal image refused"
            );
            return reply.refused(&fields, refusal);
        }
        Err(join) => {
            let reference = app::ssr::error_reference();
            tracing::error!(%reference, error = %join, "image processing failed");
            return reply.error(AppError::Internal { reference });
        }
    };
    match uploads::store_content(&state.db, me.organization_id(), slot.purpose(), image).await {
        Ok(id) if reply.html => reply.back(&fields, &[(slot.field(), &id)]),
        Ok(id) => Json(UploadedImage {
            url: uploads::url(&id),
            upload_id: id,
        })
        .into_response(),
        Err(error) => reply.error(error),
    }
}

/// The small text fields and the bytes of the `image` field.
async fn read_fields(mut multipart: Multipart) -> (Fields, Result<Vec<u8>, UploadRefusal>) {
    let too_large_or_missing = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            UploadRefusal::TooLarge
        } else {
            UploadRefusal::Missing
        }
    };
    let mut fields = Fields::default();
    let mut image: Option<Vec<u8>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return (fields, Err(too_large_or_missing(error.status()))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "image" {
            match field.bytes().await {
                Ok(bytes) => image = Some(bytes.to_vec()),
                Err(error) => return (fields, Err(too_large_or_missing(error.status()))),
            }
            continue;
        }
        let text = match field.text().await {
            Ok(text) if text.len() <= MAX_FIELD => text,
            Ok(_) => String::new(),
            Err(error) => return (fields, Err(too_large_or_missing(error.status()))),
        };
        match name.as_str() {
            "for" => fields.slot = Some(Slot::parse(&text)),
            "stage" => fields.stage = text,
            "add" => fields.add = text,
            "edit" => fields.edit = text,
            _ => {}
        }
    }
    let bytes = match image {
        Some(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => Err(UploadRefusal::Missing),
    };
    (fields, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_editors_own_state_goes_back_into_the_url() {
        let fields = Fields {
            slot: Some(Slot::Photo),
            stage: "12".into(),
            add: "spotlight".into(),
            edit: "javascript:alert(1)".into(),
        };
        assert_eq!(
            fields.state(),
            vec![("stage", "12".to_owned()), ("add", "spotlight".to_owned())]
        );
        let odd = Fields {
            stage: "../x".into(),
            add: "script".into(),
            edit: "7".into(),
            ..Default::default()
        };
        assert_eq!(odd.state(), vec![("edit", "7".to_owned())]);
        assert_eq!(Slot::parse("photo").field(), "photo_upload_id");
        assert_eq!(Slot::parse("anything").field(), "upload_id");
    }
}
