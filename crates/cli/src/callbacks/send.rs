//! `callbacks send`: sign a body like the API does and POST it.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use crate::callbacks::post::post_signed;
use crate::callbacks::secret::SigningSecret;
use crate::error::{CliError, CliResult, read_file};
use crate::output::Output;

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
    let posted = post_signed(&args.to, &secret, &body).await?;
    let status = posted.status;
    let sent = Sent {
        to: args.to.clone(),
        status: status.as_u16(),
        nonce: posted.nonce,
        timestamp: posted.timestamp,
        response: posted.response,
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
