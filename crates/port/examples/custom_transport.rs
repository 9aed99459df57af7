//! A `Transport` over ureq, a blocking HTTP client, run on Tokio's blocking
//! pool. Usage (against a local server or emulator, never a default host):
//! `cargo run -p sinch-contacts-port --example custom_transport -- http://127.0.0.1:8080`
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use sinch_contacts_port::{
    Auth, ContactsClient, HttpRequest, HttpResponse, Transport, TransportError,
};

#[derive(Debug, Clone)]
struct UreqTransport {
    agent: ureq::Agent,
}

impl UreqTransport {
    fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false) // non-2xx is a response, not an error
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .build();
        Self {
            agent: ureq::Agent::new_with_config(config),
        }
    }
}

fn map_error(error: ureq::Error) -> TransportError {
    match &error {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => TransportError::connect(error),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            TransportError::connect(error)
        }
        ureq::Error::Timeout(_) => TransportError::timeout(error),
        ureq::Error::Io(_) => TransportError::io(error),
        _ => TransportError::other(error),
    }
}

#[async_trait]
impl Transport for UreqTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let agent = self.agent.clone();
        let blocking = tokio::task::spawn_blocking(move || {
            let (parts, body) = request.into_parts();
            let request = http::Request::from_parts(parts, body.to_vec());
            let mut response = agent.run(request).map_err(map_error)?;
            let body = response.body_mut().read_to_vec().map_err(map_error)?;
            let (parts, _) = response.into_parts();
            Ok(http::Response::from_parts(parts, Bytes::from(body)))
        });
        blocking.await.map_err(TransportError::other)?
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(base_url) = std::env::args().nth(1) else {
        eprintln!("usage: custom_transport http://127.0.0.1:PORT");
        return Ok(());
    };
    let client = ContactsClient::builder(UreqTransport::new(), "demo-project")
        .base_url(base_url)
        .auth(Auth::basic("demo-key-id", "demo-key-secret"))
        .build()?;
    let page = client.list(Default::default()).await?;
    for contact in page.contacts {
        println!(
            "{} {:?}",
            contact.id.unwrap_or_default(),
            contact.display_name
        );
    }
    Ok(())
}
