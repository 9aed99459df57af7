//! `contacts ...`: every contacts operation, plus `import`, `export` and `sync`.

mod connect;
mod create;
mod merge_report;
pub use merge_report::MergeReport;
mod query;
mod read;
mod write;

use clap::{Args, Subcommand};

pub use connect::{AuthScheme, ConnectionArgs, CredentialArgs, connect, connect_to};

use crate::error::CliResult;
use crate::output::Output;
use crate::transfer;

/// Arguments of `contacts`: where to connect, and the operation.
#[derive(Debug, Args)]
pub struct ContactsArgs {
    /// Where to connect and as whom.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// The operation.
    #[command(subcommand)]
    pub command: ContactsCommand,
}

/// The contacts operations.
#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// One page of contacts, or every page with --all.
    List(read::ListArgs),
    /// One contact.
    Get(IdArg),
    /// Create a contact (safe to retry when it has an external id).
    Create(create::CreateArgs),
    /// Change some fields of a contact; the update mask names exactly the fields given.
    Update(write::UpdateArgs),
    /// Delete a contact.
    Delete(IdArg),
    /// Merge SOURCE into DESTINATION and show which identities and fields moved, and why.
    Merge(write::MergeArgs),
    /// The profile name of a contact on Messenger, Instagram, Viber or LINE.
    Profile(query::ProfileArgs),
    /// Identities shared by several contacts (SMS, MMS, RCS).
    Conflicts(query::ConflictsArgs),
    /// Start a capability query (results arrive as CAPABILITY callbacks).
    Capability(query::CapabilityArgs),
    /// Import contacts from CSV or JSON lines: validated, concurrent, safe to retry, resumable.
    Import(transfer::ImportArgs),
    /// Export every contact as JSON lines or CSV (re-importable with `import`).
    Export(transfer::ExportArgs),
    /// Make Sinch's contacts equal to a CSV or JSON lines file: a plan to read (--plan, the
    /// default, sends no write), then --apply.
    Sync(transfer::SyncArgs),
}

/// A contact id.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The contact id.
    pub id: String,
}

/// Runs a contacts command.
pub async fn run(args: ContactsArgs, output: Output) -> CliResult {
    // Usage errors first: they need no connection and say more than a missing credential.
    match &args.command {
        ContactsCommand::Update(update) => update.patch().map(drop)?,
        ContactsCommand::Merge(merge) => merge.check()?,
        _ => {}
    }
    let (client, target) = connect(&args.connection)?;
    let safe = args.connection.safe_create_options();
    match args.command {
        ContactsCommand::List(list) => read::list(&client, &list, output).await,
        ContactsCommand::Get(id) => read::get(&client, &id.id, output).await,
        ContactsCommand::Create(create) => create::run(&client, &create, &safe, output).await,
        ContactsCommand::Update(update) => write::update(&client, &update, output).await,
        ContactsCommand::Delete(id) => write::delete(&client, &id.id, output).await,
        ContactsCommand::Merge(merge) => write::merge(&client, &merge, output).await,
        ContactsCommand::Profile(profile) => query::profile(&client, &profile, output).await,
        ContactsCommand::Conflicts(conflicts) => {
            query::conflicts(&client, &conflicts, output).await
        }
        ContactsCommand::Capability(capability) => {
            query::capability(&client, &capability, output).await
        }
        ContactsCommand::Import(import) => {
            transfer::import(
                &client,
                &target,
                &import,
                args.connection.bulk_retry_policy(),
                output,
            )
            .await
        }
        ContactsCommand::Sync(sync) => {
            transfer::sync(
                &client,
                &target,
                &sync,
                args.connection.bulk_retry_policy(),
                output,
            )
            .await
        }
        ContactsCommand::Export(export) => {
            transfer::export(
                &client,
                &export,
                args.connection.bulk_retry_policy(),
                output,
            )
            .await
        }
    }
}
