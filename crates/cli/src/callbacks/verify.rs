//! `callbacks verify`: check a body's signature against the headers it came with.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use sinch_contacts_callbacks::{Verifier, parse};

use crate::callbacks::report::describe_callback;
use crate::callbacks::secret::RotatingSecrets;
use crate::error::{CliError, CliResult, read_file};
use crate::output::{Output, escape_controls};

/// Arguments of `callbacks verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The webhook secrets.
    #[command(flatten)]
    pub secret: RotatingSecrets,
    /// A received header as `name: value` (the four `x-sinch-webhook-signature*` headers); repeat.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Skip the timestamp check (the official SDKs' behaviour); otherwise a timestamp more than 5
    /// minutes away from now is refused.
    #[arg(long)]
    pub no_tolerance: bool,
    /// The body exactly as received.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Serialize)]
struct Verified<'a> {
    file: String,
    valid: bool,
    secret_index: usize,
    nonce: &'a str,
    timestamp: String,
    trigger: Option<String>,
    parse_error: Option<String>,
}

pub fn run(args: &VerifyArgs, output: Output) -> CliResult {
    let headers = parse_headers(&args.headers)?;
    let body = read_file(&args.file)?;
    let secrets = args.secret.resolve()?;
    let mut verifier = Verifier::new(&secrets[0]);
    for secret in &secrets[1..] {
        verifier = verifier.with_secret(secret);
    }
    if args.no_tolerance {
        verifier = verifier.without_timestamp_check();
    }
    let verified = verifier.verify(&headers, &body).map_err(|error| {
        let hint = match error {
            sinch_contacts_callbacks::VerifyError::StaleTimestamp { .. }
            | sinch_contacts_callbacks::VerifyError::FutureTimestamp { .. } => {
                "pass --no-tolerance to check a recorded callback"
            }
            sinch_contacts_callbacks::VerifyError::MissingHeader(_) => {
                "pass each received header with --header 'name: value'"
            }
            _ => "check --secret and that FILE holds the body byte for byte",
        };
        CliError::failure(format!(
            "{}: signature verification failed: {error}",
            args.file.display()
        ))
        .hint(hint)
    })?;
    let parsed = parse(&verified);
    let result = Verified {
        file: args.file.display().to_string(),
        valid: true,
        secret_index: verified.secret_index(),
        nonce: verified.nonce(),
        timestamp: verified.timestamp().to_string(),
        trigger: parsed
            .as_ref()
            .ok()
            .map(|callback| callback.trigger().as_str().to_owned()),
        parse_error: parsed.as_ref().err().map(ToString::to_string),
    };
    if output.json {
        output.json_line(&result)?;
    } else {
        output.text(&format!(
            "valid signature: {} (secret #{}, nonce {}, signed at {})",
            result.file, result.secret_index, result.nonce, result.timestamp
        ))?;
        if let Ok(callback) = &parsed {
            output.text(&escape_controls(&describe_callback(callback).summary))?;
        }
    }
    match parsed {
        Ok(_) => Ok(()),
        Err(error) => Err(CliError::failure(format!(
            "{}: the signature is valid but the body does not parse: {error}",
            args.file.display()
        ))),
    }
}

/// `name: value` pairs, as curl writes them.
fn parse_headers(raw: &[String]) -> CliResult<Vec<(String, String)>> {
    raw.iter()
        .map(|header| {
            header
                .split_once(':')
                .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
                .filter(|(name, _)| !name.is_empty())
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "--header `{header}` is not `name: value` (for example --header 'x-sinch-webhook-signature-nonce: 01FJ...')"
                    ))
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_split_at_the_first_colon() {
        let headers = parse_headers(&["X-Name:  a:b ".to_owned()]).unwrap();
        assert_eq!(headers, [("X-Name".to_owned(), "a:b".to_owned())]);
        assert_eq!(
            parse_headers(&["nocolon".to_owned()])
                .unwrap_err()
                .exit_code(),
            2
        );
    }
}
