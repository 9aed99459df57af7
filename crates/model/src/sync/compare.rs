//! How a row's field and a contact's field are compared, and the patch and changes a difference
//! makes.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Columns, DesiredContact, FieldChange};
use crate::{
    ChannelIdentity, Contact, ContactField, ContactLanguage, ContactPatch, ConversationChannel,
    Patch,
};

/// What makes two channel identities the same: the channel, the identity (exactly), and the
/// app on app-scoped channels (an empty `app_id` counts as none). Borrowed from the identity, so
/// keying a hundred thousand contacts allocates nothing.
pub(crate) type IdentityKey<'a> = (&'a ConversationChannel, &'a str, Option<&'a str>);

pub(crate) fn identity_key(identity: &ChannelIdentity) -> IdentityKey<'_> {
    let app_id = identity
        .app_id
        .as_deref()
        .filter(|app_id| identity.channel.is_app_scoped() && !app_id.is_empty());
    (&identity.channel, &identity.identity, app_id)
}

pub(crate) fn identity_keys(identities: &[ChannelIdentity]) -> BTreeSet<IdentityKey<'_>> {
    identities.iter().map(identity_key).collect()
}

/// Whether two lists hold the same identities as sets. Lists are short (a contact has a few
/// identities), so each is looked for in the other: no allocation.
pub(crate) fn same_identities(left: &[ChannelIdentity], right: &[ChannelIdentity]) -> bool {
    let within = |needles: &[ChannelIdentity], haystack: &[ChannelIdentity]| {
        needles.iter().all(|needle| {
            let key = identity_key(needle);
            haystack.iter().any(|other| identity_key(other) == key)
        })
    };
    if left.len() > 32 || right.len() > 32 {
        return identity_keys(left) == identity_keys(right);
    }
    within(left, right) && within(right, left)
}

/// An empty string is no value.
fn text(value: Option<&String>) -> Option<&String> {
    value.filter(|value| !value.is_empty())
}

/// `UNSPECIFIED` (or an empty string) is no language.
fn language(value: Option<&ContactLanguage>) -> Option<&ContactLanguage> {
    value.filter(|language| {
        **language != ContactLanguage::Unspecified && !language.as_str().is_empty()
    })
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    // The model's own types serialize to JSON without failing (string keys, no floats).
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The patch naming exactly the fields (within `columns`) where `row` and `contact` differ,
/// and one change per such field, in schema order.
pub(crate) fn diff(
    row: &DesiredContact,
    columns: &Columns,
    contact: &Contact,
) -> (ContactPatch, Vec<FieldChange>) {
    let mut patch = ContactPatch::new();
    let mut changes = Vec::new();
    let mut change = |field, old: Value, new: Value| {
        changes.push(FieldChange { field, old, new });
    };
    for field in columns.iter() {
        match field {
            ContactField::ChannelIdentities => {
                if !same_identities(&row.channel_identities, &contact.channel_identities) {
                    patch.channel_identities = Patch::Set(row.channel_identities.clone());
                    change(
                        field,
                        json(&contact.channel_identities),
                        json(&row.channel_identities),
                    );
                }
            }
            ContactField::ChannelPriority => {
                if row.channel_priority != contact.channel_priority {
                    patch.channel_priority = if row.channel_priority.is_empty() {
                        Patch::Clear
                    } else {
                        Patch::Set(row.channel_priority.clone())
                    };
                    change(
                        field,
                        json(&contact.channel_priority),
                        json(&row.channel_priority),
                    );
                }
            }
            ContactField::DisplayName => text_field(
                &mut patch.display_name,
                text(row.display_name.as_ref()),
                text(contact.display_name.as_ref()),
                |old, new| change(field, old, new),
            ),
            ContactField::Email => text_field(
                &mut patch.email,
                text(row.email.as_ref()),
                text(contact.email.as_ref()),
                |old, new| change(field, old, new),
            ),
            ContactField::Metadata => text_field(
                &mut patch.metadata,
                text(row.metadata.as_ref()),
                text(contact.metadata.as_ref()),
                |old, new| change(field, old, new),
            ),
            ContactField::Language => text_field(
                &mut patch.language,
                language(row.language.as_ref()),
                language(contact.language.as_ref()),
                |old, new| change(field, old, new),
            ),
            // The key: rows and contacts are paired by it.
            ContactField::ExternalId => {}
        }
    }
    (patch, changes)
}

/// Sets `patch` when `new` differs from `old` (both already normalized); `None` clears.
fn text_field<T: Clone + PartialEq + serde::Serialize>(
    patch: &mut Patch<T>,
    new: Option<&T>,
    old: Option<&T>,
    change: impl FnOnce(Value, Value),
) {
    if new != old {
        *patch = Patch::from_option(new.cloned());
        change(json(&old), json(&new));
    }
}
