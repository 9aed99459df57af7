//! Native opt-ins and opt-outs: on channels where the user opts out in the app itself (Viber
//! Business Messages), the channel tells the API and the API sends an OPT_IN or OPT_OUT callback.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sinch_contacts_model::{ConversationChannel, WebhookTrigger};

use crate::state::State;
use crate::webhooks::Notification;

/// A contact opting in or out on a channel, as the channel reports it.
///
/// ```
/// use sinch_contacts_emulator::{Emulator, OptChange};
/// use sinch_contacts_model::ConversationChannel;
///
/// let emulator = Emulator::new();
/// let change = OptChange::new(ConversationChannel::Viberbm, "+46700000001");
/// let injected = emulator.inject_opt_out(change);
/// assert_eq!(injected.status, "OPT_OUT_SUCCEEDED");
/// assert_eq!(injected.contact_id, ""); // no contact holds the identity
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptChange {
    /// The channel (Viber Business Messages, `VIBERBM`, has native opt-out).
    pub channel: ConversationChannel,
    /// The identity on that channel (a phone number for VIBERBM).
    pub identity: String,
    /// The `request_id` of the callback; a new ULID-like id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// A failed change: the status is `OPT_IN_FAILED` or `OPT_OUT_FAILED` and `error_details`
    /// carries this description. Absent: `..._SUCCEEDED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl OptChange {
    /// A successful change of `identity` on `channel`.
    pub fn new(channel: ConversationChannel, identity: impl Into<String>) -> Self {
        Self {
            channel,
            identity: identity.into(),
            request_id: None,
            error: None,
        }
    }

    /// The change failed, for this reason.
    #[must_use]
    pub fn failed(mut self, description: impl Into<String>) -> Self {
        self.error = Some(description.into());
        self
    }

    /// Sets the callback's `request_id`.
    #[must_use]
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }
}

/// What an injected opt-in or opt-out became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OptInjected {
    /// The callback's `request_id`.
    pub request_id: String,
    /// The oldest contact holding the identity, or empty when none does (no contact is made).
    pub contact_id: String,
    /// The callback's `status`, e.g. `OPT_OUT_SUCCEEDED`.
    pub status: String,
}

/// Which way the consent changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// OPT_IN.
    In,
    /// OPT_OUT.
    Out,
}

impl Direction {
    fn trigger(self) -> WebhookTrigger {
        match self {
            Self::In => WebhookTrigger::OptIn,
            Self::Out => WebhookTrigger::OptOut,
        }
    }

    fn status(self, failed: bool) -> &'static str {
        match (self, failed) {
            (Self::In, false) => "OPT_IN_SUCCEEDED",
            (Self::In, true) => "OPT_IN_FAILED",
            (Self::Out, false) => "OPT_OUT_SUCCEEDED",
            (Self::Out, true) => "OPT_OUT_FAILED",
        }
    }
}

/// The OPT_IN or OPT_OUT callback of `change`: `request_id`, `contact_id` (the oldest contact
/// with the identity, or empty), `channel`, `identity`, `status`, `processing_mode`
/// (CONVERSATION) and, when it failed, `error_details`.
pub(crate) fn inject(
    state: &mut State,
    direction: Direction,
    change: &OptChange,
) -> (OptInjected, Vec<Notification>) {
    let contact_id = state
        .store
        .ids_with_identity(change.channel.as_str(), &change.identity)
        .into_iter()
        .next()
        .unwrap_or_default();
    let request_id = change
        .request_id
        .clone()
        .unwrap_or_else(|| state.ids.next_id());
    let status = direction.status(change.error.is_some());
    let mut payload = json!({
        "request_id": request_id,
        "contact_id": contact_id,
        "channel": change.channel,
        "identity": change.identity,
        "status": status,
        "processing_mode": "CONVERSATION",
    });
    if let (Some(description), Value::Object(members)) = (&change.error, &mut payload) {
        members.insert(
            "error_details".to_owned(),
            json!({ "description": description }),
        );
    }
    (
        OptInjected {
            request_id,
            contact_id,
            status: status.to_owned(),
        },
        vec![Notification::new(direction.trigger(), payload)],
    )
}
