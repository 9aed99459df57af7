//! Bodies above `max_response_bytes` are refused with `ResponseTooLarge`
//! without waiting for (or buffering) the rest.

use std::error::Error as _;
use std::time::Duration;

use sinch_contacts_port::{Transport, TransportError, TransportErrorKind};
use sinch_contacts_reqwest::{ReqwestTransport, ResponseTooLarge};
use tokio::io::AsyncWriteExt;

use crate::get;
use crate::server::{Server, read_request, response, stall};

const LIMIT: usize = 1024;

/// A transport with a 1 KiB cap and a timeout long enough that a transport
/// waiting for the whole body would time out instead of refusing it.
fn capped() -> ReqwestTransport {
    ReqwestTransport::builder()
        .max_response_bytes(LIMIT)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn too_large(error: &TransportError) -> &ResponseTooLarge {
    error
        .source()
        .and_then(|source| source.downcast_ref::<ResponseTooLarge>())
        .unwrap_or_else(|| panic!("not ResponseTooLarge: {error:?}"))
}

/// One chunk of `chunked` transfer encoding.
fn chunk(data: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{:x}\r\n", data.len()).into_bytes();
    bytes.extend_from_slice(data);
    bytes.extend_from_slice(b"\r\n");
    bytes
}

#[tokio::test]
async fn a_declared_length_above_the_cap_is_refused_before_the_body_arrives() {
    // Announces a million bytes, sends ten, then stalls: only a transport
    // that trusts Content-Length answers before its 5 s timeout.
    let server = Server::start(|mut stream, log| async move {
        read_request(&mut stream, &log).await;
        let head = b"HTTP/1.1 200 OK\r\ncontent-length: 1000000\r\n\r\n0123456789";
        let _ = stream.write_all(head).await;
        stall(stream).await;
    })
    .await;

    let error = capped().send(get(&server.url("/huge"))).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Other);
    assert!(error.may_have_been_sent());
    let refused = too_large(&error);
    assert_eq!(refused.limit, 1024);
    assert_eq!(refused.content_length, Some(1_000_000));
    assert_eq!(refused.status, 200);
    assert_eq!(
        refused.to_string(),
        "the response body (status 200 OK) is larger than the limit of 1024 bytes \
         (Content-Length: 1000000)"
    );
}

#[tokio::test]
async fn a_chunked_body_is_refused_once_it_passes_the_cap() {
    // 2 KiB in chunks, then a stall without the final chunk.
    let server = Server::start(|mut stream, log| async move {
        read_request(&mut stream, &log).await;
        let mut bytes =
            b"HTTP/1.1 500 Internal Server Error\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..8 {
            bytes.extend(chunk(&[b'x'; 256]));
        }
        let _ = stream.write_all(&bytes).await;
        stall(stream).await;
    })
    .await;

    let error = capped()
        .send(get(&server.url("/stream")))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Other);
    let refused = too_large(&error);
    assert_eq!(refused.limit, 1024);
    assert_eq!(refused.content_length, None);
    assert_eq!(refused.status, 500);
}

#[tokio::test]
async fn a_body_of_exactly_the_cap_is_accepted_one_more_byte_is_not() {
    let exact = Server::answering(response("200 OK", &[], &[b'a'; LIMIT])).await;
    let answer = capped().send(get(&exact.url("/exact"))).await.unwrap();
    assert_eq!(answer.body().len(), 1024);

    let over = Server::answering(response("200 OK", &[], &[b'a'; LIMIT + 1])).await;
    let error = capped().send(get(&over.url("/over"))).await.unwrap_err();
    assert_eq!(too_large(&error).content_length, Some(1025));
}

#[tokio::test]
async fn chunked_bodies_at_and_just_over_the_cap() {
    fn chunked_server(
        total: usize,
    ) -> impl Fn(
        tokio::net::TcpStream,
        crate::server::Log,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
    + Send
    + Sync
    + 'static {
        move |mut stream, log| {
            Box::pin(async move {
                read_request(&mut stream, &log).await;
                let mut bytes = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
                // 100-byte chunks and a remainder, then the terminating chunk.
                let mut left = total;
                while left > 0 {
                    let size = left.min(100);
                    bytes.extend(chunk(&vec![b'c'; size]));
                    left -= size;
                }
                bytes.extend_from_slice(b"0\r\n\r\n");
                let _ = stream.write_all(&bytes).await;
                stall(stream).await;
            })
        }
    }

    let at_cap = Server::start(chunked_server(LIMIT)).await;
    let answer = capped().send(get(&at_cap.url("/at"))).await.unwrap();
    assert_eq!(answer.body().as_ref(), &[b'c'; LIMIT][..]);

    let over_cap = Server::start(chunked_server(LIMIT + 1)).await;
    let error = capped()
        .send(get(&over_cap.url("/over")))
        .await
        .unwrap_err();
    assert_eq!(too_large(&error).content_length, None);
}

#[tokio::test]
async fn the_default_cap_is_four_mebibytes() {
    let transport = ReqwestTransport::new().unwrap();
    assert_eq!(transport.max_response_bytes(), 4 * 1024 * 1024);
    let body = vec![b'z'; 4 * 1024 * 1024];
    let server = Server::answering(response("200 OK", &[], &body)).await;
    let answer = transport.send(get(&server.url("/big"))).await.unwrap();
    assert_eq!(answer.body().len(), body.len());
}
