//! `contacts list` and `contacts get`.

use clap::Args;
use futures_util::StreamExt;
use sinch_contacts_model::{ContactFilter, ListContactsQuery};
use sinch_contacts_port::ContactsClient;

use crate::error::{CliError, CliResult};
use crate::output::{Output, Table, contact_table, identities_text, priority_text};
use crate::progress;

/// Arguments of `contacts list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Contacts per page (1 to 20).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub page_size: Option<u32>,
    /// The page to read (a `next_page_token` printed by an earlier call).
    #[arg(long, conflicts_with = "all")]
    pub page_token: Option<String>,
    /// Follow every page (JSON lines with --json, one contact per line).
    #[arg(long)]
    pub all: bool,
    /// Only the contacts with this external id.
    #[arg(long, conflicts_with_all = ["channel", "identity"])]
    pub external_id: Option<String>,
    /// Only the contact with this identity on --channel.
    #[arg(long, requires = "identity", value_parser = crate::identity::parse_channel)]
    pub channel: Option<sinch_contacts_model::ConversationChannel>,
    /// The identity for --channel.
    #[arg(long, requires = "channel")]
    pub identity: Option<String>,
}

pub async fn list(client: &ContactsClient, args: &ListArgs, output: Output) -> CliResult {
    let mut query = ListContactsQuery::new();
    if let Some(size) = args.page_size {
        query = query.page_size(size);
    }
    if let Some(token) = &args.page_token {
        query = query.page_token(token.clone());
    }
    if let Some(external_id) = &args.external_id {
        query = query.filter(ContactFilter::external_id(external_id.clone()));
    }
    if let (Some(channel), Some(identity)) = (&args.channel, &args.identity) {
        query = query.filter(ContactFilter::channel_identity(
            channel.clone(),
            identity.clone(),
        ));
    }
    if !args.all {
        let page = client.list(query).await?;
        if output.json {
            return output.json_line(&page);
        }
        if page.contacts.is_empty() {
            output.text("no contacts")?;
        } else {
            output.text(&contact_table(&page.contacts).to_string())?;
        }
        match page
            .next_page_token
            .as_deref()
            .filter(|token| !token.is_empty())
        {
            Some(token) => output.text(&format!("next page: --page-token {token}")),
            None => output.text("(last page)"),
        }
    } else {
        let counter = progress::counter("contacts");
        let mut stream = std::pin::pin!(client.list_all(query));
        let mut table_rows = Vec::new();
        while let Some(contact) = stream.next().await {
            let contact = contact.map_err(|error| {
                CliError::from(error).context(format!("after {} contacts", counter.position()))
            })?;
            counter.inc(1);
            if output.json {
                output.json_line(&contact)?;
            } else {
                table_rows.push(contact);
            }
        }
        counter.finish_and_clear();
        if !output.json {
            if table_rows.is_empty() {
                output.text("no contacts")?;
            } else {
                output.text(&contact_table(&table_rows).to_string())?;
            }
            output.text(&format!("{} contacts", table_rows.len()))?;
        }
        Ok(())
    }
}

pub async fn get(client: &ContactsClient, id: &str, output: Output) -> CliResult {
    let contact = client.get(id).await?;
    print_contact(&contact, output)
}

/// One contact, field by field (or as JSON).
pub fn print_contact(contact: &sinch_contacts_model::Contact, output: Output) -> CliResult {
    if output.json {
        return output.json_line(contact);
    }
    let mut table = Table::new(["FIELD", "VALUE"]);
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    table.row(["id".to_owned(), text(&contact.id)]);
    table.row(["display_name".to_owned(), text(&contact.display_name)]);
    table.row(["external_id".to_owned(), text(&contact.external_id)]);
    table.row(["email".to_owned(), text(&contact.email)]);
    table.row([
        "language".to_owned(),
        contact
            .language
            .as_ref()
            .map(|language| language.as_str().to_owned())
            .unwrap_or_default(),
    ]);
    table.row([
        "channel_identities".to_owned(),
        identities_text(&contact.channel_identities),
    ]);
    table.row([
        "channel_priority".to_owned(),
        priority_text(&contact.channel_priority),
    ]);
    table.row(["metadata".to_owned(), text(&contact.metadata)]);
    output.text(&table.to_string())
}
