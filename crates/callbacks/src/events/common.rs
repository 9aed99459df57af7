//! Small types shared by several triggers: open enums and the delivery `Reason`.

use serde::{Deserialize, Serialize};

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

open_enum! {
    /// Whether the app runs in CONVERSATION mode (contacts and conversations are kept) or
    /// DISPATCH mode (they are not, and contact ids are empty).
    pub enum ProcessingMode {
        /// Contacts and conversations are created and kept.
        Conversation = "CONVERSATION",
        /// Messages are dispatched without contacts or conversations.
        Dispatch = "DISPATCH",
    }
}

open_enum! {
    /// Direction of a message or event.
    pub enum ConversationDirection {
        /// Not given.
        UndefinedDirection = "UNDEFINED_DIRECTION",
        /// From the contact to the app.
        ToApp = "TO_APP",
        /// From the app to the contact.
        ToContact = "TO_CONTACT",
    }
}

open_enum! {
    /// Delivery state of an app message or event.
    pub enum DeliveryStatus {
        /// Queued on the channel.
        QueuedOnChannel = "QUEUED_ON_CHANNEL",
        /// Delivered to the contact.
        Delivered = "DELIVERED",
        /// Read by the contact.
        Read = "READ",
        /// Delivery failed.
        Failed = "FAILED",
        /// Failed on this channel; the next channel is tried.
        SwitchingChannel = "SWITCHING_CHANNEL",
    }
}

open_enum! {
    /// Why something failed or happened (a delivery, a capability check, ...).
    pub enum ReasonCode {
        /// The API's own "unknown" code (not an unrecognized value).
        Unknown = "UNKNOWN",
        /// Internal error.
        InternalError = "INTERNAL_ERROR",
        /// Rate limited.
        RateLimited = "RATE_LIMITED",
        /// The channel identity is invalid.
        RecipientInvalidChannelIdentity = "RECIPIENT_INVALID_CHANNEL_IDENTITY",
        /// The recipient cannot be reached.
        RecipientNotReachable = "RECIPIENT_NOT_REACHABLE",
        /// The recipient has not opted in.
        RecipientNotOptedIn = "RECIPIENT_NOT_OPTED_IN",
        /// Outside the channel's sending window.
        OutsideAllowedSendingWindow = "OUTSIDE_ALLOWED_SENDING_WINDOW",
        /// The channel failed.
        ChannelFailure = "CHANNEL_FAILURE",
        /// The channel is badly configured.
        ChannelBadConfiguration = "CHANNEL_BAD_CONFIGURATION",
        /// The channel is not configured.
        ChannelConfigurationMissing = "CHANNEL_CONFIGURATION_MISSING",
        /// Unsupported media type.
        MediaTypeUnsupported = "MEDIA_TYPE_UNSUPPORTED",
        /// Media too large.
        MediaTooLarge = "MEDIA_TOO_LARGE",
        /// Media not reachable.
        MediaNotReachable = "MEDIA_NOT_REACHABLE",
        /// No channels left to try.
        NoChannelsLeft = "NO_CHANNELS_LEFT",
        /// Template not found.
        TemplateNotFound = "TEMPLATE_NOT_FOUND",
        /// Template parameters missing.
        TemplateInsufficientParameters = "TEMPLATE_INSUFFICIENT_PARAMETERS",
        /// Template language or version does not exist.
        TemplateNonExistingLanguageOrVersion = "TEMPLATE_NON_EXISTING_LANGUAGE_OR_VERSION",
        /// Delivery timed out.
        DeliveryTimedOut = "DELIVERY_TIMED_OUT",
        /// Rejected by policy.
        DeliveryRejectedDueToPolicy = "DELIVERY_REJECTED_DUE_TO_POLICY",
        /// Contact not found.
        ContactNotFound = "CONTACT_NOT_FOUND",
        /// Bad request.
        BadRequest = "BAD_REQUEST",
        /// Unknown app.
        UnknownApp = "UNKNOWN_APP",
        /// The contact has no identity on the channel.
        NoChannelIdentityForContact = "NO_CHANNEL_IDENTITY_FOR_CONTACT",
        /// Rejected by the channel.
        ChannelReject = "CHANNEL_REJECT",
        /// No permission.
        NoPermission = "NO_PERMISSION",
        /// No profile available.
        NoProfileAvailable = "NO_PROFILE_AVAILABLE",
        /// Unsupported operation.
        UnsupportedOperation = "UNSUPPORTED_OPERATION",
    }
}

open_enum! {
    /// Finer reason detail.
    pub enum ReasonSubCode {
        /// Not given.
        UnspecifiedSubCode = "UNSPECIFIED_SUB_CODE",
        /// The attachment was rejected.
        AttachmentRejected = "ATTACHMENT_REJECTED",
        /// The media type could not be determined.
        MediaTypeUndetermined = "MEDIA_TYPE_UNDETERMINED",
        /// The sender is inactive.
        InactiveSender = "INACTIVE_SENDER",
    }
}

/// Why something failed or happened.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reason {
    /// The reason code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ReasonCode>,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Finer detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<ReasonSubCode>,
    /// The channel's raw error code (WhatsApp only for now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_code: Option<String>,
}
