//! Single-pass reader for a whole [`Callback`]: the envelope, the typed event of the first
//! known notification key, and every other top-level member kept verbatim, with the same
//! rules as the `Deserialize` of [`Callback`].

use crate::events::callback::unknown_event;
use crate::events::{Callback, Event, Trigger, UnknownEvent};
use crate::fast::cursor::{Cursor, Fast, GiveUp};
use crate::fast::members::Seen;
use crate::fast::read::FastRead;
use crate::raw_json::RawJson;

impl<'a> FastRead<'a> for Callback {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        let mut callback = empty_callback();
        Self::read_in_place(&mut callback, cursor)?;
        Ok(callback)
    }

    /// `callback` holds [`empty_callback`].
    fn read_in_place(callback: &mut Self, cursor: &mut Cursor<'a>) -> Fast<()> {
        let mut seen = Seen::default();
        let mut has_event = false;
        let others = cursor.names();
        if cursor.open_object()? {
            loop {
                let name = cursor.member_name()?;
                match name {
                    "app_id" => {
                        seen.first(APP_ID)?;
                        callback.app_id = FastRead::read(cursor)?;
                    }
                    "project_id" => {
                        seen.first(PROJECT_ID)?;
                        callback.project_id = FastRead::read(cursor)?;
                    }
                    "accepted_time" => {
                        seen.first(ACCEPTED_TIME)?;
                        callback.accepted_time = FastRead::read(cursor)?;
                    }
                    "event_time" => {
                        seen.first(EVENT_TIME)?;
                        callback.event_time = FastRead::read(cursor)?;
                    }
                    "message_metadata" => {
                        seen.first(MESSAGE_METADATA)?;
                        callback.message_metadata = FastRead::read(cursor)?;
                    }
                    "correlation_id" => {
                        seen.first(CORRELATION_ID)?;
                        callback.correlation_id = FastRead::read(cursor)?;
                    }
                    _ => {
                        cursor.add_name(others, name)?;
                        match Trigger::from_notification_key(name) {
                            Some(trigger) if !has_event => {
                                has_event = true;
                                typed_event(&trigger, &mut callback.event, cursor)?;
                            }
                            _ => callback
                                .unrecognized_fields
                                .push((name.to_owned(), RawJson::read(cursor)?)),
                        }
                    }
                }
                if !cursor.next_member()? {
                    break;
                }
            }
            cursor.end_names(others);
            cursor.close_object();
        }
        if !has_event {
            callback.event = unknown_event(&mut callback.unrecognized_fields);
        }
        Ok(())
    }
}

/// A callback with empty envelope fields and an empty [`Event::Unknown`]: where the reader
/// starts.
pub(crate) fn empty_callback() -> Callback {
    Callback {
        app_id: String::new(),
        project_id: String::new(),
        accepted_time: None,
        event_time: None,
        message_metadata: None,
        correlation_id: None,
        event: Event::Unknown(UnknownEvent::default()),
        unrecognized_fields: Vec::new(),
    }
}

const APP_ID: u32 = 0;
const PROJECT_ID: u32 = 1;
const ACCEPTED_TIME: u32 = 2;
const EVENT_TIME: u32 = 3;
const MESSAGE_METADATA: u32 = 4;
const CORRELATION_ID: u32 = 5;

/// Reads the notification of a known trigger into `slot` as its typed event, in place.
fn typed_event(trigger: &Trigger, slot: &mut Event, cursor: &mut Cursor<'_>) -> Fast<()> {
    /// Puts the default value of `variant` in `slot`, then reads into it.
    macro_rules! read_variant {
        ($variant:ident) => {{
            *slot = Event::$variant(Default::default());
            match slot {
                Event::$variant(inner) => FastRead::read_in_place(inner, cursor),
                _ => Err(GiveUp),
            }
        }};
    }
    match trigger {
        Trigger::MessageInbound => read_variant!(MessageInbound),
        Trigger::MessageDelivery => read_variant!(MessageDelivery),
        Trigger::MessageSubmit => read_variant!(MessageSubmit),
        Trigger::EventInbound => read_variant!(EventInbound),
        Trigger::EventDelivery => read_variant!(EventDelivery),
        Trigger::ConversationStart => read_variant!(ConversationStart),
        Trigger::ConversationStop => read_variant!(ConversationStop),
        Trigger::ConversationDelete => read_variant!(ConversationDelete),
        Trigger::ContactCreate => read_variant!(ContactCreate),
        Trigger::ContactUpdate => read_variant!(ContactUpdate),
        Trigger::ContactDelete => read_variant!(ContactDelete),
        Trigger::ContactMerge => read_variant!(ContactMerge),
        Trigger::ContactIdentitiesDuplication => read_variant!(ContactIdentitiesDuplication),
        Trigger::Unsupported => read_variant!(Unsupported),
        Trigger::OptIn => read_variant!(OptIn),
        Trigger::OptOut => read_variant!(OptOut),
        Trigger::Capability => read_variant!(Capability),
        Trigger::ChannelEvent => read_variant!(ChannelEvent),
        Trigger::SmartConversation => read_variant!(SmartConversation),
        Trigger::MessageInboundSmartConversationRedaction => {
            read_variant!(MessageInboundSmartConversationRedaction)
        }
        Trigger::RecordNotification => read_variant!(RecordNotification),
        // `from_notification_key` gives only the triggers above; anything else is left to
        // the reference path.
        _ => Err(GiveUp),
    }
}
