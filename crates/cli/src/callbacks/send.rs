//! `callbacks send`: sign a body like the API does and POST it.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use serde::Serialize;
use sinch_contacts_callbacks::signature_headers;

use crate::callbacks::nonce::new_nonce;
use crate::callbacks::secret::SigningSecret;
use crate::error::{CliError, CliResult, read_file};
use crate::output::Output;
use crate::target::is_loopback;

/// Arguments of `callbacks send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The webhook URL.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// The secret to sign with.
    #[command(flatten)]
    pub secret: SigningSecret,
    /// The body to send, as is.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Serialize)]
struct Sent {
    to: String,
    status: u16,
    nonce: String,
    timestamp: i64,
    response: String,
}

pub async fn run(args: &SendArgs, output: Output) -> CliResult {
    let secret = args.secret.resolve()?.swap_remove(0);
    let body = read_file(&args.file)?;
    let nonce = new_nonce();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| CliError::failure("the system clock is before 1970"))?
        .as_secs() as i64;
    let mut client = sinch_contacts_reqwest::client_builder()
        .map_err(|error| CliError::failure(format!("cannot build an HTTP client: {error}")))?
        .timeout(std::time::Duration::from_secs(30));
    if is_loopback(&args.to) {
        client = client.no_proxy();
    }
    let client = client
        .build()
        .map_err(|error| CliError::failure(format!("cannot build an HTTP client: {error}")))?;
    let mut request = client
        .post(&args.to)
        .header("content-type", "application/json")
        .body(body.clone());
    for (name, value) in signature_headers(&secret, &body, &nonce, timestamp) {
        request = request.header(name, value);
    }
    let response = request.send().await.map_err(|error| {
        CliError::failure(format!("cannot post to {}: {error}", args.to))
            .hint("check --to and that a receiver is listening there")
    })?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let sent = Sent {
        to: args.to.clone(),
        status: status.as_u16(),
        nonce,
        timestamp,
        response: text,
    };
    if output.json {
        output.json_line(&sent)?;
    } else {
        output.text(&format!(
            "sent {} to {}: HTTP {} {}",
            args.file.display(),
            sent.to,
            sent.status,
            sent.response.trim()
        ))?;
    }
    if status.is_success() {
        Ok(())
    } else {
        Err(CliError::failure(format!(
            "the receiver answered HTTP {status}: {}",
            sent.response.trim()
        )))
    }
}
