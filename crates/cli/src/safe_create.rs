//! Creates that never make a contact twice, keyed by the contact's external id: the port's
//! `create_safe`, and a look-up-first variant for rows an earlier run may have sent.

use sinch_contacts_model::{Contact, ContactCreateRequest};
use sinch_contacts_port::{ContactsClient, Error, SafeCreateOptions, SafeCreateOutcome};

/// How a contact came to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateOutcome {
    /// Created by this call.
    Created,
    /// Created by this call, found by its external id after an answer that left it unclear.
    Recovered,
    /// It existed already (found by its external id before creating).
    AlreadyPresent,
}

impl CreateOutcome {
    /// How the outcome reads in a sentence.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Recovered => "created (recovered after an unclear answer)",
            Self::AlreadyPresent => "found existing",
        }
    }
}

/// The port's `create_safe`: after an answer that leaves open whether the server created the
/// contact, it is looked up by external id before anything is sent again.
pub async fn create_safe(
    client: &ContactsClient,
    request: &ContactCreateRequest,
    options: &SafeCreateOptions,
) -> Result<(Contact, CreateOutcome), Error> {
    let created = client.create_safe_with(request, options.clone()).await?;
    let outcome = match created.outcome {
        SafeCreateOutcome::Created => CreateOutcome::Created,
        _ => CreateOutcome::Recovered,
    };
    Ok((created.contact, outcome))
}

/// Looks the external id up first and creates (safely) only when nothing has it.
pub async fn find_or_create(
    client: &ContactsClient,
    request: &ContactCreateRequest,
    options: &SafeCreateOptions,
) -> Result<(Contact, CreateOutcome), Error> {
    let external_id = request.external_id.as_deref().unwrap_or_default();
    if let Some(found) = client.find_by_external_id(external_id).await? {
        return Ok((found, CreateOutcome::AlreadyPresent));
    }
    create_safe(client, request, options).await
}
