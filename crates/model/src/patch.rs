//! Partial updates: a tri-state change per field, the update mask derived from it, and the pure
//! function that applies a patch to a contact.
//!
//! ```
//! use sinch_contacts_model::{apply_patch, Contact, ContactPatch};
//!
//! let patch = ContactPatch::new().display_name("Ada").clear_email();
//! assert_eq!(patch.mask().to_query_value(), "display_name,email");
//!
//! let mut before = Contact::default();
//! before.email = Some("old@example.com".to_owned());
//! let after = apply_patch(&before, &patch);
//! assert_eq!(after.display_name.as_deref(), Some("Ada"));
//! assert_eq!(after.email, None);
//! ```

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::{ChannelIdentity, Contact, ContactLanguage, ConversationChannel};

/// The change an update makes to one field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Leave the field as it is (it is not part of the derived mask).
    #[default]
    Keep,
    /// Empty the field (sent as `null`, named in the mask).
    Clear,
    /// Replace the field's value (lists are replaced whole).
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left alone.
    pub fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }

    /// `Some(value)` becomes [`Patch::Set`], `None` becomes [`Patch::Clear`].
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Self::Clear, Self::Set)
    }

    /// The new value, if the patch sets one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Set(value) => Some(value),
            Self::Keep | Self::Clear => None,
        }
    }
}

/// A contact field an update mask can name (`id` never can: the path names the contact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContactField {
    /// `channel_identities`
    ChannelIdentities,
    /// `channel_priority`
    ChannelPriority,
    /// `display_name`
    DisplayName,
    /// `email`
    Email,
    /// `external_id`
    ExternalId,
    /// `language`
    Language,
    /// `metadata`
    Metadata,
}

impl ContactField {
    /// Every maskable field, in the order of the contact schema.
    pub const ALL: [Self; 7] = [
        Self::ChannelIdentities,
        Self::ChannelPriority,
        Self::DisplayName,
        Self::Email,
        Self::ExternalId,
        Self::Language,
        Self::Metadata,
    ];

    /// The JSON name of the field, as written in a mask.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChannelIdentities => "channel_identities",
            Self::ChannelPriority => "channel_priority",
            Self::DisplayName => "display_name",
            Self::Email => "email",
            Self::ExternalId => "external_id",
            Self::Language => "language",
            Self::Metadata => "metadata",
        }
    }

    /// The field a mask entry names.
    ///
    /// # Errors
    ///
    /// [`MaskError`] for `id`, for nested paths (`channel_identities.identity`) and for names
    /// that are not contact fields.
    pub fn parse(name: &str) -> Result<Self, MaskError> {
        if name == "id" {
            return Err(MaskError::Id);
        }
        if name.contains('.') {
            return Err(MaskError::NestedPath(name.to_owned()));
        }
        Self::ALL
            .into_iter()
            .find(|field| field.as_str() == name)
            .ok_or_else(|| MaskError::UnknownField(name.to_owned()))
    }
}

impl fmt::Display for ContactField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a mask entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MaskError {
    /// `id` names the contact; it cannot be updated.
    #[error("`id` cannot be part of an update mask: the path names the contact")]
    Id,
    /// Only top-level fields can be masked.
    #[error("`{0}` is a nested path; update masks name top-level contact fields only")]
    NestedPath(String),
    /// Not a contact field.
    #[error("`{0}` is not a contact field that an update mask can name")]
    UnknownField(String),
}

/// The set of fields an update touches, sent as the `update_mask` query parameter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateMask {
    fields: BTreeSet<ContactField>,
}

impl UpdateMask {
    /// An empty mask.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field; returns the mask for chaining.
    #[must_use]
    pub fn with(mut self, field: ContactField) -> Self {
        self.fields.insert(field);
        self
    }

    /// Adds a field.
    pub fn insert(&mut self, field: ContactField) {
        self.fields.insert(field);
    }

    /// Whether the mask names `field`.
    pub fn contains(&self, field: ContactField) -> bool {
        self.fields.contains(&field)
    }

    /// Whether the mask names no field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The fields, in schema order.
    pub fn iter(&self) -> impl Iterator<Item = ContactField> + '_ {
        self.fields.iter().copied()
    }

    /// The comma-joined query value, for example `display_name,metadata`.
    pub fn to_query_value(&self) -> String {
        self.iter()
            .map(ContactField::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Parses mask entries as received: comma-joined (`a,b`), repeated, or both; blanks between
    /// commas are ignored.
    ///
    /// # Errors
    ///
    /// The first [`MaskError`] met.
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, MaskError> {
        let mut mask = Self::new();
        for entry in entries {
            for name in entry
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
            {
                mask.insert(ContactField::parse(name)?);
            }
        }
        Ok(mask)
    }
}

impl FromIterator<ContactField> for UpdateMask {
    fn from_iter<I: IntoIterator<Item = ContactField>>(iter: I) -> Self {
        Self {
            fields: iter.into_iter().collect(),
        }
    }
}

/// A partial update of a contact: one [`Patch`] per field.
///
/// The update mask is derived from the fields that are not [`Patch::Keep`]; [`Self::with_mask`]
/// overrides it. By this SDK's rule a masked field the patch does not set is cleared; no API
/// document states what the server does in that case (see `docs/merge-rules.md`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactPatch {
    /// `channel_identities` (replaced whole).
    pub channel_identities: Patch<Vec<ChannelIdentity>>,
    /// `channel_priority` (replaced whole).
    pub channel_priority: Patch<Vec<ConversationChannel>>,
    /// `display_name`.
    pub display_name: Patch<String>,
    /// `email`.
    pub email: Patch<String>,
    /// `external_id`.
    pub external_id: Patch<String>,
    /// `language`.
    pub language: Patch<ContactLanguage>,
    /// `metadata`.
    pub metadata: Patch<String>,
    mask_override: Option<UpdateMask>,
}

macro_rules! setters {
    ($($field:ident, $clear:ident, $ty:ty, $doc:literal;)*) => {
        $(
            #[doc = concat!("Sets `", $doc, "`.")]
            #[must_use]
            pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                self.$field = Patch::Set(value.into());
                self
            }

            #[doc = concat!("Clears `", $doc, "`.")]
            #[must_use]
            pub fn $clear(mut self) -> Self {
                self.$field = Patch::Clear;
                self
            }
        )*
    };
}

impl ContactPatch {
    /// A patch that changes nothing.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        channel_identities, clear_channel_identities, Vec<ChannelIdentity>, "channel_identities";
        channel_priority, clear_channel_priority, Vec<ConversationChannel>, "channel_priority";
        display_name, clear_display_name, String, "display_name";
        email, clear_email, String, "email";
        external_id, clear_external_id, String, "external_id";
        language, clear_language, ContactLanguage, "language";
        metadata, clear_metadata, String, "metadata";
    }

    /// Uses `mask` instead of the one derived from the fields set.
    #[must_use]
    pub fn with_mask(mut self, mask: UpdateMask) -> Self {
        self.mask_override = Some(mask);
        self
    }

    /// Whether [`Self::with_mask`] replaced the derived mask.
    pub fn has_mask_override(&self) -> bool {
        self.mask_override.is_some()
    }

    /// The mask sent with the patch: the override, or the fields that are not `Keep`.
    pub fn mask(&self) -> UpdateMask {
        if let Some(mask) = &self.mask_override {
            return mask.clone();
        }
        ContactField::ALL
            .into_iter()
            .filter(|field| !self.is_keep(*field))
            .collect()
    }

    fn is_keep(&self, field: ContactField) -> bool {
        match field {
            ContactField::ChannelIdentities => self.channel_identities.is_keep(),
            ContactField::ChannelPriority => self.channel_priority.is_keep(),
            ContactField::DisplayName => self.display_name.is_keep(),
            ContactField::Email => self.email.is_keep(),
            ContactField::ExternalId => self.external_id.is_keep(),
            ContactField::Language => self.language.is_keep(),
            ContactField::Metadata => self.metadata.is_keep(),
        }
    }

    /// The request body: set fields with their value, cleared fields as `null`, kept fields absent.
    pub fn to_body(&self) -> Value {
        let mut body = Map::new();
        put(
            &mut body,
            ContactField::ChannelIdentities,
            &self.channel_identities,
        );
        put(
            &mut body,
            ContactField::ChannelPriority,
            &self.channel_priority,
        );
        put(&mut body, ContactField::DisplayName, &self.display_name);
        put(&mut body, ContactField::Email, &self.email);
        put(&mut body, ContactField::ExternalId, &self.external_id);
        put(&mut body, ContactField::Language, &self.language);
        put(&mut body, ContactField::Metadata, &self.metadata);
        Value::Object(body)
    }

    /// Reads a patch from an update body as received: an absent member is `Keep`, `null` is
    /// `Clear`, a value is `Set`. `id` and members that are not contact fields are ignored (the
    /// path names the contact). The mask is derived unless the caller sets one.
    ///
    /// # Errors
    ///
    /// [`PatchBodyError`] naming the member whose value has the wrong type.
    pub fn from_body(body: &Map<String, Value>) -> Result<Self, PatchBodyError> {
        Ok(Self {
            channel_identities: take(body, ContactField::ChannelIdentities)?,
            channel_priority: take(body, ContactField::ChannelPriority)?,
            display_name: take(body, ContactField::DisplayName)?,
            email: take(body, ContactField::Email)?,
            external_id: take(body, ContactField::ExternalId)?,
            language: take(body, ContactField::Language)?,
            metadata: take(body, ContactField::Metadata)?,
            mask_override: None,
        })
    }
}

fn put<T: serde::Serialize>(body: &mut Map<String, Value>, field: ContactField, patch: &Patch<T>) {
    let value = match patch {
        Patch::Keep => return,
        Patch::Clear => Value::Null,
        // Serializing the model's own types to a `Value` cannot fail (string keys, no floats).
        Patch::Set(value) => serde_json::to_value(value).unwrap_or(Value::Null),
    };
    body.insert(field.as_str().to_owned(), value);
}

fn take<T: serde::de::DeserializeOwned>(
    body: &Map<String, Value>,
    field: ContactField,
) -> Result<Patch<T>, PatchBodyError> {
    match body.get(field.as_str()) {
        None => Ok(Patch::Keep),
        Some(Value::Null) => Ok(Patch::Clear),
        Some(value) => T::deserialize(value)
            .map(Patch::Set)
            .map_err(|error| PatchBodyError {
                field,
                message: error.to_string(),
            }),
    }
}

/// An update body member whose value does not fit the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("update body member `{field}`: {message}")]
pub struct PatchBodyError {
    field: ContactField,
    message: String,
}

impl PatchBodyError {
    /// The member that is wrong.
    pub fn field(&self) -> ContactField {
        self.field
    }
}

/// Applies `patch` to `contact`: every masked field takes the patch's value, or is emptied when
/// the patch does not set it; fields outside the mask and `id` are untouched. Pure: the emulator
/// and callers predicting an update's result use the same function.
///
/// Emptying a masked field the patch does not set is this SDK's rule (and the emulator's), not a
/// documented API behaviour: the API documents neither that case nor an update without mask.
pub fn apply_patch(contact: &Contact, patch: &ContactPatch) -> Contact {
    let mut updated = contact.clone();
    for field in patch.mask().iter() {
        match field {
            ContactField::ChannelIdentities => {
                updated.channel_identities = patch
                    .channel_identities
                    .value()
                    .cloned()
                    .unwrap_or_default();
            }
            ContactField::ChannelPriority => {
                updated.channel_priority =
                    patch.channel_priority.value().cloned().unwrap_or_default();
            }
            ContactField::DisplayName => updated.display_name = patch.display_name.value().cloned(),
            ContactField::Email => updated.email = patch.email.value().cloned(),
            ContactField::ExternalId => updated.external_id = patch.external_id.value().cloned(),
            ContactField::Language => updated.language = patch.language.value().cloned(),
            ContactField::Metadata => updated.metadata = patch.metadata.value().cloned(),
        }
    }
    updated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_follows_what_was_set_and_never_names_id() {
        let patch = ContactPatch::new().metadata("m").clear_display_name();
        assert_eq!(patch.mask().to_query_value(), "display_name,metadata");
        assert_eq!(ContactField::parse("id"), Err(MaskError::Id));
    }

    #[test]
    fn an_override_replaces_the_derived_mask() {
        let patch = ContactPatch::new()
            .display_name("x")
            .with_mask(UpdateMask::new().with(ContactField::Email));
        assert_eq!(patch.mask().to_query_value(), "email");
    }

    #[test]
    fn body_holds_values_and_nulls_only_for_touched_fields() {
        let body = ContactPatch::new()
            .display_name("Ada")
            .clear_email()
            .to_body();
        assert_eq!(
            body,
            serde_json::json!({"display_name": "Ada", "email": null})
        );
    }

    #[test]
    fn mask_entries_parse_comma_joined_or_repeated() {
        let mask = UpdateMask::parse(["display_name, email", "metadata"]).unwrap();
        assert_eq!(mask.to_query_value(), "display_name,email,metadata");
        assert_eq!(
            UpdateMask::parse(["channel_identities.identity"]),
            Err(MaskError::NestedPath(
                "channel_identities.identity".to_owned()
            ))
        );
        assert_eq!(
            UpdateMask::parse(["nick"]),
            Err(MaskError::UnknownField("nick".to_owned()))
        );
    }

    #[test]
    fn a_body_reads_back_as_the_same_patch() {
        let patch = ContactPatch::new()
            .display_name("Ada")
            .clear_metadata()
            .language(ContactLanguage::EnUs);
        let Value::Object(body) = patch.to_body() else {
            unreachable!("bodies are objects")
        };
        assert_eq!(ContactPatch::from_body(&body).unwrap(), patch);
    }

    #[test]
    fn a_wrongly_typed_member_is_named() {
        let body = serde_json::json!({"display_name": 5});
        let error = ContactPatch::from_body(body.as_object().unwrap()).unwrap_err();
        assert_eq!(error.field(), ContactField::DisplayName);
        assert!(
            error
                .to_string()
                .starts_with("update body member `display_name`"),
            "{error}"
        );
    }

    #[test]
    fn masked_fields_the_patch_does_not_set_are_cleared() {
        let contact = Contact {
            email: Some("e".to_owned()),
            display_name: Some("d".to_owned()),
            ..Contact::default()
        };
        let patch = ContactPatch::new().with_mask(UpdateMask::new().with(ContactField::Email));
        let updated = apply_patch(&contact, &patch);
        assert_eq!(updated.email, None);
        assert_eq!(updated.display_name.as_deref(), Some("d"));
    }
}
