//! Shared helpers: clients on the emulator, contact builders, a small HTTP client and a webhook
//! receiver, both on 127.0.0.1.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use sinch_contacts_emulator::Emulator;
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactCreateRequest, ContactLanguage, ConversationChannel,
};
use sinch_contacts_port::{Auth, ContactsClient, RetryPolicy};
use tokio::net::TcpListener;

/// A client over the in-process transport, Basic auth, no retries.
pub fn client(emulator: &Emulator) -> ContactsClient {
    client_with(
        emulator,
        Auth::basic(emulator.key_id(), emulator.key_secret()),
        RetryPolicy::disabled(),
    )
}

/// A client over the in-process transport with this auth and retry policy.
pub fn client_with(emulator: &Emulator, auth: Auth, retry: RetryPolicy) -> ContactsClient {
    ContactsClient::builder(emulator.transport(), emulator.project_id())
        .base_url("http://emulator.invalid")
        .auth(auth)
        .retry_policy(retry)
        .build()
        .expect("a valid client configuration")
}

/// OAuth2 against the in-process token endpoint (any host; the emulator reads the path).
pub fn oauth2(emulator: &Emulator) -> Auth {
    Auth::oauth2(emulator.key_id(), emulator.key_secret())
        .with_token_url("http://emulator.invalid/oauth2/token")
}

/// A create request with one SMS identity.
pub fn sms(phone: &str) -> ContactCreateRequest {
    ContactCreateRequest::new(
        vec![ChannelIdentity::new(ConversationChannel::Sms, phone)],
        ContactLanguage::EnUs,
    )
}

/// A create request with these identities.
pub fn with_identities(identities: &[(ConversationChannel, &str)]) -> ContactCreateRequest {
    ContactCreateRequest::new(
        identities
            .iter()
            .map(|(channel, identity)| ChannelIdentity::new(channel.clone(), *identity))
            .collect::<Vec<_>>(),
        ContactLanguage::EnUs,
    )
}

/// The id of a contact the emulator returned.
pub fn id(contact: &Contact) -> String {
    contact.id.clone().expect("the emulator assigns ids")
}

/// An HTTP answer as received.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// Sends one request over a real connection; `Err` when the connection ends without answer.
pub async fn http(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<Answer, String> {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(0)
        .build_http();
    let mut builder = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder
        .body(Full::new(Bytes::from(body.to_owned())))
        .expect("a valid request");
    let response = client
        .request(request)
        .await
        .map_err(|error| format!("{error:?}"))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|error| error.to_string())?
        .to_bytes();
    Ok(Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    })
}

/// `Basic base64(key:secret)` of the emulator's key, written out by hand.
pub fn basic_header(emulator: &Emulator) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        emulator.key_id(),
        emulator.key_secret()
    ));
    format!("Basic {encoded}")
}

/// A callback as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON callback")
    }
}

/// A webhook receiver on 127.0.0.1 that records every request and answers the scripted
/// statuses in order, then 200.
#[derive(Clone)]
pub struct Receiver {
    pub address: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub async fn start(script: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("a local address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(
            script.iter().copied().collect::<VecDeque<u16>>(),
        ));
        let (record, statuses) = (received.clone(), script.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (record, statuses) = (record.clone(), statuses.clone());
                let service = service_fn(move |request: Request<Incoming>| {
                    let (record, statuses) = (record.clone(), statuses.clone());
                    async move {
                        let (parts, body) = request.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(|collected| collected.to_bytes())
                            .unwrap_or_default();
                        let headers = parts
                            .headers
                            .iter()
                            .map(|(name, value)| {
                                (
                                    name.as_str().to_owned(),
                                    value.to_str().unwrap_or_default().to_owned(),
                                )
                            })
                            .collect();
                        record.lock().unwrap().push(Received { headers, body });
                        let status = statuses.lock().unwrap().pop_front().unwrap_or(200);
                        let mut response = Response::new(Full::new(Bytes::new()));
                        *response.status_mut() = StatusCode::from_u16(status).unwrap();
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        Self { address, received }
    }

    pub fn url(&self) -> String {
        format!("http://{}/callbacks", self.address)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Waits for the emulator's deliveries to finish (bounded; the bound is not a timing assertion).
pub async fn settle(emulator: &Emulator) {
    assert!(
        emulator.wait_for_deliveries(Duration::from_secs(20)).await,
        "deliveries still running after 20 s"
    );
}
