//! Public links to a portal, always built from the configured public URL
//! (never from request headers).

use url::Url;

/// `https://acme.example.com/` when the public host can carry subdomains.
pub fn portal_subdomain_url(public_url: &Url, subdomain: &str) -> Option<String> {
    let host = public_url.host_str()?;
    if public_url
        .host()
        .is_none_or(|h| !matches!(h, url::Host::Domain(_)))
    {
        return None;
    }
    let mut url = public_url.clone();
    url.set_host(Some(&format!("{subdomain}.{host}"))).ok()?;
    url.set_path("/");
    url.set_query(None);
    Some(url.to_string())
}

/// `https://example.com/p/acme`, which works without wildcard DNS.
pub fn portal_path_url(public_url: &Url, subdomain: &str) -> String {
    let mut url = public_url.clone();
    url.set_path(&format!("/p/{subdomain}"));
    url.set_query(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s)
            .unwrap_or_else(|_| Url::parse("http://invalid").unwrap_or_else(|_| unreachable!()))
    }

    #[test]
    fn builds_both_forms_from_the_public_url() {
        let public = url("http://localhost:3000");
        assert_eq!(
            portal_subdomain_url(&public, "acme").as_deref(),
            Some("http://acme.localhost:3000/")
        );
        assert_eq!(
            portal_path_url(&public, "acme"),
            "http://localhost:3000/p/acme"
        );
    }

    #[test]
    fn ip_hosts_have_no_subdomain_form() {
        let public = url("http://127.0.0.1:3000");
        assert_eq!(portal_subdomain_url(&public, "acme"), None);
        assert_eq!(
            portal_path_url(&public, "acme"),
            "http://127.0.0.1:3000/p/acme"
        );
    }
}
