//! [`FakeTransport`]: records requests, replays scripted answers.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use bytes::Bytes;
use http::StatusCode;
use http::header::CONTENT_TYPE;

use crate::request::copy_request;
use crate::transport::{HttpRequest, HttpResponse, Transport};
use crate::transport_error::TransportError;

type Outcome = Result<HttpResponse, TransportError>;
type BoxedOutcome = Pin<Box<dyn Future<Output = Outcome> + Send + 'static>>;
type Handler = Arc<dyn Fn(HttpRequest) -> BoxedOutcome + Send + Sync>;

/// A JSON response with the given status and body.
///
/// ```
/// let response = sinch_contacts_port::test_util::json_response(404, r#"{"error":{}}"#);
/// assert_eq!(response.status(), 404);
/// ```
pub fn json_response(status: u16, body: &str) -> HttpResponse {
    http::Response::builder()
        .status(StatusCode::from_u16(status).expect("a valid HTTP status"))
        .header(CONTENT_TYPE, "application/json")
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .expect("a valid response")
}

#[derive(Default)]
struct State {
    requests: Vec<HttpRequest>,
    script: VecDeque<Outcome>,
    handler: Option<Handler>,
}

/// An in-memory [`Transport`] for tests.
///
/// Every request is recorded. Each answer is taken from the front of the
/// script ([`push_response`](Self::push_response),
/// [`push_error`](Self::push_error), ...); when the script is empty the
/// handler set with [`set_handler`](Self::set_handler) answers; without one
/// the request fails with a [`TransportError`] of kind `Other`. Clones share
/// their state.
///
/// ```
/// use sinch_contacts_port::test_util::FakeTransport;
/// use sinch_contacts_port::Transport;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let fake = FakeTransport::new();
/// fake.push_json(200, "{}");
/// let response = fake.send(http::Request::new(bytes::Bytes::new())).await.unwrap();
/// assert_eq!(response.body().as_ref(), b"{}");
/// assert_eq!(fake.request_count(), 1);
/// # });
/// ```
#[derive(Clone, Default)]
pub struct FakeTransport {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for FakeTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("FakeTransport")
            .field("recorded", &state.requests.len())
            .field("scripted", &state.script.len())
            .field("has_handler", &state.handler.is_some())
            .finish()
    }
}

impl FakeTransport {
    /// An empty fake.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a response.
    pub fn push_response(&self, response: HttpResponse) -> &Self {
        self.lock().script.push_back(Ok(response));
        self
    }

    /// Queues a JSON response.
    pub fn push_json(&self, status: u16, body: &str) -> &Self {
        self.push_response(json_response(status, body))
    }

    /// Queues a transport failure.
    pub fn push_error(&self, error: TransportError) -> &Self {
        self.lock().script.push_back(Err(error));
        self
    }

    /// Answers requests once the script is empty.
    pub fn set_handler<F, Fut>(&self, handler: F) -> &Self
    where
        F: Fn(HttpRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        self.lock().handler = Some(Arc::new(move |request| Box::pin(handler(request))));
        self
    }

    /// Copies of all requests received so far, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.lock().requests.iter().map(copy_request).collect()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// How many scripted answers are left.
    pub fn remaining(&self) -> usize {
        self.lock().script.len()
    }
}

#[async_trait]
impl Transport for FakeTransport {
    async fn send(&self, request: HttpRequest) -> Outcome {
        let next = {
            let mut state = self.lock();
            state.requests.push(copy_request(&request));
            match state.script.pop_front() {
                Some(outcome) => Ok(outcome),
                None => Err(state.handler.clone()),
            }
        };
        match next {
            Ok(outcome) => outcome,
            Err(Some(handler)) => handler(request).await,
            Err(None) => Err(TransportError::other(format!(
                "FakeTransport has no answer left for {} {}",
                request.method(),
                request.uri()
            ))),
        }
    }
}
