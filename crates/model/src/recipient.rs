//! Shorthands for naming a recipient (by contact id or by channel identity), used by
//! getChannelProfile and the capability query.

use crate::{
    ChannelRecipientIdentity, ConversationChannel, GetChannelProfileConversationChannel,
    GetChannelProfileRequest, IdentifiedBy, QueryCapabilityRequest, Recipient, RecipientContactId,
    RecipientIdentifiedBy,
};

impl Recipient {
    /// The contact with this id.
    pub fn contact(contact_id: impl Into<String>) -> Self {
        Self::ContactId(RecipientContactId::new(contact_id))
    }

    /// Whoever has these channel identities.
    pub fn channel_identities(
        identities: impl IntoIterator<Item = ChannelRecipientIdentity>,
    ) -> Self {
        Self::IdentifiedBy(RecipientIdentifiedBy::new(IdentifiedBy::new(
            identities.into_iter().collect::<Vec<_>>(),
        )))
    }

    /// Whoever has this identity on this channel.
    pub fn channel_identity(channel: ConversationChannel, identity: impl Into<String>) -> Self {
        Self::channel_identities([ChannelRecipientIdentity::new(channel, identity)])
    }
}

impl GetChannelProfileRequest {
    /// The profile on `channel` of the contact with this id.
    ///
    /// ```
    /// use sinch_contacts_model::{GetChannelProfileConversationChannel, GetChannelProfileRequest};
    ///
    /// let request = GetChannelProfileRequest::for_contact("app", GetChannelProfileConversationChannel::Messenger, "01H");
    /// assert_eq!(
    ///     serde_json::to_value(&request).unwrap(),
    ///     serde_json::json!({"app_id": "app", "recipient": {"contact_id": "01H"}, "channel": "MESSENGER"})
    /// );
    /// ```
    pub fn for_contact(
        app_id: impl Into<String>,
        channel: GetChannelProfileConversationChannel,
        contact_id: impl Into<String>,
    ) -> Self {
        Self::new(app_id, Recipient::contact(contact_id), channel)
    }

    /// The profile of whoever has `identity` on `channel`.
    ///
    /// ```
    /// use sinch_contacts_model::{GetChannelProfileConversationChannel, GetChannelProfileRequest};
    ///
    /// let request = GetChannelProfileRequest::for_channel_identity("app", GetChannelProfileConversationChannel::Line, "U123");
    /// assert_eq!(
    ///     serde_json::to_value(&request).unwrap()["recipient"],
    ///     serde_json::json!({"identified_by": {"channel_identities": [{"channel": "LINE", "identity": "U123"}]}})
    /// );
    /// ```
    pub fn for_channel_identity(
        app_id: impl Into<String>,
        channel: GetChannelProfileConversationChannel,
        identity: impl Into<String>,
    ) -> Self {
        let recipient =
            Recipient::channel_identity(ConversationChannel::from(channel.as_str()), identity);
        Self::new(app_id, recipient, channel)
    }
}

impl QueryCapabilityRequest {
    /// A capability query for the contact with this id.
    pub fn for_contact(app_id: impl Into<String>, contact_id: impl Into<String>) -> Self {
        Self::new(app_id, Recipient::contact(contact_id))
    }
}
