//! HTTPS against a real TLS server on 127.0.0.1 whose certificate is issued
//! by a CA made in the test: trusted only when that CA is added.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sinch_contacts_port::{Transport, TransportErrorKind};
use sinch_contacts_reqwest::{ReqwestTransport, rustls};
use tokio::io::AsyncWriteExt;
use tokio_rustls::TlsAcceptor;

use crate::get;
use crate::server::{Server, json_ok, read_request};

/// A CA certificate and a server configuration for `127.0.0.1` signed by it.
fn test_pki() -> (CertificateDer<'static>, Arc<rustls::ServerConfig>) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    (ca.der().clone(), Arc::new(config))
}

async fn tls_server(config: Arc<rustls::ServerConfig>) -> Server {
    let acceptor = TlsAcceptor::from(config);
    Server::start(move |stream, log| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(mut stream) = acceptor.accept(stream).await else {
                return;
            };
            while read_request(&mut stream, &log).await.is_some() {
                if stream
                    .write_all(&json_ok(r#"{"over":"tls"}"#))
                    .await
                    .is_err()
                {
                    return;
                }
                let _ = stream.flush().await;
            }
        }
    })
    .await
}

fn https(server: &Server, path: &str) -> String {
    server.url(path).replacen("http://", "https://", 1)
}

#[tokio::test]
async fn an_exchange_over_tls_with_an_added_root() {
    let (ca, config) = test_pki();
    let server = tls_server(config).await;
    let transport = ReqwestTransport::builder()
        .add_root_certificate(ca)
        .build()
        .unwrap();

    let answer = transport
        .send(get(&https(&server, "/secure?x=1")))
        .await
        .unwrap();

    assert_eq!(answer.status(), 200);
    assert_eq!(answer.body().as_ref(), br#"{"over":"tls"}"#);
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].target, "/secure?x=1");
}

#[tokio::test]
async fn an_untrusted_certificate_is_connect_and_not_sent() {
    let (_ca, config) = test_pki();
    let server = tls_server(config).await;
    let transport = ReqwestTransport::new().unwrap();

    let error = transport
        .send(get(&https(&server, "/secure")))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error:?}");
    assert!(!error.may_have_been_sent());
    assert!(server.received().is_empty());
}

#[test]
fn a_root_cannot_be_added_to_a_client_passed_in() {
    let (ca, _config) = test_pki();
    let client = sinch_contacts_reqwest::client_builder()
        .unwrap()
        .build()
        .unwrap();
    let error = ReqwestTransport::builder()
        .client(client)
        .add_root_certificate(ca)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            error,
            sinch_contacts_reqwest::TransportBuildError::InvalidSetting {
                setting: "add_root_certificate",
                ..
            }
        ),
        "{error:?}"
    );
}
