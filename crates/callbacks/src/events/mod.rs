//! Typed callback events: the envelope ([`Callback`]), one [`Event`] per trigger and the types
//! they hold.

pub(crate) mod callback;
pub(crate) mod common;
pub(crate) mod contact;
pub(crate) mod contact_message;
pub(crate) mod conversation;
pub(crate) mod message;

pub use callback::{Callback, Event, UnknownEvent};
pub use common::{
    ConversationDirection, DeliveryStatus, ProcessingMode, Reason, ReasonCode, ReasonSubCode,
    Trigger,
};
pub use contact::{
    CapabilityNotification, CapabilityStatus, ContactDeleteNotification, ContactMergeNotification,
    ContactNotification, DuplicatedIdentity, DuplicationNotification, ErrorDetails,
    OptInNotification, OptInStatus, OptNotification, OptOutNotification, OptOutStatus,
};
pub use contact_message::{
    ChannelSpecificContactMessage, ChoiceResponseMessage, ContactMessage, ContactMessageContent,
    Coordinates, FallbackMessage, LocationMessage, MediaCardMessage, MediaMessage, ProductItem,
    ProductResponseMessage, ReplyTo, TextMessage,
};
pub use conversation::{
    ChannelEvent, ChannelEventNotification, Conversation, ConversationNotification,
    RecordNotification, RecordStatus, SmartConversationNotification, UnsupportedCallback,
};
pub use message::{
    EventDeliveryReport, InboundEvent, InboundMessage, MessageDeliveryReport,
    MessageSubmitNotification,
};
