//! The attempt of a safe create in a bulk run: a create that the run may
//! repeat after an unclear answer, because the repeat looks first.

use sinch_contacts_model::ContactCreateRequest;

use super::attempt::Attempt;
use crate::client::{SafeCreateOutcome, SafeCreated, required_external_id};
use crate::error::Error;

/// One contact to create in [`Bulk::create_safe_jobs`](super::Bulk::create_safe_jobs), with whether
/// to look it up by external id before its first create.
///
/// ```
/// use sinch_contacts_model::{ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel};
/// use sinch_contacts_port::CreateJob;
///
/// let mut request = ContactCreateRequest::new(
///     vec![ChannelIdentity::new(ConversationChannel::Sms, "+46700000001")],
///     ContactLanguage::EnUs,
/// );
/// request.external_id = Some("crm-1".to_owned());
/// // An earlier run may have sent it: look first.
/// let job = CreateJob::new(request).look_up_first(true);
/// assert!(job.looks_up_first());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CreateJob {
    request: ContactCreateRequest,
    look_up_first: bool,
}

impl CreateJob {
    /// A create of `request`'s contact, sent without a look-up first.
    pub fn new(request: ContactCreateRequest) -> Self {
        Self {
            request,
            look_up_first: false,
        }
    }

    /// Whether to look the contact up by external id before the first
    /// create (a row an earlier run may have sent, or one not known to be
    /// absent).
    #[must_use]
    pub fn look_up_first(mut self, look_up_first: bool) -> Self {
        self.look_up_first = look_up_first;
        self
    }

    /// Whether the contact is looked up before the first create.
    pub fn looks_up_first(&self) -> bool {
        self.look_up_first
    }

    /// The request.
    pub fn request(&self) -> &ContactCreateRequest {
        &self.request
    }

    pub(crate) fn into_parts(self) -> (ContactCreateRequest, bool) {
        (self.request, self.look_up_first)
    }
}

impl From<ContactCreateRequest> for CreateJob {
    fn from(request: ContactCreateRequest) -> Self {
        Self::new(request)
    }
}

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
