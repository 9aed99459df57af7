//! `contacts profile`, `conflicts` and `capability`.

use clap::Args;
use futures_util::StreamExt;
use sinch_contacts_model::{
    ChannelIdentity, GetChannelProfileConversationChannel, GetChannelProfileRequest,
    IdentityConflict, IdentityConflictsQuery, QueryCapabilityRequest, Recipient,
};
use sinch_contacts_port::ContactsClient;

use crate::error::{CliError, CliResult};
use crate::output::{Output, Table};

/// Arguments of `contacts profile`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("who").required(true).args(["contact", "identity"]))]
pub struct ProfileArgs {
    /// The Conversation app.
    #[arg(long)]
    pub app_id: String,
    /// MESSENGER, INSTAGRAM, VIBER or LINE.
    #[arg(long, value_parser = parse_profile_channel)]
    pub channel: GetChannelProfileConversationChannel,
    /// The contact id.
    #[arg(long)]
    pub contact: Option<String>,
    /// The user's identity on --channel.
    #[arg(long)]
    pub identity: Option<String>,
}

fn parse_profile_channel(text: &str) -> Result<GetChannelProfileConversationChannel, String> {
    let upper = text.trim().to_ascii_uppercase();
    if ["MESSENGER", "INSTAGRAM", "VIBER", "LINE"].contains(&upper.as_str()) {
        Ok(GetChannelProfileConversationChannel::from(upper.as_str()))
    } else {
        Err(format!(
            "`{text}` has no channel profile (one of MESSENGER, INSTAGRAM, VIBER, LINE)"
        ))
    }
}

pub async fn profile(client: &ContactsClient, args: &ProfileArgs, output: Output) -> CliResult {
    let request = match (&args.contact, &args.identity) {
        (Some(contact), _) => {
            GetChannelProfileRequest::for_contact(&args.app_id, args.channel.clone(), contact)
        }
        (None, Some(identity)) => GetChannelProfileRequest::for_channel_identity(
            &args.app_id,
            args.channel.clone(),
            identity,
        ),
        (None, None) => return Err(CliError::usage("give --contact ID or --identity ID")),
    };
    let response = client.get_channel_profile(&request).await?;
    if output.json {
        return output.json_line(&response);
    }
    output.text(&format!(
        "profile name: {}",
        response.profile_name.as_deref().unwrap_or("(none)")
    ))
}

/// Arguments of `contacts conflicts`.
#[derive(Debug, Args)]
pub struct ConflictsArgs {
    /// Conflicts per page (1 to 20).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub page_size: Option<u32>,
    /// The page to read.
    #[arg(long, conflicts_with = "all")]
    pub page_token: Option<String>,
    /// Follow every page (JSON lines with --json).
    #[arg(long)]
    pub all: bool,
}

pub async fn conflicts(client: &ContactsClient, args: &ConflictsArgs, output: Output) -> CliResult {
    let mut query = IdentityConflictsQuery::new();
    if let Some(size) = args.page_size {
        query = query.page_size(size);
    }
    if let Some(token) = &args.page_token {
        query = query.page_token(token.clone());
    }
    let (conflicts, next) = if args.all {
        let mut stream = std::pin::pin!(client.list_all_identity_conflicts(query));
        let mut all = Vec::new();
        while let Some(conflict) = stream.next().await {
            let conflict = conflict?;
            if output.json {
                output.json_line(&conflict)?;
            }
            all.push(conflict);
        }
        if output.json {
            return Ok(());
        }
        (all, None)
    } else {
        let page = client.list_identity_conflicts(query).await?;
        if output.json {
            return output.json_line(&page);
        }
        (page.conflicts, page.next_page_token)
    };
    output.text(&conflict_table(&conflicts).to_string())?;
    if conflicts.is_empty() {
        output.text("no identity conflicts")?;
    }
    if let Some(token) = next.filter(|token| !token.is_empty()) {
        output.text(&format!("next page: --page-token {token}"))?;
    }
    Ok(())
}

/// One row per conflict.
pub fn conflict_table(conflicts: &[IdentityConflict]) -> Table {
    let mut table = Table::new(["IDENTITY", "CHANNELS", "CONTACTS"]).uncut();
    for conflict in conflicts {
        table.row([
            conflict.identity.clone().unwrap_or_default(),
            conflict
                .channels
                .iter()
                .map(|channel| channel.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            conflict.contact_ids.join(", "),
        ]);
    }
    table
}

/// Arguments of `contacts capability`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("who").required(true).args(["contact", "identity"]))]
pub struct CapabilityArgs {
    /// The Conversation app.
    #[arg(long)]
    pub app_id: String,
    /// The contact id.
    #[arg(long)]
    pub contact: Option<String>,
    /// A channel identity, `CHANNEL:IDENTITY`; repeat for several.
    #[arg(long, value_name = "CHANNEL:IDENTITY", value_parser = crate::identity::parse_identity)]
    pub identity: Vec<ChannelIdentity>,
    /// Your id for the query (echoed in the callbacks); the server makes one when absent.
    #[arg(long)]
    pub request_id: Option<String>,
}

pub async fn capability(
    client: &ContactsClient,
    args: &CapabilityArgs,
    output: Output,
) -> CliResult {
    let recipient = match &args.contact {
        Some(contact) => Recipient::contact(contact),
        None => Recipient::channel_identities(args.identity.iter().map(|identity| {
            sinch_contacts_model::ChannelRecipientIdentity::new(
                identity.channel.clone(),
                identity.identity.clone(),
            )
        })),
    };
    let mut request = QueryCapabilityRequest::new(&args.app_id, recipient);
    request.request_id = args.request_id.clone();
    let response = client.query_capability(&request).await?;
    if output.json {
        return output.json_line(&response);
    }
    output.text(&format!(
        "capability query accepted (request id {}); the results arrive as CAPABILITY callbacks",
        response.request_id.as_deref().unwrap_or("?")
    ))
}
