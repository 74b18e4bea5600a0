//! Logo and cover images (SECURITY.md 22–24). An upload is accepted only
//! when its bytes decode as PNG, JPEG or WebP, whatever its name or
//! `Content-Type` said, within pixel and memory limits that are checked
//! before anything large is allocated. It is then re-encoded (which drops
//! metadata and anything hidden after the image data), stored under a
//! random id, and served from `/uploads/<id>` with our own headers.

use crate::api::settings::{ImagePurpose, MAX_IMAGE_SIDE, UploadRefusal};
use crate::error::AppError;
use crate::ssr::auth::secrets::random_token;
use crate::ssr::entities::dashboard::upload;
use crate::ssr::entities::organization::{self, Entity as Organization};
use image::{
    DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits,
    codecs::{jpeg::JpegEncoder, webp::WebPEncoder},
    imageops::FilterType,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set, TransactionTrait,
};
use std::io::Cursor;

/// The most memory a single decode may ask for.
pub const MAX_DECODE_ALLOC: u64 = 64 * 1024 * 1024;
pub const JPEG_QUALITY: u8 = 85;

/// An image ready to store: re-encoded bytes and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedImage {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The file extension for a stored content type.
pub fn extension(content_type: &str) -> Option<&'static str> {
    match content_type {
        "image/png" => Some("png"),
        "image/jpeg" => Some("jpg"),
        "image/webp" => Some("webp"),
        _ => None,
    }
}

/// Where an upload is served.
pub fn url(id: &str) -> String {
    format!("/uploads/{id}")
}

/// Whether `id` could be one of ours (base64url, as `random_token` makes);
/// anything else is not looked up.
pub fn is_well_formed_id(id: &str) -> bool {
    (16..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn decode_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    limits
}

fn refusal_of(error: &ImageError) -> UploadRefusal {
    match error {
        ImageError::Limits(_) => UploadRefusal::TooManyPixels,
        ImageError::Unsupported(_) => UploadRefusal::NotAnImage,
        _ => UploadRefusal::Damaged,
    }
}

/// Decodes `bytes` (sniffing the format from the bytes alone), scales the
/// image down to fit its purpose, and re-encodes it in the same family:
/// PNG → PNG, JPEG → JPEG (quality 85), WebP → lossless WebP. CPU-bound:
/// call it from `spawn_blocking`.
pub fn process(bytes: &[u8], purpose: ImagePurpose) -> Result<ProcessedImage, UploadRefusal> {
    process_within(bytes, purpose.max_stored_size())
}

/// [`process`], scaling down to fit `(max_w, max_h)` (images of portal
/// content blocks, which are not one of the organization's two images).
pub fn process_within(
    bytes: &[u8],
    (max_w, max_h): (u32, u32),
) -> Result<ProcessedImage, UploadRefusal> {
    if bytes.is_empty() {
        return Err(UploadRefusal::Missing);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| UploadRefusal::Damaged)?;
    let format = match reader.format() {
        Some(format @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => format,
        _ => return Err(UploadRefusal::NotAnImage),
    };
    let mut limits = decode_limits();
    reader.limits(limits.clone());
    // The header alone: dimensions are checked here, before any pixel
    // buffer exists.
    let mut decoder = reader.into_decoder().map_err(|e| refusal_of(&e))?;
    limits
        .reserve(decoder.total_bytes())
        .map_err(|e| refusal_of(&e))?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| refusal_of(&e))?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }

    if image.width() > max_w || image.height() > max_h {
        image = image.resize(max_w, max_h, FilterType::Triangle);
    }
    let (width, height) = (image.width(), image.height());

    let mut out = Cursor::new(Vec::new());
    let content_type = match format {
        ImageFormat::Jpeg => {
            let image = match image {
                DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image,
                other => DynamicImage::ImageRgb8(other.to_rgb8()),
            };
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .encode_image(&image)
                .map_err(|_| UploadRefusal::Damaged)?;
            "image/jpeg"
        }
        ImageFormat::WebP => {
            let image = if image.color().has_alpha() {
                DynamicImage::ImageRgba8(image.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(image.to_rgb8())
            };
            image
                .write_with_encoder(WebPEncoder::new_lossless(&mut out))
                .map_err(|_| UploadRefusal::Damaged)?;
            "image/webp"
        }
        _ => {
            image
                .write_to(&mut out, ImageFormat::Png)
                .map_err(|_| UploadRefusal::Damaged)?;
            "image/png"
        }
    };
    Ok(ProcessedImage {
        content_type,
        bytes: out.into_inner(),
        width,
        height,
    })
}

fn set_image(model: &mut organization::ActiveModel, purpose: ImagePurpose, id: Option<String>) {
    match purpose {
        ImagePurpose::Logo => model.logo_upload_id = Set(id),
        ImagePurpose::Cover => model.cover_upload_id = Set(id),
    }
}

async fn organization_of<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
) -> Result<organization::Model, AppError> {
    Organization::find_by_id(organization_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("Your organization"))
}

/// Deletes the organization's images of `purpose` other than `keep`.
async fn delete_others<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    purpose: ImagePurpose,
    keep: Option<&str>,
) -> Result<(), AppError> {
    let mut delete = upload::Entity::delete_many()
        .filter(upload::Column::OrganizationId.eq(organization_id))
        .filter(upload::Column::Purpose.eq(purpose.as_str()));
    if let Some(keep) = keep {
        delete = delete.filter(upload::Column::Id.ne(keep));
    }
    delete.exec(db).await?;
    Ok(())
}

/// Stores `image` as the organization's logo or cover, replacing (and
/// deleting) the previous one.
pub async fn store(
    db: &DatabaseConnection,
    organization_id: i64,
    purpose: ImagePurpose,
    image: ProcessedImage,
) -> Result<organization::Model, AppError> {
    let id = random_token();
    let txn = db.begin().await?;
    let org = organization_of(&txn, organization_id).await?;
    upload::ActiveModel {
        id: Set(id.clone()),
        organization_id: Set(organization_id),
        purpose: Set(purpose.as_str().to_owned()),
        content_type: Set(image.content_type.to_owned()),
        bytes: Set(image.bytes),
        width: Set(i32::try_from(image.width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(image.height).unwrap_or(i32::MAX)),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&txn)
    .await?;
    let mut model = org.into_active_model();
    set_image(&mut model, purpose, Some(id.clone()));
    model.updated_at = Set(chrono::Utc::now());
    let saved = model.update(&txn).await?;
    delete_others(&txn, organization_id, purpose, Some(&id)).await?;
    txn.commit().await?;
    tracing::info!(
        organization = organization_id,
        purpose = purpose.as_str(),
        %id,
        "image stored"
    );
    Ok(saved)
}

/// Stores a portal content image (`purpose` names which kind) and returns
/// its id; unlike logos and covers, an organization has many.
pub async fn store_content<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    purpose: &str,
    image: ProcessedImage,
) -> Result<String, AppError> {
    let id = random_token();
    upload::ActiveModel {
        id: Set(id.clone()),
        organization_id: Set(organization_id),
        purpose: Set(purpose.to_owned()),
        content_type: Set(image.content_type.to_owned()),
        bytes: Set(image.bytes),
        width: Set(i32::try_from(image.width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(image.height).unwrap_or(i32::MAX)),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(db)
    .await?;
    tracing::info!(organization = organization_id, purpose, %id, "content image stored");
    Ok(id)
}

/// Removes the organization's logo or cover.
pub async fn remove(
    db: &DatabaseConnection,
    organization_id: i64,
    purpose: ImagePurpose,
) -> Result<organization::Model, AppError> {
    let txn = db.begin().await?;
    let org = organization_of(&txn, organization_id).await?;
    let mut model = org.into_active_model();
    set_image(&mut model, purpose, None);
    model.updated_at = Set(chrono::Utc::now());
    let saved = model.update(&txn).await?;
    delete_others(&txn, organization_id, purpose, None).await?;
    txn.commit().await?;
    Ok(saved)
}

/// An image by id, if it is still some organization's logo or cover.
pub async fn find<C: ConnectionTrait>(db: &C, id: &str) -> Result<Option<upload::Model>, AppError> {
    if !is_well_formed_id(id) {
        return Ok(None);
    }
    Ok(upload::Entity::find_by_id(id.to_owned()).one(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, Rgba};

    fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        if format == ImageFormat::WebP {
            let _ = image.write_with_encoder(WebPEncoder::new_lossless(&mut out));
        } else {
            let _ = image.write_to(&mut out, format);
        }
        out.into_inner()
    }

    fn sample(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgba8(ImageBuffer::from_fn(width, height, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 120, 255])
        }))
    }

    /// A valid PNG signature and IHDR chunk claiming `w` × `h`, and no data.
    fn png_header_claiming(w: u32, h: u32) -> Vec<u8> {
        png_header(w, h, 8)
    }

    /// A PNG whose header claims `w` × `h` at `bit_depth`, followed by a
    /// tiny IDAT and IEND (all CRCs valid): 72 bytes.
    fn png_header(w: u32, h: u32, bit_depth: u8) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32(&body).to_be_bytes());
        }
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[bit_depth, 6, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(
            &mut png,
            b"IDAT",
            &[
                0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01,
            ],
        );
        chunk(&mut png, b"IEND", &[]);
        png
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffff_u32;
        for byte in data {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn each_accepted_format_is_re_encoded_in_its_family() {
        let image = sample(40, 30);
        for (format, content_type) in [
            (ImageFormat::Png, "image/png"),
            (ImageFormat::WebP, "image/webp"),
        ] {
            let uploaded = encode(&image, format);
            let stored = process(&uploaded, ImagePurpose::Logo);
            let stored = stored.unwrap_or_else(|e| panic!("{format:?}: {e:?}"));
            assert_eq!(stored.content_type, content_type);
            assert_eq!((stored.width, stored.height), (40, 30));
            let back = image::load_from_memory(&stored.bytes).map(|i| i.to_rgba8());
            assert_eq!(back.ok().map(|i| i.dimensions()), Some((40, 30)));
        }
        let jpeg = encode(
            &DynamicImage::ImageRgb8(ImageBuffer::from_pixel(64, 48, Rgb([200, 30, 30]))),
            ImageFormat::Jpeg,
        );
        let stored = process(&jpeg, ImagePurpose::Cover);
        assert_eq!(stored.map(|s| s.content_type), Ok("image/jpeg"));
    }

    #[test]
    fn the_name_or_type_does_not_matter_only_the_bytes() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#;
        assert_eq!(
            process(svg, ImagePurpose::Logo),
            Err(UploadRefusal::NotAnImage)
        );
        let html = b"<!doctype html><script>alert(1)</script>";
        assert_eq!(
            process(html, ImagePurpose::Logo),
            Err(UploadRefusal::NotAnImage)
        );
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;<script>alert(1)</script>";
        assert_eq!(
            process(gif, ImagePurpose::Logo),
            Err(UploadRefusal::NotAnImage)
        );
        assert_eq!(
            process(b"", ImagePurpose::Logo),
            Err(UploadRefusal::Missing)
        );
    }

    #[test]
    fn truncated_images_are_damaged() {
        let png = encode(&sample(64, 64), ImageFormat::Png);
        let truncated = &png[..png.len() / 2];
        assert_eq!(
            process(truncated, ImagePurpose::Logo),
            Err(UploadRefusal::Damaged)
        );
    }

    #[test]
    fn a_pixel_flood_is_refused_from_its_header() {
        let bomb = png_header_claiming(100_000, 100_000);
        assert_eq!(bomb.len(), 72);
        assert_eq!(
            process(&bomb, ImagePurpose::Cover),
            Err(UploadRefusal::TooManyPixels)
        );
        assert_eq!(
            process(&png_header_claiming(4097, 10), ImagePurpose::Cover),
            Err(UploadRefusal::TooManyPixels)
        );
        // Within 4096 × 4096, but 16-bit RGBA needs 128 MiB: over max_alloc.
        assert_eq!(
            process(&png_header(4096, 4096, 16), ImagePurpose::Cover),
            Err(UploadRefusal::TooManyPixels)
        );
        // 8-bit at 4096 × 2048 (32 MiB) passes the limits and only then
        // fails for lack of data.
        assert_eq!(
            process(&png_header(4096, 2048, 8), ImagePurpose::Cover),
            Err(UploadRefusal::Damaged)
        );
    }

    #[test]
    fn large_images_are_scaled_down_to_fit_their_purpose() {
        let logo = process(
            &encode(&sample(2048, 512), ImageFormat::Png),
            ImagePurpose::Logo,
        );
        assert_eq!(logo.map(|s| (s.width, s.height)), Ok((1024, 256)));
        let cover = process(
            &encode(&sample(3000, 1000), ImageFormat::Png),
            ImagePurpose::Cover,
        );
        assert_eq!(cover.map(|s| (s.width, s.height)), Ok((2400, 800)));
    }

    #[test]
    fn ids_are_checked_before_any_lookup() {
        assert!(is_well_formed_id(&random_token()));
        assert!(!is_well_formed_id("../../etc/passwd"));
        assert!(!is_well_formed_id("short"));
        assert!(!is_well_formed_id(&"a".repeat(65)));
        assert_eq!(extension("image/webp"), Some("webp"));
        assert_eq!(extension("image/svg+xml"), None);
    }
}
