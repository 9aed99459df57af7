//! The [`Transport`] trait: the one thing a user implements to plug in an HTTP stack.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::transport_error::TransportError;

/// An HTTP request with a fully buffered body, as handed to a [`Transport`].
pub type HttpRequest = http::Request<bytes::Bytes>;

/// An HTTP response with a fully buffered body, as returned by a [`Transport`].
pub type HttpResponse = http::Response<bytes::Bytes>;

/// Moves one HTTP request to the server and brings back its response.
///
/// A transport does only that: the client has already added the base URL, the
/// `authorization` header and the body; it applies retries and parses errors.
/// Any non-2xx status is a normal `Ok` response, not an error: return `Err` only
/// when no response was obtained. The transport owns TLS, proxies, connection
/// pooling and timeouts, and should not follow redirects.
///
/// The trait is object safe; the client stores it as `Arc<dyn Transport>`.
///
/// ```
/// use sinch_contacts_port::{HttpRequest, HttpResponse, Transport, TransportError};
///
/// #[derive(Debug)]
/// struct AlwaysEmpty;
///
/// #[async_trait::async_trait]
/// impl Transport for AlwaysEmpty {
///     async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
///         Ok(http::Response::new(bytes::Bytes::from_static(b"{}")))
///     }
/// }
///
/// let transport: std::sync::Arc<dyn Transport> = std::sync::Arc::new(AlwaysEmpty);
/// # let _ = transport;
/// ```
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response, whatever its status.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Box<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

/// A [`Transport`] made from a closure; see [`transport_fn`].
#[derive(Clone)]
pub struct TransportFn<F> {
    function: F,
}

impl<F> fmt::Debug for TransportFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportFn").finish_non_exhaustive()
    }
}

#[async_trait]
impl<F, Fut> Transport for TransportFn<F>
where
    F: Fn(HttpRequest) -> Fut + Send + Sync,
    Fut: Future<Output = Result<HttpResponse, TransportError>> + Send + 'static,
{
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (self.function)(request).await
    }
}

/// Turns an async closure into a [`Transport`], for quick plugs and tests.
///
/// ```
/// use sinch_contacts_port::{transport_fn, Transport};
///
/// let transport = transport_fn(|request| async move {
///     assert_eq!(request.method(), http::Method::GET);
///     Ok(http::Response::new(bytes::Bytes::from_static(b"{}")))
/// });
/// # let _: &dyn Transport = &transport;
/// ```
pub fn transport_fn<F, Fut>(function: F) -> TransportFn<F>
where
    F: Fn(HttpRequest) -> Fut + Send + Sync,
    Fut: Future<Output = Result<HttpResponse, TransportError>> + Send + 'static,
{
    TransportFn { function }
}
