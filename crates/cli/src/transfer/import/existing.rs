//! Which external ids the server already has, learnt by listing its contacts page by page
//! (20 a page), kept as sorted 64-bit keys: 8 bytes a contact.
//!
//! The listing stops when it has cost as many requests as looking each row up would
//! (`budget` pages): then the import looks up the rows one by one instead. So an import pays at
//! most about twice the cheaper of the two.

use futures_util::StreamExt;
use sinch_contacts_port::bulk::LIST_PAGE_SIZE;
use sinch_contacts_port::{Bulk, ListingError};

use crate::progress;
use crate::transfer::key::external_id_key;

/// The external ids a server holds.
#[derive(Debug, Default)]
pub struct ExistingIds {
    keys: Vec<u64>,
}

impl ExistingIds {
    /// Whether a contact with the external id of `key` exists.
    pub fn contains(&self, key: u64) -> bool {
        self.keys.binary_search(&key).is_ok()
    }

    /// How many contacts with an external id were listed.
    pub fn len(&self) -> usize {
        self.keys.len()
    }
}

/// Lists the server's external ids, at most `budget` pages: `Ok(None)` when there were more.
///
/// # Errors
///
/// When a page cannot be fetched or the listing was stopped.
pub async fn list_existing(bulk: &Bulk, budget: u64) -> Result<Option<ExistingIds>, ListingError> {
    let mut keys = Vec::new();
    let mut contacts = bulk.list_contacts();
    let counter = progress::counter("contacts on the server checked");
    let mut listed = 0u64;
    while let Some(contact) = contacts.next().await {
        listed += 1;
        counter.inc(1);
        if listed > budget.saturating_mul(u64::from(LIST_PAGE_SIZE)) {
            counter.finish_and_clear();
            return Ok(None);
        }
        let contact = contact.inspect_err(|_| counter.finish_and_clear())?;
        if let Some(external_id) = contact.external_id.filter(|id| !id.is_empty()) {
            keys.push(external_id_key(&external_id));
        }
    }
    counter.finish_and_clear();
    keys.sort_unstable();
    keys.dedup();
    keys.shrink_to_fit();
    Ok(Some(ExistingIds { keys }))
}
