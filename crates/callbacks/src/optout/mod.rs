//! Opt-out handling: classify inbound texts ([`KeywordClassifier`]) and keep a
//! [`SuppressionList`] answering "may I message this identity on this channel?".
//!
//! SMS, MMS, RCS and WhatsApp signal opt-out only through the text a contact sends
//! (MESSAGE_INBOUND); other channels (e.g. Viber Business Messages) send OPT_IN / OPT_OUT
//! callbacks. The suppression list takes both.

mod keywords;
mod suppression;

pub use keywords::{DEFAULT_HELP, DEFAULT_OPT_IN, DEFAULT_OPT_OUT, Keyword, KeywordClassifier};
pub use suppression::{
    Consent, ConsentRecord, ConsentSource, IdentityKey, IgnoredReason, SuppressionList,
    SuppressionOutcome,
};
