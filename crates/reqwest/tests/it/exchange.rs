//! Requests arrive intact and every response, whatever its status, comes
//! back as it was sent.

use bytes::Bytes;
use sinch_contacts_port::Transport;
use sinch_contacts_reqwest::ReqwestTransport;

use crate::get;
use crate::server::{Server, response};

#[tokio::test]
async fn method_target_headers_and_body_arrive_and_the_response_comes_back() {
    let server = Server::answering(response(
        "201 Created",
        &[("content-type", "application/json"), ("x-reply", "yes")],
        br#"{"id":"01A"}"#,
    ))
    .await;
    let request =
        http::Request::post(server.url("/v1/projects/p%20q/contacts?page_size=2&filter=a%2Cb"))
            .header("authorization", "Bearer tok")
            .header("content-type", "application/json")
            .header("x-custom", "custom value")
            .body(Bytes::from_static(br#"{"display_name":"Ada"}"#))
            .unwrap();

    let transport = ReqwestTransport::new().unwrap();
    let answer = transport.send(request).await.unwrap();

    assert_eq!(answer.status(), 201);
    assert_eq!(answer.headers()["x-reply"], "yes");
    assert_eq!(answer.headers()["content-type"], "application/json");
    assert_eq!(answer.body().as_ref(), br#"{"id":"01A"}"#);

    let received = server.received();
    assert_eq!(received.len(), 1);
    let seen = &received[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(
        seen.target,
        "/v1/projects/p%20q/contacts?page_size=2&filter=a%2Cb"
    );
    assert_eq!(seen.header("authorization"), Some("Bearer tok"));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("x-custom"), Some("custom value"));
    assert_eq!(seen.header("content-length"), Some("22"));
    assert_eq!(seen.body, br#"{"display_name":"Ada"}"#);
}

#[tokio::test]
async fn methods_without_body_and_patch_keep_their_method() {
    let server = Server::answering(response("204 No Content", &[], b"")).await;
    let transport = ReqwestTransport::new().unwrap();
    for method in ["GET", "DELETE", "PATCH"] {
        let request = http::Request::builder()
            .method(method)
            .uri(server.url("/x"))
            .body(Bytes::new())
            .unwrap();
        let answer = transport.send(request).await.unwrap();
        assert_eq!(answer.status(), 204);
        assert!(answer.body().is_empty());
    }
    let methods: Vec<String> = server.received().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "DELETE", "PATCH"]);
}

#[tokio::test]
async fn a_server_error_is_an_ok_response_with_its_body() {
    let body = br#"{"error":{"code":500,"message":"boom","status":"INTERNAL"}}"#;
    let server = Server::answering(response(
        "500 Internal Server Error",
        &[("content-type", "application/json"), ("retry-after", "3")],
        body,
    ))
    .await;
    let transport = ReqwestTransport::new().unwrap();

    let answer = transport.send(get(&server.url("/boom"))).await.unwrap();

    assert_eq!(answer.status(), 500);
    assert_eq!(answer.headers()["retry-after"], "3");
    assert_eq!(answer.body().as_ref(), body);
}

#[tokio::test]
async fn a_redirect_is_returned_not_followed() {
    let server = Server::answering(response(
        "302 Found",
        &[("location", "/elsewhere")],
        b"moved",
    ))
    .await;
    let transport = ReqwestTransport::new().unwrap();

    let answer = transport.send(get(&server.url("/here"))).await.unwrap();

    assert_eq!(answer.status(), 302);
    assert_eq!(answer.headers()["location"], "/elsewhere");
    let targets: Vec<String> = server.received().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/here"]);
}

#[tokio::test]
async fn one_transport_serves_many_requests_over_a_kept_alive_connection() {
    let server = Server::answering(response("200 OK", &[], b"ok")).await;
    let transport = ReqwestTransport::new().unwrap();
    for _ in 0..3 {
        let answer = transport.send(get(&server.url("/again"))).await.unwrap();
        assert_eq!(answer.body().as_ref(), b"ok");
    }
    assert_eq!(server.received().len(), 3);
    assert_eq!(server.connections(), 1);
}
