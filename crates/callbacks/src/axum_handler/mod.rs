//! An axum webhook endpoint (feature `axum`): body limit, verify, parse, hand over.

mod rejection;
mod store_handler;

pub use rejection::{RejectReason, Rejected, RetryLater};
pub use store_handler::{OVERLOADED_RETRY_AFTER, StoreHandler};

use std::error::Error as StdError;
use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::events::Callback;
use crate::parse::parse;
use crate::store::DeliveryId;
use crate::verify::Verifier;

/// The error user code returns to refuse a callback (the endpoint then answers 500, or 503 for
/// a [`RetryLater`], and the API delivers the callback again).
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

/// What the endpoint answers with a 503 when the handler asked for a retry later.
pub const RETRY_LATER_BODY: &str = "busy, retry later";

type ErrorHook = Arc<dyn Fn(&HandlerError) + Send + Sync>;
type RejectedHook = Arc<dyn Fn(&Rejected) + Send + Sync>;

/// A webhook endpoint for axum.
///
/// Per request: the body is read up to the limit (else **413**); the signature is verified
/// (else **401**, before any parsing); the body is parsed (else **400**, naming the JSON path
/// and position but quoting nothing of the body); the callback goes to the handler, and the
/// endpoint answers **200** only when the handler returned `Ok`, else **500** with the fixed
/// text [`HANDLER_FAILED_BODY`] so the API delivers it again (the nonce is then released from
/// the replay guard, so the redelivery is not refused as a replay), or **503** with
/// `Retry-After` when the handler returned a [`RetryLater`] (a full write queue, for
/// example). The handler's error is given to the hook set with
/// [`WebhookReceiver::on_handler_error`] and, with the `tracing` feature, logged at error
/// level; every answer other than 200 is given to [`WebhookReceiver::on_rejected`].
///
/// An accepted delivery runs to its end: the handler runs on a task of its own, so a sender
/// that disconnects or times out never cancels it halfway (a store commits or rolls back the
/// whole delivery, and the sender's retry finds it in the ledger).
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
    on_rejected: Option<RejectedHook>,
}

impl<H> std::fmt::Debug for WebhookReceiver<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("verifier", &self.verifier)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("on_handler_error", &self.on_handler_error.is_some())
            .field("on_rejected", &self.on_rejected.is_some())
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
            on_rejected: None,
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

    /// Calls `hook` for every delivery answered with something else than 200: its reason, the
    /// status and a detail that never quotes the body. Use it to log or count refusals (a
    /// wrong secret shows as a run of `unauthorized`).
    pub fn on_rejected(mut self, hook: impl Fn(&Rejected) + Send + Sync + 'static) -> Self {
        self.on_rejected = Some(Arc::new(hook));
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

    fn reject(&self, reason: RejectReason, status: StatusCode, detail: String) {
        if let Some(hook) = &self.on_rejected {
            hook(&Rejected {
                reason,
                status,
                detail,
            });
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
        Err(rejection) => {
            let status = rejection.status();
            let reason = if status == StatusCode::PAYLOAD_TOO_LARGE {
                RejectReason::TooLarge
            } else {
                RejectReason::UnreadableBody
            };
            receiver.reject(reason, status, rejection.body_text());
            return rejection.into_response();
        }
    };
    let verified = match receiver.verifier.verify(&headers, &body) {
        Ok(verified) => verified,
        Err(error) => {
            #[cfg(feature = "tracing")]
            tracing::debug!(error = %error, "callback refused: 401");
            let detail = error.to_string();
            receiver.reject(
                RejectReason::Unauthorized,
                StatusCode::UNAUTHORIZED,
                detail.clone(),
            );
            return (StatusCode::UNAUTHORIZED, detail).into_response();
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
            let brief = error.brief();
            receiver.reject(
                RejectReason::Unparsable,
                StatusCode::BAD_REQUEST,
                brief.to_string(),
            );
            return (StatusCode::BAD_REQUEST, brief).into_response();
        }
    };
    let delivery = DeliveryId::of_body(&body);
    // On a task of its own: if this request is dropped (the sender went away), the handler
    // still runs to its end.
    let handling = tokio::spawn({
        let receiver = receiver.clone();
        async move { receiver.handler.handle_delivery(delivery, callback).await }
    });
    let outcome = match handling.await {
        Ok(outcome) => outcome,
        Err(failed) => Err(HandlerError::from(format!(
            "the callback handler panicked: {failed}"
        ))),
    };
    match outcome {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => {
            receiver.verifier.release_nonce(verified.nonce());
            if let Some(retry) = error.downcast_ref::<RetryLater>() {
                receiver.reject(
                    RejectReason::Overloaded,
                    StatusCode::SERVICE_UNAVAILABLE,
                    retry.to_string(),
                );
                let mut response =
                    (StatusCode::SERVICE_UNAVAILABLE, RETRY_LATER_BODY).into_response();
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry.retry_after_seconds()),
                );
                return response;
            }
            receiver.report_handler_error(&error);
            receiver.reject(
                RejectReason::HandlerFailed,
                StatusCode::INTERNAL_SERVER_ERROR,
                error.to_string(),
            );
            (StatusCode::INTERNAL_SERVER_ERROR, HANDLER_FAILED_BODY).into_response()
        }
    }
}
