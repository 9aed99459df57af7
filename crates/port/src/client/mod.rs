//! [`ContactsClient`]: the contacts operations over any [`Transport`].

mod builder;
mod pagination;
mod safe_create;

use std::fmt;
use std::sync::Arc;

use futures_core::Stream;
use sinch_contacts_model::{
    Contact, ContactCreateRequest, ContactPatch, GetChannelProfileRequest,
    GetChannelProfileResponse, IdentityConflict, IdentityConflictsQuery, ListContactsQuery,
    ListContactsResponse, ListIdentityConflictsResponse, QueryCapabilityRequest,
    QueryCapabilityResponse,
};

pub use builder::ContactsClientBuilder;
pub use pagination::{DEFAULT_MAX_CONSECUTIVE_EMPTY_PAGES, PaginationError};
pub(crate) use pagination::{PageGuard, Paged};
pub use safe_create::{SafeCreateOptions, SafeCreateOutcome, SafeCreated};
pub(crate) use safe_create::{may_have_created, required_external_id};

use crate::config::Endpoint;
use crate::effects::EffectLog;
use crate::error::Error;
use crate::execute::{Engine, SendLog, SendSettings};
use crate::operations::{
    CreateContact, DeleteContact, GetChannelProfile, GetContact, ListContacts,
    ListIdentityConflicts, MergeContacts, Operation, QueryCapability, UpdateContact,
};
use crate::retry::RetryPolicy;
use crate::transport::Transport;

/// A client for the contacts API. Cheap to clone; clones share the
/// transport and the token cache.
///
/// ```
/// use sinch_contacts_port::{Auth, ContactsClient, Region, transport_fn};
///
/// let transport = transport_fn(|_request| async move {
///     Ok(http::Response::new(bytes::Bytes::from_static(b"{}")))
/// });
/// let client = ContactsClient::builder(transport, "my-project")
///     .region(Region::Eu)
///     .auth(Auth::oauth2("key-id", "key-secret"))
///     .build()
///     .unwrap();
/// assert_eq!(client.endpoint().base_url(), "https://eu.conversation.api.sinch.com");
/// ```
#[derive(Clone)]
pub struct ContactsClient {
    endpoint: Arc<Endpoint>,
    engine: Arc<Engine>,
    max_empty_pages: u32,
    settings: SendSettings,
}

impl fmt::Debug for ContactsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContactsClient")
            .field("endpoint", &self.endpoint)
            .field("engine", &self.engine)
            .field("max_empty_pages", &self.max_empty_pages)
            .field("retry", &self.settings.retry)
            .finish()
    }
}

impl ContactsClient {
    /// Starts configuring a client that sends through `transport` for the
    /// project `project_id`.
    pub fn builder(
        transport: impl Transport + 'static,
        project_id: impl Into<String>,
    ) -> ContactsClientBuilder {
        Self::builder_shared(Arc::new(transport), project_id)
    }

    /// Like [`builder`](Self::builder), for a transport already shared.
    pub fn builder_shared(
        transport: Arc<dyn Transport>,
        project_id: impl Into<String>,
    ) -> ContactsClientBuilder {
        ContactsClientBuilder::new(transport, project_id.into())
    }

    pub(crate) fn from_parts(
        endpoint: Endpoint,
        engine: Engine,
        retry: RetryPolicy,
        max_empty_pages: u32,
    ) -> Self {
        let settings = SendSettings {
            retry,
            effects: None,
        };
        Self {
            endpoint: Arc::new(endpoint),
            engine: Arc::new(engine),
            max_empty_pages,
            settings,
        }
    }

    /// A clone of this client whose calls retry with `policy` instead; it
    /// shares the transport, the token cache and everything else.
    ///
    /// `client.with_retry_policy(RetryPolicy::disabled())` makes one attempt
    /// per call, for a caller that schedules its own retries. An OAuth2 token
    /// request follows the policy of the call that needs the token. Without a sleeper (no `tokio` feature and none
    /// given) a policy of more than one attempt makes one.
    ///
    /// ```
    /// use sinch_contacts_port::test_util::FakeTransport;
    /// use sinch_contacts_port::{Auth, ContactsClient, Region, RetryPolicy};
    ///
    /// let client = ContactsClient::builder(FakeTransport::new(), "my-project")
    ///     .region(Region::Eu)
    ///     .auth(Auth::basic("key-id", "key-secret"))
    ///     .build()
    ///     .unwrap();
    /// // Its calls, and the token requests they need, are sent once.
    /// let once = client.with_retry_policy(RetryPolicy::disabled());
    /// assert_eq!(once.retry_policy().max_attempts(), 1);
    /// assert_eq!(client.retry_policy().max_attempts(), 3);
    /// ```
    #[must_use]
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        let mut client = self.clone();
        client.settings.retry = policy;
        client
    }

    /// The retry policy of this client's calls.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.settings.retry
    }

    /// A clone of this client that records what each of its requests may
    /// have done in `effects`.
    pub(crate) fn recording_effects(&self, effects: Arc<EffectLog>) -> Self {
        let mut client = self.clone();
        client.settings.effects = Some(effects);
        client
    }

    /// The engine under this client, for the clock, sleeper and jitter.
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Runs any [`Operation`]: build, send with credentials and retries,
    /// parse.
    ///
    /// With the `tracing` feature, each call is one `sinch_contacts.operation`
    /// span (see the crate docs for its fields).
    pub async fn execute<O: Operation>(&self, operation: &O) -> Result<O::Output, Error> {
        let mut log = SendLog::default();
        let run = self.execute_logged(operation, &mut log);
        #[cfg(feature = "tracing")]
        let span = crate::trace::operation_span(O::NAME, self.endpoint.project_id());
        #[cfg(feature = "tracing")]
        let result = tracing::Instrument::instrument(run, span.clone()).await;
        #[cfg(not(feature = "tracing"))]
        let result = run.await;
        #[cfg(feature = "tracing")]
        crate::trace::record(&span, &log, result.as_ref().err());
        result
    }

    async fn execute_logged<O: Operation>(
        &self,
        operation: &O,
        log: &mut SendLog,
    ) -> Result<O::Output, Error> {
        let request = operation.build(&self.endpoint)?;
        let response = self.engine.send(request, &self.settings, log).await?;
        O::parse(response)
    }

    /// How many empty pages in a row a walk follows (the builder's
    /// `max_consecutive_empty_pages`).
    pub(crate) fn max_empty_pages(&self) -> u32 {
        self.max_empty_pages
    }

    /// One page of contacts.
    pub async fn list(&self, query: ListContactsQuery) -> Result<ListContactsResponse, Error> {
        self.execute(&ListContacts::new(query)).await
    }

    /// Every contact matching `query`, following `next_page_token` lazily
    /// until it is empty or absent.
    ///
    /// A server that sends a token already used in this listing, or too many
    /// empty pages in a row (see
    /// [`ContactsClientBuilder::max_consecutive_empty_pages`]), ends the
    /// stream with [`Error::Pagination`] instead of looping for ever.
    pub fn list_all(
        &self,
        query: ListContactsQuery,
    ) -> impl Stream<Item = Result<Contact, Error>> + Send + 'static {
        pagination::paginate(self.clone(), ListContacts::new(query), self.max_empty_pages)
    }

    /// Creates a contact; the request is validated first and nothing is sent
    /// if it is invalid.
    pub async fn create(&self, request: &ContactCreateRequest) -> Result<Contact, Error> {
        self.execute(&CreateContact::new(request)).await
    }

    /// Fetches one contact.
    pub async fn get(&self, contact_id: &str) -> Result<Contact, Error> {
        self.execute(&GetContact::new(contact_id)).await
    }

    /// Applies a patch; `update_mask` is the patch's mask.
    pub async fn update(&self, contact_id: &str, patch: &ContactPatch) -> Result<Contact, Error> {
        self.execute(&UpdateContact::new(contact_id, patch)).await
    }

    /// Deletes one contact.
    pub async fn delete(&self, contact_id: &str) -> Result<(), Error> {
        self.execute(&DeleteContact::new(contact_id)).await
    }

    /// Merges `source_id` into `destination_id`; returns the surviving
    /// contact. The source no longer exists afterwards.
    pub async fn merge(&self, destination_id: &str, source_id: &str) -> Result<Contact, Error> {
        self.execute(&MergeContacts::new(destination_id, source_id))
            .await
    }

    /// The profile name of a user on Messenger, Instagram, Viber or LINE.
    pub async fn get_channel_profile(
        &self,
        request: &GetChannelProfileRequest,
    ) -> Result<GetChannelProfileResponse, Error> {
        self.execute(&GetChannelProfile::new(request)).await
    }

    /// One page of identity conflicts.
    pub async fn list_identity_conflicts(
        &self,
        query: IdentityConflictsQuery,
    ) -> Result<ListIdentityConflictsResponse, Error> {
        self.execute(&ListIdentityConflicts::new(query)).await
    }

    /// Every identity conflict, following `next_page_token` lazily, with
    /// the same guards as [`list_all`](Self::list_all).
    pub fn list_all_identity_conflicts(
        &self,
        query: IdentityConflictsQuery,
    ) -> impl Stream<Item = Result<IdentityConflict, Error>> + Send + 'static {
        pagination::paginate(
            self.clone(),
            ListIdentityConflicts::new(query),
            self.max_empty_pages,
        )
    }

    /// Starts a capability query; results arrive as callbacks.
    pub async fn query_capability(
        &self,
        request: &QueryCapabilityRequest,
    ) -> Result<QueryCapabilityResponse, Error> {
        self.execute(&QueryCapability::new(request)).await
    }
}
