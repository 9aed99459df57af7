//! Fuzzes `parse_unverified`: it must never panic; a parsed callback must serialize to JSON
//! that parses back to an equal callback; an error keeps the exact input bytes and its text
//! stays bounded however large the input (values quoted as short excerpts).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sinch_contacts_callbacks::parse_unverified;

fuzz_target!(|data: &[u8]| {
    match parse_unverified(data) {
        Ok(callback) => {
            let written = serde_json::to_vec(&callback).expect("a callback serializes");
            let reparsed = parse_unverified(&written).expect("serialized callback parses");
            assert_eq!(
                reparsed, callback,
                "serialize then parse changed the callback"
            );
        }
        Err(error) => {
            assert_eq!(error.body(), data, "the error keeps the body");
            let text = error.to_string();
            assert!(
                text.chars().count() <= 900,
                "error text of {} chars",
                text.chars().count()
            );
            assert!(error.brief().chars().count() <= 400);
            assert!(format!("{error:?}").chars().count() <= 1300);
        }
    }
});
