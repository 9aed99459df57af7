//! An axum webhook endpoint (feature `axum`): body limit, verify, parse, hand over.

use std::error::Error as StdError;
use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::events::Callback;
use crate::parse::parse;
use crate::store::{Applied, CallbackStore, DeliveryId};
use crate::verify::Verifier;

/// The error user code returns to refuse a callback (the endpoint then answers 500, and the
/// API delivers the callback again).
pub type HandlerError = Box<dyn StdError + Send + Sync>;

/// The default body limit: 1 MiB (callbacks are a few KiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// User code that receives verified, parsed callbacks.
///
/// Implemented for async closures `Fn(Callback) -> impl Future<Output = Result<(), E>>`; implement
/// it on your own type when the handler holds state.
pub trait CallbackHandler: Send + Sync + 'static {
    /// Processes one callback. `Err` makes the endpoint answer 500 so the API redelivers.
    fn handle(&self, callback: Callback) -> impl Future<Output = Result<(), HandlerError>> + Send;

    /// Processes one callback knowing its delivery id ([`DeliveryId::of_body`] of the raw
    /// body). The endpoint calls this method; the default forwards to
    /// [`handle`](CallbackHandler::handle). [`StoreHandler`] uses the id as its ledger key.
    fn handle_delivery(
        &self,
        delivery: DeliveryId,
        callback: Callback,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send {
        let _ = delivery;
        self.handle(callback)
    }
}

impl<F, Fut, E> CallbackHandler for F
where
    F: Fn(Callback) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send,
    E: Into<HandlerError>,
{
    fn handle(&self, callback: Callback) -> impl Future<Output = Result<(), HandlerError>> + Send {
        let future = self(callback);
        async move { future.await.map_err(Into::into) }
    }
}

/// What the endpoint answers with a 500 when the handler failed. Fixed: the handler's error
/// text (which may name a database URL, a password, a host) never reaches the sender; it goes
/// to the error hook ([`WebhookReceiver::on_handler_error`]) and, with the `tracing` feature,
/// to the log.
pub const HANDLER_FAILED_BODY: &str = "callback handler failed";

type ErrorHook = Arc<dyn Fn(&HandlerError) + Send + Sync>;

/// A webhook endpoint for axum.
///
/// Per request: the body is read up to the limit (else **413**); the signature is verified
/// (else **401**, before any parsing); the body is parsed (else **400**, naming the JSON path
/// and position but quoting nothing of the body); the callback goes to the handler, and the
/// endpoint answers **200** only when the handler returned `Ok`, else **500** with the fixed
/// text [`HANDLER_FAILED_BODY`] so the API delivers it again (the nonce is then released from
/// the replay guard, so the redelivery is not refused as a replay). The handler's error is
/// given to the hook set with [`WebhookReceiver::on_handler_error`] and, with the `tracing`
/// feature, logged at error level.
///
/// ```
/// use sinch_contacts_callbacks::axum_handler::WebhookReceiver;
/// use sinch_contacts_callbacks::{Callback, Verifier};
///
/// let app: axum::Router = WebhookReceiver::new(Verifier::new("secret"), |callback: Callback| async move {
///     println!("{}", callback.trigger());
///     Ok::<(), std::io::Error>(())
/// })
/// .max_body_bytes(64 * 1024)
/// .on_handler_error(|error| eprintln!("callback not processed: {error}"))
/// .router("/sinch/callbacks");
/// # let _ = app;
/// ```
pub struct WebhookReceiver<H> {
    verifier: Verifier,
    handler: H,
    max_body_bytes: usize,
    on_handler_error: Option<ErrorHook>,
}

impl<H> std::fmt::Debug for WebhookReceiver<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("verifier", &self.verifier)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("on_handler_error", &self.on_handler_error.is_some())
            .finish_non_exhaustive()
    }
}

impl<H: CallbackHandler> WebhookReceiver<H> {
    /// An endpoint verifying with `verifier` and handing callbacks to `handler`.
    pub fn new(verifier: Verifier, handler: H) -> Self {
        Self {
            verifier,
            handler,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            on_handler_error: None,
        }
    }

    /// Sets the body size limit in bytes.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Calls `hook` with the handler's error whenever the handler fails (the sender only
    /// gets [`HANDLER_FAILED_BODY`]). Use it to log or count failures.
    pub fn on_handler_error(
        mut self,
        hook: impl Fn(&HandlerError) + Send + Sync + 'static,
    ) -> Self {
        self.on_handler_error = Some(Arc::new(hook));
        self
    }

    /// A router answering `POST path`.
    pub fn router(self, path: &str) -> Router {
        let limit = self.max_body_bytes;
        Router::new()
            .route(path, post(receive::<H>))
            .layer(DefaultBodyLimit::max(limit))
            .with_state(Arc::new(self))
    }

    fn report_handler_error(&self, error: &HandlerError) {
        #[cfg(feature = "tracing")]
        tracing::error!(error = %error, "callback handler failed; answered 500");
        if let Some(hook) = &self.on_handler_error {
            hook(error);
        }
    }
}

async fn receive<H: CallbackHandler>(
    State(receiver): State<Arc<WebhookReceiver<H>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    let verified = match receiver.verifier.verify(&headers, &body) {
        Ok(verified) => verified,
        Err(error) => {
            #[cfg(feature = "tracing")]
            tracing::debug!(error = %error, "callback refused: 401");
            return (StatusCode::UNAUTHORIZED, error.to_string()).into_response();
        }
    };
    let callback = match parse(&verified) {
        Ok(callback) => callback,
        Err(error) => {
            // The body was authentic but is not processable: release the nonce so a corrected
            // redelivery is not refused, and say where it is wrong without quoting the body.
            receiver.verifier.release_nonce(verified.nonce());
            #[cfg(feature = "tracing")]
            tracing::warn!(error = %error, "signed callback does not parse: 400");
            return (StatusCode::BAD_REQUEST, error.brief()).into_response();
        }
    };
    let delivery = DeliveryId::of_body(&body);
    match receiver.handler.handle_delivery(delivery, callback).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => {
            receiver.verifier.release_nonce(verified.nonce());
            receiver.report_handler_error(&error);
            (StatusCode::INTERNAL_SERVER_ERROR, HANDLER_FAILED_BODY).into_response()
        }
    }
}

type AppliedHook = Arc<dyn Fn(&Callback, &Applied) + Send + Sync>;

/// A [`CallbackHandler`] applying each delivery to a [`CallbackStore`].
///
/// The endpoint answers 200 only after the store committed the delivery's effect and ledger
/// entry; a store failure is a handler error, so the endpoint answers 500 and the API delivers
/// the callback again (nothing was committed, and a redelivery of a delivery that was in fact
/// committed is recognized by the ledger and changes nothing). The ledger key is
/// [`DeliveryId::of_body`] of the raw body.
///
/// ```
/// use std::sync::Arc;
/// use sinch_contacts_callbacks::axum_handler::{StoreHandler, WebhookReceiver};
/// use sinch_contacts_callbacks::store::MemoryStore;
/// use sinch_contacts_callbacks::Verifier;
///
/// let store = Arc::new(MemoryStore::new());
/// let app: axum::Router = WebhookReceiver::new(
///     Verifier::new("secret"),
///     StoreHandler::new(store.clone()).on_applied(|callback, applied| {
///         println!("{}: {applied:?}", callback.trigger());
///     }),
/// )
/// .router("/sinch/callbacks");
/// # let _ = app;
/// ```
pub struct StoreHandler<S> {
    store: Arc<S>,
    on_applied: Option<AppliedHook>,
}

impl<S> std::fmt::Debug for StoreHandler<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreHandler")
            .field("on_applied", &self.on_applied.is_some())
            .finish_non_exhaustive()
    }
}

impl<S: CallbackStore> StoreHandler<S> {
    /// A handler applying deliveries to `store`.
    pub fn new(store: Arc<S>) -> Self {
        Self {
            store,
            on_applied: None,
        }
    }

    /// Calls `hook` after each committed delivery (e.g. to answer a HELP keyword or log an
    /// opt-out). The hook runs after the commit, so the state it sees is durable.
    pub fn on_applied(
        mut self,
        hook: impl Fn(&Callback, &Applied) + Send + Sync + 'static,
    ) -> Self {
        self.on_applied = Some(Arc::new(hook));
        self
    }

    /// The store.
    pub fn store(&self) -> &Arc<S> {
        &self.store
    }
}

impl<S: CallbackStore> CallbackHandler for StoreHandler<S> {
    /// Without the raw body, the delivery id is the hash of the callback re-serialized.
    fn handle(&self, callback: Callback) -> impl Future<Output = Result<(), HandlerError>> + Send {
        let body = serde_json::to_vec(&callback);
        async move {
            let body = body.map_err(|error| -> HandlerError { Box::new(error) })?;
            self.handle_delivery(DeliveryId::of_body(&body), callback)
                .await
        }
    }

    async fn handle_delivery(
        &self,
        delivery: DeliveryId,
        callback: Callback,
    ) -> Result<(), HandlerError> {
        let applied = self
            .store
            .apply(&delivery, &callback)
            .await
            .map_err(|error| -> HandlerError { Box::new(error) })?;
        if let Some(hook) = &self.on_applied {
            hook(&callback, &applied);
        }
        Ok(())
    }
}
