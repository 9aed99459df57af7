//! The source of truth: its rows and the columns it has.

use std::collections::BTreeSet;

use crate::{ChannelIdentity, ContactField, ContactLanguage, ConversationChannel};

/// The contact fields a source of truth has columns for. A plan compares and changes only these;
/// every other field of a Sinch contact is left as it is. `external_id` is the key of the rows,
/// never compared nor changed, whether it is listed or not.
///
/// ```
/// use sinch_contacts_model::{Columns, ContactField};
///
/// let columns = Columns::new([ContactField::DisplayName, ContactField::Email]);
/// assert!(columns.contains(ContactField::Email));
/// assert!(!columns.contains(ContactField::Metadata));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Columns {
    fields: BTreeSet<ContactField>,
}

impl Columns {
    /// The columns `fields`.
    pub fn new(fields: impl IntoIterator<Item = ContactField>) -> Self {
        Self {
            fields: fields.into_iter().collect(),
        }
    }

    /// Every contact field (what the import's format holds when each column is present).
    pub fn all() -> Self {
        Self::new(ContactField::ALL)
    }

    /// Adds a column; returns the set for chaining.
    #[must_use]
    pub fn with(mut self, field: ContactField) -> Self {
        self.fields.insert(field);
        self
    }

    /// Whether the source has a column for `field`.
    pub fn contains(&self, field: ContactField) -> bool {
        self.fields.contains(&field)
    }

    /// The columns, in schema order.
    pub fn iter(&self) -> impl Iterator<Item = ContactField> + '_ {
        self.fields.iter().copied()
    }
}

/// One row of the source of truth: the contact as it should be in Sinch, keyed by
/// `external_id`. Only the fields named by the plan's [`Columns`] are read; the others are
/// ignored, whatever they hold.
///
/// An empty value in a column (`None`, an empty string, an empty list, `UNSPECIFIED`) means the
/// field should be empty.
///
/// ```
/// use sinch_contacts_model::{ChannelIdentity, ConversationChannel, DesiredContact};
///
/// let row = DesiredContact::new("crm-1")
///     .with_identity(ChannelIdentity::new(ConversationChannel::Sms, "+15550001"))
///     .with_display_name("Ada");
/// assert_eq!(row.external_id.as_deref(), Some("crm-1"));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct DesiredContact {
    /// The key; a row without one is refused by [`crate::plan`].
    pub external_id: Option<String>,
    /// `channel_identities` (compared as a set, see [`crate::plan`]).
    pub channel_identities: Vec<ChannelIdentity>,
    /// `channel_priority` (compared in order).
    pub channel_priority: Vec<ConversationChannel>,
    /// `display_name`.
    pub display_name: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `language`.
    pub language: Option<ContactLanguage>,
    /// `metadata`.
    pub metadata: Option<String>,
}

impl DesiredContact {
    /// A row keyed by `external_id`, every other field empty.
    pub fn new(external_id: impl Into<String>) -> Self {
        Self {
            external_id: Some(external_id.into()),
            ..Self::default()
        }
    }

    /// Adds a channel identity.
    #[must_use]
    pub fn with_identity(mut self, identity: ChannelIdentity) -> Self {
        self.channel_identities.push(identity);
        self
    }

    /// Sets the channel priority.
    #[must_use]
    pub fn with_priority(mut self, priority: impl Into<Vec<ConversationChannel>>) -> Self {
        self.channel_priority = priority.into();
        self
    }

    /// Sets the display name.
    #[must_use]
    pub fn with_display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = Some(display_name.into());
        self
    }

    /// Sets the email.
    #[must_use]
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the language.
    #[must_use]
    pub fn with_language(mut self, language: ContactLanguage) -> Self {
        self.language = Some(language);
        self
    }

    /// Sets the metadata.
    #[must_use]
    pub fn with_metadata(mut self, metadata: impl Into<String>) -> Self {
        self.metadata = Some(metadata.into());
        self
    }
}
