//! `contacts create`.

use clap::Args;
use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel,
};
use sinch_contacts_port::{ContactsClient, SafeCreateOptions};

use crate::contacts::read::print_contact;
use crate::error::CliResult;
use crate::output::Output;
use crate::safe_create::{CreateOutcome, find_or_create};

/// Arguments of `contacts create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A channel identity, `CHANNEL:IDENTITY` or `CHANNEL@APP_ID:IDENTITY`; repeat for several.
    #[arg(long = "identity", required = true, value_name = "CHANNEL:IDENTITY", value_parser = crate::identity::parse_identity)]
    pub identities: Vec<ChannelIdentity>,
    /// The contact's language.
    #[arg(long, default_value = "EN_US", value_parser = crate::identity::parse_language)]
    pub language: ContactLanguage,
    /// The display name.
    #[arg(long)]
    pub display_name: Option<String>,
    /// The email address.
    #[arg(long)]
    pub email: Option<String>,
    /// Your own id for the contact. With it the create is safe to retry: it is looked up before
    /// anything is created twice.
    #[arg(long)]
    pub external_id: Option<String>,
    /// Free text (at most 1024 characters).
    #[arg(long)]
    pub metadata: Option<String>,
    /// A channel in priority order; repeat for several.
    #[arg(long = "priority", value_name = "CHANNEL", value_parser = crate::identity::parse_channel)]
    pub priority: Vec<ConversationChannel>,
}

impl CreateArgs {
    fn request(&self) -> ContactCreateRequest {
        let mut request = ContactCreateRequest::new(self.identities.clone(), self.language.clone());
        request.display_name = self.display_name.clone();
        request.email = self.email.clone();
        request.external_id = self.external_id.clone();
        request.metadata = self.metadata.clone();
        request.channel_priority = self.priority.clone();
        request
    }
}

pub async fn run(
    client: &ContactsClient,
    args: &CreateArgs,
    safe: &SafeCreateOptions,
    output: Output,
) -> CliResult {
    let request = args.request();
    let (contact, outcome) = if request.external_id.is_some() {
        find_or_create(client, &request, safe).await?
    } else {
        (client.create(&request).await?, CreateOutcome::Created)
    };
    if !output.json {
        output.text(&format!(
            "{} contact {}",
            outcome.verb(),
            contact.id.as_deref().unwrap_or("?")
        ))?;
    }
    print_contact(&contact, output)
}
