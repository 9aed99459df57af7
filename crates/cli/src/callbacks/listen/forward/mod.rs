//! `callbacks listen --forward-to URL`: what `stripe listen --forward-to` does for Stripe
//! webhooks. A delivery the receiver accepted (size, signature, timestamp, replay guard, parse,
//! and with `--state` the store's commit: it answered 200) is POSTed as it came, the raw body
//! with its `content-type` and its four `x-sinch-webhook-signature*` headers, to the app at
//! URL; the sender gets the app's status and body instead of the receiver's 200, or 502 when
//! the app cannot be reached. A delivery the receiver refused (401, 400, 413, 500, 503) is
//! answered as before and never reaches the app.
//!
//! The line printed for the delivery waits for the app's answer and ends with it
//! (`| forwarded: HTTP 201`, or `| not forwarded: cannot connect to the app: ...; answered
//! 502`; with `--json` a `forwarded` member), see [`mod@hold`]. When the app's answer is not 2xx,
//! the delivery's nonce is released from the replay guard, so that the sender's retry of the
//! same signed body is verified again (and, with `--state`, found in the ledger: not applied
//! twice, but forwarded again).

mod app;
mod hold;

pub use hold::{HeldLine, Holding, hold, holding};

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use sinch_contacts_callbacks::axum_handler::DEFAULT_MAX_BODY_BYTES;
use sinch_contacts_callbacks::store::DeliveryId;
use sinch_contacts_callbacks::{SignatureHeader, Verifier};
use sinch_contacts_reqwest::reqwest;

use crate::error::{CliError, CliResult};
use crate::output::{Output, escape_controls};

/// What the sender gets when the app cannot be reached (never the app's URL).
const BAD_GATEWAY_BODY: &str = "the app this receiver forwards to did not answer\n";

/// Forwards accepted deliveries to the app at one URL.
#[derive(Debug)]
pub struct Forwarder {
    url: String,
    client: reqwest::Client,
    /// A clone of the receiver's verifier: they share the replay guard.
    verifier: Verifier,
    held: hold::Held,
    output: Output,
}

/// What became of a delivery, at the end of its line.
#[derive(Debug)]
enum Outcome {
    /// The app answered with this status (the sender got the same).
    Answered(StatusCode),
    /// The app could not be reached or its answer read: the sender got 502.
    Failed(String),
    /// The receiver did not accept the delivery: it was not forwarded.
    NotForwarded,
    /// The sender went away before the app answered.
    Abandoned,
}

impl Forwarder {
    /// A forwarder to `url` (an absolute http(s) URL, else a usage error) for a receiver
    /// verifying with `verifier`.
    pub fn new(url: &str, verifier: Verifier, output: Output) -> CliResult<Arc<Self>> {
        let parsed = reqwest::Url::parse(url).map_err(|error| {
            CliError::usage(format!("--forward-to `{url}` is not a URL: {error}"))
                .hint("an absolute http(s) URL such as http://127.0.0.1:3000/webhooks")
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(CliError::usage(format!(
                "--forward-to `{url}`: only http and https URLs are forwarded to"
            )));
        }
        Ok(Arc::new(Self {
            url: url.to_owned(),
            client: app::client(url)?,
            verifier,
            held: hold::Held::default(),
            output,
        }))
    }

    /// `router` (the webhook's route) with its deliveries forwarded; `router` itself without a
    /// forwarder.
    pub fn wrap(router: Router, forwarder: Option<&Arc<Self>>) -> Router {
        match forwarder {
            Some(forwarder) => {
                router.route_layer(middleware::from_fn_with_state(forwarder.clone(), forward))
            }
            None => router,
        }
    }

    /// Prints the line of a delivery (or, without one, a line of its own) ending with what
    /// became of it. A closed standard output says nothing: it stops the receiver.
    fn print(&self, line: Option<HeldLine>, outcome: &Outcome) {
        let (text, status, error) = match outcome {
            Outcome::Answered(status) => (
                format!("forwarded: HTTP {}", status.as_u16()),
                Some(status.as_u16()),
                None,
            ),
            Outcome::Failed(reason) => (
                format!("not forwarded: {reason}; answered 502"),
                None,
                Some(reason.as_str()),
            ),
            Outcome::NotForwarded => (
                "not forwarded: the receiver did not accept it".to_owned(),
                None,
                Some("the receiver did not accept it"),
            ),
            Outcome::Abandoned => (
                "not forwarded: the sender went away first".to_owned(),
                None,
                Some("the sender went away first"),
            ),
        };
        let printed = match line {
            Some(HeldLine::Json(mut value)) => {
                if let Some(members) = value.as_object_mut() {
                    members.insert(
                        "forwarded".to_owned(),
                        serde_json::json!({ "to": self.url, "status": status, "error": error }),
                    );
                }
                self.output.json_line(&value)
            }
            // The held line has its controls escaped already.
            Some(HeldLine::Text(line)) => self
                .output
                .text(&format!("{line} | {}", escape_controls(&text))),
            // Nothing was printed for a delivery that was not accepted: nothing to add.
            None if matches!(outcome, Outcome::NotForwarded | Outcome::Abandoned) => Ok(()),
            None if self.output.json => self.output.json_line(
                &serde_json::json!({ "forwarded": { "to": self.url, "status": status, "error": error } }),
            ),
            None => self.output.text(&format!("a delivery | {}", escape_controls(&text))),
        };
        if let Err(error) = printed
            && !error.is_silent()
        {
            crate::output::eprint_line(&format!("warning: cannot print a callback: {error}"));
        }
    }
}

/// The middleware on the webhook's route: reads the body, lets the receiver answer, and
/// forwards what it accepted.
async fn forward(
    State(forwarder): State<Arc<Forwarder>>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let headers = parts.headers.clone();
    let body = match read_body(body).await {
        Ok(body) => body,
        // The receiver reads the same failure, answers it and says why.
        Err(error) => {
            let failing = futures_util::stream::once(async move { Err::<Bytes, _>(error) });
            return next
                .run(Request::from_parts(parts, Body::from_stream(failing)))
                .await;
        }
    };
    let mut in_flight = hold::InFlight::start(forwarder.clone(), DeliveryId::of_body(&body));
    let answer = next
        .run(Request::from_parts(parts, Body::from(body.clone())))
        .await;
    in_flight.take_line();
    if answer.status() != StatusCode::OK {
        in_flight.finish(&Outcome::NotForwarded);
        return answer;
    }
    let sent = app::send(&forwarder.client, &forwarder.url, &headers, body).await;
    let retry_allowed = !matches!(&sent, Ok(answer) if answer.status.is_success());
    if retry_allowed
        && let Some(nonce) = headers
            .get(SignatureHeader::Nonce.name())
            .and_then(|nonce| nonce.to_str().ok())
    {
        forwarder.verifier.release_nonce(nonce);
    }
    match sent {
        Ok(answer) => {
            in_flight.finish(&Outcome::Answered(answer.status));
            let mut response = (answer.status, answer.body).into_response();
            for (name, value) in answer.headers {
                response.headers_mut().insert(name, value);
            }
            response
        }
        Err(reason) => {
            in_flight.finish(&Outcome::Failed(reason));
            (StatusCode::BAD_GATEWAY, BAD_GATEWAY_BODY).into_response()
        }
    }
}

/// The body, read up to one byte past the receiver's limit (a longer one is refused by the
/// receiver with 413 all the same).
async fn read_body(body: Body) -> Result<Bytes, axum::Error> {
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    while let Some(chunk) = stream.next().await {
        read.extend_from_slice(&chunk?);
        if read.len() > DEFAULT_MAX_BODY_BYTES {
            break;
        }
    }
    Ok(Bytes::from(read))
}
