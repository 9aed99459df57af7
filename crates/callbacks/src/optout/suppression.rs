//! [`SuppressionList`]: per channel identity, whether the contact opted out.

use std::collections::HashMap;
use std::sync::Arc;

use crate::contact_types::ConversationChannel;
use crate::events::{Callback, Event};
use crate::optout::keywords::{Keyword, KeywordClassifier};
use crate::timestamp::Timestamp;

/// One identity on one channel (the key of the suppression list). `app_id` is not part of it:
/// an opt-out on a phone number holds for every app.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdentityKey {
    /// The channel.
    pub channel: ConversationChannel,
    /// The identity on that channel.
    pub identity: String,
}

impl IdentityKey {
    /// A key.
    pub fn new(channel: ConversationChannel, identity: impl Into<String>) -> Self {
        Self {
            channel,
            identity: identity.into(),
        }
    }
}

/// Consent state of an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Consent {
    /// The contact opted out: do not message.
    OptedOut,
    /// The contact opted (back) in.
    OptedIn,
}

/// What changed the consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConsentSource {
    /// An inbound text keyword (MESSAGE_INBOUND).
    Keyword,
    /// An OPT_IN or OPT_OUT callback with a succeeded status.
    OptCallback,
    /// A call of [`SuppressionList::record`].
    Manual,
}

/// The consent of one identity and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsentRecord {
    /// The current consent.
    pub consent: Consent,
    /// `accepted_time` of the callback that set it, if it had one.
    pub changed_at: Option<Timestamp>,
    /// What set it.
    pub source: ConsentSource,
}

impl ConsentRecord {
    /// A record (e.g. read back from a store).
    pub fn new(consent: Consent, changed_at: Option<Timestamp>, source: ConsentSource) -> Self {
        Self {
            consent,
            changed_at,
            source,
        }
    }
}

/// What [`SuppressionList::apply`] did with a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SuppressionOutcome {
    /// The identity is now opted out.
    OptedOut(IdentityKey),
    /// The identity is now opted in.
    OptedIn(IdentityKey),
    /// The contact asked for help; consent is unchanged (answer with your help text).
    HelpRequested(IdentityKey),
    /// The callback is older (by `accepted_time`) than the last change for the identity.
    Stale(IdentityKey),
    /// Nothing to do.
    Ignored(IgnoredReason),
}

/// Why a callback did not touch the suppression list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IgnoredReason {
    /// Not MESSAGE_INBOUND, OPT_IN or OPT_OUT.
    NotConsentRelated,
    /// A text on a channel outside the text channels.
    NotATextChannel,
    /// Not a text message.
    NotAText,
    /// A text that is no keyword.
    NoKeyword,
    /// The callback names no channel or identity.
    MissingIdentity,
    /// An OPT_IN / OPT_OUT whose status is not a success.
    NotSucceeded,
}

/// Opt-out state per channel identity, fed by inbound keywords and OPT_IN / OPT_OUT callbacks.
///
/// Rules:
/// - MESSAGE_INBOUND text messages on the text channels (SMS, MMS, RCS, WhatsApp by default)
///   are classified with the [`KeywordClassifier`]: opt-out and opt-in keywords change the
///   state, help keywords are reported and change nothing.
/// - OPT_IN / OPT_OUT callbacks change the state only with a `*_SUCCEEDED` status and when they
///   name both channel and identity.
/// - Ordering: a change whose `accepted_time` is older than the recorded change for the
///   identity is ignored ([`SuppressionOutcome::Stale`]); equal times apply in arrival order;
///   a callback without `accepted_time` applies in arrival order. Applying the same callback
///   twice changes nothing.
/// - Identities never seen may be messaged.
///
/// ```
/// use sinch_contacts_callbacks::optout::SuppressionList;
/// use sinch_contacts_callbacks::{ConversationChannel, parse_unverified};
///
/// let stop = br#"{"app_id":"a","project_id":"p","accepted_time":"2024-06-15T14:00:00Z",
///   "message":{"channel_identity":{"channel":"SMS","identity":"46700000001"},
///              "contact_message":{"text_message":{"text":"Stop."}}}}"#;
/// let mut list = SuppressionList::default();
/// list.apply(&parse_unverified(stop).unwrap());
/// assert!(!list.may_message(&ConversationChannel::Sms, "46700000001"));
/// assert!(list.may_message(&ConversationChannel::Whatsapp, "46700000001"));
/// ```
#[derive(Debug, Clone)]
pub struct SuppressionList {
    /// Shared between lists with the same rules (a store makes one list per delivery).
    rules: Arc<Rules>,
    records: HashMap<IdentityKey, ConsentRecord>,
}

/// The rules of a list: how texts are classified, and on which channels.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rules {
    classifier: KeywordClassifier,
    text_channels: Vec<ConversationChannel>,
}

impl Default for SuppressionList {
    fn default() -> Self {
        Self::new(KeywordClassifier::default())
    }
}

impl SuppressionList {
    /// An empty list using `classifier` for inbound texts on SMS, MMS, RCS and WhatsApp.
    pub fn new(classifier: KeywordClassifier) -> Self {
        Self {
            rules: Arc::new(Rules {
                classifier,
                text_channels: vec![
                    ConversationChannel::Sms,
                    ConversationChannel::Mms,
                    ConversationChannel::Rcs,
                    ConversationChannel::Whatsapp,
                ],
            }),
            records: HashMap::new(),
        }
    }

    /// Replaces the channels whose inbound texts are classified.
    pub fn with_text_channels(
        mut self,
        channels: impl IntoIterator<Item = ConversationChannel>,
    ) -> Self {
        Arc::make_mut(&mut self.rules).text_channels = channels.into_iter().collect();
        self
    }

    /// Whether `identity` on `channel` may be messaged (it has not opted out).
    pub fn may_message(&self, channel: &ConversationChannel, identity: &str) -> bool {
        let key = IdentityKey::new(channel.clone(), identity);
        self.records
            .get(&key)
            .is_none_or(|record| record.consent != Consent::OptedOut)
    }

    /// The record of an identity, if any.
    pub fn record_of(&self, key: &IdentityKey) -> Option<&ConsentRecord> {
        self.records.get(key)
    }

    /// Every identity currently opted out.
    pub fn opted_out(&self) -> impl Iterator<Item = &IdentityKey> {
        self.records
            .iter()
            .filter(|(_, record)| record.consent == Consent::OptedOut)
            .map(|(key, _)| key)
    }

    /// Every record, in no particular order.
    pub fn records(&self) -> impl Iterator<Item = (&IdentityKey, &ConsentRecord)> {
        self.records.iter()
    }

    /// The same rules (classifier and text channels) with no record.
    pub(crate) fn rules_only(&self) -> Self {
        Self {
            rules: self.rules.clone(),
            records: HashMap::new(),
        }
    }

    /// Seeds a record (used to rebuild the part of a list a store holds).
    pub(crate) fn seed(&mut self, key: IdentityKey, record: ConsentRecord) {
        self.records.insert(key, record);
    }

    /// Records a consent change made outside callbacks (e.g. imported from a CRM).
    pub fn record(
        &mut self,
        key: IdentityKey,
        consent: Consent,
        at: Option<Timestamp>,
    ) -> SuppressionOutcome {
        self.change(key, consent, at, ConsentSource::Manual)
    }

    /// Applies a callback (see the type docs for the rules).
    pub fn apply(&mut self, callback: &Callback) -> SuppressionOutcome {
        let at = callback.accepted_time;
        match &callback.event {
            Event::MessageInbound(message) => {
                let Some(identity) = &message.channel_identity else {
                    return SuppressionOutcome::Ignored(IgnoredReason::MissingIdentity);
                };
                if !self.rules.text_channels.contains(&identity.channel) {
                    return SuppressionOutcome::Ignored(IgnoredReason::NotATextChannel);
                }
                let Some(text) = message.text() else {
                    return SuppressionOutcome::Ignored(IgnoredReason::NotAText);
                };
                let key = IdentityKey::new(identity.channel.clone(), identity.identity.clone());
                match self.rules.classifier.classify(text) {
                    Keyword::OptOut => {
                        self.change(key, Consent::OptedOut, at, ConsentSource::Keyword)
                    }
                    Keyword::OptIn => {
                        self.change(key, Consent::OptedIn, at, ConsentSource::Keyword)
                    }
                    Keyword::Help => SuppressionOutcome::HelpRequested(key),
                    Keyword::None => SuppressionOutcome::Ignored(IgnoredReason::NoKeyword),
                }
            }
            Event::OptIn(notification) => {
                if !notification.succeeded() {
                    return SuppressionOutcome::Ignored(IgnoredReason::NotSucceeded);
                }
                match key_of(
                    notification.channel.as_ref(),
                    notification.identity.as_deref(),
                ) {
                    Some(key) => self.change(key, Consent::OptedIn, at, ConsentSource::OptCallback),
                    None => SuppressionOutcome::Ignored(IgnoredReason::MissingIdentity),
                }
            }
            Event::OptOut(notification) => {
                if !notification.succeeded() {
                    return SuppressionOutcome::Ignored(IgnoredReason::NotSucceeded);
                }
                match key_of(
                    notification.channel.as_ref(),
                    notification.identity.as_deref(),
                ) {
                    Some(key) => {
                        self.change(key, Consent::OptedOut, at, ConsentSource::OptCallback)
                    }
                    None => SuppressionOutcome::Ignored(IgnoredReason::MissingIdentity),
                }
            }
            _ => SuppressionOutcome::Ignored(IgnoredReason::NotConsentRelated),
        }
    }

    fn change(
        &mut self,
        key: IdentityKey,
        consent: Consent,
        at: Option<Timestamp>,
        source: ConsentSource,
    ) -> SuppressionOutcome {
        if let Some(existing) = self.records.get(&key)
            && let (Some(existing_at), Some(at)) = (existing.changed_at, at)
            && at < existing_at
        {
            return SuppressionOutcome::Stale(key);
        }
        let changed_at = match (self.records.get(&key).and_then(|r| r.changed_at), at) {
            (Some(existing), Some(at)) => Some(existing.max(at)),
            (existing, at) => at.or(existing),
        };
        self.records.insert(
            key.clone(),
            ConsentRecord {
                consent,
                changed_at,
                source,
            },
        );
        match consent {
            Consent::OptedOut => SuppressionOutcome::OptedOut(key),
            Consent::OptedIn => SuppressionOutcome::OptedIn(key),
        }
    }
}

fn key_of(channel: Option<&ConversationChannel>, identity: Option<&str>) -> Option<IdentityKey> {
    match (channel, identity) {
        (Some(channel), Some(identity)) if !identity.is_empty() => {
            Some(IdentityKey::new(channel.clone(), identity))
        }
        _ => None,
    }
}
