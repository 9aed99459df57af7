//! Validation of requests before they are sent (and of what the emulator receives), with errors
//! that name the field.
//!
//! ```
//! use sinch_contacts_model::{validate_create, ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel};
//!
//! let request = ContactCreateRequest::new(
//!     vec![ChannelIdentity::new(ConversationChannel::Messenger, "1234")],
//!     ContactLanguage::En,
//! );
//! let error = validate_create(&request).unwrap_err();
//! assert_eq!(error.violations()[0].field(), "channel_identities[0].app_id");
//! assert_eq!(
//!     error.to_string(),
//!     "invalid request: channel_identities[0].app_id: required for the app-scoped channel MESSENGER"
//! );
//! ```

use std::fmt;

use crate::{
    ChannelIdentity, Contact, ContactCreateRequest, ContactField, ContactLanguage, ContactPatch,
    ConversationChannel, GetChannelProfileRequest, Patch, QueryCapabilityRequest, Recipient,
};

/// The most characters `metadata` may hold (the API documents it).
pub const METADATA_MAX_CHARS: usize = 1024;
/// The most characters every other string of a contact may hold (`display_name`, `email`,
/// `external_id`, an identity, its `app_id`, and the text of a channel or language): the API
/// documents no limit for them, so this is the request body limit of the emulator, 1 MiB. A
/// longer string cannot fit in a request the emulator accepts, and is refused before it is
/// sent rather than answered 413.
pub const TEXT_MAX_CHARS: usize = 1 << 20;
/// The smallest accepted page size.
pub const PAGE_SIZE_MIN: u32 = 1;
/// The largest accepted page size.
pub const PAGE_SIZE_MAX: u32 = 20;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// A required value is absent.
    Missing,
    /// A value that must not be empty is empty.
    Empty,
    /// A value that must not be blank holds only whitespace.
    Blank,
    /// An enum value that means "none" (`CHANNEL_UNSPECIFIED`, `UNSPECIFIED`, or an empty
    /// string) where a real value is required.
    Unspecified,
    /// Named in the update mask without a value, which would empty a field that must not be
    /// empty.
    MaskedWithoutValue,
    /// The same channel identity as an earlier entry of the list.
    DuplicateIdentity {
        /// The path of the earlier entry, for example `channel_identities[0]`.
        first: String,
    },
    /// A contact needs at least one channel identity.
    NoChannelIdentities,
    /// The channel's identities are per app, so `app_id` is required.
    AppIdRequired {
        /// The app-scoped channel.
        channel: String,
    },
    /// Longer than allowed.
    TooLong {
        /// The most characters allowed.
        max: usize,
        /// The characters given.
        actual: usize,
    },
    /// Outside the allowed range.
    OutOfRange {
        /// The smallest value allowed.
        min: u32,
        /// The largest value allowed.
        max: u32,
        /// The value given.
        actual: u32,
    },
    /// May not be given together with another field.
    ExcludedBy {
        /// The field it excludes.
        other: String,
    },
    /// Must be given together with another field.
    RequiresAlso {
        /// The field that must come with it.
        other: String,
    },
    /// A contact cannot be merged into itself.
    MergeWithItself,
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("required"),
            Self::Empty => f.write_str("must not be empty"),
            Self::Blank => f.write_str("must not be blank (it holds only whitespace)"),
            Self::Unspecified => f.write_str("must name a value, not the unspecified one"),
            Self::MaskedWithoutValue => f.write_str(
                "named in the update mask without a value, which would remove every channel identity",
            ),
            Self::DuplicateIdentity { first } => {
                write!(f, "the same channel identity as {first}")
            }
            Self::NoChannelIdentities => f.write_str("at least one channel identity is required"),
            Self::AppIdRequired { channel } => {
                write!(f, "required for the app-scoped channel {channel}")
            }
            Self::TooLong { max, actual } => {
                write!(f, "{actual} characters, at most {max} allowed")
            }
            Self::OutOfRange { min, max, actual } => write!(f, "{actual} is outside {min}..={max}"),
            Self::ExcludedBy { other } => write!(f, "cannot be given together with `{other}`"),
            Self::RequiresAlso { other } => write!(f, "must be given together with `{other}`"),
            Self::MergeWithItself => f.write_str("a contact cannot be merged into itself"),
        }
    }
}

/// One field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    field: String,
    kind: ViolationKind,
}

impl Violation {
    /// A violation of `field` (a path such as `channel_identities[1].app_id`).
    pub fn new(field: impl Into<String>, kind: ViolationKind) -> Self {
        Self {
            field: field.into(),
            kind,
        }
    }

    /// The path of the field.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong.
    pub fn kind(&self) -> &ViolationKind {
        &self.kind
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind)
    }
}

/// Every violation found in a request (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    violations: Vec<Violation>,
}

impl ValidationError {
    /// The violations, in field order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// An error of one violation.
    pub fn single(field: impl Into<String>, kind: ViolationKind) -> Self {
        Self {
            violations: vec![Violation::new(field, kind)],
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid request: ")?;
        for (index, violation) in self.violations.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Collects violations; `finish` turns them into a result.
#[derive(Debug, Default)]
pub(crate) struct Violations(Vec<Violation>);

impl Violations {
    pub(crate) fn push(&mut self, field: impl Into<String>, kind: ViolationKind) {
        self.0.push(Violation::new(field, kind));
    }

    /// Adds the violations of another check.
    pub(crate) fn absorb(&mut self, result: Result<(), ValidationError>) {
        if let Err(error) = result {
            self.0.extend(error.violations);
        }
    }

    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { violations: self.0 })
        }
    }
}

fn check_identities(identities: &[ChannelIdentity], found: &mut Violations) {
    if identities.is_empty() {
        found.push("channel_identities", ViolationKind::NoChannelIdentities);
    }
    for (index, identity) in identities.iter().enumerate() {
        if channel_is_unspecified(&identity.channel) {
            found.push(
                format!("channel_identities[{index}].channel"),
                ViolationKind::Unspecified,
            );
        }
        if identity.identity.is_empty() {
            found.push(
                format!("channel_identities[{index}].identity"),
                ViolationKind::Empty,
            );
        } else if identity.identity.trim().is_empty() {
            found.push(
                format!("channel_identities[{index}].identity"),
                ViolationKind::Blank,
            );
        }
        if identity.channel.is_app_scoped() && identity.app_id.as_deref().is_none_or(str::is_empty)
        {
            found.push(
                format!("channel_identities[{index}].app_id"),
                ViolationKind::AppIdRequired {
                    channel: identity.channel.as_str().to_owned(),
                },
            );
        }
        if let Some(first) = identities[..index]
            .iter()
            .position(|earlier| same_identity(earlier, identity))
        {
            found.push(
                format!("channel_identities[{index}].identity"),
                ViolationKind::DuplicateIdentity {
                    first: format!("channel_identities[{first}]"),
                },
            );
        }
    }
}

/// `CHANNEL_UNSPECIFIED`, or a channel string that is empty or blank.
fn channel_is_unspecified(channel: &ConversationChannel) -> bool {
    *channel == ConversationChannel::ChannelUnspecified || channel.as_str().trim().is_empty()
}

/// `UNSPECIFIED`, or a language string that is empty or blank.
fn language_is_unspecified(language: &ContactLanguage) -> bool {
    *language == ContactLanguage::Unspecified || language.as_str().trim().is_empty()
}

/// The same channel and identity (compared exactly) and, on app-scoped channels, the same app:
/// the identity `find_duplicated_identities` would report twice.
fn same_identity(a: &ChannelIdentity, b: &ChannelIdentity) -> bool {
    a.channel == b.channel
        && a.identity == b.identity
        && (!a.channel.is_app_scoped() || a.app_id == b.app_id)
}

/// Adds a [`ViolationKind::TooLong`] when `text` holds more than `max` characters (counted only
/// when its bytes are more: a character takes at least one byte).
fn check_length(field: impl FnOnce() -> String, text: &str, max: usize, found: &mut Violations) {
    if text.len() <= max {
        return;
    }
    let actual = text.chars().count();
    if actual > max {
        found.push(field(), ViolationKind::TooLong { max, actual });
    }
}

fn check_metadata(metadata: Option<&str>, found: &mut Violations) {
    if let Some(metadata) = metadata {
        check_length(
            || "metadata".to_owned(),
            metadata,
            METADATA_MAX_CHARS,
            found,
        );
    }
}

/// The strings of a contact without a documented limit, each at most [`TEXT_MAX_CHARS`].
#[derive(Debug, Default)]
struct ContactTexts<'a> {
    identities: &'a [ChannelIdentity],
    priority: &'a [ConversationChannel],
    display_name: Option<&'a str>,
    email: Option<&'a str>,
    external_id: Option<&'a str>,
    language: Option<&'a ContactLanguage>,
}

impl ContactTexts<'_> {
    fn check(&self, found: &mut Violations) {
        for (index, identity) in self.identities.iter().enumerate() {
            let at = |member: &'static str| move || format!("channel_identities[{index}].{member}");
            check_length(
                at("channel"),
                identity.channel.as_str(),
                TEXT_MAX_CHARS,
                found,
            );
            check_length(at("identity"), &identity.identity, TEXT_MAX_CHARS, found);
            if let Some(app_id) = &identity.app_id {
                check_length(at("app_id"), app_id, TEXT_MAX_CHARS, found);
            }
        }
        for (index, channel) in self.priority.iter().enumerate() {
            let field = || format!("channel_priority[{index}]");
            check_length(field, channel.as_str(), TEXT_MAX_CHARS, found);
        }
        for (name, value) in [
            ("display_name", self.display_name),
            ("email", self.email),
            ("external_id", self.external_id),
            ("language", self.language.map(ContactLanguage::as_str)),
        ] {
            if let Some(value) = value {
                check_length(|| name.to_owned(), value, TEXT_MAX_CHARS, found);
            }
        }
    }
}

/// Checks a create request: at least one channel identity; each with a channel that is not
/// `CHANNEL_UNSPECIFIED` (nor empty), an identity that is not empty or blank, an `app_id` on
/// app-scoped channels, and no two the same (channel, identity and, on app-scoped channels,
/// `app_id`); a language that is not `UNSPECIFIED` (nor empty); metadata of at most 1024
/// characters; every other string of at most [`TEXT_MAX_CHARS`] characters.
///
/// # Errors
///
/// [`ValidationError`] with every violation.
pub fn validate_create(request: &ContactCreateRequest) -> Result<(), ValidationError> {
    let mut found = Violations::default();
    check_identities(&request.channel_identities, &mut found);
    if language_is_unspecified(&request.language) {
        found.push("language", ViolationKind::Unspecified);
    }
    check_metadata(request.metadata.as_deref(), &mut found);
    ContactTexts {
        identities: &request.channel_identities,
        priority: &request.channel_priority,
        display_name: request.display_name.as_deref(),
        email: request.email.as_deref(),
        external_id: request.external_id.as_deref(),
        language: Some(&request.language),
    }
    .check(&mut found);
    found.finish()
}

/// Checks a whole contact by the rules of [`validate_create`] (what a stored contact must hold),
/// except the language: stored contacts do carry `UNSPECIFIED`.
///
/// # Errors
///
/// [`ValidationError`] with every violation.
pub fn validate_contact(contact: &Contact) -> Result<(), ValidationError> {
    let mut found = Violations::default();
    check_identities(&contact.channel_identities, &mut found);
    check_metadata(contact.metadata.as_deref(), &mut found);
    ContactTexts {
        identities: &contact.channel_identities,
        priority: &contact.channel_priority,
        display_name: contact.display_name.as_deref(),
        email: contact.email.as_deref(),
        external_id: contact.external_id.as_deref(),
        language: contact.language.as_ref(),
    }
    .check(&mut found);
    found.finish()
}

/// Checks a patch: identities it sets follow the create rules; it may not empty them, neither by
/// clearing them nor by a mask that names `channel_identities` without a value (a masked field
/// without a value is emptied, see [`crate::apply_patch`]); metadata it sets is at most 1024
/// characters, every other string it sets at most [`TEXT_MAX_CHARS`].
///
/// # Errors
///
/// [`ValidationError`] with every violation.
pub fn validate_patch(patch: &ContactPatch) -> Result<(), ValidationError> {
    let mut found = Violations::default();
    match &patch.channel_identities {
        Patch::Set(_) => {}
        Patch::Clear => found.push("channel_identities", ViolationKind::NoChannelIdentities),
        Patch::Keep => {
            if patch.mask().contains(ContactField::ChannelIdentities) {
                found.push("channel_identities", ViolationKind::MaskedWithoutValue);
            }
        }
    }
    check_values(
        &FieldValues {
            identities: patch.channel_identities.value().map(Vec::as_slice),
            priority: patch.channel_priority.value().map_or(&[], Vec::as_slice),
            display_name: patch.display_name.value().map(String::as_str),
            email: patch.email.value().map(String::as_str),
            external_id: patch.external_id.value().map(String::as_str),
            language: patch.language.value(),
            metadata: patch.metadata.value().map(String::as_str),
        },
        &mut found,
    );
    found.finish()
}

/// The values a patch sets, borrowed (`None`: not set), for checking them without building
/// the patch.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FieldValues<'a> {
    /// The identities, when set.
    pub(crate) identities: Option<&'a [ChannelIdentity]>,
    pub(crate) priority: &'a [ConversationChannel],
    pub(crate) display_name: Option<&'a str>,
    pub(crate) email: Option<&'a str>,
    pub(crate) external_id: Option<&'a str>,
    pub(crate) language: Option<&'a ContactLanguage>,
    pub(crate) metadata: Option<&'a str>,
}

/// What [`validate_patch`] checks of the values a patch sets.
fn check_values(values: &FieldValues<'_>, found: &mut Violations) {
    if let Some(identities) = values.identities {
        check_identities(identities, found);
    }
    check_metadata(values.metadata, found);
    ContactTexts {
        identities: values.identities.unwrap_or_default(),
        priority: values.priority,
        display_name: values.display_name,
        email: values.email,
        external_id: values.external_id,
        language: values.language,
    }
    .check(found);
}

/// [`validate_patch`] of a patch setting `values` (and clearing nothing else).
pub(crate) fn validate_values(values: &FieldValues<'_>) -> Result<(), ValidationError> {
    let mut found = Violations::default();
    check_values(values, &mut found);
    found.finish()
}

/// Checks a merge: both ids present, and different.
///
/// # Errors
///
/// [`ValidationError`] with every violation.
pub fn validate_merge(destination_id: &str, source_id: &str) -> Result<(), ValidationError> {
    let mut found = Violations::default();
    if destination_id.is_empty() {
        found.push("destination_id", ViolationKind::Empty);
    }
    if source_id.is_empty() {
        found.push("source_id", ViolationKind::Empty);
    }
    if !destination_id.is_empty() && destination_id == source_id {
        found.push("source_id", ViolationKind::MergeWithItself);
    }
    found.finish()
}

/// Checks a page size: 1 to 20.
///
/// # Errors
///
/// [`ValidationError`] naming `page_size`.
pub fn validate_page_size(page_size: u32) -> Result<(), ValidationError> {
    if (PAGE_SIZE_MIN..=PAGE_SIZE_MAX).contains(&page_size) {
        Ok(())
    } else {
        Err(ValidationError::single(
            "page_size",
            ViolationKind::OutOfRange {
                min: PAGE_SIZE_MIN,
                max: PAGE_SIZE_MAX,
                actual: page_size,
            },
        ))
    }
}

fn check_recipient(recipient: &Recipient, found: &mut Violations) {
    match recipient {
        Recipient::ContactId(by_id) => {
            if by_id.contact_id.is_empty() {
                found.push("recipient.contact_id", ViolationKind::Empty);
            }
            let field = || "recipient.contact_id".to_owned();
            check_length(field, &by_id.contact_id, TEXT_MAX_CHARS, found);
        }
        Recipient::IdentifiedBy(by_identity) => {
            let identities = &by_identity.identified_by.channel_identities;
            if identities.is_empty() {
                found.push(
                    "recipient.identified_by.channel_identities",
                    ViolationKind::Empty,
                );
            }
            for (index, identity) in identities.iter().enumerate() {
                let field =
                    || format!("recipient.identified_by.channel_identities[{index}].identity");
                if identity.identity.is_empty() {
                    found.push(field(), ViolationKind::Empty);
                }
                check_length(field, &identity.identity, TEXT_MAX_CHARS, found);
            }
        }
        _ => found.push("recipient", ViolationKind::Missing),
    }
}

/// Checks a getChannelProfile request: an app id and a well-formed recipient.
///
/// # Errors
///
/// [`ValidationError`] with every violation.
pub fn validate_channel_profile_request(
    request: &GetChannelProfileRequest,
) -> Result<(), ValidationError> {
    let mut found = Violations::default();
    if request.app_id.is_empty() {
        found.push("app_id", ViolationKind::Empty);
    }
    check_length(
        || "app_id".to_owned(),
        &request.app_id,
        TEXT_MAX_CHARS,
        &mut found,
    );
    check_recipient(&request.recipient, &mut found);
    found.finish()
}

/// Checks a capability query: an app id and a well-formed recipient.
///
/// # Errors
///
/// [`ValidationError`] with every violation.
pub fn validate_capability_query(request: &QueryCapabilityRequest) -> Result<(), ValidationError> {
    let mut found = Violations::default();
    if request.app_id.is_empty() {
        found.push("app_id", ViolationKind::Empty);
    }
    check_length(
        || "app_id".to_owned(),
        &request.app_id,
        TEXT_MAX_CHARS,
        &mut found,
    );
    if let Some(request_id) = &request.request_id {
        check_length(
            || "request_id".to_owned(),
            request_id,
            TEXT_MAX_CHARS,
            &mut found,
        );
    }
    check_recipient(&request.recipient, &mut found);
    found.finish()
}
