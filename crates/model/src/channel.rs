//! Facts about channels that the wire types do not carry.

use crate::ConversationChannel;

impl ConversationChannel {
    /// Whether identities on this channel are scoped to one Conversation API app, so that a
    /// channel identity must carry its `app_id`: MESSENGER, INSTAGRAM, LINE and WECHAT.
    ///
    /// (The older OpenAPI description named MESSENGER and VIBER; the newer reference and the
    /// newest generated contract name these four, which this crate follows.)
    ///
    /// ```
    /// use sinch_contacts_model::ConversationChannel;
    /// assert!(ConversationChannel::Messenger.is_app_scoped());
    /// assert!(!ConversationChannel::Sms.is_app_scoped());
    /// ```
    pub fn is_app_scoped(&self) -> bool {
        matches!(
            self,
            Self::Messenger | Self::Instagram | Self::Line | Self::Wechat
        )
    }

    /// Whether the channel is SIM-based (SMS, MMS, RCS): identities shared across these
    /// channels by different contacts are identity conflicts.
    pub fn is_sim_based(&self) -> bool {
        matches!(self, Self::Sms | Self::Mms | Self::Rcs)
    }
}
