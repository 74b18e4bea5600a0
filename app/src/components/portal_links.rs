//! Links inside a candidate portal, which lives at `/p/<subdomain>/…` on the
//! public host and at `/…` on `<subdomain>.<public host>`.

use super::hydration::current_portal_subdomain;

/// The href of `path` (`/`, `/applications/7`, …) in `subdomain`'s portal,
/// in whichever form this page was opened.
pub fn portal_href(subdomain: &str, path: &str) -> String {
    portal_href_for(current_portal_subdomain().is_some(), subdomain, path)
}

/// [`portal_href`] with the form given: `on_portal_host` for
/// `<subdomain>.<public host>`.
pub fn portal_href_for(on_portal_host: bool, subdomain: &str, path: &str) -> String {
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    match (on_portal_host, path.as_str()) {
        (true, _) => path,
        (false, "/") => format!("/p/{subdomain}"),
        (false, _) => format!("/p/{subdomain}{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::portal_href_for;

    #[test]
    fn both_forms_of_portal_links() {
        assert_eq!(portal_href_for(false, "acme", "/"), "/p/acme");
        assert_eq!(
            portal_href_for(false, "acme", "/applications/7"),
            "/p/acme/applications/7"
        );
        assert_eq!(portal_href_for(true, "acme", "/"), "/");
        assert_eq!(
            portal_href_for(true, "acme", "applications/7"),
            "/applications/7"
        );
    }
}
