//! Configuration from the environment (and a `.env` file), validated once at
//! start-up: an invalid value stops the program with a message that names the
//! variable and the form it expects.

use crate::secrets::{self, MasterKey};
use std::{fmt, net::SocketAddr, path::PathBuf, sync::Once, time::Duration};
use url::Url;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/trellis.db?mode=rwc";
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_SITE_ROOT: &str = "target/site";
/// Seconds between incremental syncs of every connected organization.
pub const DEFAULT_SYNC_INTERVAL_SECS: u64 = 300;
/// The shortest sync interval accepted, in seconds.
pub const MIN_SYNC_INTERVAL_SECS: u64 = 5;
/// Seconds after which a full sync is due again (one day).
pub const DEFAULT_FULL_SYNC_INTERVAL_SECS: u64 = 86_400;
/// The development master key's file name, beside the SQLite database.
pub const DEV_MASTER_KEY_FILE: &str = "master.key";
const MASTER_KEY_EXPECTED: &str =
    "the standard base64 of 32 random bytes, e.g. the output of `openssl rand -base64 32`";
/// Shown instead of a value that may be a key.
const HIDDEN: &str = "(value hidden)";
const SMTP_EXPECTED: &str = "smtp://HOST:PORT (plain, as for a local relay), smtp://USER:PASSWORD@HOST:587 (STARTTLS) or smtps://USER:PASSWORD@HOST:465";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub database: DatabaseUrl,
    /// Links in emails and portal links are built from this origin only.
    pub public_url: Url,
    pub bind_addr: SocketAddr,
    /// Where `cargo leptos build` put the browser bundle and static files.
    pub site_root: PathBuf,
    /// Seed a demo organization at start-up.
    pub demo: bool,
    pub log_format: LogFormat,
    /// Where the key that seals stored secrets comes from.
    pub master_key: MasterKeySource,
    /// Time between incremental syncs (`TRELLIS_SYNC_INTERVAL`).
    pub sync_interval: Duration,
    /// Age after which the scheduler runs a full sync (`TRELLIS_FULL_SYNC_INTERVAL`).
    pub full_sync_interval: Duration,
    /// `TRELLIS_SMTP_URL`: mail goes out through this server. Unset, mail
    /// lands in the dev mailbox, which only a loopback public URL allows.
    pub smtp_url: Option<Url>,
}

/// Where the master key comes from; [`MasterKeySource::resolve`] produces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MasterKeySource {
    /// `TRELLIS_MASTER_KEY`, already decoded.
    Inline(MasterKey),
    /// `TRELLIS_MASTER_KEY_FILE`: a file holding the base64 key.
    File(PathBuf),
    /// Neither is set and the database is a SQLite file (development): a key
    /// generated once into this file, then reused.
    Generate(PathBuf),
    /// Neither is set and the database is in-memory SQLite: a key for this
    /// process only (nothing sealed with it outlives the process).
    Ephemeral,
    /// Neither is set and the database is PostgreSQL, i.e. production:
    /// anything that needs the key refuses to run.
    Missing,
}

impl MasterKeySource {
    /// The key itself: reads or creates files as the source says. Warns once
    /// per process when a development key is used.
    pub fn resolve(&self) -> Result<MasterKey, ConfigError> {
        match self {
            Self::Inline(key) => Ok(key.clone()),
            Self::File(path) => secrets::read_key_file(path).map_err(|error| ConfigError {
                variable: "TRELLIS_MASTER_KEY_FILE",
                value: path.display().to_string(),
                problem: format!("the file cannot be used ({error})"),
                expected: "the path of a file holding the standard base64 of 32 random bytes",
            }),
            Self::Generate(path) => {
                let (key, created) =
                    secrets::load_or_generate_key_file(path).map_err(|error| ConfigError {
                        variable: "TRELLIS_MASTER_KEY",
                        value: "(not set)".to_owned(),
                        problem: format!(
                            "the development key file {} cannot be used ({error})",
                            path.display()
                        ),
                        expected: MASTER_KEY_EXPECTED,
                    })?;
                warn_once_about_development_key(&format!(
                    "{} the development master key in {}: set TRELLIS_MASTER_KEY (or TRELLIS_MASTER_KEY_FILE) in production, and keep this file to read what it sealed",
                    if created { "generated" } else { "using" },
                    path.display()
                ));
                Ok(key)
            }
            Self::Ephemeral => {
                warn_once_about_development_key(
                    "using a temporary master key: the database is in memory, so nothing sealed with it outlives this process",
                );
                Ok(MasterKey::generate())
            }
            Self::Missing => Err(ConfigError {
                variable: "TRELLIS_MASTER_KEY",
                value: "(not set)".to_owned(),
                problem: "a PostgreSQL database means production, where the key that seals Greenhouse credentials must be given (or TRELLIS_MASTER_KEY_FILE)".to_owned(),
                expected: MASTER_KEY_EXPECTED,
            }),
        }
    }
}

fn warn_once_about_development_key(message: &str) {
    static WARNED: Once = Once::new();
    WARNED.call_once(|| tracing::warn!("{message}"));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A database URL Trellis knows how to open.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path/to/file.db?mode=rwc` (the file's folder is created).
    Sqlite { url: String, path: Option<PathBuf> },
    /// `postgres://user:password@host:port/database`.
    Postgres { url: String },
}

impl DatabaseUrl {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if let Some(rest) = value.strip_prefix("sqlite:") {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            if path.is_empty() {
                return Err("the SQLite URL names no file".into());
            }
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (key, val) = pair.split_once('=').unwrap_or((pair, ""));
                match key {
                    "mode" if ["ro", "rw", "rwc", "memory"].contains(&val) => {}
                    "mode" => {
                        return Err(format!("mode must be ro, rw, rwc or memory, not “{val}”"));
                    }
                    "cache" | "immutable" | "vfs" => {}
                    other => return Err(format!("unknown SQLite option “{other}”")),
                }
            }
            let in_memory = path == ":memory:" || query.contains("mode=memory");
            return Ok(Self::Sqlite {
                url: value.to_owned(),
                path: (!in_memory).then(|| PathBuf::from(path)),
            });
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            let url = Url::parse(value).map_err(|e| format!("not a valid URL ({e})"))?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err("the PostgreSQL URL names no host".into());
            }
            if url.path().trim_start_matches('/').is_empty() {
                return Err("the PostgreSQL URL names no database".into());
            }
            return Ok(Self::Postgres {
                url: value.to_owned(),
            });
        }
        Err("unsupported scheme".into())
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url } => url,
        }
    }

    /// The URL with any password replaced by `***`, safe to print.
    pub fn redacted(&self) -> String {
        match Url::parse(self.url()) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("***"));
                url.to_string()
            }
            _ => self.url().to_owned(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A variable with a value Trellis cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable} is invalid: {problem}. Expected {expected} (got “{value}”).")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub problem: String,
    pub expected: &'static str,
}

impl Config {
    /// Reads every variable through `lookup` (the process environment in
    /// production, a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let read = |variable: &'static str| lookup(variable).filter(|v| !v.trim().is_empty());
        let fail =
            |variable: &'static str, value: &str, problem: String, expected: &'static str| {
                ConfigError {
                    variable,
                    value: value.to_owned(),
                    problem,
                    expected,
                }
            };

        let database_value = read("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let database = DatabaseUrl::parse(&database_value).map_err(|problem| {
            fail(
                "DATABASE_URL",
                &redact_password(&database_value),
                problem,
                "sqlite://PATH?mode=rwc or postgres://USER:PASSWORD@HOST:PORT/DATABASE",
            )
        })?;

        let bind_value = read("TRELLIS_BIND_ADDR").unwrap_or_else(|| DEFAULT_BIND_ADDR.into());
        let bind_addr: SocketAddr = bind_value.trim().parse().map_err(|e| {
            fail(
                "TRELLIS_BIND_ADDR",
                &bind_value,
                format!("{e}"),
                "an IP address and port such as 127.0.0.1:3000 or 0.0.0.0:8080",
            )
        })?;

        let public_value = read("TRELLIS_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://localhost:{}", bind_addr.port()));
        let public_url = parse_public_url(&public_value).map_err(|problem| {
            fail(
                "TRELLIS_PUBLIC_URL",
                &public_value,
                problem,
                "the address people open, such as https://jobs.example.com or http://localhost:3000",
            )
        })?;

        let site_root = read("LEPTOS_SITE_ROOT").unwrap_or_else(|| DEFAULT_SITE_ROOT.into());

        let demo_value = read("TRELLIS_DEMO").unwrap_or_default();
        let demo = parse_flag(&demo_value).ok_or_else(|| {
            fail(
                "TRELLIS_DEMO",
                &demo_value,
                "not a yes/no value".into(),
                "1 or 0 (also true/false, yes/no)",
            )
        })?;

        let log_value = read("TRELLIS_LOG_FORMAT").unwrap_or_else(|| "text".into());
        let log_format = match log_value.trim() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            _ => {
                return Err(fail(
                    "TRELLIS_LOG_FORMAT",
                    &log_value,
                    "unknown format".into(),
                    "text or json",
                ));
            }
        };

        let master_key = match (read("TRELLIS_MASTER_KEY"), read("TRELLIS_MASTER_KEY_FILE")) {
            (Some(_), Some(_)) => {
                return Err(fail(
                    "TRELLIS_MASTER_KEY",
                    HIDDEN,
                    "TRELLIS_MASTER_KEY_FILE is set too".into(),
                    "only one of TRELLIS_MASTER_KEY and TRELLIS_MASTER_KEY_FILE",
                ));
            }
            (Some(value), None) => {
                MasterKeySource::Inline(MasterKey::from_base64(&value).map_err(|problem| {
                    fail("TRELLIS_MASTER_KEY", HIDDEN, problem, MASTER_KEY_EXPECTED)
                })?)
            }
            (None, Some(path)) => MasterKeySource::File(PathBuf::from(path.trim())),
            (None, None) => match &database {
                DatabaseUrl::Sqlite {
                    path: Some(path), ..
                } => MasterKeySource::Generate(
                    path.parent()
                        .unwrap_or(std::path::Path::new(""))
                        .join(DEV_MASTER_KEY_FILE),
                ),
                DatabaseUrl::Sqlite { path: None, .. } => MasterKeySource::Ephemeral,
                DatabaseUrl::Postgres { .. } => MasterKeySource::Missing,
            },
        };

        let sync_interval = read_seconds(
            &read,
            "TRELLIS_SYNC_INTERVAL",
            DEFAULT_SYNC_INTERVAL_SECS,
            MIN_SYNC_INTERVAL_SECS,
            "a whole number of seconds, at least 5 (default 300)",
        )?;
        let full_sync_interval = read_seconds(
            &read,
            "TRELLIS_FULL_SYNC_INTERVAL",
            DEFAULT_FULL_SYNC_INTERVAL_SECS,
            MIN_SYNC_INTERVAL_SECS,
            "a whole number of seconds, at least 5 (default 86400, one day)",
        )?;

        let smtp_url = match read("TRELLIS_SMTP_URL") {
            Some(value) => Some(parse_smtp_url(&value).map_err(|problem| {
                fail(
                    "TRELLIS_SMTP_URL",
                    &redact_password(&value),
                    problem,
                    SMTP_EXPECTED,
                )
            })?),
            None if is_loopback_url(&public_url) => None,
            None => {
                return Err(fail(
                    "TRELLIS_SMTP_URL",
                    "",
                    format!(
                        "it is required when TRELLIS_PUBLIC_URL ({public_url}) is not a loopback \
                         address: without it, sign-in links would be shown in the dev mailbox"
                    ),
                    SMTP_EXPECTED,
                ));
            }
        };

        Ok(Self {
            database,
            public_url,
            bind_addr,
            site_root: PathBuf::from(site_root),
            demo,
            log_format,
            master_key,
            sync_interval,
            full_sync_interval,
            smtp_url,
        })
    }

    /// Whether mail goes to the dev mailbox page instead of an SMTP server.
    pub fn uses_dev_mailbox(&self) -> bool {
        self.smtp_url.is_none()
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }
}

/// A duration in whole seconds from `variable`, `default` when unset.
fn read_seconds(
    read: &impl Fn(&'static str) -> Option<String>,
    variable: &'static str,
    default: u64,
    minimum: u64,
    expected: &'static str,
) -> Result<Duration, ConfigError> {
    let Some(value) = read(variable) else {
        return Ok(Duration::from_secs(default));
    };
    let problem = match value.trim().parse::<u64>() {
        Ok(seconds) if seconds >= minimum => return Ok(Duration::from_secs(seconds)),
        Ok(seconds) => format!("{seconds} seconds is shorter than the minimum of {minimum}"),
        Err(_) => "not a whole number of seconds".to_owned(),
    };
    Err(ConfigError {
        variable,
        value,
        problem,
        expected,
    })
}

fn parse_public_url(value: &str) -> Result<Url, String> {
    let url = Url::parse(value.trim()).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme must be http or https, not {}",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL names no host".into());
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err("Trellis must be served from the root of its host, without a path".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL must not contain a user name or password".into());
    }
    Ok(url)
}

fn parse_smtp_url(value: &str) -> Result<Url, String> {
    let url = Url::parse(value.trim()).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "smtp" | "smtps") {
        return Err(format!(
            "the scheme must be smtp or smtps, not {}",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL names no host".into());
    }
    Ok(url)
}

/// `localhost`, `*.localhost`, `127.0.0.0/8` or `::1`: only this machine.
pub fn is_loopback_url(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost" || name.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "off" => Some(false),
        "1" | "true" | "yes" | "on" => Some(true),
        _ => None,
    }
}

fn redact_password(value: &str) -> String {
    match value.split_once('@') {
        Some((credentials, rest)) if credentials.contains(':') => {
            let user_end = credentials.rfind(':').unwrap_or(credentials.len());
            format!("{}:***@{rest}", &credentials[..user_end])
        }
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost_3000() {
        let config = config(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.database.url(), DEFAULT_DATABASE_URL);
        assert_eq!(
            config.database,
            DatabaseUrl::Sqlite {
                url: DEFAULT_DATABASE_URL.into(),
                path: Some("data/trellis.db".into())
            }
        );
        assert_eq!(config.public_url.as_str(), "http://localhost:3000/");
        assert_eq!(config.bind_addr.to_string(), "127.0.0.1:3000");
        assert!(!config.demo);
        assert_eq!(config.sync_interval, Duration::from_secs(300));
        assert_eq!(config.full_sync_interval, Duration::from_secs(86_400));
        assert_eq!(
            config.master_key,
            MasterKeySource::Generate(PathBuf::from("data/master.key"))
        );
    }

    #[test]
    fn sync_intervals_are_read_in_seconds() {
        let c = config(&[
            ("TRELLIS_SYNC_INTERVAL", "5"),
            ("TRELLIS_FULL_SYNC_INTERVAL", " 3600 "),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.sync_interval, Duration::from_secs(5));
        assert_eq!(c.full_sync_interval, Duration::from_secs(3600));
        let message = config(&[("TRELLIS_SYNC_INTERVAL", "4")])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("minimum of 5"), "{message}");
    }

    #[test]
    fn the_master_key_comes_from_the_variable_or_the_file() {
        let key = MasterKey::generate();
        let c =
            config(&[("TRELLIS_MASTER_KEY", &key.to_base64())]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.master_key, MasterKeySource::Inline(key.clone()));
        assert_eq!(c.master_key.resolve(), Ok(key.clone()));
        assert!(!format!("{c:?}").contains(&key.to_base64()));

        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("key");
        std::fs::write(&path, format!("{}\n", key.to_base64())).unwrap_or_else(|e| panic!("{e}"));
        let c = config(&[("TRELLIS_MASTER_KEY_FILE", &path.to_string_lossy())])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.master_key, MasterKeySource::File(path.clone()));
        assert_eq!(c.master_key.resolve(), Ok(key));

        std::fs::write(&path, "c2hvcnQ=").unwrap_or_else(|e| panic!("{e}"));
        let error = c.master_key.resolve().err();
        assert_eq!(
            error.as_ref().map(|e| e.variable),
            Some("TRELLIS_MASTER_KEY_FILE")
        );
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("5 bytes") && !message.contains("c2hvcnQ"),
            "{message}"
        );
    }

    #[test]
    fn master_key_values_are_never_echoed() {
        let short = "c2VjcmV0LWJ1dC1zaG9ydA==";
        for vars in [
            vec![("TRELLIS_MASTER_KEY", short)],
            vec![("TRELLIS_MASTER_KEY", "not base64 at all!")],
            vec![
                ("TRELLIS_MASTER_KEY", short),
                ("TRELLIS_MASTER_KEY_FILE", "/run/secrets/key"),
            ],
        ] {
            let error = config(&vars).err();
            assert_eq!(
                error.as_ref().map(|e| e.variable),
                Some("TRELLIS_MASTER_KEY")
            );
            let message = error.map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains("(value hidden)"), "{message}");
            assert!(
                !message.contains(short) && !message.contains("at all"),
                "{message}"
            );
        }
    }

    #[test]
    fn without_a_key_sqlite_generates_one_and_postgres_refuses() {
        let c = config(&[("DATABASE_URL", "sqlite::memory:")]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.master_key, MasterKeySource::Ephemeral);
        let c = config(&[("DATABASE_URL", "postgres://trellis@db/trellis")])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.master_key, MasterKeySource::Missing);
        let error = c.master_key.resolve().err();
        assert_eq!(
            error.as_ref().map(|e| e.variable),
            Some("TRELLIS_MASTER_KEY")
        );

        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = format!("sqlite://{}/trellis.db?mode=rwc", dir.path().display());
        let c = config(&[("DATABASE_URL", &url)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            c.master_key,
            MasterKeySource::Generate(dir.path().join("master.key"))
        );
        let first = c.master_key.resolve().unwrap_or_else(|e| panic!("{e}"));
        let again = c.master_key.resolve().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, again);
    }

    #[test]
    fn the_public_url_follows_the_bind_port_unless_set() {
        let c = config(&[("TRELLIS_BIND_ADDR", "0.0.0.0:8080")]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.public_url.as_str(), "http://localhost:8080/");
        let c = config(&[
            ("TRELLIS_BIND_ADDR", "0.0.0.0:8080"),
            ("TRELLIS_PUBLIC_URL", "https://jobs.example.com"),
            ("TRELLIS_SMTP_URL", "smtp://mail.example.com:587"),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.public_url.as_str(), "https://jobs.example.com/");
    }

    #[test]
    fn a_public_url_beyond_this_machine_needs_an_smtp_server() {
        for public in ["https://jobs.example.com", "http://192.168.1.20:3000"] {
            let error = config(&[("TRELLIS_PUBLIC_URL", public)]).err();
            assert_eq!(
                error.map(|e| e.variable),
                Some("TRELLIS_SMTP_URL"),
                "{public}"
            );
        }
        for public in [
            "http://localhost:3000",
            "http://127.0.0.1:3000",
            "http://acme.localhost",
        ] {
            let c = config(&[("TRELLIS_PUBLIC_URL", public)]).unwrap_or_else(|e| panic!("{e}"));
            assert!(c.uses_dev_mailbox(), "{public}");
        }
        let c = config(&[("TRELLIS_SMTP_URL", "smtps://u:p@mail.example.com:465")])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!c.uses_dev_mailbox());
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        let cases = [
            ("DATABASE_URL", "nonsense"),
            ("DATABASE_URL", "mysql://db/x"),
            ("DATABASE_URL", "sqlite://"),
            ("DATABASE_URL", "sqlite://x.db?mode=bogus"),
            ("DATABASE_URL", "postgres://user@/db"),
            ("DATABASE_URL", "postgres://user@host"),
            ("TRELLIS_PUBLIC_URL", "ftp://example.com"),
            ("TRELLIS_PUBLIC_URL", "example.com"),
            ("TRELLIS_PUBLIC_URL", "https://example.com/trellis"),
            ("TRELLIS_BIND_ADDR", "localhost"),
            ("TRELLIS_BIND_ADDR", "127.0.0.1:99999"),
            ("TRELLIS_DEMO", "maybe"),
            ("TRELLIS_LOG_FORMAT", "xml"),
            ("TRELLIS_MASTER_KEY", "c2hvcnQ="),
            ("TRELLIS_SYNC_INTERVAL", "4"),
            ("TRELLIS_SYNC_INTERVAL", "soon"),
            ("TRELLIS_FULL_SYNC_INTERVAL", "-1"),
        ];
        for (variable, value) in cases {
            let error = config(&[(variable, value)]).err();
            assert_eq!(
                error.as_ref().map(|e| e.variable),
                Some(variable),
                "{variable}={value}"
            );
            let message = error.map(|e| e.to_string()).unwrap_or_default();
            assert!(message.starts_with(variable), "{message}");
            assert!(message.contains("Expected"), "{message}");
        }
    }

    #[test]
    fn postgres_urls_are_accepted_and_passwords_never_printed() {
        let c = config(&[(
            "DATABASE_URL",
            "postgres://trellis:s3cret@127.0.0.1:5432/trellis",
        )])
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(c.database, DatabaseUrl::Postgres { .. }));
        assert!(!format!("{:?}", c.database).contains("s3cret"));
        let error = config(&[("DATABASE_URL", "postgres://trellis:s3cret@/")]).err();
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("DATABASE_URL") && !message.contains("s3cret"),
            "{message}"
        );
    }

    #[test]
    fn sqlite_memory_has_no_file() {
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:"),
            Ok(DatabaseUrl::Sqlite {
                url: "sqlite::memory:".into(),
                path: None
            })
        );
    }

    proptest! {
        #[test]
        fn database_url_parsing_never_panics(value in "\\PC{0,60}") {
            let _ = DatabaseUrl::parse(&value);
        }

        #[test]
        fn any_sqlite_file_path_is_accepted(path in "[a-zA-Z0-9_./-]{1,40}") {
            let url = format!("sqlite://{path}?mode=rwc");
            let parsed = DatabaseUrl::parse(&url);
            prop_assert_eq!(parsed, Ok(DatabaseUrl::Sqlite { url: url.clone(), path: Some(PathBuf::from(&path)) }));
        }
    }
}
