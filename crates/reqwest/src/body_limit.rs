//! Reading a response body without buffering more than a limit:
//! [`ResponseTooLarge`].

use std::error::Error as StdError;
use std::fmt;

use bytes::{Bytes, BytesMut};
use http::StatusCode;

/// A response body longer than the transport's
/// [`max_response_bytes`](crate::ReqwestTransportBuilder::max_response_bytes).
///
/// It is the [`source`](std::error::Error::source) of the
/// [`TransportError`](sinch_contacts_port::TransportError) (of kind
/// [`Other`](sinch_contacts_port::TransportErrorKind::Other)) that the
/// transport returns; the body was not buffered beyond the limit.
///
/// ```
/// use sinch_contacts_reqwest::ResponseTooLarge;
///
/// fn describe(error: &sinch_contacts_port::TransportError) -> Option<String> {
///     let too_large = std::error::Error::source(error)?.downcast_ref::<ResponseTooLarge>()?;
///     Some(format!("{} answered more than {} bytes", too_large.status, too_large.limit))
/// }
/// # let _ = describe;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseTooLarge {
    /// The limit, in bytes.
    pub limit: usize,
    /// The status of the refused response.
    pub status: StatusCode,
    /// The `Content-Length` the server announced, if it sent one.
    pub content_length: Option<u64>,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body (status {}) is larger than the limit of {} bytes",
            self.status, self.limit
        )?;
        if let Some(length) = self.content_length {
            write!(f, " (Content-Length: {length})")?;
        }
        Ok(())
    }
}

impl StdError for ResponseTooLarge {}

/// Why a body could not be read: too large, or a reqwest failure.
#[derive(Debug)]
pub(crate) enum BodyError {
    TooLarge(ResponseTooLarge),
    Read(reqwest::Error),
}

/// Reads the body of `response` chunk by chunk, refusing it as soon as it is
/// known to exceed `limit`: at once when `Content-Length` says so, otherwise
/// when the bytes received pass the limit.
pub(crate) async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let content_length = response.content_length();
    let too_large = |status| {
        BodyError::TooLarge(ResponseTooLarge {
            limit,
            status,
            content_length,
        })
    };
    if content_length.is_some_and(|length| length > limit as u64) {
        return Err(too_large(response.status()));
    }
    let capacity = content_length.map_or(0, |length| length as usize);
    let mut body = BytesMut::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        if chunk.len() > limit - body.len() {
            return Err(too_large(response.status()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
