//! The contacts Sinch has now: listed page by page through the bulk runner, or read from the
//! mirror `callbacks listen --state` keeps.

use futures_util::StreamExt;
use sinch_contacts_model::Contact;
use sinch_contacts_port::Bulk;

use crate::callbacks::open_state;
use crate::error::{CliError, CliResult};
use crate::progress;

/// Where the current contacts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Listed from the API.
    Listing,
    /// Read from a mirror.
    Mirror,
}

/// A contact as kept until the plan is made: its lists without spare room (decoding leaves room
/// for four identities where there is one, a third of a contact's memory).
fn compact(mut contact: Contact) -> Contact {
    contact.channel_identities.shrink_to_fit();
    contact.channel_priority.shrink_to_fit();
    contact
}

/// Every contact of the project, listed (20 a page) through `bulk`.
///
/// # Errors
///
/// When a page cannot be fetched or the listing is stopped: nothing has been written.
pub async fn list(bulk: &Bulk) -> CliResult<Vec<Contact>> {
    let counter = progress::counter("contacts listed");
    let mut contacts = Vec::new();
    let mut stream = bulk.list_contacts();
    while let Some(contact) = stream.next().await {
        match contact {
            Ok(contact) => {
                contacts.push(compact(contact));
                counter.inc(1);
            }
            Err(error) => {
                counter.finish_and_clear();
                return Err(CliError::failure(format!(
                    "cannot list the contacts Sinch has (after {}): {error}",
                    contacts.len()
                ))
                .hint("nothing was written; run the command again"));
            }
        }
    }
    counter.finish_and_clear();
    Ok(contacts)
}

/// Every live contact of the mirror at `location` (a SQLite file or a PostgreSQL URL).
///
/// # Errors
///
/// When the mirror does not exist, cannot be opened or read.
pub async fn read_mirror(location: &str) -> CliResult<Vec<Contact>> {
    let store = open_state(location, false).await?;
    let counter = progress::counter("contacts read from the mirror");
    let mut contacts = Vec::new();
    let mut stream = store.live_contacts();
    let mut failure = None;
    while let Some(contact) = stream.next().await {
        match contact {
            Ok(contact) => {
                contacts.push(compact(contact));
                counter.inc(1);
            }
            Err(error) => {
                failure = Some(CliError::failure(format!(
                    "cannot read the contacts of the mirror {}: {error}",
                    store.describe()
                )));
                break;
            }
        }
    }
    drop(stream);
    counter.finish_and_clear();
    store.close().await;
    match failure {
        Some(error) => Err(error),
        None => Ok(contacts),
    }
}
