//! Integration tests of the reqwest transport against real HTTP servers on
//! 127.0.0.1, written by hand in `server`.

mod body_limit;
mod builder;
mod end_to_end;
mod env;
mod exchange;
mod failures;
mod process_env;
mod server;
mod tls;

use std::time::Duration;

use bytes::Bytes;
use sinch_contacts_port::HttpRequest;
use sinch_contacts_reqwest::ReqwestTransport;

/// A GET request to `url` with no body.
fn get(url: &str) -> HttpRequest {
    http::Request::get(url)
        .body(Bytes::new())
        .expect("valid request")
}

/// A transport with the default (long) timeouts, for tests that expect a
/// failure other than a timeout even on a loaded machine.
fn transport() -> ReqwestTransport {
    ReqwestTransport::new().expect("transport builds")
}

/// A transport with short timeouts, for tests where a server stalls.
fn quick_transport() -> ReqwestTransport {
    ReqwestTransport::builder()
        .connect_timeout(Duration::from_millis(500))
        .timeout(Duration::from_millis(200))
        .build()
        .expect("transport builds")
}
