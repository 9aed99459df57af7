//! The query parameters of the list operations, valid by construction, plus the checked parser
//! for parameters as received.
//!
//! ```
//! use sinch_contacts_model::{ContactFilter, ConversationChannel, ListContactsQuery};
//!
//! let query = ListContactsQuery::new()
//!     .page_size(20)
//!     .filter(ContactFilter::channel_identity(ConversationChannel::Sms, "+46732001122"));
//! assert_eq!(
//!     query.to_pairs(),
//!     [("page_size", "20".to_owned()), ("channel", "SMS".to_owned()), ("identity", "+46732001122".to_owned())]
//! );
//!
//! let error = ListContactsQuery::from_params(None, None, Some("ext-1"), Some("SMS"), None).unwrap_err();
//! assert_eq!(error.violations()[0].field(), "external_id");
//! ```

use crate::ConversationChannel;
use crate::validate::{ValidationError, ViolationKind, Violations, validate_page_size};

/// Which contacts a list returns: those with an external id, or the one with a channel identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactFilter {
    /// Contacts whose `external_id` is this.
    ExternalId(String),
    /// The contact that has this identity on this channel.
    ChannelIdentity {
        /// The channel.
        channel: ConversationChannel,
        /// The identity on it.
        identity: String,
    },
}

impl ContactFilter {
    /// A filter on `external_id`.
    pub fn external_id(external_id: impl Into<String>) -> Self {
        Self::ExternalId(external_id.into())
    }

    /// A filter on one channel identity.
    pub fn channel_identity(channel: ConversationChannel, identity: impl Into<String>) -> Self {
        Self::ChannelIdentity {
            channel,
            identity: identity.into(),
        }
    }
}

/// The query of a list-contacts call. The filter's shape makes the documented exclusions hold:
/// `external_id` excludes `channel` and `identity`, which go together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListContactsQuery {
    /// At most this many contacts per page (1..=20; the server's default is 10).
    pub page_size: Option<u32>,
    /// The `next_page_token` of the previous page.
    pub page_token: Option<String>,
    /// An optional filter.
    pub filter: Option<ContactFilter>,
}

impl ListContactsQuery {
    /// The first page with the server's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size (checked by [`Self::validate`]).
    #[must_use]
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Sets the page token.
    #[must_use]
    pub fn page_token(mut self, page_token: impl Into<String>) -> Self {
        self.page_token = Some(page_token.into());
        self
    }

    /// Sets the filter.
    #[must_use]
    pub fn filter(mut self, filter: ContactFilter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Checks what the types cannot: the page size range and non-empty filter values.
    ///
    /// # Errors
    ///
    /// [`ValidationError`] with every violation.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut found = Violations::default();
        found.absorb(self.page_size.map_or(Ok(()), validate_page_size));
        match &self.filter {
            Some(ContactFilter::ExternalId(external_id)) if external_id.is_empty() => {
                found.push("external_id", ViolationKind::Empty);
            }
            Some(ContactFilter::ChannelIdentity { identity, .. }) if identity.is_empty() => {
                found.push("identity", ViolationKind::Empty);
            }
            _ => {}
        }
        found.finish()
    }

    /// The query parameters, in the documented order, unencoded (the transport layer encodes).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = paging_pairs(self.page_size, self.page_token.as_deref());
        match &self.filter {
            Some(ContactFilter::ExternalId(external_id)) => {
                pairs.push(("external_id", external_id.clone()))
            }
            Some(ContactFilter::ChannelIdentity { channel, identity }) => {
                pairs.push(("channel", channel.as_str().to_owned()));
                pairs.push(("identity", identity.clone()));
            }
            None => {}
        }
        pairs
    }

    /// Builds a query from parameters as received (decoded), enforcing the documented rules:
    /// page size 1..=20; `external_id` excludes `channel` and `identity`, which go together.
    /// Empty values count as absent.
    ///
    /// # Errors
    ///
    /// [`ValidationError`] with every violation.
    #[allow(clippy::similar_names)]
    pub fn from_params(
        page_size: Option<u32>,
        page_token: Option<&str>,
        external_id: Option<&str>,
        channel: Option<&str>,
        identity: Option<&str>,
    ) -> Result<Self, ValidationError> {
        let (external_id, channel, identity) =
            (present(external_id), present(channel), present(identity));
        let mut found = Violations::default();
        found.absorb(page_size.map_or(Ok(()), validate_page_size));
        if external_id.is_some() {
            if channel.is_some() {
                found.push(
                    "external_id",
                    ViolationKind::ExcludedBy {
                        other: "channel".to_owned(),
                    },
                );
            }
            if identity.is_some() {
                found.push(
                    "external_id",
                    ViolationKind::ExcludedBy {
                        other: "identity".to_owned(),
                    },
                );
            }
        }
        match (channel, identity) {
            (Some(_), None) => found.push(
                "channel",
                ViolationKind::RequiresAlso {
                    other: "identity".to_owned(),
                },
            ),
            (None, Some(_)) => found.push(
                "identity",
                ViolationKind::RequiresAlso {
                    other: "channel".to_owned(),
                },
            ),
            _ => {}
        }
        found.finish()?;
        let filter = match (external_id, channel, identity) {
            (Some(external_id), _, _) => Some(ContactFilter::external_id(external_id)),
            (None, Some(channel), Some(identity)) => {
                Some(ContactFilter::channel_identity(channel.into(), identity))
            }
            _ => None,
        };
        Ok(Self {
            page_size,
            page_token: present(page_token).map(str::to_owned),
            filter,
        })
    }
}

/// The paging parameters shared by the list operations.
fn paging_pairs(page_size: Option<u32>, page_token: Option<&str>) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    if let Some(page_size) = page_size {
        pairs.push(("page_size", page_size.to_string()));
    }
    if let Some(page_token) = page_token {
        pairs.push(("page_token", page_token.to_owned()));
    }
    pairs
}

/// A parameter counts as given only when it is not empty.
fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.is_empty())
}

/// The query of a list-identity-conflicts call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentityConflictsQuery {
    /// At most this many conflicts per page (1..=20).
    pub page_size: Option<u32>,
    /// The `next_page_token` of the previous page.
    pub page_token: Option<String>,
}

impl IdentityConflictsQuery {
    /// The first page with the server's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size (checked by [`Self::validate`]).
    #[must_use]
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Sets the page token.
    #[must_use]
    pub fn page_token(mut self, page_token: impl Into<String>) -> Self {
        self.page_token = Some(page_token.into());
        self
    }

    /// Checks the page size range.
    ///
    /// # Errors
    ///
    /// [`ValidationError`] naming `page_size`.
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.page_size.map_or(Ok(()), validate_page_size)
    }

    /// The query parameters, unencoded.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        paging_pairs(self.page_size, self.page_token.as_deref())
    }
}
