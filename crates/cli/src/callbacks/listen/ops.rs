//! The routes beside the webhook for running the receiver as a service: `GET /healthz` (the
//! process answers), `GET /readyz` (the store answers and its queue has room, and the receiver
//! is not draining) and `GET /metrics` (Prometheus text).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sinch_contacts_store::AnyStore;

use super::metrics::Metrics;

/// The paths these routes answer (the webhook's path must be another).
pub const PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// What the routes read.
#[derive(Debug)]
pub struct Ops {
    metrics: Arc<Metrics>,
    store: Option<AnyStore>,
    draining: AtomicBool,
}

impl Ops {
    /// The routes' view of a receiver with these counters and, when durable, this store.
    pub fn new(metrics: Arc<Metrics>, store: Option<AnyStore>) -> Arc<Self> {
        Arc::new(Self {
            metrics,
            store,
            draining: AtomicBool::new(false),
        })
    }

    /// From now on `/readyz` answers 503: the receiver is stopping.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// `/healthz`, `/readyz` and `/metrics`.
    pub fn routes(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/healthz", get(|| async { "ok\n" }))
            .route("/readyz", get(ready))
            .route("/metrics", get(metrics))
            .with_state(self.clone())
    }
}

async fn ready(State(ops): State<Arc<Ops>>) -> Response {
    if ops.draining.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response();
    }
    if let Some(store) = &ops.store {
        if let Err(error) = store.ping().await {
            let text = format!("the store does not answer: {error}\n");
            return (StatusCode::SERVICE_UNAVAILABLE, text).into_response();
        }
        if store.stats().is_full() {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the store's queue is full\n",
            )
                .into_response();
        }
    }
    (StatusCode::OK, "ready\n").into_response()
}

async fn metrics(State(ops): State<Arc<Ops>>) -> Response {
    let stats = ops.store.as_ref().map(AnyStore::stats);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        ops.metrics.render(stats.as_ref()),
    )
        .into_response()
}
