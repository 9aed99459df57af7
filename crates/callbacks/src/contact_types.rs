//! Contact types of callbacks, reused from the model crate (not redefined here).

pub use sinch_contacts_model::{ChannelIdentity, Contact, ConversationChannel};
