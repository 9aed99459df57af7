//! The operations of the contacts API, each a pair of pure functions.
//!
//! [`Operation::build`] turns typed input into an [`HttpRequest`] without
//! credentials (the client adds them) and validates the input first, so an
//! invalid call sends nothing. [`Operation::parse`] turns any
//! [`HttpResponse`] into a typed result or an [`Error`].
//!
//! ```
//! use sinch_contacts_port::operations::{GetContact, Operation};
//! use sinch_contacts_port::{Endpoint, Region};
//!
//! let endpoint = Endpoint::for_region(Region::Eu, "project");
//! let request = GetContact::new("a/b").build(&endpoint).unwrap();
//! assert_eq!(
//!     request.uri(),
//!     "https://eu.conversation.api.sinch.com/v1/projects/project/contacts/a%2Fb"
//! );
//! ```

mod capability;
mod channel_profile;
mod contacts;
mod identity_conflicts;
mod list_contacts;
mod merge;

use bytes::Bytes;
use serde::de::DeserializeOwned;

pub use capability::QueryCapability;
pub use channel_profile::GetChannelProfile;
pub use contacts::{CreateContact, DeleteContact, GetContact, UpdateContact};
pub use identity_conflicts::ListIdentityConflicts;
pub use list_contacts::ListContacts;
pub use merge::MergeContacts;

use crate::api_error::ApiError;
use crate::config::Endpoint;
use crate::decode_error::DecodeError;
use crate::error::Error;
use crate::transport::{HttpRequest, HttpResponse};

/// One API operation: a pure request builder and a pure response parser.
pub trait Operation {
    /// A short name for logs and traces, such as `get_contact`; `custom`
    /// unless the operation sets one.
    const NAME: &'static str = "custom";

    /// What a successful call returns.
    type Output;

    /// Validates the input and builds the request (without credentials).
    fn build(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error>;

    /// Interprets a response: 2xx bodies are decoded, anything else becomes
    /// [`Error::Api`].
    fn parse(response: HttpResponse) -> Result<Self::Output, Error>;
}

/// The body of a 2xx response, or the [`ApiError`] for any other status.
pub(crate) fn success_body(response: HttpResponse) -> Result<(http::StatusCode, Bytes), Error> {
    let status = response.status();
    if status.is_success() {
        return Ok((status, response.into_body()));
    }
    Err(ApiError::from_response(response).into())
}

/// Decodes a 2xx JSON body as `T`.
pub(crate) fn parse_json<T: DeserializeOwned>(
    response: HttpResponse,
    target: &'static str,
) -> Result<T, Error> {
    let (status, body) = success_body(response)?;
    Ok(DecodeError::decode(status, target, body)?)
}
