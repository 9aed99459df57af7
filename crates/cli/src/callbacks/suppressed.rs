//! `callbacks suppressed --state FILE`: the identities opted out in a `listen --state` file,
//! streamed, or `--check CHANNEL IDENTITY` for one identity (exit 0 may be messaged, 1
//! suppressed).

use clap::Args;
use futures_util::StreamExt;
use serde::Serialize;
use sinch_contacts_model::ConversationChannel;
use sinch_contacts_store::CallbackStore;

use crate::callbacks::listen::open_state;
use crate::error::{CliError, CliResult};
use crate::identity::parse_channel;
use crate::output::{Output, escape_controls};

/// Arguments of `callbacks suppressed`.
#[derive(Debug, Args)]
pub struct SuppressedArgs {
    /// The state `callbacks listen --state` writes: a SQLite file or a PostgreSQL URL.
    #[arg(long, value_name = "FILE|URL")]
    pub state: String,
    /// List only this channel (default: every channel).
    #[arg(long, value_name = "C", conflicts_with = "check")]
    pub channel: Option<String>,
    /// Check one identity instead of listing: exit 0 if it may be messaged, 1 if suppressed.
    #[arg(long, num_args = 2, value_names = ["CHANNEL", "IDENTITY"])]
    pub check: Option<Vec<String>>,
}

/// One suppressed identity, as a JSON line.
#[derive(Debug, Serialize)]
struct Suppressed<'a> {
    channel: &'a str,
    identity: &'a str,
}

/// The answer of `--check`, as a JSON line.
#[derive(Debug, Serialize)]
struct Checked<'a> {
    channel: &'a str,
    identity: &'a str,
    suppressed: bool,
}

pub async fn run(args: &SuppressedArgs, output: Output) -> CliResult {
    if let Some(check) = &args.check {
        let channel = parse_channel(&check[0]).map_err(CliError::usage)?;
        return check_one(args, &channel, &check[1], output).await;
    }
    let channels = match &args.channel {
        Some(name) => vec![parse_channel(name).map_err(CliError::usage)?],
        None => ConversationChannel::VALUES
            .iter()
            .map(|name| ConversationChannel::from(*name))
            .collect(),
    };
    let store = open_state(&args.state, false).await?;
    let listed = list(&store, &channels, output).await;
    store.close().await;
    listed
}

async fn list(
    store: &impl CallbackStore,
    channels: &[ConversationChannel],
    output: Output,
) -> CliResult {
    for channel in channels {
        let mut identities = store.suppressed_identities(channel);
        while let Some(identity) = identities.next().await {
            let identity = identity.map_err(|error| {
                CliError::failure(format!(
                    "cannot read the suppressed identities of {}: {error}",
                    channel.as_str()
                ))
            })?;
            if output.json {
                output.json_line(&Suppressed {
                    channel: channel.as_str(),
                    identity: &identity,
                })?;
            } else {
                output.text(&format!(
                    "{}:{}",
                    channel.as_str(),
                    escape_controls(&identity)
                ))?;
            }
        }
    }
    Ok(())
}

async fn check_one(
    args: &SuppressedArgs,
    channel: &ConversationChannel,
    identity: &str,
    output: Output,
) -> CliResult {
    let store = open_state(&args.state, false).await?;
    let suppressed = store.is_suppressed(channel, identity).await;
    store.close().await;
    let suppressed = suppressed.map_err(|error| {
        CliError::failure(format!(
            "cannot read the consent of {}:{identity}: {error}",
            channel.as_str()
        ))
    })?;
    if output.json {
        output.json_line(&Checked {
            channel: channel.as_str(),
            identity,
            suppressed,
        })?;
    } else if suppressed {
        output.text(&format!(
            "{}:{identity} is suppressed (opted out): do not message it",
            channel.as_str()
        ))?;
    } else {
        output.text(&format!(
            "{}:{identity} may be messaged (not opted out)",
            channel.as_str()
        ))?;
    }
    if suppressed {
        // The line above said why; exit 1 without an error message.
        return Err(CliError::silent(crate::error::EXIT_FAILURE));
    }
    Ok(())
}
