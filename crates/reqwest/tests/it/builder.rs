//! Builder settings: defaults, invalid settings, and a client passed in.

use std::time::Duration;

use sinch_contacts_port::{Transport, TransportErrorKind};
use sinch_contacts_reqwest::{ReqwestTransport, TransportBuildError, client_builder};

use crate::get;
use crate::server::{Server, json_ok, response};

fn invalid_setting(error: TransportBuildError) -> &'static str {
    match error {
        TransportBuildError::InvalidSetting { setting, .. } => setting,
        other => panic!("expected InvalidSetting, got {other:?}"),
    }
}

#[test]
fn defaults_are_documented_values() {
    let transport = ReqwestTransport::new().unwrap();
    assert_eq!(transport.timeout(), Duration::from_secs(30));
    assert_eq!(transport.max_response_bytes(), 4 * 1024 * 1024);
    assert_eq!(
        sinch_contacts_reqwest::DEFAULT_CONNECT_TIMEOUT,
        Duration::from_secs(10)
    );
}

#[test]
fn zero_timeouts_and_a_zero_cap_are_refused() {
    let zero = Duration::ZERO;
    let error = ReqwestTransport::builder()
        .timeout(zero)
        .build()
        .unwrap_err();
    assert_eq!(invalid_setting(error), "timeout");
    let error = ReqwestTransport::builder()
        .connect_timeout(zero)
        .build()
        .unwrap_err();
    assert_eq!(invalid_setting(error), "connect_timeout");
    let error = ReqwestTransport::builder()
        .max_response_bytes(0)
        .build()
        .unwrap_err();
    assert_eq!(invalid_setting(error), "max_response_bytes");
}

#[test]
fn a_connect_timeout_cannot_be_applied_to_a_client_passed_in() {
    let client = client_builder().unwrap().build().unwrap();
    let error = ReqwestTransport::builder()
        .client(client)
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert_eq!(invalid_setting(error), "connect_timeout");
}

#[tokio::test]
async fn a_client_passed_in_is_used_with_the_transports_timeout() {
    // The client itself has no timeout; the transport's applies per request.
    let server = Server::start(|mut stream, log| async move {
        crate::server::read_request(&mut stream, &log).await;
        crate::server::stall(stream).await;
    })
    .await;
    let client = client_builder().unwrap().build().unwrap();
    let transport = ReqwestTransport::builder()
        .client(client)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let error = transport.send(get(&server.url("/slow"))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Timeout);
}

#[tokio::test]
async fn a_client_passed_in_that_follows_redirects_is_refused() {
    let target = Server::answering(json_ok("{}")).await;
    let redirecting = Server::answering(response(
        "307 Temporary Redirect",
        &[("location", &target.url("/moved"))],
        b"",
    ))
    .await;
    let client = client_builder()
        .unwrap()
        .redirect(sinch_contacts_reqwest::reqwest::redirect::Policy::limited(
            3,
        ))
        .build()
        .unwrap();
    let transport = ReqwestTransport::builder().client(client).build().unwrap();

    let error = transport
        .send(get(&redirecting.url("/start")))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Other);
    let cause = std::error::Error::source(&error).unwrap().to_string();
    assert!(cause.contains("followed a redirect"), "{cause}");
    assert!(cause.contains(&target.url("/moved")), "{cause}");
}
