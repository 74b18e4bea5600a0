//! Cross-origin request refusal (CSRF) and the headers every response carries.
//!
//! Leptos server functions have no CSRF protection of their own, and a
//! `<form>` on any site can post `application/x-www-form-urlencoded` to them.
//! Unsafe methods are therefore refused unless the browser says the request
//! is same-origin (`Sec-Fetch-Site`), or, for browsers without Fetch
//! Metadata, its `Origin` is ours. Requests with neither header do not come
//! from a browser page and pass (curl, webhooks, tests).

use app::domain::portal_subdomain_of;
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use url::Url;

/// Why a request was refused, told to the client in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossOriginRefusal {
    CrossSite,
    ForeignOrigin,
}

/// The verdict for one request's headers; `Ok` lets it through.
pub fn check_cross_origin(
    method: &Method,
    headers: &HeaderMap,
    public_url: &Url,
) -> Result<(), CrossOriginRefusal> {
    if matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return Ok(());
    }
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err(CrossOriginRefusal::CrossSite),
        };
    }
    let Some(origin) = text(header::ORIGIN) else {
        return Ok(());
    };
    let Ok(origin) = Url::parse(origin) else {
        return Err(CrossOriginRefusal::ForeignOrigin);
    };
    let public_host = public_url.host_str().unwrap_or_default();
    let same_scheme_and_port = origin.scheme() == public_url.scheme()
        && origin.port_or_known_default() == public_url.port_or_known_default();
    let origin_host = origin.host_str().unwrap_or_default();
    let ours = same_scheme_and_port
        && (origin_host == public_host || portal_subdomain_of(origin_host, public_host).is_some());
    // As Go's CrossOriginProtection: an Origin naming the very host asked.
    let same_host = text(header::HOST)
        .is_some_and(|host| origin.host_str().is_some() && authority(&origin) == host);
    if ours || same_host {
        Ok(())
    } else {
        Err(CrossOriginRefusal::ForeignOrigin)
    }
}

fn authority(url: &Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    }
}

/// Middleware around every route that changes data.
pub async fn refuse_cross_origin(
    State(public_url): State<Url>,
    request: Request,
    next: Next,
) -> Response {
    match check_cross_origin(request.method(), request.headers(), &public_url) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            tracing::warn!(
                method = %request.method(),
                path = %request.uri().path(),
                ?refusal,
                "refused a cross-origin request"
            );
            let message = match refusal {
                CrossOriginRefusal::CrossSite => "Cross-site requests are not allowed.",
                CrossOriginRefusal::ForeignOrigin => "Requests from other origins are not allowed.",
            };
            (StatusCode::FORBIDDEN, message).into_response()
        }
    }
}

/// Headers every response carries (HTML pages add their CSP themselves).
pub fn common_headers(https: bool) -> Vec<(header::HeaderName, HeaderValue)> {
    let mut headers = vec![
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ),
    ];
    if https {
        headers.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(value) {
                map.insert(*name, value);
            }
        }
        map
    }

    fn check(method: Method, pairs: &[(&'static str, &str)]) -> Result<(), CrossOriginRefusal> {
        let public = Url::parse("http://localhost:3000").unwrap_or_else(|_| unreachable!());
        check_cross_origin(&method, &headers(pairs), &public)
    }

    #[test]
    fn safe_methods_always_pass() {
        assert_eq!(
            check(Method::GET, &[("sec-fetch-site", "cross-site")]),
            Ok(())
        );
        assert_eq!(
            check(Method::HEAD, &[("origin", "https://evil.example")]),
            Ok(())
        );
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert_eq!(
            check(Method::POST, &[("sec-fetch-site", "same-origin")]),
            Ok(())
        );
        assert_eq!(check(Method::POST, &[("sec-fetch-site", "none")]), Ok(()));
        assert_eq!(
            check(Method::POST, &[("sec-fetch-site", "cross-site")]),
            Err(CrossOriginRefusal::CrossSite)
        );
        // Sibling portal subdomains are same-site, and still untrusted.
        assert_eq!(
            check(Method::DELETE, &[("sec-fetch-site", "same-site")]),
            Err(CrossOriginRefusal::CrossSite)
        );
    }

    #[test]
    fn origin_decides_without_fetch_metadata() {
        assert_eq!(
            check(Method::POST, &[("origin", "http://localhost:3000")]),
            Ok(())
        );
        assert_eq!(
            check(Method::POST, &[("origin", "http://acme.localhost:3000")]),
            Ok(())
        );
        assert_eq!(
            check(Method::POST, &[("origin", "http://localhost:3001")]),
            Err(CrossOriginRefusal::ForeignOrigin)
        );
        assert_eq!(
            check(Method::PUT, &[("origin", "https://evil.example")]),
            Err(CrossOriginRefusal::ForeignOrigin)
        );
        assert_eq!(
            check(Method::POST, &[("origin", "null")]),
            Err(CrossOriginRefusal::ForeignOrigin)
        );
        assert_eq!(
            check(
                Method::POST,
                &[
                    ("origin", "http://127.0.0.1:3000"),
                    ("host", "127.0.0.1:3000")
                ]
            ),
            Ok(())
        );
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert_eq!(check(Method::POST, &[]), Ok(()));
    }
}
