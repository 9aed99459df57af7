//! The attempt of a safe create in a bulk run: a create that the run may
//! repeat after an unclear answer, because the repeat looks first.

use sinch_contacts_model::ContactCreateRequest;

use super::attempt::Attempt;
use crate::client::{SafeCreateOutcome, SafeCreated, required_external_id};
use crate::error::Error;

/// One attempt to create `request`'s contact.
///
/// When an earlier attempt of the job may have created it (its create timed
/// out or met a 5xx), or when `lookup_first` is set, the contact is first
/// looked up by external id: found, it is returned
/// ([`SafeCreateOutcome::Recovered`] after an unclear create,
/// [`SafeCreateOutcome::AlreadyExisted`] otherwise) and nothing is created.
/// Otherwise one create is sent. A request without an external id is a
/// validation error and nothing is sent.
pub(crate) async fn create_attempt(
    attempt: Attempt,
    request: ContactCreateRequest,
    lookup_first: bool,
) -> Result<SafeCreated, Error> {
    let client = attempt.client();
    let external_id = required_external_id(&request)?;
    if (lookup_first || attempt.in_doubt())
        && let Some(contact) = client.find_by_external_id(external_id).await?
    {
        let outcome = if attempt.in_doubt() {
            SafeCreateOutcome::Recovered
        } else {
            SafeCreateOutcome::AlreadyExisted
        };
        return Ok(SafeCreated { contact, outcome });
    }
    let contact = client.create(&request).await?;
    Ok(SafeCreated {
        contact,
        outcome: SafeCreateOutcome::Created,
    })
}
