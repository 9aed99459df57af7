//! Single-pass readers for the plain event structs: those whose serde `Deserialize` is
//! derived, with unknown members ignored and (but for the fields listed as required) every
//! field `#[serde(default)]`. [`fast_struct!`] restates that derive: each listed member is read with its field's
//! [`FastRead`], a member named twice (or a field given under two of its names) gives up,
//! and unknown members are skipped, checked for duplicates like every other object.

use crate::events::{
    CapabilityNotification, ChannelEvent, ChannelEventNotification, ChannelSpecificContactMessage,
    ChoiceResponseMessage, ContactNotification, Conversation, Coordinates, DuplicatedIdentity,
    DuplicationNotification, ErrorDetails, EventDeliveryReport, FallbackMessage, InboundEvent,
    InboundMessage, LocationMessage, MediaCardMessage, MediaMessage, MessageDeliveryReport,
    MessageSubmitNotification, OptInNotification, OptOutNotification, ProductItem,
    ProductResponseMessage, RecordNotification, ReplyTo, SmartConversationNotification,
    TextMessage, UnsupportedCallback,
};
use crate::fast::cursor::{Cursor, Fast, GiveUp};
use crate::fast::members::Seen;
use crate::fast::read::{FastRead, in_place_defaults};

/// Implements [`FastRead`] for a struct whose `Deserialize` is derived with unknown members
/// ignored: `Type { field, field | "alias", ... }`, then optionally `required { field, ... }`
/// naming the fields declared without `#[serde(default)]` (absent, the derive refuses the
/// value, so the reader gives up). The member name is the field's name; aliases follow it.
/// Types with the same fields may share one call: `TypeA, TypeB { ... }`.
macro_rules! fast_struct {
    // Several types with the same fields.
    ($first:ty, $($rest:ty),+ { $($fields:tt)* }) => {
        fast_struct!($first { $($fields)* });
        fast_struct!($($rest),+ { $($fields)* });
    };
    ($type:ty { $($field:ident $(| $alias:literal)*),* $(,)? } $(required { $($required:ident),* })?) => {
        impl<'a> FastRead<'a> for $type {
            in_place_defaults!('a, $type);

            /// `value` holds the default value.
            fn read_in_place(value: &mut Self, cursor: &mut Cursor<'a>) -> Fast<()> {
                #[allow(non_camel_case_types)]
                #[repr(u32)]
                enum Field { $($field),* }
                let mut seen = Seen::default();
                let others = cursor.names();
                if cursor.open_object()? {
                    loop {
                        let name = cursor.member_name()?;
                        match name {
                            $(
                                stringify!($field) $(| $alias)* => {
                                    seen.first(Field::$field as u32)?;
                                    FastRead::read_in_place(&mut value.$field, cursor)?;
                                }
                            )*
                            _ => {
                                cursor.add_name(others, name)?;
                                cursor.skip_value()?;
                            }
                        }
                        if !cursor.next_member()? {
                            break;
                        }
                    }
                    cursor.end_names(others);
 cursor.close_object();
                }
                if !seen.all(&[$($(Field::$required as u32),*)?]) {
                    return Err(GiveUp);
                }
                Ok(())
            }
        }
    };
}

// Contact triggers.
fast_struct!(ContactNotification { contact } required { contact });
fast_struct!(DuplicationNotification {
    duplicated_identities | "duplicated_channel_identities"
});
fast_struct!(DuplicatedIdentity {
    channel,
    identity,
    app_id,
    contact_ids
});
fast_struct!(ErrorDetails { description });
fast_struct!(
    OptInNotification,
    OptOutNotification {
        request_id,
        contact_id,
        channel,
        identity,
        status,
        error_details,
        processing_mode
    }
);
fast_struct!(CapabilityNotification {
    request_id,
    contact_id,
    channel,
    identity,
    capability_status,
    channel_capabilities,
    reason
});

// Message and event triggers.
fast_struct!(InboundMessage {
    id,
    direction,
    contact_message,
    channel_identity,
    conversation_id,
    contact_id,
    metadata,
    accept_time,
    sender_id,
    processing_mode,
    injected
});
fast_struct!(MessageDeliveryReport {
    message_id,
    conversation_id,
    status,
    channel_identity,
    contact_id,
    reason,
    metadata,
    processing_mode
});
fast_struct!(MessageSubmitNotification {
    message_id,
    conversation_id,
    channel_identity,
    contact_id,
    submitted_message,
    metadata,
    processing_mode
});
fast_struct!(InboundEvent {
    id,
    direction,
    contact_event,
    contact_message_event,
    channel_identity,
    contact_id,
    conversation_id,
    accept_time,
    processing_mode
});
fast_struct!(EventDeliveryReport {
    event_id,
    status,
    channel_identity,
    contact_id,
    reason,
    metadata,
    processing_mode
});

// Contact message contents.
fast_struct!(ReplyTo { message_id });
fast_struct!(TextMessage { text });
fast_struct!(MediaMessage {
    url,
    thumbnail_url,
    filename_override
});
fast_struct!(LocationMessage {
    coordinates,
    title,
    label
});
fast_struct!(Coordinates {
    latitude,
    longitude
});
fast_struct!(ChoiceResponseMessage {
    message_id,
    postback_data
});
fast_struct!(MediaCardMessage { url, caption });
fast_struct!(FallbackMessage {
    raw_message,
    reason
});
fast_struct!(ProductResponseMessage {
    products,
    title,
    catalog_id
});
fast_struct!(ProductItem {
    id,
    marketplace,
    quantity,
    item_price,
    currency
});
fast_struct!(ChannelSpecificContactMessage {
    message_type,
    message
});

// Conversation and channel triggers.
fast_struct!(Conversation {
    id,
    app_id,
    contact_id,
    active,
    active_channel,
    last_received,
    metadata,
    metadata_json,
    correlation_id
});
fast_struct!(ChannelEventNotification { channel_event });
fast_struct!(ChannelEvent {
    channel,
    event_type,
    additional_data
});
fast_struct!(UnsupportedCallback {
    channel,
    payload,
    processing_mode,
    id,
    contact_id,
    conversation_id,
    channel_identity
});
fast_struct!(SmartConversationNotification {
    contact_id,
    channel_identity,
    channel,
    message_id,
    conversation_id,
    analysis_results
});
fast_struct!(RecordNotification {
    entity_id,
    record_status,
    channel_identity,
    contact_id,
    conversation_id,
    reason,
    processing_mode
});

// The model's `Reason` (derived the same way).
fast_struct!(sinch_contacts_model::Reason {
    code,
    description,
    sub_code,
    channel_code
});
