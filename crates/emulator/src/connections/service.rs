//! [`Tracked`]: the caller's service, telling the connection's [`Activity`] when a request
//! starts and when its answer is ready, and giving each body its deadline.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use hyper::body::Incoming;
use hyper::service::Service;

use super::activity::Activity;
use super::body::RequestBody;

/// Wraps one connection's copy of the service.
#[derive(Debug)]
pub(super) struct Tracked<S> {
    inner: S,
    activity: Arc<Activity>,
    body_timeout: Duration,
}

impl<S> Tracked<S> {
    pub(super) fn new(inner: S, activity: Arc<Activity>, body_timeout: Duration) -> Self {
        Self {
            inner,
            activity,
            body_timeout,
        }
    }
}

/// Marks the request finished when dropped: answered, failed or abandoned.
struct Finished(Arc<Activity>);

impl Drop for Finished {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

impl<S, B> Service<Request<Incoming>> for Tracked<S>
where
    S: Service<Request<RequestBody>, Response = Response<B>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<B>, S::Error>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        self.activity.request_started();
        let finished = Finished(self.activity.clone());
        let timeout = self.body_timeout;
        let answer = self
            .inner
            .call(request.map(|body| RequestBody::new(body, timeout)));
        Box::pin(async move {
            let _finished = finished;
            answer.await
        })
    }
}
