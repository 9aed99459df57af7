//! Small types shared by several triggers: the [`Trigger`] enum, plus the open enums and the
//! delivery `Reason` reused from the model crate.

pub use sinch_contacts_model::{
    ConversationDirection, DeliveryStatus, ProcessingMode, Reason, ReasonCode, ReasonSubCode,
};

/// The trigger a callback was sent for: the model crate's [`WebhookTrigger`].
///
/// Callbacks carry no trigger field: the trigger follows from which notification key the body
/// holds (see [`WebhookTrigger::notification_key`]). A callback with no known key has the
/// trigger `Unrecognized`, holding that key.
///
/// [`WebhookTrigger`]: sinch_contacts_model::WebhookTrigger
/// [`WebhookTrigger::notification_key`]: sinch_contacts_model::WebhookTrigger::notification_key
pub use sinch_contacts_model::WebhookTrigger as Trigger;
