//! Which notification key carries which trigger, both ways.

use crate::WebhookTrigger;

impl WebhookTrigger {
    /// The notification key a callback of this trigger carries in the official contract, or
    /// `None` for [`WebhookTrigger::UnspecifiedTrigger`] and values this crate does not know.
    ///
    /// ```
    /// use sinch_contacts_model::WebhookTrigger;
    /// assert_eq!(WebhookTrigger::ContactMerge.notification_key(), Some("contact_merge_notification"));
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
            _ => return None,
        })
    }
}

impl WebhookTrigger {
    /// The trigger of a callback whose body holds the notification key `key`: the official keys,
    /// and `duplicated_identities_notification`, the duplication key of the hand-written
    /// documentation (real deliveries use `duplicated_contact_identities_notification`).
    ///
    /// ```
    /// use sinch_contacts_model::WebhookTrigger;
    /// assert_eq!(WebhookTrigger::from_notification_key("message"), Some(WebhookTrigger::MessageInbound));
    /// assert_eq!(WebhookTrigger::from_notification_key("app_id"), None);
    /// ```
    pub fn from_notification_key(key: &str) -> Option<Self> {
        Some(match key {
            "message" => Self::MessageInbound,
            "message_delivery_report" => Self::MessageDelivery,
            "message_submit_notification" => Self::MessageSubmit,
            "event" => Self::EventInbound,
            "event_delivery_report" => Self::EventDelivery,
            "conversation_start_notification" => Self::ConversationStart,
            "conversation_stop_notification" => Self::ConversationStop,
            "conversation_delete_notification" => Self::ConversationDelete,
            "contact_create_notification" => Self::ContactCreate,
            "contact_update_notification" => Self::ContactUpdate,
            "contact_delete_notification" => Self::ContactDelete,
            "contact_merge_notification" => Self::ContactMerge,
            "duplicated_contact_identities_notification" | "duplicated_identities_notification" => {
                Self::ContactIdentitiesDuplication
            }
            "unsupported_callback" => Self::Unsupported,
            "opt_in_notification" => Self::OptIn,
            "opt_out_notification" => Self::OptOut,
            "capability_notification" => Self::Capability,
            "channel_event_notification" => Self::ChannelEvent,
            "smart_conversation_notification" => Self::SmartConversation,
            "message_redaction" => Self::MessageInboundSmartConversationRedaction,
            "record_notification" => Self::RecordNotification,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_real_trigger_has_a_key_that_maps_back_to_it() {
        for value in WebhookTrigger::VALUES {
            let trigger = WebhookTrigger::from(*value);
            match trigger.notification_key() {
                Some(key) => assert_eq!(WebhookTrigger::from_notification_key(key), Some(trigger)),
                None => assert_eq!(trigger, WebhookTrigger::UnspecifiedTrigger),
            }
        }
        assert_eq!(
            WebhookTrigger::from_notification_key("duplicated_identities_notification"),
            Some(WebhookTrigger::ContactIdentitiesDuplication)
        );
    }
}
