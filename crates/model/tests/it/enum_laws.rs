//! Laws of the open enums: known values round-trip, any other string is kept as received.

use proptest::prelude::*;
use sinch_contacts_model::{
    CapabilityStatus, ContactLanguage, ConversationChannel, ConversationDirection,
    ConversationMergeStrategy, DeliveryStatus, GetChannelProfileConversationChannel, OptInStatus,
    OptOutStatus, ProcessingMode, ReasonCode, ReasonSubCode, RecordStatus, WebhookTrigger,
};

/// Strings that are known values, near misses of known values, or anything.
fn candidate(values: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(values).prop_map(str::to_owned),
        prop::sample::select(values).prop_map(str::to_lowercase),
        prop::sample::select(values).prop_map(|value| format!("{value} ")),
        any::<String>(),
    ]
}

macro_rules! open_enum_laws {
    ($module:ident, $enum:ty) => {
        mod $module {
            use super::*;

            #[test]
            fn every_known_value_round_trips_through_json() {
                for value in <$enum>::VALUES {
                    let parsed = <$enum>::from(*value);
                    assert!(!parsed.is_unrecognized(), "{value}");
                    assert_eq!(parsed.as_str(), *value);
                    assert_eq!(serde_json::to_value(&parsed).unwrap(), serde_json::json!(value));
                    let read: $enum = serde_json::from_value(serde_json::json!(value)).unwrap();
                    assert!(!read.is_unrecognized(), "{value}");
                    assert_eq!(read.as_str(), *value);
                    assert_eq!(read, parsed);
                }
            }

            proptest! {
                #[test]
                fn any_string_is_kept_and_unrecognized_iff_unknown(text in candidate(<$enum>::VALUES)) {
                    let parsed = <$enum>::from(text.as_str());
                    prop_assert_eq!(parsed.as_str(), text.as_str());
                    prop_assert_eq!(parsed.is_unrecognized(), !<$enum>::VALUES.contains(&text.as_str()));
                    prop_assert_eq!(&<$enum>::from(text.clone()), &parsed);
                    let read: $enum = serde_json::from_value(serde_json::Value::String(text.clone())).unwrap();
                    prop_assert_eq!(&read, &parsed);
                    prop_assert_eq!(serde_json::to_value(&read).unwrap(), serde_json::Value::String(text));
                }
            }
        }
    };
}

open_enum_laws!(conversation_channel, ConversationChannel);
open_enum_laws!(contact_language, ContactLanguage);
open_enum_laws!(conversation_merge_strategy, ConversationMergeStrategy);
open_enum_laws!(
    get_channel_profile_conversation_channel,
    GetChannelProfileConversationChannel
);
open_enum_laws!(processing_mode, ProcessingMode);
open_enum_laws!(conversation_direction, ConversationDirection);
open_enum_laws!(delivery_status, DeliveryStatus);
open_enum_laws!(reason_code, ReasonCode);
open_enum_laws!(reason_sub_code, ReasonSubCode);
open_enum_laws!(capability_status, CapabilityStatus);
open_enum_laws!(opt_in_status, OptInStatus);
open_enum_laws!(opt_out_status, OptOutStatus);
open_enum_laws!(record_status, RecordStatus);
open_enum_laws!(webhook_trigger, WebhookTrigger);

#[test]
fn reason_code_unknown_is_a_value_of_the_api_not_the_catch_all() {
    let unknown = ReasonCode::from("UNKNOWN");
    assert_eq!(unknown, ReasonCode::Unknown);
    assert!(!unknown.is_unrecognized());
    let newer = ReasonCode::from("SOMETHING_NEW");
    assert!(newer.is_unrecognized());
    assert_eq!(newer.as_str(), "SOMETHING_NEW");
}

#[test]
fn a_non_string_enum_value_is_a_type_error() {
    let error = serde_json::from_str::<ConversationChannel>("5").unwrap_err();
    assert!(error.to_string().contains("expected a string"), "{error}");
}
