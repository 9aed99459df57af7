//! Failures to obtain a response, classified with whether the request may
//! have reached the server.

use std::error::Error as _;
use std::time::Duration;

use sinch_contacts_port::{Transport, TransportError, TransportErrorKind};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

use crate::server::{Server, read_request, stall};
use crate::{get, quick_transport, transport};

/// The cause chain, for failure messages.
fn chain(error: &TransportError) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text.push_str(" <- ");
        text.push_str(&format!("{error:?}"));
        cause = error.source();
    }
    text
}

#[tokio::test]
async fn a_refused_connection_is_connect_and_not_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener); // nothing listens on this port any more

    let error = transport()
        .send(get(&format!("http://{addr}/v1/x")))
        .await
        .unwrap_err();

    assert_eq!(
        error.kind(),
        TransportErrorKind::Connect,
        "{}",
        chain(&error)
    );
    assert!(!error.may_have_been_sent());
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout_that_may_have_been_sent() {
    let server = Server::start(|mut stream, log| async move {
        read_request(&mut stream, &log).await;
        stall(stream).await;
    })
    .await;

    let error = quick_transport()
        .send(get(&server.url("/slow")))
        .await
        .unwrap_err();

    assert_eq!(
        error.kind(),
        TransportErrorKind::Timeout,
        "{}",
        chain(&error)
    );
    assert!(error.may_have_been_sent());
    assert_eq!(
        server.received().len(),
        1,
        "the request did reach the server"
    );
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_a_timeout() {
    let server = Server::start(|mut stream, log| async move {
        read_request(&mut stream, &log).await;
        let head = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789";
        let _ = stream.write_all(head).await;
        stall(stream).await;
    })
    .await;

    let error = quick_transport()
        .send(get(&server.url("/drip")))
        .await
        .unwrap_err();

    assert_eq!(
        error.kind(),
        TransportErrorKind::Timeout,
        "{}",
        chain(&error)
    );
}

#[tokio::test]
async fn a_reset_after_the_request_was_read_may_have_been_sent() {
    let server = Server::start(|mut stream, log| async move {
        read_request(&mut stream, &log).await;
        stream.set_zero_linger().unwrap();
        drop(stream); // RST instead of FIN
    })
    .await;

    let request = http::Request::post(server.url("/v1/projects/p/contacts"))
        .body(bytes::Bytes::from_static(b"{}"))
        .unwrap();
    let error = transport().send(request).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Io, "{}", chain(&error));
    assert!(error.may_have_been_sent());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_may_have_been_sent() {
    let server = Server::start(|mut stream, log| async move {
        read_request(&mut stream, &log).await;
        let _ = stream.shutdown().await; // FIN, no response
    })
    .await;

    let error = transport()
        .send(get(&server.url("/gone")))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Io, "{}", chain(&error));
    assert!(error.may_have_been_sent());
}

#[tokio::test]
async fn a_truncated_body_is_an_io_error() {
    let server = Server::start(|mut stream, log| async move {
        read_request(&mut stream, &log).await;
        let partial = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789";
        let _ = stream.write_all(partial).await;
        let _ = stream.shutdown().await;
    })
    .await;

    let error = transport()
        .send(get(&server.url("/cut")))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Io, "{}", chain(&error));
    assert!(error.may_have_been_sent());
}

#[tokio::test]
async fn a_malformed_response_is_other() {
    let server = Server::start(|mut stream, log| async move {
        read_request(&mut stream, &log).await;
        let _ = stream.write_all(b"this is not HTTP\r\n\r\n").await;
        stall(stream).await;
    })
    .await;

    let error = transport()
        .send(get(&server.url("/junk")))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Other, "{}", chain(&error));
    assert!(error.may_have_been_sent());
}

/// A listener whose accept queue is full drops new connection attempts, so
/// connecting hangs until the connect timeout: the request was never sent.
#[tokio::test]
async fn a_connect_timeout_is_connect_and_not_sent() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    // Fill the accept queue; the listener never accepts.
    let mut fillers = Vec::new();
    for _ in 0..4 {
        let attempt = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await;
        if let Ok(Ok(stream)) = attempt {
            fillers.push(stream);
        }
    }

    let transport = sinch_contacts_reqwest::ReqwestTransport::builder()
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let error = transport
        .send(get(&format!("http://{addr}/v1/x")))
        .await
        .unwrap_err();

    assert_eq!(
        error.kind(),
        TransportErrorKind::Connect,
        "{}",
        chain(&error)
    );
    assert!(!error.may_have_been_sent());
    drop(listener);
}

/// An `https` URL answered by a plain-HTTP server: the TLS handshake fails
/// inside the connector, before any byte of the request is written.
#[tokio::test]
async fn a_failed_tls_handshake_is_connect_and_not_sent() {
    use tokio::io::AsyncReadExt;
    let server = Server::start(|mut stream, _log| async move {
        let mut client_hello = [0u8; 512];
        let _ = stream.read(&mut client_hello).await;
        let _ = stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
            .await;
        let _ = stream.shutdown().await;
    })
    .await;
    let url = server.url("/v1/x").replacen("http://", "https://", 1);

    let error = transport().send(get(&url)).await.unwrap_err();

    assert_eq!(
        error.kind(),
        TransportErrorKind::Connect,
        "{}",
        chain(&error)
    );
    assert!(!error.may_have_been_sent());
    // rustls's word for a reply that is not TLS.
    assert!(
        chain(&error).contains("InvalidMessage"),
        "{}",
        chain(&error)
    );
    assert!(server.received().is_empty());
}
