//! A create that is safe to retry: [`ContactsClient::create_safe`] and the
//! lookup it relies on, [`ContactsClient::find_by_external_id`].
//!
//! The API has no idempotency key. A create whose answer is lost may or may
//! not have created the contact; sending it again could create a second one.
//! The contact's `external_id` stands in for the key: after an ambiguous
//! failure the contact is looked up by it, and created again only if it is
//! not there.

use std::pin::pin;
use std::time::Duration;

use futures_util::StreamExt;
use http::StatusCode;
use sinch_contacts_model::{
    Contact, ContactCreateRequest, ContactFilter, ListContactsQuery, ValidationError, ViolationKind,
};

use super::ContactsClient;
use crate::error::Error;

/// How many rounds [`ContactsClient::create_safe_with`] makes and how long it
/// waits before each lookup.
///
/// Defaults: no lookup before the first create; 3 rounds; the pause before the lookup of round *n* is drawn
/// ("full jitter", from the client's [`Jitter`](crate::Jitter)) from
/// `0..=min(1 s × 2ⁿ⁻¹, 10 s)`.
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_port::SafeCreateOptions;
///
/// let options = SafeCreateOptions::default()
///     .with_max_rounds(5)
///     .with_initial_backoff(Duration::from_millis(200))
///     .lookup_first(true);
/// assert_eq!(options.max_rounds(), 5);
/// assert!(options.looks_up_first());
/// assert_eq!(options.backoff_ceiling(3), Duration::from_millis(800));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeCreateOptions {
    max_rounds: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    lookup_first: bool,
}

impl Default for SafeCreateOptions {
    fn default() -> Self {
        Self {
            max_rounds: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(10),
            lookup_first: false,
        }
    }
}

impl SafeCreateOptions {
    /// The defaults (no lookup first, 3 rounds, 1 s doubling up to 10 s).
    pub fn new() -> Self {
        Self::default()
    }

    /// The most create requests sent (each after a lookup that found
    /// nothing, except the first); `0` is treated as `1`.
    #[must_use]
    pub fn with_max_rounds(mut self, rounds: u32) -> Self {
        self.max_rounds = rounds.max(1);
        self
    }

    /// Ceiling of the pause before the first lookup.
    #[must_use]
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Upper bound of any pause.
    #[must_use]
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Whether to look the contact up by external id *before* the first
    /// create (default `false`).
    ///
    /// With `true`, a contact that already has the request's external id is
    /// returned as [`SafeCreateOutcome::AlreadyExisted`] and nothing is
    /// created; otherwise the rounds run as usual. This makes a call that
    /// failed (for instance because its lookup after an ambiguous create
    /// failed) safe to repeat, and a bulk import safe to resume from the
    /// start: each contact costs one more `GET`, and contacts the import did
    /// not create but that share an external id are returned, not created.
    /// Off by default because a fresh import pays the lookup for nothing.
    #[must_use]
    pub fn lookup_first(mut self, lookup_first: bool) -> Self {
        self.lookup_first = lookup_first;
        self
    }

    /// Whether the contact is looked up before the first create.
    pub fn looks_up_first(&self) -> bool {
        self.lookup_first
    }

    /// The most create requests sent.
    pub fn max_rounds(&self) -> u32 {
        self.max_rounds
    }

    /// Ceiling of the pause before the first lookup.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Upper bound of any pause.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The ceiling of the pause before the lookup of round `round`
    /// (1-based): `min(initial × 2ʳᵒᵘⁿᵈ⁻¹, max)`.
    pub fn backoff_ceiling(&self, round: u32) -> Duration {
        let factor = 2_u32
            .checked_pow(round.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }
}

/// The contact [`ContactsClient::create_safe`] returns, and how it was
/// obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct SafeCreated {
    /// The contact, as the API returned it.
    pub contact: Contact,
    /// Whether this call's create answered, the contact was found after an
    /// ambiguous failure, or it existed before the call.
    pub outcome: SafeCreateOutcome,
}

/// How [`ContactsClient::create_safe`] obtained its contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SafeCreateOutcome {
    /// A create request answered with the new contact (in the first round or
    /// after a lookup found nothing).
    Created,
    /// A create failed ambiguously and the lookup by `external_id` found the
    /// contact it had created (or one another writer created with the same
    /// external id).
    Recovered,
    /// The lookup made before the first create (with
    /// [`SafeCreateOptions::lookup_first`]) found a contact with the
    /// request's external id; nothing was sent to create it.
    AlreadyExisted,
}

/// Whether a failed create may nevertheless have created the contact:
/// the request may have reached the server (timeout, I/O or unknown transport
/// failure), the server failed while handling it (5xx but 501), or it
/// answered 2xx with a body that did not decode.
///
/// A connect error, a 429 (even after the retries ran out: the server
/// refused to process it), 501, any other 4xx, and failures before sending
/// (validation, configuration, token endpoint) are certain: nothing was
/// created.
pub(crate) fn may_have_created(error: &Error) -> bool {
    match error {
        Error::Transport(error) => error.may_have_been_sent(),
        Error::Api(error) => {
            error.status().is_server_error() && error.status() != StatusCode::NOT_IMPLEMENTED
        }
        Error::Decode(_) => true,
        Error::Validation(_)
        | Error::InvalidId(_)
        | Error::Build(_)
        | Error::Auth(_)
        | Error::Pagination(_) => false,
    }
}

/// The external id a safe create keys on: present and not blank.
pub(crate) fn required_external_id(request: &ContactCreateRequest) -> Result<&str, Error> {
    match request.external_id.as_deref() {
        None => Err(ValidationError::single("external_id", ViolationKind::Missing).into()),
        Some(id) if id.trim().is_empty() => {
            Err(ValidationError::single("external_id", ViolationKind::Empty).into())
        }
        Some(id) => Ok(id),
    }
}

impl ContactsClient {
    /// The first contact whose `external_id` is exactly `external_id`, or
    /// `None`.
    ///
    /// Lists with the `external_id` filter (20 per page, following pages
    /// only while none matches) and also compares the external id itself, so
    /// a server that ignored the filter cannot make it return another
    /// contact. A blank `external_id` is a validation error; nothing is sent.
    pub async fn find_by_external_id(&self, external_id: &str) -> Result<Option<Contact>, Error> {
        if external_id.trim().is_empty() {
            return Err(ValidationError::single("external_id", ViolationKind::Empty).into());
        }
        let query = ListContactsQuery::new()
            .page_size(20)
            .filter(ContactFilter::external_id(external_id));
        let mut contacts = pin!(self.list_all(query));
        while let Some(contact) = contacts.next().await {
            let contact = contact?;
            if contact.external_id.as_deref() == Some(external_id) {
                return Ok(Some(contact));
            }
        }
        Ok(None)
    }

    /// [`create_safe_with`](Self::create_safe_with) with the default
    /// [`SafeCreateOptions`].
    pub async fn create_safe(&self, request: &ContactCreateRequest) -> Result<SafeCreated, Error> {
        self.create_safe_with(request, SafeCreateOptions::default())
            .await
    }

    /// Creates a contact so that the call can be retried without creating it
    /// twice, keyed on the request's `external_id`.
    ///
    /// Each round sends the create. Success ends the call
    /// ([`SafeCreateOutcome::Created`]); a failure that certainly created
    /// nothing (a 4xx, a 429 after the client's own retries, a connect
    /// error, a validation error) is returned at once. After an *ambiguous*
    /// failure (timeout, I/O error, 5xx, an undecodable 2xx) the call pauses
    /// (the client's sleeper, see [`SafeCreateOptions`]) and looks the
    /// contact up with [`find_by_external_id`](Self::find_by_external_id):
    /// found, it is returned ([`SafeCreateOutcome::Recovered`]); not found,
    /// the next round creates again. After the last round the last create's
    /// error is returned, so every ambiguous create is followed by a lookup.
    /// A failing lookup (after the client's own retries of the `GET`) is
    /// returned as is; the contact may then exist or not.
    ///
    /// With [`SafeCreateOptions::lookup_first`], the contact is first looked
    /// up by external id; found, it is returned
    /// ([`SafeCreateOutcome::AlreadyExisted`]) and nothing is created; a
    /// failing lookup is returned as is, before any create was sent.
    ///
    /// A request without an `external_id` (or a blank one) is a validation
    /// error and nothing is sent.
    ///
    /// **Limit:** the API does not enforce unique external ids. Two writers
    /// creating the same external id at the same time can both create, and a
    /// lookup that runs before the server's list reflects a create can miss
    /// it. This removes the duplicates this client's own retries would cause,
    /// not those of concurrent writers.
    ///
    /// With the `tracing` feature the whole call is a
    /// `sinch_contacts.create_safe` span (fields `project_id`, `rounds`,
    /// `outcome` or `error`) around the spans of its creates and lookups.
    pub async fn create_safe_with(
        &self,
        request: &ContactCreateRequest,
        options: SafeCreateOptions,
    ) -> Result<SafeCreated, Error> {
        let mut rounds = 0;
        let run = self.create_safe_rounds(request, &options, &mut rounds);
        #[cfg(feature = "tracing")]
        let span = crate::trace::create_safe_span(self.endpoint.project_id());
        #[cfg(feature = "tracing")]
        let result = tracing::Instrument::instrument(run, span.clone()).await;
        #[cfg(not(feature = "tracing"))]
        let result = run.await;
        #[cfg(feature = "tracing")]
        crate::trace::record_create_safe(&span, rounds, &result);
        result
    }

    /// The rounds of [`create_safe_with`](Self::create_safe_with); counts
    /// the creates sent in `rounds`.
    async fn create_safe_rounds(
        &self,
        request: &ContactCreateRequest,
        options: &SafeCreateOptions,
        rounds: &mut u32,
    ) -> Result<SafeCreated, Error> {
        let external_id = required_external_id(request)?;
        if options.looks_up_first()
            && let Some(contact) = self.find_by_external_id(external_id).await?
        {
            return Ok(SafeCreated {
                contact,
                outcome: SafeCreateOutcome::AlreadyExisted,
            });
        }
        let mut round = 1;
        loop {
            *rounds = round;
            let error = match self.create(request).await {
                Ok(contact) => {
                    return Ok(SafeCreated {
                        contact,
                        outcome: SafeCreateOutcome::Created,
                    });
                }
                Err(error) if may_have_created(&error) => error,
                Err(error) => return Err(error),
            };
            self.engine.pause(options.backoff_ceiling(round)).await;
            if let Some(contact) = self.find_by_external_id(external_id).await? {
                return Ok(SafeCreated {
                    contact,
                    outcome: SafeCreateOutcome::Recovered,
                });
            }
            if round >= options.max_rounds() {
                return Err(error);
            }
            round += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport_error::TransportError;

    fn api(status: u16) -> Error {
        crate::ApiError::from_response(
            http::Response::builder()
                .status(status)
                .body(bytes::Bytes::new())
                .unwrap(),
        )
        .into()
    }

    #[test]
    fn ambiguity_follows_what_the_server_may_have_done() {
        for status in [500, 502, 503, 504, 599] {
            assert!(may_have_created(&api(status)), "{status}");
        }
        for status in [400, 401, 403, 404, 408, 409, 429, 501] {
            assert!(!may_have_created(&api(status)), "{status}");
        }
        assert!(may_have_created(&TransportError::timeout("t").into()));
        assert!(may_have_created(&TransportError::io("reset").into()));
        assert!(may_have_created(&TransportError::other("?").into()));
        assert!(!may_have_created(
            &TransportError::connect("refused").into()
        ));
    }

    #[test]
    fn pauses_double_up_to_the_maximum() {
        let options = SafeCreateOptions::default();
        let ceilings: Vec<u64> = (1..=6)
            .map(|round| options.backoff_ceiling(round).as_secs())
            .collect();
        assert_eq!(ceilings, [1, 2, 4, 8, 10, 10]);
        assert_eq!(options.backoff_ceiling(u32::MAX), Duration::from_secs(10));
        assert_eq!(SafeCreateOptions::new().with_max_rounds(0).max_rounds(), 1);
    }
}
