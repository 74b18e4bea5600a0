//! Building the HTTP application: state, router and listener.

use crate::{
    config::Config,
    mailer::{self, Delivery},
    routes::{
        block_images, calendar, health, uploads,
        webhooks::{self, WebhookState},
    },
    secrets::MasterKey,
    security, sessions,
    sync::{PortalInvites, SyncRequests},
};
use app::{App, shell, ssr::AppState};
use axum::{Router, middleware, routing::get, serve::ListenerExt};
use leptos::config::LeptosOptions;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use sea_orm::DatabaseConnection;
use std::{
    future::Future,
    net::SocketAddr,
    sync::{Arc, OnceLock},
};
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer,
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

/// A bound, ready-to-run server. `build` binds (port 0 picks a free port, as
/// the tests do); `run_until_stopped` serves until SIGINT/SIGTERM.
pub struct Application {
    listener: TcpListener,
    router: Router,
    local_addr: SocketAddr,
    master_key: Arc<MasterKey>,
    sync_requests: SyncRequests,
    portal_invites: PortalInvites,
}

impl Application {
    /// Resolves the master key (an `InvalidInput` error names the variable
    /// when it cannot), binds, and builds the router.
    pub async fn build(config: &Config, db: DatabaseConnection) -> std::io::Result<Self> {
        let master_key = Arc::new(
            config
                .master_key
                .resolve()
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?,
        );
        let sync_requests = SyncRequests::default();
        let webhooks = WebhookState {
            db: db.clone(),
            master_key: master_key.clone(),
            sync_requests: sync_requests.clone(),
        };
        let listener = TcpListener::bind(config.bind_addr).await?;
        let local_addr = listener.local_addr()?;
        let leptos_options = LeptosOptions::builder()
            .output_name("trellis")
            .site_root(config.site_root.to_string_lossy().as_ref())
            .site_pkg_dir("pkg")
            .site_addr(local_addr)
            .build();
        let delivery = Delivery::new(config.smtp_url.as_ref(), &db)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let outbox = mailer::start(delivery);
        let portal_invites = PortalInvites {
            outbox: outbox.clone(),
            public_url: config.public_url.clone(),
        };
        let greenhouse = crate::integrations::Integrations::shared_with_invites(
            db.clone(),
            master_key.clone(),
            portal_invites.clone(),
        );
        let state = AppState {
            leptos_options,
            db,
            public_url: config.public_url.clone(),
            outbox,
            sign_in_key: Arc::new(master_key.derive("trellis sign-in codes")),
            dev_mailbox: config.uses_dev_mailbox(),
            demo_admin_email: config
                .demo
                .then(|| crate::demo::DEMO_ADMIN_EMAIL.to_owned()),
            greenhouse,
            portal_content: Default::default(),
        };
        Ok(Self {
            router: router(state, webhooks),
            listener,
            local_addr,
            master_key,
            sync_requests,
            portal_invites,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The key stored secrets are sealed with (shared with the sync scheduler).
    pub fn master_key(&self) -> Arc<MasterKey> {
        self.master_key.clone()
    }

    /// Where webhooks ask for syncs; the scheduler drains it.
    pub fn sync_requests(&self) -> SyncRequests {
        self.sync_requests.clone()
    }

    /// Where this server's syncs send portal invites: its mail outbox.
    pub fn portal_invites(&self) -> PortalInvites {
        self.portal_invites.clone()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Leptos streams responses in several writes; without TCP_NODELAY,
        // Nagle's algorithm and delayed ACKs add ~40 ms to each page.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
        });
        // The peer address keys the per-IP sign-in limit.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(stop)
            .await
    }
}

/// The application's page routes, generated once per process. Generating
/// them renders the app with resource loading suppressed through a
/// process-wide flag in leptos_server; a page whose resource is first polled
/// meanwhile waits forever (leptos-rs/leptos#4773). One generation, before
/// any router exists, leaves no such window, however many applications a
/// process builds (the tests build hundreds).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Gzip for the wasm bundle, JavaScript and CSS when the browser accepts
/// it (the portal's wasm shrinks to about a third on the wire). Pages are
/// never compressed: they carry personal data next to text an attacker can
/// choose, which compression would leak through the length (BREACH).
fn static_asset_compression() -> CompressionLayer<impl tower_http::compression::Predicate> {
    const COMPRESSED: [&str; 4] = [
        "application/wasm",
        "text/javascript",
        "application/javascript",
        "text/css",
    ];
    let static_asset = |_: axum::http::StatusCode,
                        _: axum::http::Version,
                        headers: &axum::http::HeaderMap,
                        _: &axum::http::Extensions| {
        headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|essence| COMPRESSED.contains(&essence.trim()))
    };
    CompressionLayer::new()
        .gzip(true)
        .compress_when(static_asset)
}

/// Every route: health check, Greenhouse webhooks, Leptos pages and server
/// functions, static files; CSRF refusal and security headers around all of
/// them (webhooks pass it: Greenhouse sends neither `Origin` nor
/// `Sec-Fetch-Site`, and a browser cannot forge their signature anyway).
pub fn router(state: AppState, webhooks: WebhookState) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let https = state.public_url.scheme() == "https";
    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .merge(webhooks::router(webhooks))
        .merge(uploads::upload_router())
        .merge(block_images::router())
        .merge(calendar::router())
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            sessions::load_sessions,
        ))
        .layer(middleware::from_fn_with_state(
            state.public_url.clone(),
            security::refuse_cross_origin,
        ))
        // Public, immutable images: outside the session middleware's `no-store`.
        .merge(uploads::serve_router());
    for (name, value) in security::common_headers(https) {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    let router = router.layer(static_asset_compression());
    // One structured line per request: method, path, status and latency.
    let trace = TraceLayer::new_for_http()
        // The path only: query strings can hold sign-in tokens.
        .make_span_with(|request: &axum::http::Request<_>| {
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
            )
        })
        .on_request(())
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    router.layer(trace).with_state(state)
}

async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
