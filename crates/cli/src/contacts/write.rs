//! `contacts update`, `delete` and `merge`.

use clap::Args;
use serde::Serialize;
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactLanguage, ContactPatch, ConversationChannel, UpdateMask,
};
use sinch_contacts_port::ContactsClient;

use crate::contacts::merge_report::MergeReport;
use crate::contacts::read::print_contact;
use crate::error::{CliError, CliResult};
use crate::output::Output;

/// Arguments of `contacts update`. Only the fields given are sent and named in the update mask;
/// `--clear-*` empties a field.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The contact id.
    pub id: String,
    /// New display name.
    #[arg(long, conflicts_with = "clear_display_name")]
    pub display_name: Option<String>,
    /// Empty the display name.
    #[arg(long)]
    pub clear_display_name: bool,
    /// New email.
    #[arg(long, conflicts_with = "clear_email")]
    pub email: Option<String>,
    /// Empty the email.
    #[arg(long)]
    pub clear_email: bool,
    /// New external id.
    #[arg(long, conflicts_with = "clear_external_id")]
    pub external_id: Option<String>,
    /// Empty the external id.
    #[arg(long)]
    pub clear_external_id: bool,
    /// New metadata.
    #[arg(long, conflicts_with = "clear_metadata")]
    pub metadata: Option<String>,
    /// Empty the metadata.
    #[arg(long)]
    pub clear_metadata: bool,
    /// New language.
    #[arg(long, value_parser = crate::identity::parse_language)]
    pub language: Option<ContactLanguage>,
    /// Replace every channel identity (repeat for several).
    #[arg(long = "identity", value_name = "CHANNEL:IDENTITY", value_parser = crate::identity::parse_identity)]
    pub identities: Vec<ChannelIdentity>,
    /// Replace the channel priority (repeat for several).
    #[arg(long = "priority", value_name = "CHANNEL", value_parser = crate::identity::parse_channel, conflicts_with = "clear_priority")]
    pub priority: Vec<ConversationChannel>,
    /// Empty the channel priority.
    #[arg(long)]
    pub clear_priority: bool,
    /// Send this update mask instead of the one derived from the flags (comma-separated field
    /// names; a masked field without a value is cleared, as the API does).
    #[arg(long, value_name = "FIELDS")]
    pub mask: Option<String>,
}

impl UpdateArgs {
    /// The patch the flags describe; a usage error when they name no field.
    pub fn patch(&self) -> CliResult<ContactPatch> {
        let mut patch = ContactPatch::new();
        if let Some(value) = &self.display_name {
            patch = patch.display_name(value.clone());
        }
        if self.clear_display_name {
            patch = patch.clear_display_name();
        }
        if let Some(value) = &self.email {
            patch = patch.email(value.clone());
        }
        if self.clear_email {
            patch = patch.clear_email();
        }
        if let Some(value) = &self.external_id {
            patch = patch.external_id(value.clone());
        }
        if self.clear_external_id {
            patch = patch.clear_external_id();
        }
        if let Some(value) = &self.metadata {
            patch = patch.metadata(value.clone());
        }
        if self.clear_metadata {
            patch = patch.clear_metadata();
        }
        if let Some(value) = &self.language {
            patch = patch.language(value.clone());
        }
        if !self.identities.is_empty() {
            patch = patch.channel_identities(self.identities.clone());
        }
        if !self.priority.is_empty() {
            patch = patch.channel_priority(self.priority.clone());
        }
        if self.clear_priority {
            patch = patch.clear_channel_priority();
        }
        if let Some(mask) = &self.mask {
            let mask = UpdateMask::parse([mask.as_str()])
                .map_err(|error| CliError::usage(format!("--mask: {error}")))?;
            patch = patch.with_mask(mask);
        }
        if patch.mask().is_empty() {
            return Err(CliError::usage(
                "nothing to update: give at least one field, e.g. --display-name NAME or --clear-email",
            ));
        }
        Ok(patch)
    }
}

/// What `update --json` prints.
#[derive(Debug, Serialize)]
struct Updated<'a> {
    update_mask: String,
    contact: &'a Contact,
}

pub async fn update(client: &ContactsClient, args: &UpdateArgs, output: Output) -> CliResult {
    let patch = args.patch()?;
    let mask = patch.mask().to_query_value();
    let contact = client.update(&args.id, &patch).await?;
    if output.json {
        return output.json_line(&Updated {
            update_mask: mask,
            contact: &contact,
        });
    }
    output.text(&format!("updated contact {} (update_mask={mask})", args.id))?;
    print_contact(&contact, output)
}

pub async fn delete(client: &ContactsClient, id: &str, output: Output) -> CliResult {
    client.delete(id).await?;
    if output.json {
        output.json_line(&serde_json::json!({ "deleted": id }))
    } else {
        output.text(&format!("deleted contact {id}"))
    }
}

/// Arguments of `contacts merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The contact that remains.
    pub destination: String,
    /// The contact merged into it, which no longer exists afterwards.
    pub source: String,
}

/// What `merge --json` prints.
#[derive(Debug, Serialize)]
struct Merged<'a> {
    contact: &'a Contact,
    report: &'a MergeReport,
}

impl MergeArgs {
    /// A usage error when the two ids are the same contact.
    pub fn check(&self) -> CliResult {
        if self.destination == self.source {
            return Err(CliError::usage("a contact cannot be merged into itself"));
        }
        Ok(())
    }
}

pub async fn merge(client: &ContactsClient, args: &MergeArgs, output: Output) -> CliResult {
    args.check()?;
    let destination = client
        .get(&args.destination)
        .await
        .map_err(|error| CliError::from(error).context("reading the destination"))?;
    let source = client
        .get(&args.source)
        .await
        .map_err(|error| CliError::from(error).context("reading the source"))?;
    let merged = client.merge(&args.destination, &args.source).await?;
    let report = MergeReport::explain(&destination, &source, &merged);
    if output.json {
        return output.json_line(&Merged {
            contact: &merged,
            report: &report,
        });
    }
    output.text(&format!(
        "merged {} into {}; {} no longer exists",
        args.source, args.destination, args.source
    ))?;
    output.text(&report.table().to_string())?;
    for surprise in &report.surprises {
        output.text(&format!("not explained by the merge rules: {surprise}"))?;
    }
    print_contact(&merged, output)
}
