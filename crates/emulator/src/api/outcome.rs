//! What an operation handler returns: an answer and the callbacks it causes, or a failure.

use bytes::Bytes;
use http::Response;

use crate::failure::Failure;
use crate::webhooks::Notification;

/// An answer and the callbacks it causes.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) response: Response<Bytes>,
    pub(crate) notifications: Vec<Notification>,
}

impl Outcome {
    pub(crate) fn new(response: Response<Bytes>, notifications: Vec<Notification>) -> Self {
        Self {
            response,
            notifications,
        }
    }

    /// An answer that causes no callback.
    pub(crate) fn quiet(response: Response<Bytes>) -> Self {
        Self::new(response, Vec::new())
    }
}

/// What an operation handler returns.
pub(crate) type ApiResult = Result<Outcome, Failure>;
