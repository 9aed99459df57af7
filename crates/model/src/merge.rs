//! The documented merge of two contacts, as pure functions.
//!
//! The rules (all three official sources agree), and where each lives:
//!
//! 1. every conversation of the source becomes a conversation of the destination, and
//! 2. when both had a conversation in the same app, the source's messages are folded into the
//!    destination's active conversation: [`plan_conversation_merge`];
//! 3. a channel identity moves only for a channel the destination has no identity on,
//! 4. moved identities go to the end of the channel priority list, in source order (the
//!    destination's own list is otherwise kept as it is),
//! 5. each optional field is copied only when the destination's is empty, and
//! 6. the source is gone afterwards: [`merge_contacts`], which consumes the source.
//!
//! Decisions where the documents are silent are in `docs/merge-rules.md`.
//!
//! ```
//! use sinch_contacts_model::{merge_contacts, ChannelIdentity, Contact, ConversationChannel};
//!
//! let mut destination = Contact::default();
//! destination.id = Some("dest".to_owned());
//! destination.channel_identities = vec![ChannelIdentity::new(ConversationChannel::Sms, "+46700000001")];
//! let mut source = Contact::default();
//! source.id = Some("src".to_owned());
//! source.display_name = Some("Ada".to_owned());
//! source.channel_identities = vec![
//!     ChannelIdentity::new(ConversationChannel::Sms, "+46700000002"),
//!     ChannelIdentity::new(ConversationChannel::Whatsapp, "+46700000002"),
//! ];
//!
//! let merged = merge_contacts(destination, source).unwrap();
//! assert_eq!(merged.contact.channel_identities.len(), 2); // SMS stays the destination's
//! // WhatsApp moved: it is appended to the destination's (empty) priority list.
//! assert_eq!(merged.contact.channel_priority, [ConversationChannel::Whatsapp]);
//! assert_eq!(merged.contact.display_name.as_deref(), Some("Ada"));
//! assert_eq!(merged.removed_source_id.as_deref(), Some("src"));
//! ```

use crate::{ChannelIdentity, Contact, ContactLanguage, ConversationChannel, RawJson};

/// The result of a merge.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MergeOutcome {
    /// The destination after the merge (it keeps its id).
    pub contact: Contact,
    /// The source's identities that moved, in source order.
    pub moved_identities: Vec<ChannelIdentity>,
    /// The fields copied from the source because the destination's were empty (JSON names):
    /// `display_name`, `email`, `external_id`, `metadata`, `language` in that order, then
    /// unknown members by name.
    pub copied_fields: Vec<String>,
    /// The id of the source, which no longer exists.
    pub removed_source_id: Option<String>,
}

/// Why a merge was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// Source and destination are the same contact.
    #[error("contact `{id}` cannot be merged into itself")]
    IntoItself {
        /// The contact's id.
        id: String,
    },
}

/// Merges `source` into `destination` by the documented rules 3 to 6 (see the module docs).
/// The source is consumed: after the merge it no longer exists.
///
/// # Errors
///
/// [`MergeError::IntoItself`] when both contacts carry the same id.
pub fn merge_contacts(destination: Contact, source: Contact) -> Result<MergeOutcome, MergeError> {
    if let (Some(destination_id), Some(source_id)) = (&destination.id, &source.id)
        && destination_id == source_id
    {
        return Err(MergeError::IntoItself {
            id: source_id.clone(),
        });
    }
    let mut merged = destination;
    let own_channels: Vec<ConversationChannel> = merged
        .channel_identities
        .iter()
        .map(|identity| identity.channel.clone())
        .collect();
    let moved_identities: Vec<ChannelIdentity> = source
        .channel_identities
        .iter()
        .filter(|identity| !own_channels.contains(&identity.channel))
        .cloned()
        .collect();

    // Rule 4: moved channels are appended to the destination's list, once each, in source
    // order. The destination's own list is kept as it is: a channel it already names keeps its
    // place, and nothing else is added or removed (docs/merge-rules.md, decision d).
    for identity in &moved_identities {
        if !merged.channel_priority.contains(&identity.channel) {
            merged.channel_priority.push(identity.channel.clone());
        }
    }
    merged
        .channel_identities
        .extend(moved_identities.iter().cloned());

    let mut copied_fields = Vec::new();
    let mut copy_text = |name: &str, target: &mut Option<String>, from: Option<String>| {
        if target.as_deref().is_none_or(str::is_empty)
            && from.as_deref().is_some_and(|value| !value.is_empty())
        {
            *target = from;
            copied_fields.push(name.to_owned());
        }
    };
    copy_text(
        "display_name",
        &mut merged.display_name,
        source.display_name,
    );
    copy_text("email", &mut merged.email, source.email);
    copy_text("external_id", &mut merged.external_id, source.external_id);
    copy_text("metadata", &mut merged.metadata, source.metadata);
    if language_is_empty(merged.language.as_ref()) && !language_is_empty(source.language.as_ref()) {
        merged.language = source.language;
        copied_fields.push("language".to_owned());
    }
    for (name, value) in source.additional_properties {
        let target_empty = merged
            .additional_properties
            .get(&name)
            .is_none_or(raw_json_is_empty);
        if target_empty && !raw_json_is_empty(&value) {
            merged.additional_properties.insert(name.clone(), value);
            copied_fields.push(name);
        }
    }

    Ok(MergeOutcome {
        contact: merged,
        moved_identities,
        copied_fields,
        removed_source_id: source.id,
    })
}

/// A language is empty when absent or `UNSPECIFIED`.
fn language_is_empty(language: Option<&ContactLanguage>) -> bool {
    language.is_none_or(|language| *language == ContactLanguage::Unspecified)
}

/// A member this crate does not know is empty when `null` or `""` (the only texts of those
/// values: a raw value holds no surrounding whitespace).
fn raw_json_is_empty(value: &RawJson) -> bool {
    matches!(value.as_str(), "null" | "\"\"")
}

/// A conversation as far as merging is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRef {
    /// The conversation id.
    pub id: String,
    /// The app the conversation belongs to.
    pub app_id: String,
    /// Whether it is the app's active conversation with the contact.
    pub active: bool,
}

/// What happens to one of the source's conversations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationMove {
    /// The conversation now belongs to the destination (rule 1).
    Reassign {
        /// The source's conversation.
        conversation_id: String,
    },
    /// Its messages are folded into the destination's active conversation in the same app
    /// (rule 2), and the source's conversation goes away.
    FoldInto {
        /// The source's conversation.
        conversation_id: String,
        /// The destination's active conversation in the same app.
        into: String,
    },
}

/// Rules 1 and 2: for each of the source's conversations, in order, whether it is reassigned to
/// the destination or folded into the destination's active conversation in the same app. A
/// destination conversation that is not active receives nothing: the source's is reassigned.
pub fn plan_conversation_merge(
    destination: &[ConversationRef],
    source: &[ConversationRef],
) -> Vec<ConversationMove> {
    source
        .iter()
        .map(|conversation| {
            match destination
                .iter()
                .find(|candidate| candidate.active && candidate.app_id == conversation.app_id)
            {
                Some(target) => ConversationMove::FoldInto {
                    conversation_id: conversation.id.clone(),
                    into: target.id.clone(),
                },
                None => ConversationMove::Reassign {
                    conversation_id: conversation.id.clone(),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: &str, identities: &[(ConversationChannel, &str)]) -> Contact {
        Contact {
            id: Some(id.to_owned()),
            channel_identities: identities
                .iter()
                .map(|(channel, identity)| ChannelIdentity::new(channel.clone(), *identity))
                .collect(),
            ..Contact::default()
        }
    }

    #[test]
    fn identities_move_only_for_channels_the_destination_lacks() {
        let destination = contact("d", &[(ConversationChannel::Sms, "1")]);
        let source = contact(
            "s",
            &[
                (ConversationChannel::Sms, "2"),
                (ConversationChannel::Rcs, "2"),
            ],
        );
        let outcome = merge_contacts(destination, source).unwrap();
        let identities: Vec<_> = outcome
            .contact
            .channel_identities
            .iter()
            .map(|identity| (identity.channel.as_str(), identity.identity.as_str()))
            .collect();
        assert_eq!(identities, [("SMS", "1"), ("RCS", "2")]);
    }

    #[test]
    fn moved_channels_are_appended_to_the_destinations_list_as_it_is() {
        let mut destination = contact(
            "d",
            &[
                (ConversationChannel::Sms, "1"),
                (ConversationChannel::Whatsapp, "1"),
            ],
        );
        destination.channel_priority = vec![ConversationChannel::Whatsapp];
        let source = contact("s", &[(ConversationChannel::Rcs, "2")]);
        let outcome = merge_contacts(destination, source).unwrap();
        assert_eq!(
            outcome.contact.channel_priority,
            [ConversationChannel::Whatsapp, ConversationChannel::Rcs]
        );
    }

    #[test]
    fn empty_strings_and_unspecified_language_count_as_empty() {
        let mut destination = contact("d", &[]);
        destination.email = Some(String::new());
        destination.language = Some(ContactLanguage::Unspecified);
        destination.display_name = Some("Kept".to_owned());
        let mut source = contact("s", &[]);
        source.email = Some("e@example.com".to_owned());
        source.language = Some(ContactLanguage::Fr);
        source.display_name = Some("Lost".to_owned());
        let outcome = merge_contacts(destination, source).unwrap();
        assert_eq!(outcome.contact.email.as_deref(), Some("e@example.com"));
        assert_eq!(outcome.contact.language, Some(ContactLanguage::Fr));
        assert_eq!(outcome.contact.display_name.as_deref(), Some("Kept"));
        assert_eq!(outcome.copied_fields, ["email", "language"]);
    }

    #[test]
    fn merging_a_contact_into_itself_is_refused() {
        let error = merge_contacts(contact("same", &[]), contact("same", &[])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "contact `same` cannot be merged into itself"
        );
    }

    #[test]
    fn conversations_fold_into_the_active_one_of_the_same_app() {
        let reference = |id: &str, app: &str, active: bool| ConversationRef {
            id: id.to_owned(),
            app_id: app.to_owned(),
            active,
        };
        let moves = plan_conversation_merge(
            &[
                reference("d1", "app1", true),
                reference("d2", "app2", false),
            ],
            &[
                reference("s1", "app1", true),
                reference("s2", "app2", true),
                reference("s3", "app3", false),
            ],
        );
        assert_eq!(
            moves,
            [
                ConversationMove::FoldInto {
                    conversation_id: "s1".to_owned(),
                    into: "d1".to_owned()
                },
                ConversationMove::Reassign {
                    conversation_id: "s2".to_owned()
                },
                ConversationMove::Reassign {
                    conversation_id: "s3".to_owned()
                },
            ]
        );
    }
}
