//! How a [`reqwest::Error`] becomes a [`TransportError`], including whether
//! the request may have reached the server.

use std::error::Error as StdError;

use sinch_contacts_port::TransportError;

/// Classifies a failure to obtain a response (or to read its body).
///
/// | reqwest says | kind | may have been sent |
/// |---|---|---|
/// | `is_connect()` (DNS, refused, TLS handshake, connect timeout) | `Connect` | no |
/// | `is_timeout()` (the whole-request timeout, a socket timeout) | `Timeout` | yes |
/// | an I/O error, or a connection closed or canceled mid-exchange | `Io` | yes |
/// | anything else (a malformed response, a builder error) | `Other` | yes |
///
/// `is_connect()` is checked first: reqwest reports a connect timeout as both
/// connect and timeout, and a connection that never opened carried nothing.
/// It is true only for failures of the connector or of taking a connection
/// from the pool, before any byte of the request is written.
pub(crate) fn classify(error: reqwest::Error) -> TransportError {
    if error.is_connect() {
        TransportError::connect(error)
    } else if error.is_timeout() {
        TransportError::timeout(error)
    } else if broke_mid_exchange(&error) {
        TransportError::io(error)
    } else {
        TransportError::other(error)
    }
}

/// Whether the cause chain holds an I/O error or a connection that hyper
/// saw closed, canceled or cut short.
fn broke_mid_exchange(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(error) = cause {
        if error.is::<std::io::Error>() {
            return true;
        }
        if let Some(hyper) = error.downcast_ref::<hyper::Error>()
            && (hyper.is_incomplete_message()
                || hyper.is_closed()
                || hyper.is_canceled()
                || hyper.is_body_write_aborted())
        {
            return true;
        }
        cause = error.source();
    }
    false
}
