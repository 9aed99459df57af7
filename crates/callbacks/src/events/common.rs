//! Small types shared by several triggers: the [`Trigger`] enum, plus the open enums and the
//! delivery `Reason` reused from the model crate.

pub use sinch_contacts_model::{
    ConversationDirection, DeliveryStatus, ProcessingMode, Reason, ReasonCode, ReasonSubCode,
};

use crate::open_enum::open_enum;

open_enum! {
    /// The trigger a callback was sent for.
    ///
    /// Callbacks carry no trigger field: the trigger follows from which notification key the
    /// body holds (see [`Trigger::notification_key`]).
    pub enum Trigger {
        /// No trigger given (never delivered; present in the API's enum).
        UnspecifiedTrigger = "UNSPECIFIED_TRIGGER",
        /// A contact message (`message`).
        MessageInbound = "MESSAGE_INBOUND",
        /// A delivery report for an app message (`message_delivery_report`).
        MessageDelivery = "MESSAGE_DELIVERY",
        /// An app message was submitted to the channel (`message_submit_notification`).
        MessageSubmit = "MESSAGE_SUBMIT",
        /// A contact event (`event`).
        EventInbound = "EVENT_INBOUND",
        /// A delivery report for an app event (`event_delivery_report`).
        EventDelivery = "EVENT_DELIVERY",
        /// A conversation started (`conversation_start_notification`).
        ConversationStart = "CONVERSATION_START",
        /// A conversation stopped (`conversation_stop_notification`).
        ConversationStop = "CONVERSATION_STOP",
        /// A conversation was deleted (`conversation_delete_notification`).
        ConversationDelete = "CONVERSATION_DELETE",
        /// A contact was created (`contact_create_notification`).
        ContactCreate = "CONTACT_CREATE",
        /// A contact was updated (`contact_update_notification`).
        ContactUpdate = "CONTACT_UPDATE",
        /// A contact was deleted (`contact_delete_notification`).
        ContactDelete = "CONTACT_DELETE",
        /// Two contacts were merged (`contact_merge_notification`).
        ContactMerge = "CONTACT_MERGE",
        /// One channel identity was found on several contacts
        /// (`duplicated_contact_identities_notification`).
        ContactIdentitiesDuplication = "CONTACT_IDENTITIES_DUPLICATION",
        /// A channel callback the API does not support (`unsupported_callback`).
        Unsupported = "UNSUPPORTED",
        /// An opt-in was processed (`opt_in_notification`).
        OptIn = "OPT_IN",
        /// An opt-out was processed (`opt_out_notification`).
        OptOut = "OPT_OUT",
        /// A capability query result (`capability_notification`).
        Capability = "CAPABILITY",
        /// A channel event such as a quality-rating change (`channel_event_notification`).
        ChannelEvent = "CHANNEL_EVENT",
        /// Smart Conversations analysis results (`smart_conversation_notification`).
        SmartConversation = "SMART_CONVERSATION",
        /// A contact message after PII redaction (`message_redaction`).
        MessageInboundSmartConversationRedaction = "MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION",
        /// A record was stored (`record_notification`).
        RecordNotification = "RECORD_NOTIFICATION",
    }
}

impl Trigger {
    /// The notification key a callback of this trigger carries in the official contract, or
    /// `None` for [`Trigger::UnspecifiedTrigger`] and unrecognized triggers.
    ///
    /// ```
    /// use sinch_contacts_callbacks::Trigger;
    /// assert_eq!(Trigger::ContactMerge.notification_key(), Some("contact_merge_notification"));
    /// ```
    pub fn notification_key(&self) -> Option<&'static str> {
        Some(match self {
            Self::MessageInbound => "message",
            Self::MessageDelivery => "message_delivery_report",
            Self::MessageSubmit => "message_submit_notification",
            Self::EventInbound => "event",
            Self::EventDelivery => "event_delivery_report",
            Self::ConversationStart => "conversation_start_notification",
            Self::ConversationStop => "conversation_stop_notification",
            Self::ConversationDelete => "conversation_delete_notification",
            Self::ContactCreate => "contact_create_notification",
            Self::ContactUpdate => "contact_update_notification",
            Self::ContactDelete => "contact_delete_notification",
            Self::ContactMerge => "contact_merge_notification",
            Self::ContactIdentitiesDuplication => "duplicated_contact_identities_notification",
            Self::Unsupported => "unsupported_callback",
            Self::OptIn => "opt_in_notification",
            Self::OptOut => "opt_out_notification",
            Self::Capability => "capability_notification",
            Self::ChannelEvent => "channel_event_notification",
            Self::SmartConversation => "smart_conversation_notification",
            Self::MessageInboundSmartConversationRedaction => "message_redaction",
            Self::RecordNotification => "record_notification",
            Self::UnspecifiedTrigger | Self::Unrecognized(_) => return None,
        })
    }
}
