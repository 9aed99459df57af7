//! [`StoreHandler`]: a [`CallbackHandler`] applying each delivery to a [`CallbackStore`].

use std::future::Future;
use std::sync::Arc;

use super::{CallbackHandler, HandlerError, RetryLater};
use crate::events::Callback;
use crate::store::{Applied, CallbackStore, DeliveryId, StoreError, StoreErrorKind};

type AppliedHook = Arc<dyn Fn(&Callback, &Applied) + Send + Sync>;

/// A [`CallbackHandler`] applying each delivery to a [`CallbackStore`].
///
/// The endpoint answers 200 only after the store committed the delivery's effect and ledger
/// entry. A store whose write queue is full ([`StoreErrorKind::Overloaded`]) is answered 503
/// with `Retry-After` ([`RetryLater`]); any other store failure is a handler error, so the
/// endpoint answers 500. Either way the API delivers the callback again (nothing was committed, and a redelivery of a delivery that was in fact
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
            .map_err(store_failure)?;
        if let Some(hook) = &self.on_applied {
            hook(&callback, &applied);
        }
        Ok(())
    }
}

/// A store error as the endpoint's answer: a full queue is "retry later", the rest a failure.
fn store_failure(error: StoreError) -> HandlerError {
    if error.kind() == StoreErrorKind::Overloaded {
        Box::new(RetryLater::new(OVERLOADED_RETRY_AFTER, error.to_string()))
    } else {
        Box::new(error)
    }
}

/// How long a sender is asked to wait when the store's queue is full.
pub const OVERLOADED_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(1);
